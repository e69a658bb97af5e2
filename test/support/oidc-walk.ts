/**
 * Signs in at the local OpenID Connect provider without a browser: follows its redirects,
 * submits its development login form (the login typed becomes the e-mail address) and its
 * consent form, and stops at the redirect back to the application, returning that path.
 */
export async function walkOidcProvider(authorizationUrl: string, login: string, appOrigin: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...rest] = (pair as string).split('=');
      cookies.set(name as string, rest.join('='));
    }
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.origin === appOrigin) return next.pathname + next.search;
      url = next.href;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`OIDC provider page without form (status ${res.status})`);
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    method = 'POST';
    body = new URLSearchParams(
      prompt === 'login' ? { prompt, login, password: 'nimporte' } : { prompt: prompt ?? 'consent' },
    ).toString();
  }
  throw new Error('OIDC provider: too many steps');
}
