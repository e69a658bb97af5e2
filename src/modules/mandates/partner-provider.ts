/**
 * Passerelle as an OpenID Connect provider for partner services (issue 16, ADR 0032). The
 * issuer is PUBLIC_URL: discovery at `/.well-known/openid-configuration`, the endpoints under
 * `/oidc/`. oidc-provider (OpenID Certified, what FranceConnect runs on) does the protocol; the
 * app brings its storage (platform/identity/oidc-adapter.ts), its persisted signing keys
 * (provider name `partenaires`, rotated with `passerelle signing-keys`), its clients (the partner
 * services registered by administrators, partners.ts) and its accounts: the « account » a
 * partner signs in is a delegation — a person, through a mandate of the helper's structure, for
 * one family of procedures — chosen by the helper in the interaction (routes-partner.tsx).
 *
 * Every authorisation asks the helper again (no silent sign-in from a provider session), and the
 * delegation is re-checked each time a token is issued and each time userinfo answers: mandate
 * still valid for the family, partner still enabled and serving it, helper and structure still
 * habilitated (a suspension stops every use at once). The mandate use is recorded when the first
 * token of a delegation is issued.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { Adapter, AdapterPayload, KoaContextWithOIDC } from 'oidc-provider';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { consumeOnce, databaseAdapter } from '../../platform/identity/oidc-adapter.ts';
import { FRANCECONNECT_CLAIMS } from '../../platform/identity/registry.ts';
import { jwksOf } from '../../platform/identity/signing-keys.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { familyFcLabel, familyTitle } from './families.ts';
import { helperStanding } from './helper-standing.ts';
import { activeFamilies, signedReference } from './mandate-rules.ts';
import { findMandate, findUsager, recordUse } from './mandates-repository.ts';
import { clientMetadataOf, findPartnerByClientId } from './partners.ts';

/** The name of its signing keys in `oidc_signing_keys` (`passerelle signing-keys --provider partenaires`). */
export const PARTNER_PROVIDER_KEYS = 'partenaires';
/** Where the helper picks the person and the family (routes-partner.tsx). */
export const PARTNER_INTERACTION_PATH = '/mandats/partenaire';
export const PARTNER_ROUTES = {
  authorization: '/oidc/autorisation',
  token: '/oidc/jeton',
  userinfo: '/oidc/userinfo',
  jwks: '/oidc/jwks',
  pushed_authorization_request: '/oidc/par',
  end_session: '/oidc/deconnexion',
  revocation: '/oidc/revocation',
} as const;
/**
 * A new authorization request never continues a former provider session: the helper may act for
 * another person (another subject) right after, and oidc-provider would otherwise end the former
 * session first through an auto-submitted form (blocked by the strict CSP). The mount calls this
 * on every request (mountOidcProvider's `beforeProvider`); RP-initiated logout finds the
 * browser's earlier sign-ins in SIGN_INS_COOKIE.
 */
export function forgetFormerSession(raw: IncomingMessage): void {
  const path = (raw.url ?? '').split('?')[0];
  // The request and its resumption after the interaction (`/oidc/autorisation/{uid}`).
  const authorization = path === PARTNER_ROUTES.authorization || path?.startsWith(`${PARTNER_ROUTES.authorization}/`);
  if (!authorization || !raw.headers.cookie) return;
  raw.headers.cookie = raw.headers.cookie
    .split(';')
    .filter((c) => !c.trim().startsWith(`${SESSION_COOKIE}=`) && !c.trim().startsWith(`${SESSION_COOKIE}.sig=`))
    .join(';');
}

/**
 * The partner sign-ins made in this browser (their grants), newest last, in a cookie signed with
 * SECRET_KEY that only the logout endpoint receives. Each sign-in has its own provider session
 * (forgetFormerSession), so the provider's session cookie knows the latest only: RP-initiated
 * logout reads this list to end every sign-in of the browser (« Oui »), or that partner's (« Non »).
 */
export const SIGN_INS_COOKIE = 'pa_partenaires_connexions';
const SIGN_INS_PATH = PARTNER_ROUTES.end_session;
const SIGN_INS_KEPT = 20;

function signInsMac(secretKey: string, list: string): string {
  return createHmac('sha256', secretKey).update(`passerelle/partenaires/connexions\u0000${list}`).digest('base64url');
}

/** The grants listed in the cookie's value, [] when absent or not signed by us. */
export function signInsOf(secretKey: string, value: string | undefined): string[] {
  const dot = value?.lastIndexOf('.') ?? -1;
  if (!value || dot <= 0) return [];
  const list = value.slice(0, dot);
  const mac = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signInsMac(secretKey, list));
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return [];
  return list.split('~').filter((id) => /^[\w-]{1,64}$/.test(id));
}

