/**
 * A minimal browser for inject-based tests: keeps cookies, reads the CSRF token of the last
 * page, submits forms the way a browser would (urlencoded, repeated keys for multiple values).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

export class Agent {
  private readonly cookies = new Map<string, string>();
  csrf = '';
  last: LightMyRequestResponse | undefined;

  constructor(private app: FastifyInstance) {}

  /** Goes on with the same cookies on another instance of the application (several instances). */
  switchTo(app: FastifyInstance): this {
    this.app = app;
    return this;
  }

  private cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const gone = c.maxAge === 0 || (c.expires && c.expires.getTime() <= Date.now()) || c.value === '';
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (token?.[1]) this.csrf = token[1];
    this.last = res;
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const headers = { ...(options.headers ?? {}) } as Record<string, string>;
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    const res = await this.app.inject({ ...options, headers });
    this.remember(res);
    return res;
  }

  get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'GET', url, headers });
  }

  /** Posts a form with the current CSRF token (unless the fields set _csrf themselves). */
  post(url: string, fields: Record<string, string | string[]> = {}): Promise<LightMyRequestResponse> {
    const params = new URLSearchParams();
    const all = { _csrf: this.csrf, ...fields };
    for (const [k, v] of Object.entries(all)) {
      for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    }
    return this.request({
      method: 'POST',
      url,
      payload: params.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Follows a redirect answer with a GET, as a browser does after a form. */
  async follow(res = this.last): Promise<LightMyRequestResponse> {
    const location = res?.headers.location;
    if (!location) throw new Error(`No redirect (status ${res?.statusCode})`);
    return this.get(String(location));
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  /** Sets a cookie as if the server had (a session opened directly by a test). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/** Text of an HTML page without tags, collapsed spaces — for assertions on what people read. */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}
