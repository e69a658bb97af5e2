/**
 * The person model on a real database (both engines): creation and its journal, the follow
 * link as the only grant, finding by code and the consent to share, the access journal (also
 * from inside a GET's read-only transaction), bad input that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { type Actor, commandLineActor } from '../../platform/auth/actor.ts';
import { guardReadOnly, runReadOnly } from '../../platform/db/read-only-gets.ts';
import { importCommunes } from '../lieux/index.ts';
import type { PeopleIdentityDeps } from './deps.ts';
import {
  createPerson,
  findPersonByCode,
  listPeopleFollowedBy,
  mayActorSeePerson,
  personCodes,
  recordSharingConsent,
  viewPerson,
} from './index.ts';

// Tuesday 10 November 2026, 10:00 in Paris.
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;
let deps: PeopleIdentityDeps;
let orgs: Record<'ccas' | 'centre' | 'autre', string>;
let aidant: Actor;
let responsable: Actor;
let other: Actor;
let coordinateur: Actor;

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
  '84007;AVIGNON;84000;;AVIGNON;43.935856,4.840696',
].join('\n');

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return (await t.db.query<{ n: number }>(sql, params))[0]?.n ?? -1;
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  deps = { db: t.db, clock: clock.now, secretKey: t.config.secretKey };
  await importCommunes({ db: t.db, clock: clock.now }, commandLineActor, Buffer.from(communes), 'communes.csv');
  orgs = {
    ccas: await makeOrganisation(t.db, 'CCAS de Toulon', 'collectivite'),
    centre: await makeOrganisation(t.db, 'Centre social'),
    autre: await makeOrganisation(t.db, 'Espace Avignon'),
  };
  aidant = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'aidant' }]);
  responsable = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'responsable' }]);
  other = await makeActor(t.db, [{ organisationId: orgs.autre, role: 'aidant' }]);
  const coordination = await makeOrganisation(t.db, 'Département du Var', 'collectivite', {
    departements: ['83'],
    communes: [],
  });
  coordinateur = await makeActor(t.db, [{ organisationId: coordination, role: 'coordinateur' }]);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

describe('createPerson', () => {
  it('creates a pseudonymous record followed by the structure, journaled', async () => {
    const person = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Zoé',
      birthYear: 1958,
      residence: { kind: 'commune', inseeCode: '83137' },
      situation: 'Retraité',
    });
    expect(person).toMatchObject({
      displayName: 'Zoé',
      birthYear: 1958,
      ageBand: '60-69 ans',
      residence: { kind: 'commune', inseeCode: '83137', communeName: 'Toulon' },
      situation: 'Retraité',
      hasContact: false,
      followedBy: [orgs.ccas],
    });
    expect(person.code).toMatch(/^[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}$/);
    const journal = await t.db.query<{ organisation_id: string; details: Record<string, unknown> }>(
      "SELECT organisation_id, details FROM journal WHERE action = 'personne.creee' AND target_id = $1",
      [person.id],
    );
    expect(journal).toEqual([
      {
        organisation_id: orgs.ccas,
        details: { residence: 'commune', coordonnees: false, origine: 'creation' },
      },
    ]);
    // No name in the journal.
    expect(JSON.stringify(journal)).not.toContain('Zoé');
  });

  it('accepts « sans domicile stable », a domiciliation, an age band, contact details with a consent', async () => {
    const sds = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'M. K.',
      ageBand: '25-39 ans',
      residence: { kind: 'sans_domicile_stable' },
    });
    expect(sds).toMatchObject({ birthYear: null, ageBand: '25-39 ans', residence: { kind: 'sans_domicile_stable' } });
    const dom = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Ahmed',
      residence: { kind: 'domiciliation', inseeCode: '83137' },
      contact: { phone: '06 12 34 56 78', consent: { purpose: 'Rappel des rendez-vous' } },
    });
    expect(dom).toMatchObject({
      ageBand: null,
      residence: { kind: 'domiciliation', inseeCode: '83137', communeName: 'Toulon' },
      hasContact: true,
    });
    const contact = await t.db.query(
      'SELECT phone, consent_purpose, consent_user_id, consent_organisation_id FROM people_contacts WHERE person_id = $1',
      [dom.id],
    );
    expect(contact).toEqual([
      {
        phone: '+33612345678',
        consent_purpose: 'Rappel des rendez-vous',
        consent_user_id: aidant.userId,
        consent_organisation_id: orgs.ccas,
      },
    ]);
  });

  it('refuses bad input with a French message per field and writes nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM people');
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ displayName: 'Zo\u0000é' }, 'displayName', /caractère invisible/],
      [{ displayName: '' }, 'displayName', /prénom ou des initiales/],
      [{ birthYear: 2030 }, 'birthYear', /futur/],
      [{ birthYear: 1e300 }, 'birthYear', /année de naissance/],
      [{ birthYear: 'mille' }, 'birthYear', /année de naissance/],
      [{ birthYear: 1990, ageBand: '25-39 ans' }, 'ageBand', /pas les deux/],
      [{ ageBand: '30 ans' }, 'ageBand', /tranche d’âge/],
      [{ residence: { kind: 'commune', inseeCode: '99999' } }, 'residence.inseeCode', /ne connaissons pas/],
      [{ residence: { kind: 'commune' } }, 'residence.inseeCode', /commune/],
      [{ residence: { kind: 'ailleurs' } }, 'residence.kind', /sans domicile stable/],
      [{ contact: { phone: '06 12 34 56 78' } }, 'contact.consent', /accord/],
      [{ contact: { consent: { purpose: 'Rappels' } } }, 'contact.phone', /téléphone ou une adresse/],
      [{ contact: { phone: '12', consent: { purpose: 'Rappels' } } }, 'contact.phone', /numéro de téléphone/],
      [{ situation: 'Astronaute' }, 'situation', /situation/],
    ];
    for (const [change, field, message] of cases) {
      const input = {
        organisationId: orgs.ccas,
        displayName: 'Zoé',
        residence: { kind: 'commune', inseeCode: '83137' },
        ...change,
      };
      await expect(createPerson(deps, aidant, input), JSON.stringify(change)).rejects.toMatchObject({
        status: 400,
        fieldErrors: { [field]: expect.stringMatching(message) },
      });
    }
    expect(await count('SELECT count(*)::int AS n FROM people')).toBe(before);
  });

  it('is refused to a structure the actor does not work in, to a coordinateur and to the administrator', async () => {
    const input = { organisationId: orgs.ccas, displayName: 'Zoé', residence: { kind: 'sans_domicile_stable' } };
    await expect(createPerson(deps, other, input)).rejects.toMatchObject({ status: 403 });
    await expect(createPerson(deps, coordinateur, input)).rejects.toMatchObject({ status: 403 });
    await expect(createPerson(deps, commandLineActor, input)).rejects.toMatchObject({ status: 403 });
    await expect(createPerson(deps, undefined, input)).rejects.toMatchObject({ status: 401 });
  });
});

describe('seeing a person', () => {
  it('only through a structure that follows them; each opening goes to the access journal', async () => {
    const person = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Inès',
      residence: { kind: 'commune', inseeCode: '83137' },
    });
    clock.advance(60_000);
    const seen = await viewPerson(deps, responsable, person.id);
    expect(seen).toMatchObject({ id: person.id, displayName: 'Inès', followedBy: [orgs.ccas] });
    await expect(viewPerson(deps, other, person.id)).rejects.toMatchObject({ status: 403 });
    await expect(viewPerson(deps, coordinateur, person.id)).rejects.toMatchObject({ status: 403 });
    await expect(viewPerson(deps, commandLineActor, person.id)).rejects.toMatchObject({ status: 403 });
    await expect(viewPerson(deps, aidant, 'pas-un-identifiant')).rejects.toMatchObject({ status: 404 });
    expect(await mayActorSeePerson(deps, aidant, person.id)).toBe(true);
    expect(await mayActorSeePerson(deps, other, person.id)).toBe(false);
    expect(await mayActorSeePerson(deps, undefined, person.id)).toBe(false);
    const log = await t.db.query<{ user_id: string; organisation_id: string; action: string; at: Date }>(
      'SELECT user_id, organisation_id, action, at FROM people_access_log WHERE person_id = $1 ORDER BY id',
      [person.id],
    );
    expect(log).toEqual([
      { user_id: responsable.userId, organisation_id: orgs.ccas, action: 'consultation', at: clock.now() },
    ]);
  });

  it('writes the access journal even from a GET handler’s read-only transaction, and nothing else', async () => {
    const person = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Yasmine',
      residence: { kind: 'sans_domicile_stable' },
    });
    const guarded = { ...deps, db: guardReadOnly(t.db) };
    const before = await count('SELECT count(*)::int AS n FROM people_access_log WHERE person_id = $1', [person.id]);
    await runReadOnly('GET /test', () => viewPerson(guarded, aidant, person.id));
    expect(await count('SELECT count(*)::int AS n FROM people_access_log WHERE person_id = $1', [person.id])).toBe(
      before + 1,
    );
    // Any other write in that read-only context still fails.
    await expect(
      runReadOnly('GET /test', () =>
        createPerson(guarded, aidant, {
          organisationId: orgs.ccas,
          displayName: 'Yasmine',
          residence: { kind: 'sans_domicile_stable' },
        }),
      ),
    ).rejects.toThrow(/read-only/);
  });
});

describe('the person code', () => {
  it('finds the person for a structure that follows them; a typo gets a clear message; unknown is null', async () => {
    const person = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Paul',
      residence: { kind: 'commune', inseeCode: '83137' },
    });
    const typed = person.code.toLowerCase().replace(/-/g, ' ');
    expect(await findPersonByCode(deps, aidant, orgs.ccas, typed)).toMatchObject({ id: person.id });
    const typo = person.code.slice(0, -1) + (person.code.endsWith('2') ? '3' : '2');
    await expect(findPersonByCode(deps, aidant, orgs.ccas, typo)).rejects.toMatchObject({
      status: 400,
      fieldErrors: { code: expect.stringContaining('faute de frappe') },
    });
    await expect(findPersonByCode(deps, aidant, orgs.ccas, 'abc')).rejects.toMatchObject({
      fieldErrors: { code: expect.stringContaining('9 caractères') },
    });
    let unknown = personCodes.generate();
    while (unknown === person.code.replace(/-/g, '')) unknown = personCodes.generate();
    expect(await findPersonByCode(deps, aidant, orgs.ccas, unknown)).toBeNull();
    await expect(findPersonByCode(deps, other, orgs.ccas, person.code)).rejects.toMatchObject({ status: 403 });
    const log = await t.db.query<{ action: string }>('SELECT action FROM people_access_log WHERE person_id = $1', [
      person.id,
    ]);
    expect(log).toEqual([{ action: 'recherche_par_code' }]);
  });

  it('another structure needs the person’s recorded consent: refused and unchanged without it, followed with it', async () => {
    const person = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Léa',
      residence: { kind: 'commune', inseeCode: '83137' },
    });
    const follows = () => count('SELECT count(*)::int AS n FROM people_follows WHERE person_id = $1', [person.id]);
    await expect(findPersonByCode(deps, other, orgs.autre, person.code)).rejects.toMatchObject({
      status: 422,
      code: 'sharing_consent_required',
      message: expect.stringContaining('consentement'),
    });
    expect(await follows()).toBe(1);
    await expect(viewPerson(deps, other, person.id)).rejects.toMatchObject({ status: 403 });
    await expect(
      recordSharingConsent(deps, other, { organisationId: orgs.autre, code: person.code }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { consent: expect.stringContaining('accord') } });
    await expect(
      recordSharingConsent(deps, other, { organisationId: orgs.ccas, code: person.code, consent: 'on' }),
    ).rejects.toMatchObject({ status: 403 });
    expect(await follows()).toBe(1);

    const shared = await recordSharingConsent(deps, other, {
      organisationId: orgs.autre,
      code: person.code,
      consent: 'on',
    });
    expect(shared.followedBy).toEqual([orgs.autre]);
    expect(await follows()).toBe(2);
    expect(await findPersonByCode(deps, other, orgs.autre, person.code)).toMatchObject({ id: person.id });
    expect(await viewPerson(deps, other, person.id)).toMatchObject({ displayName: 'Léa' });
    const consent = await t.db.query(
      'SELECT by_user_id, basis FROM people_follows WHERE person_id = $1 AND organisation_id = $2',
      [person.id, orgs.autre],
    );
    expect(consent).toEqual([{ by_user_id: other.userId, basis: 'consentement_partage' }]);
    expect(
      await count(
        "SELECT count(*)::int AS n FROM journal WHERE action = 'personne.partage_consenti' AND target_id = $1",
        [person.id],
      ),
    ).toBe(1);
  });
});

describe('listPeopleFollowedBy', () => {
  it('lists a structure’s people by name without accents or case, or by code', async () => {
    const lea = await createPerson(deps, aidant, {
      organisationId: orgs.ccas,
      displayName: 'Éloïse Martin',
      residence: { kind: 'sans_domicile_stable' },
    });
    const byName = await listPeopleFollowedBy(deps, aidant, orgs.ccas, { query: 'eloise' });
    expect(byName.map((p) => p.id)).toEqual([lea.id]);
    expect((await listPeopleFollowedBy(deps, aidant, orgs.ccas, { query: 'MART' })).map((p) => p.id)).toEqual([lea.id]);
    expect((await listPeopleFollowedBy(deps, aidant, orgs.ccas, { query: lea.code })).map((p) => p.id)).toEqual([
      lea.id,
    ]);
    expect(await listPeopleFollowedBy(deps, aidant, orgs.ccas, { query: 'zzz%' })).toEqual([]);
    const all = await listPeopleFollowedBy(deps, aidant, orgs.ccas);
    expect(all.length).toBeGreaterThan(3);
    expect(all.find((p) => p.displayName === 'Ahmed')?.hasContact).toBe(true);
    await expect(listPeopleFollowedBy(deps, other, orgs.ccas)).rejects.toMatchObject({ status: 403 });
    expect(await listPeopleFollowedBy(deps, other, orgs.autre)).toMatchObject([{ displayName: 'Léa' }]);
  });
});
