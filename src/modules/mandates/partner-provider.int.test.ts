/**
 * Passerelle as an OpenID Connect provider for partner services (issue 16), with `openid-client`
 * as the partner: discovery → PAR or authorization request → the interaction driven over HTTP by
 * a signed-in helper → code → tokens (ID token claims, `rep_scope` through the claims parameter)
 * → userinfo; the mandate use recorded at token issuance; each selection hole refused with a page
 * and a journal entry; a stale second factor asked again; suspension and revocation stopping use
 * at once; RP-initiated logout; both client authentication methods. Runs on both engines.
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { buildApp } from '../../app.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { prepareNextKey, promoteNextKey } from '../../platform/identity/signing-keys.ts';
import { verifyJournal } from '../../platform/journal/journal.ts';
import { confirmSecondFactorEnrolment, startSecondFactorEnrolment } from '../accounts/enrol-second-factor.ts';
import { demoPartnerSecret } from './dev-partner.tsx';
import { habilitateStructure, recordHelperTraining, setHelperSuspension } from './habilitations.ts';
import { newReference, signedReference } from './mandate-rules.ts';
import { insertMandate, revokeWholeMandate, upsertUsager } from './mandates-repository.ts';
import { partnerSubject } from './partner-provider.ts';
import { createPartner, registerDemoPartner, setPartnerDisabled } from './partners.ts';

const APP = 'http://localhost:3000';
const REDIRECT = 'https://partenaire.exemple.fr/retour';
let t: TestApp;
let structure: string;
let other: string;
let helper: Actor;
let otherHelper: Actor;
let admin: Actor;
let coordinator: Actor;
const secrets = new Map<string, string>();
const mandates: Record<string, string> = {};
let usagerId: string;
let partnerSecret: string;
let partner: client.Configuration;

function totp(secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: t.clock.now().getTime(),
  });
}

async function enrol(userId: string) {
  const deps = { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey, operatorName: 'Test' };
  const enrolment = await startSecondFactorEnrolment(deps, userId);
  await confirmSecondFactorEnrolment(deps, userId, { code: totp(enrolment.secret) }, enrolment.pending);
  secrets.set(userId, enrolment.secret);
  t.clock.advance(30_000);
}

/** openid-client talks to the app in process (inject), as it would over the network. */
const viaInject: client.CustomFetch = async (url, options) => {
  const u = new URL(url);
  const headers = { ...Object.fromEntries(new Headers(options.headers as HeadersInit).entries()), host: u.host };
  const res = await t.app.inject({
    method: (options.method ?? 'GET') as 'GET',
    url: u.pathname + u.search,
    headers,
    ...(options.body ? { payload: String(options.body) } : {}),
  });
  const out = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    for (const item of [v].flat()) if (item !== undefined) out.append(k, String(item));
  }
  return new Response([204, 304].includes(res.statusCode) ? null : new Uint8Array(res.rawPayload), {
    status: res.statusCode,
    headers: out,
  });
};

async function discover(clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
  const config = await client.discovery(new URL(APP), clientId, undefined, auth, {
    [client.customFetch]: viaInject,
    execute: [client.allowInsecureRequests],
  });
  config[client.customFetch] = viaInject;
  return config;
}

const path = (url: string | URL) => {
  const u = new URL(String(url), APP);
  return u.pathname + u.search;
};

interface Started {
  verifier: string;
  state: string;
  interaction: string;
}

/** The partner sends the helper's browser to the provider (PAR or a plain request). */
async function start(
  agent: Agent,
  config = partner,
  options: { par?: boolean; repScope?: boolean; responseMode?: string } = {},
) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const params: Record<string, string> = {
    redirect_uri: REDIRECT,
    scope: 'openid given_name family_name birthdate gender birthplace birthcountry email mandat',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    acr_values: 'eidas1',
    ...(options.responseMode ? { response_mode: options.responseMode } : {}),
    ...(options.repScope === false
      ? {}
      : { claims: JSON.stringify({ id_token: { rep_scope: { essential: true }, acr: { essential: true } } }) }),
  };
  const url = options.par
    ? await client.buildAuthorizationUrlWithPAR(config, params)
    : client.buildAuthorizationUrl(config, params);
  const res = await agent.get(path(url));
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  const interaction = String(res.headers.location);
  expect(interaction).toMatch(/^\/mandats\/partenaire\/[\w-]+$/);
  return { verifier, state, interaction } satisfies Started;
}

