/**
 * Administering the person model on a real database (both engines): likely duplicates and
 * their merge, erasure on request, the access journal read by responsables, contact consent
 * and its withdrawal, identity links visible only to the mandate's structure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { type Actor, commandLineActor } from '../../platform/auth/actor.ts';
import { importCommunes } from '../lieux/index.ts';
import type { PeopleIdentityDeps } from './deps.ts';
import {
  createPerson,
  erasePerson,
  findPersonByCode,
  identityLinksFor,
  linkIdentity,
  listLikelyDuplicates,
  mergePeople,
  personIdForIdentity,
  recordContactConsent,
  recordSharingConsent,
  viewAccessJournal,
  viewContact,
  viewPerson,
  withdrawContactConsent,
} from './index.ts';

const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;
let deps: PeopleIdentityDeps;
let orgs: Record<'ccas' | 'autre', string>;
let aidant: Actor;
let responsable: Actor;
let otherAidant: Actor;
let otherResponsable: Actor;

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
  '84007;AVIGNON;84000;;AVIGNON;43.935856,4.840696',
].join('\n');

const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(sql, params))[0]?.n ?? -1;

beforeAll(async () => {
  t = await createTestApp({ clock });
  deps = { db: t.db, clock: clock.now, secretKey: t.config.secretKey };
  await importCommunes({ db: t.db, clock: clock.now }, commandLineActor, Buffer.from(communes), 'communes.csv');
  orgs = {
    ccas: await makeOrganisation(t.db, 'CCAS de Toulon'),
    autre: await makeOrganisation(t.db, 'Espace Avignon'),
  };
  aidant = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'aidant' }]);
  responsable = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'responsable' }]);
  otherAidant = await makeActor(t.db, [{ organisationId: orgs.autre, role: 'aidant' }]);
  otherResponsable = await makeActor(t.db, [{ organisationId: orgs.autre, role: 'responsable' }]);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

const toulon = { kind: 'commune', inseeCode: '83137' } as const;

describe('duplicates and merge', () => {
  it('finds likely duplicates without accents or case, and merges them for a responsable only', async () => {
    const a = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Zoé Martin',
      birthYear: 1956,
      residence: toulon,
    });
    clock.advance(1000);
    const b = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'ZOE  martin',
      birthYear: 1956,
      residence: toulon,
      situation: 'Retraité',
      contact: { email: 'zoe@exemple.fr', consent: { purpose: 'Rappels' } },
    });
    // Not duplicates: another birth year, another commune.
    await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Zoé Martin',
      birthYear: 1957,
      residence: toulon,
    });
    await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Zoé Martin',
      birthYear: 1956,
      residence: { kind: 'commune', inseeCode: '84007' },
    });
    const groups = await listLikelyDuplicates(deps, responsable, orgs.ccas);
    expect(groups.map((g) => g.map((p) => p.id))).toEqual([[a.id, b.id]]);
    await expect(listLikelyDuplicates(deps, aidant, orgs.ccas)).rejects.toMatchObject({ status: 403 });
    await viewPerson(deps, aidant, b.id);

    await expect(mergePeople(deps, aidant, { keepId: a.id, duplicateId: b.id })).rejects.toMatchObject({ status: 403 });
    await expect(mergePeople(deps, otherResponsable, { keepId: a.id, duplicateId: b.id })).rejects.toMatchObject({
      status: 403,
    });
    await expect(mergePeople(deps, responsable, { keepId: a.id, duplicateId: a.id })).rejects.toMatchObject({
      code: 'same_person',
    });
    await expect(mergePeople(deps, responsable, { keepId: a.id, duplicateId: 'x' })).rejects.toMatchObject({
      status: 400,
    });

    const merged = await mergePeople(deps, responsable, { keepId: a.id, duplicateId: b.id });
    expect(merged).toMatchObject({ id: a.id, displayName: 'Zoé Martin', situation: 'Retraité', hasContact: true });
    // The duplicate's id (stored by other modules) leads to the kept record; its card code too.
    expect(await viewPerson(deps, aidant, b.id)).toMatchObject({ id: a.id });
    expect(await findPersonByCode(deps, aidant, orgs.ccas, b.code)).toMatchObject({ id: a.id });
    // Its access history moved over; it keeps no name.
    expect(await count('SELECT count(*)::int AS n FROM people_access_log WHERE person_id = $1', [b.id])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM people WHERE id = $1 AND display_name IS NULL', [b.id])).toBe(1);
    expect(await listLikelyDuplicates(deps, responsable, orgs.ccas)).toEqual([]);
    await expect(mergePeople(deps, responsable, { keepId: a.id, duplicateId: b.id })).rejects.toMatchObject({
      code: 'same_person',
    });
    expect(
      await count("SELECT count(*)::int AS n FROM journal WHERE action = 'personne.fusionnee' AND target_id = $1", [
        a.id,
      ]),
    ).toBe(1);
  });
});

describe('erasure on request', () => {
  it('removes identifying fields, keeps anonymous statistics, and is refused to a helper', async () => {
    const p = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Nadia',
      birthYear: 1990,
      residence: toulon,
      situation: 'En emploi',
      contact: { phone: '0612345678', consent: { purpose: 'Rappels' } },
    });
    await expect(erasePerson(deps, aidant, p.id, {})).rejects.toMatchObject({ status: 403 });
    await expect(erasePerson(deps, otherResponsable, p.id, { confirmation: 'on' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(erasePerson(deps, responsable, p.id, {})).rejects.toMatchObject({
      status: 400,
      fieldErrors: { confirmation: expect.stringContaining('Cochez') },
    });
    await erasePerson(deps, responsable, p.id, { confirmation: 'on' });
    const row = (
      await t.db.query(
        'SELECT display_name, name_key, birth_year, age_band, commune_insee, departement, situation, residence_kind FROM people WHERE id = $1',
        [p.id],
      )
    )[0];
    expect(row).toEqual({
      display_name: null,
      name_key: null,
      birth_year: null,
      age_band: '25-39 ans',
      commune_insee: null,
      departement: '83',
      situation: 'En emploi',
      residence_kind: 'commune',
    });
    expect(await count('SELECT count(*)::int AS n FROM people_contacts WHERE person_id = $1', [p.id])).toBe(0);
    await expect(viewPerson(deps, aidant, p.id)).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('effacé'),
    });
    expect(await findPersonByCode(deps, aidant, orgs.ccas, p.code)).toBeNull();
    await expect(erasePerson(deps, responsable, p.id, { confirmation: 'on' })).rejects.toMatchObject({ status: 404 });
    const journal = await t.db.query<{ details: unknown }>(
      "SELECT details FROM journal WHERE action = 'personne.effacee' AND target_id = $1",
      [p.id],
    );
    expect(journal).toEqual([{ details: { motif: 'demande_de_la_personne' } }]);
  });
});

describe('the access journal', () => {
  it('tells the responsables of following structures who opened the record, when', async () => {
    const p = await createPerson(deps, aidant, { organisationId: orgs.ccas, displayName: 'Omar', residence: toulon });
    clock.advance(60_000);
    await viewPerson(deps, aidant, p.id);
    await recordSharingConsent(deps, otherAidant, { organisationId: orgs.autre, code: p.code, consent: 'on' });
    clock.advance(60_000);
    await findPersonByCode(deps, otherAidant, orgs.autre, p.code);
    const entries = await viewAccessJournal(deps, responsable, p.id);
    expect(entries.map((e) => [e.label, e.organisationName])).toEqual([
      ['Recherche par le code de la carte', 'Espace Avignon'],
      ['Consultation de la fiche', 'CCAS de Toulon'],
    ]);
    expect(entries[1]?.userName).toBe(aidant.displayName);
    expect(await viewAccessJournal(deps, otherResponsable, p.id)).toHaveLength(2);
    await expect(viewAccessJournal(deps, aidant, p.id)).rejects.toMatchObject({ status: 403 });
  });
});

describe('contact details and consent', () => {
  it('are recorded with who, when and for what, and withdrawn at once', async () => {
    const p = await createPerson(deps, aidant, { organisationId: orgs.ccas, displayName: 'Lina', residence: toulon });
    expect(await viewContact(deps, aidant, p.id)).toBeNull();
    await expect(
      recordContactConsent(deps, aidant, p.id, { organisationId: orgs.ccas, phone: '06 12 34 56 78' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      recordContactConsent(deps, otherAidant, p.id, {
        organisationId: orgs.autre,
        phone: '0612345678',
        consent: { purpose: 'x' },
      }),
    ).rejects.toMatchObject({ status: 403 });
    await recordContactConsent(deps, aidant, p.id, {
      organisationId: orgs.ccas,
      phone: '06 12 34 56 78',
      consent: { purpose: 'Rappel des ateliers' },
    });
    expect(await viewContact(deps, aidant, p.id)).toEqual({
      phone: '+33612345678',
      email: null,
      consent: { purpose: 'Rappel des ateliers', at: clock.now().toISOString(), organisationId: orgs.ccas },
    });
    expect(await withdrawContactConsent(deps, aidant, p.id)).toBe(true);
    expect(await viewContact(deps, aidant, p.id)).toBeNull();
    expect(await viewPerson(deps, aidant, p.id)).toMatchObject({ hasContact: false });
    expect(
      await count(
        "SELECT count(*)::int AS n FROM journal WHERE target_id = $1 AND action IN ('personne.consentement_contact_enregistre', 'personne.consentement_contact_retire')",
        [p.id],
      ),
    ).toBe(2);
  });
});

describe('identity links (mandates)', () => {
  it('store the subject keyed-hashed, visible only to the structure holding the mandate', async () => {
    const p = await createPerson(deps, aidant, { organisationId: orgs.ccas, displayName: 'Hugo', residence: toulon });
    await recordSharingConsent(deps, otherAidant, { organisationId: orgs.autre, code: p.code, consent: 'on' });
    const identity = { provider: 'franceconnect', subject: 'sub-123456', mandateOrganisationId: orgs.ccas };
    await expect(linkIdentity(deps, otherAidant, p.id, identity)).rejects.toMatchObject({ status: 403 });
    const link = await linkIdentity(deps, aidant, p.id, identity);
    expect(link).toMatchObject({ provider: 'franceconnect', mandateOrganisationId: orgs.ccas });
    // Linking again changes nothing.
    expect((await linkIdentity(deps, aidant, p.id, identity)).id).toBe(link.id);
    const stored = await t.db.query<{ subject_hash: string }>('SELECT subject_hash FROM people_identity_links');
    expect(JSON.stringify(stored)).not.toContain('sub-123456');
    expect(stored[0]?.subject_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await identityLinksFor(deps, aidant, p.id)).toHaveLength(1);
    expect(await identityLinksFor(deps, otherAidant, p.id)).toEqual([]);
    expect(await personIdForIdentity(deps, aidant, identity)).toBe(p.id);
    await expect(personIdForIdentity(deps, otherAidant, identity)).rejects.toMatchObject({ status: 403 });
    // The same identity for another person of the structure: merge first.
    const q = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Hugo B.',
      residence: toulon,
    });
    await expect(linkIdentity(deps, aidant, q.id, identity)).rejects.toMatchObject({
      code: 'identity_linked_elsewhere',
    });
  });
});