/** The Set-Cookie header keeping `grantIds` (the most recent ones), or clearing the cookie when empty. */
export function signInsCookie(secretKey: string, grantIds: readonly string[], secure: boolean): string {
  const kept = grantIds.slice(-SIGN_INS_KEPT);
  const flags = `Path=${SIGN_INS_PATH}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  if (kept.length === 0) return `${SIGN_INS_COOKIE}=; Max-Age=0; ${flags}`;
  const list = kept.join('~');
  return `${SIGN_INS_COOKIE}=${list}.${signInsMac(secretKey, list)}; Max-Age=${GRANT_TTL_SECONDS}; ${flags}`;
}

/** The paths the app mounts for the provider (mountOidcProvider, prefix ''). */
export const PARTNER_MOUNT_PATHS = ['/.well-known/openid-configuration', '/oidc/*'] as const;

/**
 * The provider's pages and the interaction lead a form on to a partner service's address (the
 * redirect after the choice, the logout confirmation): form-action must allow it (ADR 0023).
 * The address itself is checked by oidc-provider against the partner's registered ones.
 */
export const PARTNER_FORM_CSP = { formAction: ["'self'", 'https:'] };

/** Claims describing the delegation (scope `mandat`), in the ID token and from userinfo. */
export const DELEGATION_CLAIMS = ['mandat', 'intervenant', 'structure', 'demarche'] as const;
export const PARTNER_SCOPES = ['openid', ...FRANCECONNECT_CLAIMS, 'mandat'] as const;
export const GRANT_TTL_SECONDS = 3600;
const SESSION_COOKIE = 'pa_oidc_session';

export interface PartnerProviderOptions {
  db: Database;
  clock: Clock;
  secretKey: string;
  publicUrl: string;
  /** The helper as an actor (the accounts module, wired in app.ts), for the standing re-check. */
  loadActor: (userId: string) => Promise<Actor | undefined>;
  /**
   * Storage of every model but `Client` (always the partner table). Default: the PostgreSQL /
   * PGlite adapter. A benchmark passes oidc-provider's in-memory adapter to compare.
   */
  adapter?: new (
    model: string,
  ) => Adapter;
}

/**
 * The subject a partner receives for a person: stable for that partner, different for each
 * (pairwise). oidc-provider calls it (`pairwiseIdentifier`) with the account, the person's
 * internal id: the value is computed per client_id — finer than the sector identifier of OpenID
 * Connect Core §8.1 — and is the one partners have received since the provider opened.
 */
export function partnerSubject(secretKey: string, clientId: string, usagerId: string): string {
  const key = createHmac('sha256', secretKey).update('passerelle/partenaires/sub').digest();
  return createHmac('sha256', key).update(`${clientId}\u0000${usagerId}`).digest('base64url');
}

export interface Delegation {
  grantId: string;
  partnerId: string;
  clientId: string;
  partnerName: string;
  mandateId: string;
  family: string;
  helperUserId: string;
  organisationId: string;
  usedAt: Date | null;
}

export async function findDelegation(db: Queryable, grantId: string): Promise<Delegation | undefined> {
  const rows = await db.query<{
    grant_id: string;
    partner_id: string;
    client_id: string;
    name: string;
    mandate_id: string;
    family: string;
    helper_user_id: string;
    organisation_id: string;
    used_at: Date | null;
  }>(
    `SELECT g.grant_id, g.partner_id, p.client_id, p.name, g.mandate_id, g.family, g.helper_user_id, g.organisation_id, g.used_at
     FROM mandate_partner_grants g JOIN mandate_partners p ON p.id = g.partner_id
     WHERE g.grant_id = $1 AND p.disabled_at IS NULL`,
    [grantId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    grantId: r.grant_id,
    partnerId: r.partner_id,
    clientId: r.client_id,
    partnerName: r.name,
    mandateId: r.mandate_id,
    family: r.family,
    helperUserId: r.helper_user_id,
    organisationId: r.organisation_id,
    usedAt: r.used_at,
  };
}

/** Purge of delegations whose grant has expired at the provider (registered with the retention purges). */
export const partnerGrantsPurge = {
  description: 'délégations à un service partenaire expirées',
  purge: async (tx: Queryable, now: Date): Promise<number> =>
    (await tx.query('DELETE FROM mandate_partner_grants WHERE expires_at <= $1 RETURNING grant_id', [now])).length,
};

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} — Passerelle</title></head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

const FORM_POST_TITLE = '<title>Submitting Callback</title>';

/**
 * oidc-provider's auto-submitting page (response_mode `form_post`, and the end of a former
 * session), in French. Its inline script is left byte for byte: oidc-provider adds that script's
 * hash to the page's Content-Security-Policy (script-src), which is what lets it run under the
 * strict policy; without JavaScript the page shows a button that posts the same form.
 */
export function frenchFormPost(html: string): string {
  return html
    .replace('<html>', '<html lang="fr">')
    .replace(
      FORM_POST_TITLE,
      '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Retour vers le service — Passerelle</title>',
    )
    .replace('<body>', '<body><main><h1>Retour vers le service</h1>')
    .replace('</body>', '</main></body>')
    .replace(
      "Your browser does not support JavaScript or you've disabled it.<br/>",
      '<p>JavaScript est désactivé dans votre navigateur : continuez avec le bouton.</p>',
    )
    .replace('<button autofocus type="submit">Continue</button>', '<button autofocus type="submit">Continuer</button>');
}

/** The delegation behind a token, re-checked now; undefined when it may no longer be used. */
async function checkedDelegation(
  opts: PartnerProviderOptions,
  accountId: string,
  grantId: string | undefined,
  clientId: string | undefined,
) {
  if (!grantId) return undefined;
  const delegation = await findDelegation(opts.db, grantId);
  if (!delegation || (clientId && delegation.clientId !== clientId)) return undefined;
  const partner = await findPartnerByClientId(opts.db, delegation.clientId);
  if (!partner || partner.disabledAt || !partner.families.includes(delegation.family)) return undefined;
  const mandate = await findMandate(opts.db, delegation.mandateId);
  const now = opts.clock();
  if (!mandate || mandate.organisationId !== delegation.organisationId) return undefined;
  if (!activeFamilies(mandate, now).includes(delegation.family)) return undefined;
  // The account is the person's internal id; the partner only ever sees its pairwise subject.
  if (mandate.usagerId !== accountId) return undefined;
  const actor = await opts.loadActor(delegation.helperUserId);
  if (!actor) return undefined;
  // The second factor was checked when the helper chose (interaction); suspension, habilitation
  // dates and the flag are checked at every use.
  const standing = await helperStanding(opts.db, now, actor, undefined, delegation.organisationId, {
    ignoreSecondFactor: true,
  });
  if (!standing.ok || !standing.families.includes(delegation.family as never)) return undefined;
  const usager = await findUsager(opts.db, mandate.usagerId);
  if (!usager) return undefined;
  const structureName =
    actor.memberships.find((m) => m.organisationId === delegation.organisationId)?.organisationName ?? '';
  return { delegation, mandate, usager, actor, standing, structureName };
}

type Checked = NonNullable<Awaited<ReturnType<typeof checkedDelegation>>>;

/** The claims of a delegation; `sub` is the account, made pairwise by oidc-provider (`pairwiseIdentifier`). */
function claimsOf(
  opts: PartnerProviderOptions,
  accountId: string,
  c: Checked,
): { sub: string; [claim: string]: unknown } {
  const label = familyFcLabel(c.delegation.family);
  const publicRef = signedReference(opts.secretKey, c.mandate.reference);
  return {
    sub: accountId,
    given_name: c.usager.givenName,
    family_name: c.usager.familyName,
    birthdate: c.usager.birthdate,
    ...(c.usager.gender ? { gender: c.usager.gender } : {}),
    ...(c.usager.birthplace ? { birthplace: c.usager.birthplace } : {}),
    ...(c.usager.birthcountry ? { birthcountry: c.usager.birthcountry } : {}),
    ...(c.usager.email ? { email: c.usager.email } : {}),
    rep_scope: label ? [label] : [],
    mandat: {
      reference: publicRef,
      expire_le: c.mandate.expiresAt.toISOString(),
      verification: `${opts.publicUrl}/mandats/verifier/${publicRef}`,
    },
    intervenant: { id: c.actor.userId, nom: c.actor.displayName },
    structure: {
      id: c.delegation.organisationId,
      nom: c.structureName,
      habilitation: c.standing.ok ? c.standing.reference : '',
    },
    demarche: { famille: c.delegation.family, libelle: familyTitle(c.delegation.family), rep_scope: label ?? '' },
  };
}

/**
 * Records the mandate's use once per delegation, when its first token is issued (journal +
 * « Mes mandats »), in the caller's transaction — the one that stores the access token.
 */
async function recordFirstUse(opts: PartnerProviderOptions, tx: Queryable, c: Checked): Promise<void> {
  const now = opts.clock();
  const marked = await tx.query(
    'UPDATE mandate_partner_grants SET used_at = $2 WHERE grant_id = $1 AND used_at IS NULL RETURNING grant_id',
    [c.delegation.grantId, now],
  );
  if (marked.length === 0) return;
  await recordUse(tx, {
    mandateId: c.mandate.id,
    family: c.delegation.family,
    helperUserId: c.actor.userId,
    helperFirstName: firstNameOf(c.actor.displayName),
    partner: c.delegation.partnerName,
    at: now,
  });
  await appendJournal(tx, opts.clock, {
    action: 'mandats.mandat_utilise',
    actorUserId: c.actor.userId,
    organisationId: c.delegation.organisationId,
    targetType: 'mandat',
    targetId: c.mandate.id,
    details: { famille: c.delegation.family, service: c.delegation.clientId },
  });
}

export function firstNameOf(displayName: string): string {
  return displayName.trim().split(/\s+/)[0] ?? displayName;
}

export async function createPartnerProvider(opts: PartnerProviderOptions): Promise<Provider> {
  // Loaded here, not at start: see mandates/index.ts.
  const { default: Provider, interactionPolicy, errors } = await import('oidc-provider');
  const Storage = opts.adapter ?? databaseAdapter(opts.db, opts.clock);
  /**
   * The token request's writes, made in one transaction when the access token is stored: the
   * authorization code spent (only if no other request spent it meanwhile), the access token,
   * the mandate's first use and its journal entry. A failure or a crash before leaves none of
   * them (the partner may retry with its code); two requests racing with one code get one token.
   */
  interface PendingIssuance {
    codeId?: string;
    use?: Checked;
  }
  const pending = new WeakMap<object, PendingIssuance>();
  const pendingOf = (): PendingIssuance | undefined => {
    const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
    if (!ctx || ctx.oidc?.route !== 'token') return undefined;
    const p = pending.get(ctx) ?? {};
    pending.set(ctx, p);
    return p;
  };
  class TokenStorage extends Storage {
    constructor(private readonly modelName: string) {
      super(modelName);
    }
    override async consume(id: string): Promise<void> {
      const p = this.modelName === 'AuthorizationCode' ? pendingOf() : undefined;
      if (p) p.codeId = id;
      else await super.consume(id);
    }
    override async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const p = this.modelName === 'AccessToken' ? pendingOf() : undefined;
      if (!p) return super.upsert(id, payload, expiresIn);
      const spent = await opts.db.transaction(async (tx) => {
        if (p.codeId && !(await consumeOnce(tx, opts.clock, 'AuthorizationCode', p.codeId, payload.grantId ?? null)))
          return true;
        await new (databaseAdapter(tx, opts.clock))(this.modelName).upsert(id, payload, expiresIn);
        if (p.use) await recordFirstUse(opts, tx, p.use);
        return false;
      });
      if (spent) {
        // Another request spent the code first: its grant's tokens are revoked (RFC 6749 §4.1.2).
        if (payload.grantId) await super.revokeByGrantId(payload.grantId);
        throw new errors.InvalidGrant('authorization code already consumed');
      }
    }
  }
  class PartnerClients implements Adapter {
    async find(id: string) {
      return (await clientMetadataOf(opts.db, opts.secretKey, id)) as never;
    }
    async upsert() {
      throw new Error('partner services are registered by administrators');
    }
    async findByUid() {
      return undefined;
    }
    async findByUserCode() {
      return undefined;
    }
    async consume() {}
    async destroy() {}
    async revokeByGrantId() {}
  }
  // The in-memory adapter of a benchmark keeps oidc-provider's own writes (no transaction to share).
  const adapter = (model: string): Adapter =>
    model === 'Client' ? new PartnerClients() : opts.adapter ? new Storage(model) : new TokenStorage(model);

  // Every authorisation goes through the helper's choice: a provider session alone never signs in.
  const policy = interactionPolicy.base();
  policy
    .get('login')
    ?.checks.add(
      new interactionPolicy.Check(
        'delegation_choice',
        'the helper picks the person and the family at every sign-in',
        (ctx) =>
          ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );

  const provider = new Provider(opts.publicUrl, {
    adapter,
    jwks: await jwksOf(opts.db, opts.clock, opts.secretKey, PARTNER_PROVIDER_KEYS),
    routes: PARTNER_ROUTES,
    pkce: { required: () => true },
    scopes: [...PARTNER_SCOPES],
    claims: {
      openid: ['sub'],
      ...Object.fromEntries(FRANCECONNECT_CLAIMS.map((c) => [c, [c]])),
      mandat: [...DELEGATION_CLAIMS],
      // Only through the `claims` parameter (FranceConnect's way), in the ID token.
      rep_scope: null,
      acr: null,
      auth_time: null,
      sid: null,
    },
    // Claims of the scopes granted are in the ID token too (FranceConnect's partners read it there).
    conformIdTokenClaims: false,
    acrValues: ['eidas1'],
    responseTypes: ['code'],
    // Each partner receives its own subject for a person (partnerSubject); the account is the
    // person's internal id, never sent. Only pairwise: every client defaults to it.
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => partnerSubject(opts.secretKey, client.clientId, accountId),
    clientAuthMethods: ['private_key_jwt', 'client_secret_post'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Se déconnecter du service partenaire',
            `<p>Le service partenaire met fin à votre connexion « pour le compte de » sur ce service. Voulez-vous aussi terminer les autres connexions « pour le compte de » ouvertes dans ce navigateur, sur tous les services ?</p>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Oui, tout terminer</button> <button type="submit" form="op.logoutForm">Non, seulement ce service</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page(
            'Vous êtes déconnecté',
            '<p>La connexion au service partenaire est terminée.</p><p><a href="/mandats">Retour aux mandats</a></p>',
          );
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        'La connexion au service partenaire a échoué',
        `<p>La demande du service partenaire n'est pas valide ou a expiré. Revenez sur le service et recommencez.</p><p>Code : ${esc(String(out.error ?? ''))}</p>`,
      );
    },
    cookies: {
      names: { session: SESSION_COOKIE, interaction: 'pa_oidc_interaction', resume: 'pa_oidc_resume' },
      keys: [createHmac('sha256', opts.secretKey).update('passerelle/partenaires/cookies').digest('hex')],
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 900,
      Session: 3600,
      Grant: GRANT_TTL_SECONDS,
      PushedAuthorizationRequest: 60,
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `${PARTNER_INTERACTION_PATH}/${interaction.uid}`,
    },
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      // Only the grant the helper has just made in the interaction: never a former one.
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    findAccount: async (ctx, accountId, token) => {
      if (!token) {
        // The authorization endpoint, after the interaction: the delegation is checked at token time.
        return { accountId, claims: () => ({ sub: accountId }) };
      }
      const checked = await checkedDelegation(
        opts,
        accountId,
        (token as { grantId?: string }).grantId,
        (token as { clientId?: string }).clientId,
      );
      if (!checked) return undefined;
      if (ctx.oidc.route === 'token') {
        // Recorded with the access token (TokenStorage), or at once with a benchmark's adapter.
        const p = opts.adapter ? undefined : pendingOf();
        if (p) p.use = checked;
        else await opts.db.transaction((tx) => recordFirstUse(opts, tx, checked));
      }
      return { accountId, claims: () => claimsOf(opts, accountId, checked) };
    },
  });
  provider.proxy = opts.publicUrl.startsWith('https://');
  provider.use(async (ctx, next) => {
    await next();
    if (typeof ctx.body === 'string' && ctx.body.includes(FORM_POST_TITLE)) ctx.body = frenchFormPost(ctx.body);
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    if (oidcCtx.oidc?.route === 'end_session_confirm' && ctx.status === 303) await endSignIns(oidcCtx);
  });
  /**
   * RP-initiated logout confirmed: oidc-provider ended the browser's latest provider session;
   * the sign-ins made before in this browser end too — all of them when the helper confirms
   * (« Oui »: the provider's session for this browser ends), else those of the partner asking.
   */
  async function endSignIns(ctx: KoaContextWithOIDC): Promise<void> {
    const listed = signInsOf(opts.secretKey, ctx.cookies.get(SIGN_INS_COOKIE) ?? undefined);
    if (listed.length === 0) return;
    const all = Boolean(ctx.oidc.params?.logout);
    const clientId = ctx.oidc.client?.clientId;
    const rows = await opts.db.query<{ grant_id: string; client_id: string }>(
      `SELECT g.grant_id, p.client_id FROM mandate_partner_grants g JOIN mandate_partners p ON p.id = g.partner_id
       WHERE g.grant_id = ANY($1)`,
      [listed],
    );
    const ended = new Set(rows.filter((r) => all || r.client_id === clientId).map((r) => r.grant_id));
    const grants = new Storage('Grant');
    for (const grantId of ended) await grants.revokeByGrantId(grantId);
    const kept = rows.filter((r) => !ended.has(r.grant_id)).map((r) => r.grant_id);
    ctx.res.appendHeader('set-cookie', signInsCookie(opts.secretKey, kept, opts.publicUrl.startsWith('https://')));
  }
  return provider;
}