/** The helper picks the mandate and the family; returns the partner's callback URL. */
async function choose(agent: Agent, s: Started, mandateId: string, family: string): Promise<URL> {
  const page = await agent.get(s.interaction);
  expect(page.statusCode, visibleText(page.body).slice(0, 300)).toBe(200);
  const picked = await agent.post(s.interaction, { mandat: mandateId });
  expect(picked.headers.location).toBe(`${s.interaction}?mandat=${mandateId}`);
  const families = await agent.follow();
  expect(visibleText(families.body)).toContain('Pour quelle démarche ?');
  const done = await agent.post(`${s.interaction}/valider`, { mandat: mandateId, famille: family });
  expect(done.statusCode, visibleText(done.body).slice(0, 300)).toBe(303);
  let next = await agent.get(path(String(done.headers.location)));
  for (let i = 0; i < 4 && next.headers.location && !String(next.headers.location).startsWith(REDIRECT); i++)
    next = await agent.get(path(String(next.headers.location)));
  expect(String(next.headers.location), `${next.statusCode} ${visibleText(next.body).slice(0, 400)}`).toMatch(
    /^https:\/\/partenaire\.exemple\.fr\/retour\?code=/,
  );
  return new URL(String(next.headers.location));
}

async function tokens(s: Started, callback: URL, config = partner) {
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: s.verifier, expectedState: s.state });
}

/** The partner's token request over HTTP, as is (no client library: its status code is what a test reads). */
function redeemCode(s: Started, callback: URL) {
  return t.app.inject({
    method: 'POST',
    url: '/oidc/jeton',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      redirect_uri: REDIRECT,
      code_verifier: s.verifier,
      client_id: 'caf-test',
      client_secret: partnerSecret,
    }).toString(),
  });
}

async function journalActions(action: string) {
  return t.db.query<{ details: Record<string, unknown>; target_id: string | null }>(
    'SELECT details, target_id FROM journal WHERE action = $1 ORDER BY id',
    [action],
  );
}

async function addMandate(organisationId: string, families: string[], expiresInMs = 180 * 86_400_000) {
  const now = t.clock.now();
  const createdAt = new Date(Math.min(now.getTime(), now.getTime() + expiresInMs) - 86_400_000);
  return insertMandate(t.db, {
    reference: newReference(),
    organisationId,
    usagerId,
    createdBy: null,
    createdAt,
    duration: 'semestre',
    expiresAt: new Date(now.getTime() + expiresInMs),
    renews: null,
    templateVersion: 'test',
    templateHash: '0'.repeat(64),
    families,
    personId: null,
  });
}

