/**
 * Mandates end to end through HTTP (issue 16), with a real OpenID Connect provider standing in
 * for FranceConnect: a habilitated helper creates a mandate (families, duration, the person
 * identified, consent and a fresh second-factor code), the attestation and the public
 * verification page, renewal rules, revocation by the structure and by the person in « Mes
 * mandats », and the holes that bit Aidants Connect, each as a test.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, Agent as PlainAgent, visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { type LocalProvider, startOidcProvider } from '../../../test/support/oidc-provider.ts';
import { walkOidcProvider } from '../../../test/support/oidc-walk.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { verifyJournal } from '../../platform/journal/journal.ts';
import { confirmSecondFactorEnrolment, startSecondFactorEnrolment } from '../accounts/enrol-second-factor.ts';
import { identityLinksFor, personIdForIdentity } from '../people/index.ts';
import { habilitateStructure, recordHelperTraining } from './habilitations.ts';
import { signedReference } from './mandate-rules.ts';

const APP = 'http://localhost:3000';
let t: TestApp;
let fc: LocalProvider;
let structure: string;
let other: string;
let helper: Actor;
let otherHelper: Actor;
let personId: string;
const secrets = new Map<string, string>();

async function enrol(userId: string) {
  const deps = { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey, operatorName: 'Test' };
  const enrolment = await startSecondFactorEnrolment(deps, userId);
  await confirmSecondFactorEnrolment(deps, userId, { code: totp(enrolment.secret) }, enrolment.pending);
  secrets.set(userId, enrolment.secret);
  t.clock.advance(30_000);
}

function totp(secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: t.clock.now().getTime(),
  });
}

function codeOf(userId: string): string {
  t.clock.advance(30_000); // each code once: the next step's code
  return totp(secrets.get(userId) as string);
}

const env = () => ({ ...t, clock: t.clock.now });

async function habilitate(organisationId: string, helperId: string, coordinator: Actor) {
  const deps = { db: t.db, clock: t.clock.now };
  const ref = { id: organisationId, territory: { departements: [], communes: ['83137'] } };
  await habilitateStructure(deps, coordinator, ref, {
    reference: `HAB-${organisationId.slice(0, 4)}`,
    families: ['social', 'logement', 'famille'],
    startsOn: '2026-01-01',
  });
  await recordHelperTraining(
    deps,
    coordinator,
    ref,
    { userId: helperId, canActOnBehalf: true },
    { trainedOn: '2026-02-01' },
  );
}

/** Creates a mandate through the pages; returns its id. */
async function createThroughPages(agent: Agent, helperId: string, login = 'angela'): Promise<string> {
  await agent.get('/mandats/nouveau');
  const draft = await agent.post('/mandats/nouveau', { families: ['social', 'logement'], duration: 'semestre' });
  expect(draft.headers.location).toBe('/franceconnect/connexion?pour=mandat');
  const start = await agent.follow();
  const back = await walkOidcProvider(String(start.headers.location), login, APP);
  const callback = await agent.get(back);
  expect(callback.headers.location).toBe('/mandats/nouveau/confirmer');
  const confirm = await agent.follow();
  expect(visibleText(confirm.body)).toContain('Personne identifiée : Angela Claire Louise DUBOIS');
  const created = await agent.post('/mandats/nouveau/confirmer', { informed: 'on', code: codeOf(helperId) });
  expect(created.statusCode, visibleText(created.body).slice(0, 300)).toBe(303);
  return String(created.headers.location).split('/').pop() as string;
}

/** The person a mandate is linked to, and how many identity links and people its usager has. */
async function personOf(mandateId: string) {
  const [row] = await t.db.query<{ person_id: string | null; subject_hash: string }>(
    'SELECT m.person_id, u.subject_hash FROM mandates m JOIN mandate_usagers u ON u.id = m.usager_id WHERE m.id = $1',
    [mandateId],
  );
  return { personId: row?.person_id ?? null, subject: row?.subject_hash as string };
}

async function linksOfStructure(organisationId: string) {
  return t.db.query<{ person_id: string }>(
    'SELECT person_id FROM people_identity_links WHERE mandate_organisation_id = $1',
    [organisationId],
  );
}