beforeAll(async () => {
  t = await createTestApp();
  const coord = await makeOrganisation(t.db, 'Département Var', 'collectivite', { departements: ['83'], communes: [] });
  structure = await makeOrganisation(t.db, 'Centre social Toulon', 'association', {
    departements: [],
    communes: ['83137'],
  });
  other = await makeOrganisation(t.db, 'Maison France Services', 'association', {
    departements: [],
    communes: ['83137'],
  });
  coordinator = await makeActor(t.db, [{ organisationId: coord, role: 'coordinateur' }]);
  helper = await makeActor(t.db, [{ organisationId: structure, role: 'aidant', canActOnBehalf: true }], {
    email: 'camille@exemple.fr',
  });
  otherHelper = await makeActor(t.db, [{ organisationId: other, role: 'aidant', canActOnBehalf: true }]);
  admin = await makeActor(t.db, [{ organisationId: coord, role: 'responsable' }], { admin: true });
  for (const a of [helper, otherHelper, admin]) await enrol(a.userId);
  for (const [org, h] of [
    [structure, helper],
    [other, otherHelper],
  ] as const) {
    const ref = { id: org, territory: { departements: [], communes: ['83137'] } };
    await habilitateStructure({ db: t.db, clock: t.clock.now }, coordinator, ref, {
      reference: `HAB-${org.slice(0, 4)}`,
      families: ['social', 'logement', 'famille'],
      startsOn: '2020-01-01',
    });
    await recordHelperTraining(
      { db: t.db, clock: t.clock.now },
      coordinator,
      ref,
      { userId: h.userId, canActOnBehalf: true },
      { trainedOn: '2020-02-01' },
    );
  }
  usagerId = (
    await upsertUsager(
      t.db,
      'a'.repeat(64),
      {
        givenName: 'Angela Claire Louise',
        familyName: 'DUBOIS',
        birthdate: '1962-08-00',
        gender: 'female',
        birthplace: '75107',
        birthcountry: '99100',
        email: 'angela.dubois@exemple.fr',
      },
      t.clock.now(),
    )
  ).id;
  mandates.valid = await addMandate(structure, ['social', 'logement']);
  mandates.otherStructure = await addMandate(other, ['social']);
  mandates.revoked = await addMandate(structure, ['social']);
  await revokeWholeMandate(t.db, mandates.revoked, 'usager', t.clock.now());
  mandates.expired = await addMandate(structure, ['social'], -60_000);
  // The partner serves Social - Santé and Famille only (not Logement).
  const saved = await createPartner(
    { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey },
    admin,
    {
      clientId: 'caf-test',
      name: 'Caisse de test',
      authMethod: 'client_secret_post',
      redirectUris: REDIRECT,
      postLogoutRedirectUris: 'https://partenaire.exemple.fr/au-revoir',
      families: ['social', 'famille'],
    },
    { allowHttpLocal: true },
  );
  partnerSecret = saved.secret as string;
  partner = await discover('caf-test', client.ClientSecretPost(partnerSecret));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('partner provider', () => {
  it('publishes its discovery document: issuer PUBLIC_URL, code flow with PKCE, PAR, eidas1, logout', async () => {
    const res = await t.app.inject('/.well-known/openid-configuration');
    expect(res.statusCode).toBe(200);
    const d = res.json();
    expect(d.issuer).toBe(APP);
    expect(d.authorization_endpoint).toBe(`${APP}/oidc/autorisation`);
    expect(d.token_endpoint).toBe(`${APP}/oidc/jeton`);
    expect(d.userinfo_endpoint).toBe(`${APP}/oidc/userinfo`);
    expect(d.pushed_authorization_request_endpoint).toBe(`${APP}/oidc/par`);
    expect(d.end_session_endpoint).toBe(`${APP}/oidc/deconnexion`);
    expect(d.response_types_supported).toEqual(['code']);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.acr_values_supported).toEqual(['eidas1']);
    expect(d.claims_parameter_supported).toBe(true);
    expect(d.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt', 'client_secret_post']);
    expect(d.claims_supported).toEqual(expect.arrayContaining(['rep_scope', 'mandat', 'intervenant', 'structure']));
    // What is advertised is what partners get: a subject of their own for each person.
    expect(d.subject_types_supported).toEqual(['pairwise']);
    const jwks = (await t.app.inject('/oidc/jwks')).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const [key] = await t.db.query<{ provider: string }>(
      "SELECT provider FROM oidc_signing_keys WHERE provider = 'partenaires'",
    );
    expect(key?.provider).toBe('partenaires');
  });

  it('signs a helper in on behalf of a person: ID token claims, rep_scope, userinfo, the use recorded', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent, partner, { par: true });
    const page = visibleText((await agent.get(s.interaction)).body);
    expect(page).toContain('Pour qui agissez-vous ?');
    expect(page).toContain('Angela Claire Louise DUBOIS');
    const callback = await choose(agent, s, mandates.valid as string, 'social');
    const got = await tokens(s, callback);
    const claims = got.claims() as Record<string, unknown>;
    const sub = partnerSubject(t.config.secretKey, 'caf-test', usagerId);
    expect(claims.sub).toBe(sub);
    expect(claims.iss).toBe(APP);
    expect(claims.acr).toBe('eidas1');
    expect(claims.given_name).toBe('Angela Claire Louise');
    expect(claims.family_name).toBe('DUBOIS');
    expect(claims.birthdate).toBe('1962-08-00');
    expect(claims.birthplace).toBe('75107');
    expect(claims.rep_scope).toEqual(['Social-Santé']);
    const [m] = await t.db.query<{ reference: string }>('SELECT reference FROM mandates WHERE id = $1', [
      mandates.valid,
    ]);
    expect(claims.mandat).toMatchObject({ reference: signedReference(t.config.secretKey, m?.reference as string) });
    expect(claims.intervenant).toEqual({ id: helper.userId, nom: helper.displayName });
    expect(claims.structure).toMatchObject({ id: structure, nom: 'Centre social Toulon' });
    expect(claims.demarche).toEqual({ famille: 'social', libelle: 'Social - Santé', rep_scope: 'Social-Santé' });
    const info = await client.fetchUserInfo(partner, got.access_token, sub);
    expect(info).toMatchObject({ sub, family_name: 'DUBOIS', demarche: { famille: 'social' } });
    expect(info.intervenant).toEqual({ id: helper.userId, nom: helper.displayName });

    // The use: one row for « Mes mandats » and one journal entry, at token issuance.
    const uses = await t.db.query<{ family: string; helper_first_name: string; partner: string }>(
      'SELECT family, helper_first_name, partner FROM mandate_uses WHERE mandate_id = $1',
      [mandates.valid],
    );
    expect(uses).toEqual([
      { family: 'social', helper_first_name: helper.displayName.split(' ')[0], partner: 'Caisse de test' },
    ]);
    const used = await journalActions('mandats.mandat_utilise');
    expect(used.map((u) => u.details)).toEqual([{ famille: 'social', service: 'caf-test' }]);
    expect((await journalActions('mandats.connexion_partenaire_autorisee')).length).toBe(1);
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });

  it('answers in form_post: the page posts the code, its script allowed by the CSP, in French', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent, partner, { responseMode: 'form_post' });
    await agent.get(s.interaction);
    await agent.post(s.interaction, { mandat: mandates.valid as string });
    const done = await agent.post(`${s.interaction}/valider`, { mandat: mandates.valid as string, famille: 'social' });
    const res = await agent.get(path(String(done.headers.location)));
    expect(res.statusCode).toBe(200);
    // The inline script that submits the form runs under the strict policy: its hash is allowed.
    const script = /<script>([\s\S]*?)<\/script>/.exec(res.body)?.[1] as string;
    expect(script).toContain('submit()');
    const digest = createHash('sha256').update(script).digest('base64');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(new RegExp(`script-src 'self' [^;]*'sha256-${digest.replace(/[+/]/g, '\\$&')}'`));
    expect(csp).toContain('form-action');
    // French, and a button when JavaScript is off.
    expect(res.body).toContain('<html lang="fr">');
    expect(visibleText(res.body)).toContain('Retour vers le service');
    expect(res.body).toContain('<button autofocus type="submit">Continuer</button>');
    // What the browser posts to the partner: the code, exchanged for tokens.
    expect(/<form method="post" action="([^"]+)"/.exec(res.body)?.[1]).toBe(REDIRECT);
    const fields = new URLSearchParams();
    for (const [, name, value] of res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g))
      fields.set(name as string, value as string);
    expect(fields.get('state')).toBe(s.state);
    const callback = new Request(REDIRECT, {
      method: 'POST',
      body: fields,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const got = await client.authorizationCodeGrant(partner, callback, {
      pkceCodeVerifier: s.verifier,
      expectedState: s.state,
    });
    expect(got.claims()?.sub).toBe(partnerSubject(t.config.secretKey, 'caf-test', usagerId));
  });

  it('stores the access token and journals the use together: a failure between leaves neither', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const mandateId = await addMandate(structure, ['social']);
    const s = await start(agent);
    const callback = await choose(agent, s, mandateId, 'social');
    const redeem = () => redeemCode(s, callback);
    const usesOf = async () =>
      (await t.db.query('SELECT 1 FROM mandate_uses WHERE mandate_id = $1', [mandateId])).length +
      (await journalActions('mandats.mandat_utilise')).filter((u) => u.target_id === mandateId).length;
    // The database fails while the access token is written (what a crash there would leave).
    await t.db.query(`CREATE FUNCTION test_refuse_token() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.model = 'AccessToken' THEN RAISE EXCEPTION 'panne simulée'; END IF; RETURN NEW; END $$`);
    await t.db.query(
      'CREATE TRIGGER test_refuse_token BEFORE INSERT ON oidc_payloads FOR EACH ROW EXECUTE FUNCTION test_refuse_token()',
    );
    try {
      expect((await redeem()).statusCode).toBe(500);
    } finally {
      await t.db.query('DROP TRIGGER test_refuse_token ON oidc_payloads');
      await t.db.query('DROP FUNCTION test_refuse_token()');
    }
    // No token, no use recorded; the code was not spent, the partner's retry succeeds, recorded once.
    expect(await usesOf()).toBe(0);
    const retried = await redeem();
    expect(retried.statusCode, retried.body).toBe(200);
    expect(await usesOf()).toBe(2);
    // Redeemed twice at the same time: one token, the other refused, the use recorded once.
    const s2 = await start(agent);
    const callback2 = await choose(agent, s2, mandateId, 'social');
    const both = await Promise.all([0, 1].map(() => redeemCode(s2, callback2)));
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect(both.find((r) => r.statusCode === 400)?.json().error).toBe('invalid_grant');
    expect(await usesOf()).toBe(4);
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });

  it('puts rep_scope in the ID token only when asked through the claims parameter', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent, partner, { repScope: false });
    const got = await tokens(s, await choose(agent, s, mandates.valid as string, 'social'));
    const claims = got.claims() as Record<string, unknown>;
    expect(claims).not.toHaveProperty('rep_scope');
    expect(claims.demarche).toMatchObject({ famille: 'social' });
  });

  it('refuses every selection hole with a clear page and a journal entry', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent);
    await agent.get(s.interaction);
    const cases: Array<[string, string | undefined, string, string]> = [
      [randomUUID(), undefined, 'mandat_inconnu', "Cette personne n'a pas de mandat dans votre structure"],
      [mandates.otherStructure as string, undefined, 'mandat_autre_structure', 'appartient à une autre structure'],
      [mandates.revoked as string, undefined, 'mandat_revoque', 'Ce mandat a été révoqué'],
      [mandates.expired as string, undefined, 'mandat_expire', 'Ce mandat a expiré'],
      [mandates.valid as string, 'justice', 'famille_hors_mandat', "n'est pas couverte par le mandat"],
      [mandates.valid as string, 'logement', 'famille_hors_service', 'Ce service partenaire ne traite pas'],
    ];
    for (const [mandat, famille, motif, message] of cases) {
      const res = famille
        ? await agent.post(`${s.interaction}/valider`, { mandat, famille })
        : await agent.post(s.interaction, { mandat });
      expect(res.statusCode, motif).toBe(403);
      expect(visibleText(res.body)).toContain('Connexion refusée');
      expect(visibleText(res.body)).toContain(message);
      const refused = await journalActions('mandats.selection_refusee');
      expect(refused.at(-1)?.details).toMatchObject({ motif, service: 'caf-test' });
    }
    // The final step re-checks too: the mandate of another structure typed with a family.
    const typed = await agent.post(`${s.interaction}/valider`, {
      mandat: mandates.otherStructure as string,
      famille: 'social',
    });
    expect(typed.statusCode).toBe(403);
    // Only usable people are offered; a GET with a typed mandate shows the refusal without writing.
    const before = (await journalActions('mandats.selection_refusee')).length;
    const page = await agent.get(`${s.interaction}?mandat=${mandates.revoked}`);
    expect(page.statusCode).toBe(403);
    expect((await journalActions('mandats.selection_refusee')).length).toBe(before);
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });

  it('asks the second factor again after 15 minutes, then goes back to the interaction', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    t.clock.advance(16 * 60_000);
    const s = await start(agent);
    const page = await agent.get(s.interaction);
    expect(visibleText(page.body)).toContain('Confirmez votre identité');
    // Without the code, the selection is not even looked at.
    const forced = await agent.post(`${s.interaction}/valider`, {
      mandat: mandates.valid as string,
      famille: 'social',
    });
    expect(visibleText(forced.body)).toContain('Confirmez votre identité');
    expect((await journalActions('mandats.selection_refusee')).at(-1)?.details).toMatchObject({
      motif: 'second_factor_stale',
      service: 'caf-test',
    });
    const wrong = await agent.post(`${s.interaction}/code`, { code: '000000' });
    expect(wrong.statusCode).toBeGreaterThanOrEqual(400);
    expect(visibleText(wrong.body)).toContain('Confirmez votre identité');
    t.clock.advance(30_000);
    const right = await agent.post(`${s.interaction}/code`, { code: totp(secrets.get(helper.userId) as string) });
    expect(right.headers.location).toBe(s.interaction);
    const got = await tokens(s, await choose(agent, s, mandates.valid as string, 'social'));
    expect(got.claims()?.sub).toBe(partnerSubject(t.config.secretKey, 'caf-test', usagerId));
  });

  it('stops at once when the helper is suspended: a token obtained a second before is refused after', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent);
    const got = await tokens(s, await choose(agent, s, mandates.valid as string, 'social'));
    const sub = partnerSubject(t.config.secretKey, 'caf-test', usagerId);
    expect((await client.fetchUserInfo(partner, got.access_token, sub)).sub).toBe(sub);
    t.clock.advance(1000);
    const ref = { id: structure, territory: { departements: [], communes: ['83137'] } };
    const candidate = { userId: helper.userId, canActOnBehalf: true };
    await setHelperSuspension({ db: t.db, clock: t.clock.now }, coordinator, ref, candidate, true);
    await expect(client.fetchUserInfo(partner, got.access_token, sub)).rejects.toThrow();
    // A code obtained before the suspension gives no token either.
    await setHelperSuspension({ db: t.db, clock: t.clock.now }, coordinator, ref, candidate, false);
    const agent2 = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s2 = await start(agent2);
    const callback = await choose(agent2, s2, mandates.valid as string, 'social');
    await setHelperSuspension({ db: t.db, clock: t.clock.now }, coordinator, ref, candidate, true);
    await expect(tokens(s2, callback)).rejects.toThrow();
    await setHelperSuspension({ db: t.db, clock: t.clock.now }, coordinator, ref, candidate, false);
  });

  it('stops a token once the person revokes the family, and once the partner is disabled', async () => {
    const mandateId = await addMandate(structure, ['social', 'famille']);
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent);
    const got = await tokens(s, await choose(agent, s, mandateId, 'famille'));
    const sub = partnerSubject(t.config.secretKey, 'caf-test', usagerId);
    expect(got.claims()?.rep_scope).toEqual(['Famille-Scolarité']);
    expect((await client.fetchUserInfo(partner, got.access_token, sub)).demarche).toMatchObject({ famille: 'famille' });
    await t.db.query("UPDATE mandate_authorisations SET revoked_at = $2 WHERE mandate_id = $1 AND family = 'famille'", [
      mandateId,
      t.clock.now(),
    ]);
    await expect(client.fetchUserInfo(partner, got.access_token, sub)).rejects.toThrow();

    const s2 = await start(agent);
    const got2 = await tokens(s2, await choose(agent, s2, mandateId, 'social'));
    const [p] = await t.db.query<{ id: string }>("SELECT id FROM mandate_partners WHERE client_id = 'caf-test'");
    await setPartnerDisabled({ db: t.db, clock: t.clock.now }, admin, p?.id as string, true);
    await expect(client.fetchUserInfo(partner, got2.access_token, sub)).rejects.toThrow();
    const stopped = await t.app.inject({
      url: '/oidc/autorisation?client_id=caf-test&response_type=code&scope=openid',
    });
    expect(stopped.statusCode).toBe(400);
    await setPartnerDisabled({ db: t.db, clock: t.clock.now }, admin, p?.id as string, false);
  });

  it('logs out (RP-initiated): the grant is revoked and its access token no longer answers', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent);
    const got = await tokens(s, await choose(agent, s, mandates.valid as string, 'social'));
    const sub = partnerSubject(t.config.secretKey, 'caf-test', usagerId);
    expect((await client.fetchUserInfo(partner, got.access_token, sub)).sub).toBe(sub);
    const logout = client.buildEndSessionUrl(partner, {
      id_token_hint: got.id_token as string,
      post_logout_redirect_uri: 'https://partenaire.exemple.fr/au-revoir',
      state: 'etat',
    });
    const confirm = await agent.get(path(logout));
    expect(confirm.statusCode).toBe(200);
    expect(visibleText(confirm.body)).toContain('Se déconnecter du service partenaire');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1] as string;
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.body)?.[1] as string;
    const done = await agent.request({
      method: 'POST',
      url: path(action.replace(/&amp;/g, '&')),
      payload: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.statusCode).toBe(303);
    expect(String(done.headers.location)).toBe('https://partenaire.exemple.fr/au-revoir?state=etat');
    await expect(client.fetchUserInfo(partner, got.access_token, sub)).rejects.toThrow();
  });

  it('logs out every sign-in of the browser, not only the latest one', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const sub = partnerSubject(t.config.secretKey, 'caf-test', usagerId);
    const second = await addMandate(structure, ['social', 'famille']);
    const s1 = await start(agent);
    const first = await tokens(s1, await choose(agent, s1, mandates.valid as string, 'social'));
    // Then another sign-in in the same browser (another mandate, another family).
    const s2 = await start(agent);
    const latest = await tokens(s2, await choose(agent, s2, second, 'famille'));
    for (const got of [first, latest])
      expect((await client.fetchUserInfo(partner, got.access_token, sub)).sub).toBe(sub);
    // The partner logs out with the first sign-in's ID token; the helper confirms.
    const logout = client.buildEndSessionUrl(partner, {
      id_token_hint: first.id_token as string,
      post_logout_redirect_uri: 'https://partenaire.exemple.fr/au-revoir',
      state: 'etat',
    });
    const confirm = await agent.get(path(logout));
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1] as string;
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.body)?.[1] as string;
    const done = await agent.request({
      method: 'POST',
      url: path(action.replace(/&amp;/g, '&')),
      payload: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(String(done.headers.location)).toBe('https://partenaire.exemple.fr/au-revoir?state=etat');
    // Both sign-ins are over: the one the partner named, and the latest one.
    await expect(client.fetchUserInfo(partner, first.access_token, sub)).rejects.toThrow();
    await expect(client.fetchUserInfo(partner, latest.access_token, sub)).rejects.toThrow();
    // A forged list of sign-ins is ignored (signed with SECRET_KEY).
    const { signInsOf } = await import('./partner-provider.ts');
    expect(signInsOf(t.config.secretKey, 'abc~def.AAAA')).toEqual([]);
  });

  it('ends only the asking partner’s sign-ins when the helper answers « Non, seulement ce service »', async () => {
    const other = await createPartner(
      { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey },
      admin,
      {
        clientId: 'mairie-logout',
        name: 'Mairie (déconnexion)',
        authMethod: 'client_secret_post',
        redirectUris: REDIRECT,
        families: ['social'],
      },
      { allowHttpLocal: false },
    );
    const mairie = await discover('mairie-logout', client.ClientSecretPost(other.secret as string));
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s1 = await start(agent);
    const caf = await tokens(s1, await choose(agent, s1, mandates.valid as string, 'social'));
    const s2 = await start(agent, mairie);
    const town = await tokens(s2, await choose(agent, s2, mandates.valid as string, 'social'), mairie);
    const cafSub = partnerSubject(t.config.secretKey, 'caf-test', usagerId);
    const townSub = partnerSubject(t.config.secretKey, 'mairie-logout', usagerId);
    const logout = client.buildEndSessionUrl(partner, {
      id_token_hint: caf.id_token as string,
      post_logout_redirect_uri: 'https://partenaire.exemple.fr/au-revoir',
    });
    const confirm = await agent.get(path(logout));
    expect(visibleText(confirm.body)).toContain('Non, seulement ce service');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1] as string;
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.body)?.[1] as string;
    const done = await agent.request({
      method: 'POST',
      url: path(action.replace(/&amp;/g, '&')),
      payload: new URLSearchParams({ xsrf }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.statusCode).toBe(303);
    await expect(client.fetchUserInfo(partner, caf.access_token, cafSub)).rejects.toThrow();
    expect((await client.fetchUserInfo(mairie, town.access_token, townSub)).sub).toBe(townSub);
  });

  it('authenticates a partner with private_key_jwt', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = {
      ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
      kid: 'cle-1',
      alg: 'ES256',
      use: 'sig',
    };
    await createPartner(
      { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey },
      admin,
      {
        clientId: 'impots-test',
        name: 'Impôts de test',
        authMethod: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [jwk] }),
        redirectUris: REDIRECT,
        families: ['social'],
      },
      { allowHttpLocal: false },
    );
    const key = await crypto.subtle.importKey(
      'jwk',
      privateKey.export({ format: 'jwk' }) as JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const config = await discover('impots-test', client.PrivateKeyJwt({ key, kid: 'cle-1' }));
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    const s = await start(agent, config);
    const got = await tokens(s, await choose(agent, s, mandates.valid as string, 'social'), config);
    // Pairwise: another partner receives another subject for the same person.
    expect(got.claims()?.sub).toBe(partnerSubject(t.config.secretKey, 'impots-test', usagerId));
    expect(got.claims()?.sub).not.toBe(partnerSubject(t.config.secretKey, 'caf-test', usagerId));
    // A wrong secret or no PKCE is refused by the protocol.
    const wrong = await discover('caf-test', client.ClientSecretPost('mauvais-secret'));
    const s2 = await start(agent);
    await expect(tokens(s2, await choose(agent, s2, mandates.valid as string, 'social'), wrong)).rejects.toThrow();
    const noPkce = await t.app.inject({
      url: `/oidc/autorisation?client_id=caf-test&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    });
    expect(String(noPkce.headers.location)).toContain('error=invalid_request');
  });

  it('purges expired delegations and provider rows with the retention job', async () => {
    const count = async () =>
      (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mandate_partner_grants'))[0]?.n ?? 0;
    expect(await count()).toBeGreaterThan(0);
    t.clock.advance(2 * 3600_000);
    await t.app.jobs.runDue();
    expect(await count()).toBe(0);
  });
});

describe('partner services, registered by the platform administrator', () => {
  it('lists, registers (secret shown once), edits with validation, disables; journaled', async () => {
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, admin.userId, '/admin/services-partenaires');
    expect(visibleText(agent.last?.body ?? '')).toContain('Caisse de test');
    await agent.get('/admin/services-partenaires/nouveau');
    // Pairwise subjects: the redirect URIs of one registration stay on one host (no sector document).
    const twoHosts = await agent.post('/admin/services-partenaires/nouveau', {
      clientId: 'deux-hotes',
      name: 'Deux hôtes',
      authMethod: 'client_secret_post',
      redirectUris: 'https://a.exemple.fr/retour\nhttps://b.exemple.fr/retour',
      families: ['social'],
    });
    expect(twoHosts.statusCode).toBe(400);
    expect(visibleText(twoHosts.body)).toContain("doivent être sur le même nom d'hôte");
    // One registered before the rule: the provider refuses it, the administrator is told to fix it.
    const saved = await createPartner(
      { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey },
      admin,
      {
        clientId: 'ancien-deux-hotes',
        name: 'Ancien service sur deux hôtes',
        authMethod: 'client_secret_post',
        redirectUris: 'https://a.exemple.fr/retour',
        families: ['social'],
      },
      { allowHttpLocal: false },
    );
    await t.db.query('UPDATE mandate_partners SET redirect_uris = $2 WHERE id = $1', [
      saved.id,
      ['https://a.exemple.fr/retour', 'https://b.exemple.fr/retour'],
    ]);
    const refused = await t.app.inject({
      url: `/oidc/autorisation?client_id=ancien-deux-hotes&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://a.exemple.fr/retour')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
    });
    expect(refused.statusCode).toBe(400);
    expect(visibleText(refused.body)).toContain('Code : invalid_client_metadata');
    expect(visibleText((await agent.get('/admin/services-partenaires')).body)).toContain(
      "— à corriger : Toutes les adresses de retour après connexion doivent être sur le même nom d'hôte",
    );
    expect(visibleText((await agent.get(`/admin/services-partenaires/${saved.id}`)).body)).toContain(
      "Ce service ne peut pas connecter d'aidant",
    );
    const fixed = await agent.post(`/admin/services-partenaires/${saved.id}`, {
      name: 'Ancien service sur deux hôtes',
      authMethod: 'client_secret_post',
      redirectUris: 'https://a.exemple.fr/retour',
      families: ['social'],
    });
    expect(fixed.statusCode).toBe(303);
    await t.db.query('DELETE FROM mandate_partners WHERE id = $1', [saved.id]);
    const bad = await agent.post('/admin/services-partenaires/nouveau', {
      clientId: 'A B',
      name: '',
      authMethod: 'private_key_jwt',
      jwks: '{"keys":[{"kty":"EC","d":"secret"}]}',
      redirectUris: 'http://partenaire.exemple.fr/retour#x',
      families: ['inconnue'],
    });
    expect(bad.statusCode).toBe(400);
    const text = visibleText(bad.body);
    expect(text).toContain('De 3 à 64 caractères');
    expect(text).toContain('Une adresse par ligne');
    expect(text).toContain('Choisissez des familles de la liste.');
    const created = await agent.post('/admin/services-partenaires/nouveau', {
      clientId: 'mairie-test',
      name: 'Mairie de test',
      authMethod: 'client_secret_post',
      redirectUris: 'https://mairie.exemple.fr/retour\nhttps://mairie.exemple.fr/retour2',
      families: ['papiers', 'famille'],
    });
    expect(created.statusCode).toBe(200);
    const secret = (/data-testid="secret-partenaire">(.*?)<\/code>/.exec(created.body)?.[1] ?? '').replace(
      /<wbr\s*\/?>/g,
      '',
    );
    expect(secret).toMatch(/^[\w-]{40,}$/);
    const [row] = await t.db.query<{ id: string; sealed_secret: string }>(
      "SELECT id, sealed_secret FROM mandate_partners WHERE client_id = 'mairie-test'",
    );
    expect(row?.sealed_secret).not.toContain(secret);
    // Never shown again.
    const page = await agent.get(`/admin/services-partenaires/${row?.id}`);
    expect(page.body).not.toContain(secret);
    expect(visibleText(page.body)).toContain('secret enregistré, jamais réaffiché');
    const edited = await agent.post(`/admin/services-partenaires/${row?.id}`, {
      name: 'Mairie de test (modifiée)',
      authMethod: 'client_secret_post',
      redirectUris: 'https://mairie.exemple.fr/retour',
      families: ['papiers'],
    });
    expect(edited.statusCode).toBe(303);
    const disabled = await agent.post(`/admin/services-partenaires/${row?.id}/desactiver`);
    expect(disabled.statusCode).toBe(303);
    expect(visibleText((await agent.follow()).body)).toContain('Désactivé le');
    const actions = (
      await t.db.query<{ action: string }>('SELECT action FROM journal WHERE target_id = $1 ORDER BY id', [row?.id])
    ).map((r) => r.action);
    expect(actions).toEqual([
      'mandats.service_partenaire_enregistre',
      'mandats.service_partenaire_modifie',
      'mandats.service_partenaire_desactive',
    ]);
    // Nobody else: a helper is refused.
    const other = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/mandats');
    expect((await other.get('/admin/services-partenaires')).statusCode).toBe(403);
  });

  it('keeps its signing keys across a restart and rotates them with the documented steps', async () => {
    const before = (await t.app.inject('/oidc/jwks')).json().keys as Array<{ kid: string }>;
    const next = await prepareNextKey(t.db, t.clock.now, t.config.secretKey, 'partenaires');
    await promoteNextKey(t.db, t.clock.now, 'partenaires');
    const restarted = await buildApp({
      config: t.config,
      db: t.db,
      clock: t.clock.now,
      logger: false,
      outboxPollMs: 0,
    });
    await restarted.ready();
    const after = (await restarted.inject('/oidc/jwks')).json().keys as Array<{ kid: string }>;
    // The new key signs (first); the former one still verifies what it signed.
    expect(after.map((k) => k.kid)).toEqual([next, ...before.map((k) => k.kid)]);
    await restarted.close();
  });
});