beforeAll(async () => {
  fc = await startOidcProvider({ redirectUris: [`${APP}/franceconnect/retour`], flavour: 'franceconnect' });
  t = await createTestApp({
    env: { OIDC_FC_ISSUER: fc.issuer, OIDC_FC_CLIENT_ID: fc.clientId, OIDC_FC_CLIENT_SECRET: fc.clientSecret },
  });
  const coord = await makeOrganisation(t.db, 'Département Var', 'collectivite', { departements: ['83'], communes: [] });
  structure = await makeOrganisation(t.db, 'Centre social Toulon', 'association', {
    departements: [],
    communes: ['83137'],
  });
  other = await makeOrganisation(t.db, 'Maison France Services', 'association', {
    departements: [],
    communes: ['83137'],
  });
  const coordinator = await makeActor(t.db, [{ organisationId: coord, role: 'coordinateur' }]);
  helper = await makeActor(t.db, [{ organisationId: structure, role: 'aidant', canActOnBehalf: true }], {
    email: 'camille@exemple.fr',
  });
  otherHelper = await makeActor(t.db, [{ organisationId: other, role: 'aidant', canActOnBehalf: true }]);
  await enrol(helper.userId);
  await enrol(otherHelper.userId);
  await habilitate(structure, helper.userId, coordinator);
  await habilitate(other, otherHelper.userId, coordinator);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await fc?.close();
});

describe('mandates', () => {
  let mandateId: string;
  let publicRef: string;
  let agent: Agent;

  it('creates a mandate: families, duration, the person identified, consent and a fresh code', async () => {
    agent = await signedInAgent(env(), helper.userId, '/mandats');
    expect(visibleText(agent.last?.body ?? '')).toContain('Vous agissez pour : Centre social Toulon');
    // A family outside the structure's habilitation is refused.
    const outside = await agent.post('/mandats/nouveau', { families: ['justice'], duration: 'mois' });
    expect(outside.statusCode).toBe(400);
    expect(visibleText(outside.body)).toContain("Votre structure n'est pas habilitée pour certaines de ces familles.");
    const tooLong = await agent.post('/mandats/nouveau', { families: ['social'], duration: '24-mois' });
    expect(tooLong.statusCode).toBe(400);

    mandateId = await createThroughPages(agent, helper.userId);
    const page = visibleText((await agent.get(`/mandats/${mandateId}`)).body);
    expect(page).toContain('Mandat de Angela Claire Louise DUBOIS');
    expect(page).toContain('Valide jusqu');
    expect(page).toContain('Social - Santé');

    const [row] = await t.db.query<{
      reference: string;
      template_hash: string;
      subject_hash: string;
      given_name: string;
    }>(
      `SELECT m.reference, m.template_hash, u.subject_hash, u.given_name FROM mandates m JOIN mandate_usagers u ON u.id = m.usager_id WHERE m.id = $1`,
      [mandateId],
    );
    expect(row?.template_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.subject_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.subject_hash).not.toContain('angela');
    publicRef = signedReference(t.config.secretKey, row?.reference as string);
    const actions = (
      await t.db.query<{ action: string }>('SELECT action FROM journal WHERE target_id = $1 ORDER BY id', [mandateId])
    ).map((r) => r.action);
    expect(actions).toEqual(['mandats.mandat_cree', 'mandats.famille_autorisee', 'mandats.famille_autorisee']);
  });

  it('links the usager to a pseudonymous person of the structure, in the same transaction', async () => {
    const { personId: linked, subject } = await personOf(mandateId);
    expect(linked).toMatch(/^[0-9a-f-]{36}$/);
    personId = linked as string;
    const [person] = await t.db.query<{
      display_name: string;
      birth_year: number;
      residence_kind: string;
      commune_insee: string | null;
    }>('SELECT display_name, birth_year, residence_kind, commune_insee FROM people WHERE id = $1', [personId]);
    // Initials only; the birth year from the birthdate; FranceConnect gives no residence.
    expect(person).toEqual({
      display_name: 'A. D.',
      birth_year: 1962,
      residence_kind: 'domiciliation',
      commune_insee: null,
    });
    const follows = await t.db.query<{ organisation_id: string }>(
      'SELECT organisation_id FROM people_follows WHERE person_id = $1',
      [personId],
    );
    expect(follows.map((f) => f.organisation_id)).toEqual([structure]);
    expect((await linksOfStructure(structure)).map((l) => l.person_id)).toEqual([personId]);
    const deps = { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey };
    const identity = { provider: 'franceconnect', subject, mandateOrganisationId: structure };
    expect(await personIdForIdentity(deps, helper, identity)).toBe(personId);
    const journal = await t.db.query<{ action: string }>(
      "SELECT action FROM journal WHERE target_id = $1 AND action LIKE 'personne.%' ORDER BY id",
      [personId],
    );
    expect(journal.map((r) => r.action)).toEqual(['personne.creee', 'personne.identite_liee']);
    // The structure holding the mandate sees the link on the mandate page.
    const page = (await agent.get(`/mandats/${mandateId}`)).body;
    expect(visibleText(page)).toContain('Identité FranceConnect liée le');
    expect(page).toContain(`href="/espace/personnes/${personId}"`);
  });

  it('reuses the person for a second mandate of the same identity: the link is created once', async () => {
    const second = await createThroughPages(agent, helper.userId);
    expect(second).not.toBe(mandateId);
    expect((await personOf(second)).personId).toBe(personId);
    expect(await linksOfStructure(structure)).toHaveLength(1);
    const created = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM journal WHERE action = 'personne.creee' AND organisation_id = $1",
      [structure],
    );
    expect(created[0]?.n).toBe(1);
    // The second mandate took over both families: carry on the scenario with it.
    mandateId = second;
    const [row] = await t.db.query<{ reference: string }>('SELECT reference FROM mandates WHERE id = $1', [second]);
    publicRef = signedReference(t.config.secretKey, row?.reference as string);
  });

  it('refuses the confirmation without the consent statement or with a wrong code', async () => {
    await agent.get('/mandats/nouveau');
    await agent.post('/mandats/nouveau', { families: ['famille'], duration: 'jour' });
    const start = await agent.follow();
    await agent.get(await walkOidcProvider(String(start.headers.location), 'angela', APP));
    await agent.get('/mandats/nouveau/confirmer');
    const noConsent = await agent.post('/mandats/nouveau/confirmer', { code: codeOf(helper.userId) });
    expect(noConsent.statusCode).toBe(400);
    expect(visibleText(noConsent.body)).toContain('Confirmez avoir informé la personne');
    const wrong = await agent.post('/mandats/nouveau/confirmer', { informed: 'on', code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(visibleText(wrong.body)).toContain("Ce code n'est pas le bon");
  });

  it('prints the attestation as a PDF', async () => {
    const pdf = await agent.get(`/mandats/${mandateId}/attestation.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('verifies a mandate publicly with initials only, and never writes', async () => {
    const visitor = new PlainAgent(t.app);
    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journal');
    const page = visibleText((await visitor.get(`/mandats/verifier/${publicRef}`)).body);
    expect(page).toContain('Ce mandat est valide');
    expect(page).toContain('Personne : A. D.');
    expect(page).not.toContain('DUBOIS');
    expect(page).toContain('Démarches : Social - Santé, Logement.');
    const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journal');
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('hole: a forged or altered verification reference reads « not valid »', async () => {
    const visitor = new PlainAgent(t.app);
    const altered = `${publicRef.slice(0, -1)}${publicRef.endsWith('A') ? 'B' : 'A'}`;
    for (const ref of [altered, 'AAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAA', 'nimporte-quoi', 'x'.repeat(150)]) {
      const res = await visitor.get(`/mandats/verifier/${ref}`);
      expect(res.statusCode).toBe(200);
      expect(visibleText(res.body)).toContain("Ce mandat n'est pas valide");
    }
  });

  it("hole: a helper of another structure cannot see, print, renew or revoke the structure's mandate", async () => {
    const intruder = await signedInAgent(env(), otherHelper.userId, '/mandats');
    expect((await intruder.get(`/mandats/${mandateId}`)).statusCode).toBe(404);
    expect((await intruder.get(`/mandats/${mandateId}/attestation.pdf`)).statusCode).toBe(404);
    expect((await intruder.get(`/mandats/${mandateId}/renouveler`)).statusCode).toBe(404);
    expect((await intruder.post(`/mandats/${mandateId}/revoquer`, {})).statusCode).toBe(404);
    expect(visibleText((await new PlainAgent(t.app).get(`/mandats/verifier/${publicRef}`)).body)).toContain(
      'Ce mandat est valide',
    );
  });

  it('renews a running mandate with a fresh code, without a new identification', async () => {
    const form = await agent.get(`/mandats/${mandateId}/renouveler`);
    expect(visibleText(form.body)).toContain('Renouveler le mandat de Angela Claire Louise DUBOIS');
    const renewed = await agent.post(`/mandats/${mandateId}/renouveler`, {
      families: ['social'],
      duration: 'annee',
      informed: 'on',
      code: codeOf(helper.userId),
    });
    expect(renewed.statusCode).toBe(303);
    const newId = String(renewed.headers.location).split('/').pop() as string;
    expect(newId).not.toBe(mandateId);
    // The family carried over is now the new mandate's; the old one keeps only « Logement ».
    const old = visibleText((await agent.get(`/mandats/${mandateId}`)).body);
    expect(old).toMatch(/Social - Santé — révoquée le/);
    const journal = await t.db.query<{ action: string }>('SELECT action FROM journal WHERE target_id = $1', [newId]);
    expect(journal.map((r) => r.action)).toContain('mandats.mandat_renouvele');
    mandateId = newId;
  });

  it('revokes per family then whole, by the structure; the verification page follows', async () => {
    const one = await agent.post(`/mandats/${mandateId}/revoquer`, { families: ['social'] });
    expect(one.statusCode).toBe(303);
    const [row] = await t.db.query<{ reference: string }>('SELECT reference FROM mandates WHERE id = $1', [mandateId]);
    const ref = signedReference(t.config.secretKey, row?.reference as string);
    expect(visibleText((await new PlainAgent(t.app).get(`/mandats/verifier/${ref}`)).body)).toContain(
      "Ce mandat n'est pas valide",
    );
  });

  it('hole #697: renewing a revoked mandate by typing the URL is refused', async () => {
    expect((await agent.get(`/mandats/${mandateId}/renouveler`)).statusCode).toBe(409);
    const typed = await agent.post(`/mandats/${mandateId}/renouveler`, {
      families: ['social'],
      duration: 'mois',
      informed: 'on',
      code: codeOf(helper.userId),
    });
    expect(typed.statusCode).toBe(409);
    expect(visibleText(typed.body)).toContain('Ce mandat ne peut pas être renouvelé');
  });

  it('lets the person see and revoke their mandates in « Mes mandats », with an attestation', async () => {
    const id = await createThroughPages(agent, helper.userId);
    const person = new PlainAgent(t.app);
    const home = await person.get('/mes-mandats');
    expect(visibleText(home.body)).toContain("M'identifier avec FranceConnect");
    const start = await person.get('/franceconnect/connexion?pour=mes-mandats');
    await person.get(await walkOidcProvider(String(start.headers.location), 'angela', APP));
    const mine = visibleText((await person.get('/mes-mandats')).body);
    expect(mine).toContain('Angela Claire Louise DUBOIS, voici les structures');
    expect(mine).toContain('Centre social Toulon');
    const revoked = await person.post(`/mes-mandats/${id}/revoquer`, {});
    expect(revoked.statusCode).toBe(303);
    const pdf = await person.get(`/mes-mandats/${id}/revocation.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    // Someone else identified cannot revoke or print it.
    const stranger = new PlainAgent(t.app);
    const s2 = await stranger.get('/franceconnect/connexion?pour=mes-mandats');
    await stranger.get(await walkOidcProvider(String(s2.headers.location), 'quelquun-dautre', APP));
    expect((await stranger.get(`/mes-mandats/${id}/revocation.pdf`)).statusCode).toBe(404);
    const journal = await t.db.query<{ details: { par: string } }>(
      "SELECT details FROM journal WHERE target_id = $1 AND action = 'mandats.mandat_revoque'",
      [id],
    );
    expect(journal[0]?.details.par).toBe('usager');
  });

  it('reminds the structure 30 days before a 6- or 12-month mandate expires, once', async () => {
    await t.app.jobs.runDue(); // the daily schedule is stored from now on
    const id = await createThroughPages(agent, helper.userId);
    t.clock.advance(160 * 86_400_000);
    await t.app.jobs.runDue();
    await t.app.jobs.runDue();
    const failed = await t.db.query('SELECT name, last_error FROM jobs WHERE last_error IS NOT NULL');
    expect(failed).toEqual([]);
    const mails = (await t.mails()).filter((m) => m.subject === 'Un mandat expire dans moins de 30 jours');
    expect(mails.map((m) => m.recipient)).toContain('camille@exemple.fr');
    expect(mails.some((m) => m.text.includes(`/mandats/${id}`))).toBe(true);
    t.clock.advance(86_400_000);
    await t.app.jobs.runDue();
    const reminders = await t.db.query(
      "SELECT 1 FROM journal WHERE action = 'mandats.rappel_expiration_envoye' AND target_id = $1",
      [id],
    );
    expect(reminders).toHaveLength(1);
  });

  it('a helper of another structure cannot see the person link; its own mandate gets its own person', async () => {
    const deps = { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey };
    expect(await identityLinksFor(deps, otherHelper, personId)).toEqual([]);
    const { subject } = await personOf(mandateId);
    await expect(
      personIdForIdentity(deps, otherHelper, { provider: 'franceconnect', subject, mandateOrganisationId: structure }),
    ).rejects.toMatchObject({ status: 403 });
    const intruder = await signedInAgent(env(), otherHelper.userId, '/mandats');
    const page = await intruder.get(`/mandats/${mandateId}`);
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain(personId);
    // The same identity under the other structure's mandate: a separate person, a separate link.
    const theirs = await createThroughPages(intruder, otherHelper.userId);
    const theirPerson = (await personOf(theirs)).personId as string;
    expect(theirPerson).not.toBe(personId);
    expect((await linksOfStructure(other)).map((l) => l.person_id)).toEqual([theirPerson]);
    expect(await identityLinksFor(deps, helper, theirPerson)).toEqual([]);
    expect(await identityLinksFor(deps, otherHelper, theirPerson)).toHaveLength(1);
    const theirPage = (await intruder.get(`/mandats/${theirs}`)).body;
    expect(theirPage).toContain(`href="/espace/personnes/${theirPerson}"`);
    expect(theirPage).not.toContain(personId);
  });

  it('keeps the journal intact', async () => {
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });
});