describe('the demo partner service (development only)', () => {
  it('signs the helper in on behalf of the person and shows what it received, in French', async () => {
    await registerDemoPartner(
      { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey, publicUrl: APP },
      demoPartnerSecret(t.config.secretKey),
    );
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId, '/dev/partenaire');
    expect(visibleText(agent.last?.body ?? '')).toContain('Service partenaire de démonstration');
    const started = await agent.get('/dev/partenaire/connexion');
    expect(started.statusCode, started.body.slice(0, 300)).toBe(302);
    const s = { verifier: '', state: '', interaction: '' };
    const auth = await agent.get(path(String(started.headers.location)));
    s.interaction = String(auth.headers.location);
    await agent.get(s.interaction);
    await agent.post(s.interaction, { mandat: mandates.valid as string });
    await agent.follow();
    const done = await agent.post(`${s.interaction}/valider`, {
      mandat: mandates.valid as string,
      famille: 'logement',
    });
    let next = await agent.get(path(String(done.headers.location)));
    expect(String(next.headers.location)).toContain('/dev/partenaire/retour?code=');
    next = await agent.get(path(String(next.headers.location)));
    const text = visibleText(next.body);
    expect(next.statusCode, text.slice(0, 300)).toBe(200);
    expect(text).toContain('Connexion réussie');
    expect(text).toContain('Angela Claire Louise DUBOIS');
    expect(text).toContain('Démarche : Logement');
    expect(text).toContain("Périmètre (rep_scope, jeton d'identité) : Logement");
  });
});
