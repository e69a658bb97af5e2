/**
 * Two territories for authorisation tests (issue 9): the Var (83) and the Vaucluse (84). In each:
 * a coordination, a second coordination, a funder, a second funder, a structure with a place, a
 * second structure with a place, a programme of the coordination funded by the funder (accepted),
 * and a statement of the structure's place for that funder. One account per role and
 * organisation, plus an administrator and a structure whose own coordinateur would approve its
 * place (the self-approval attacker).
 */

import { importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { setPlaceOrganisation } from '../../src/modules/lieux/places-repository.ts';
import { assignBooklets } from '../../src/modules/pass/distribute-booklets.ts';
import { issueBooklets } from '../../src/modules/pass/issue-booklets.ts';
import { insertProgramme } from '../../src/modules/pass/programmes-repository.ts';
import type { Role } from '../../src/platform/auth/actor.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import type { Territory } from '../../src/platform/auth/territory.ts';
import { makeActor, makeOrganisation } from './factories.ts';
import type { TestApp } from './test-app.ts';

export const TERRITORIES = ['var', 'vaucluse'] as const;
export type TerritoryName = (typeof TERRITORIES)[number];

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
  '83069;HYERES;83400;;HYERES;43.1018713736,6.18898460144',
  '84007;AVIGNON;84000;;AVIGNON;43.9352448339,4.84071572505',
  '84031;CARPENTRAS;84200;;CARPENTRAS;44.0593811,5.0503090',
].join('\n');

const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'lieu-var,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives',
  'lieu-var-2,73282932000074,Espace des Iles,Hyères,83400,83069,2 rue Massillon,43.1190,6.1300,2026-10-01,Aide aux démarches administratives',
  'lieu-var-attaquant,73282932000074,Tiers-lieu du Mourillon,Toulon,83000,83137,5 rue du Mourillon,43.1100,5.9400,2026-10-01,Aide aux démarches administratives',
  'lieu-vaucluse,73282932000074,Maison du Palais,Avignon,84000,84007,1 place du Palais,43.9500,4.8070,2026-10-01,Aide aux démarches administratives',
  'lieu-vaucluse-2,73282932000074,Espace Carpentras,Carpentras,84200,84031,3 rue de la Porte,44.0550,5.0480,2026-10-01,Aide aux démarches administratives',
].join('\n');

const territoryOf: Record<TerritoryName, Territory> = {
  var: { departements: ['83'], communes: [] },
  vaucluse: { departements: ['84'], communes: [] },
};
const structureTerritory: Record<TerritoryName, [Territory, Territory]> = {
  var: [
    { departements: [], communes: ['83137'] },
    { departements: [], communes: ['83069'] },
  ],
  vaucluse: [
    { departements: [], communes: ['84007'] },
    { departements: [], communes: ['84031'] },
  ],
};

export interface Side {
  coordination: string;
  coordination2: string;
  funder: string;
  funder2: string;
  structure: string;
  structure2: string;
  place: string;
  place2: string;
  programme: string;
  statement: string;
  /** A booklet of the programme, held by the structure (not yet handed out). */
  booklet: string;
  /** A pending qualification request of the structure's place. */
  qualification: string;
  /** One user id per role in each organisation: users[orgKey][role]. */
  users: Record<string, Partial<Record<Role, string>>>;
}

export interface TwoTerritories {
  var: Side;
  vaucluse: Side;
  admin: string;
  /**
   * A coordinateur of « Tiers-lieu du Mourillon » (Var), the organisation that maintains
   * lieu-var-attaquant, and that organisation's responsable (one role per organisation and person).
   */
  selfApprover: { userId: string; responsable: string; organisation: string; place: string };
}

const STRUCTURE_ROLES: Role[] = ['responsable', 'aidant', 'prescripteur'];

export async function seedTwoTerritories(t: TestApp): Promise<TwoTerritories> {
  const ld = { db: t.db, clock: t.clock.now };
  await importCommunes(ld, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(ld, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  const sides = {} as Record<TerritoryName, Side>;
  const passDeps = { db: t.db, clock: t.clock.now, publicUrl: t.config.publicUrl, operatorName: 'Passerelle' };
  for (const name of TERRITORIES) {
    const label = name === 'var' ? 'Var' : 'Vaucluse';
    const territory = territoryOf[name];
    const [st1, st2] = structureTerritory[name];
    const coordination = await makeOrganisation(t.db, `Département ${label}`, 'collectivite', territory);
    const coordination2 = await makeOrganisation(t.db, `Agglomération ${label}`, 'collectivite', territory);
    const funder = await makeOrganisation(t.db, `Fondation ${label}`, 'entreprise', territory);
    const funder2 = await makeOrganisation(t.db, `Caisse ${label}`, 'entreprise', territory);
    const structure = await makeOrganisation(t.db, `Structure ${label}`, 'association', st1);
    const structure2 = await makeOrganisation(t.db, `Autre structure ${label}`, 'association', st2);
    const place = name === 'var' ? 'lieu-var' : 'lieu-vaucluse';
    const place2 = `${place}-2`;
    await setPlaceOrganisation(t.db, place, structure);
    await setPlaceOrganisation(t.db, place2, structure2);
    const users: Side['users'] = {};
    const add = async (key: string, organisationId: string, roles: Role[]) => {
      users[key] = {};
      for (const role of roles) {
        const a = await makeActor(t.db, [{ organisationId, role }], { email: `${role}-${key}-${name}@exemple.fr` });
        (users[key] as Partial<Record<Role, string>>)[role] = a.userId;
      }
    };
    await add('coordination', coordination, ['coordinateur', 'financeur']);
    await add('coordination2', coordination2, ['coordinateur']);
    await add('funder', funder, ['financeur']);
    await add('funder2', funder2, ['financeur']);
    await add('structure', structure, STRUCTURE_ROLES);
    await add('structure2', structure2, STRUCTURE_ROLES);
    const now = t.clock.now();
    const programme = await insertProgramme(
      t.db,
      {
        name: `Pass numérique ${label}`,
        coordinator_organisation_id: coordination,
        funder_organisation_id: funder,
        territory_departements: territory.departements as string[],
        territory_communes: [],
        target_publics: null,
        face_value_cents: 1000,
        vouchers_per_booklet: 5,
        valid_from: '2026-01-01',
        valid_until: '2027-12-31',
        tolerance_days: 31,
        distribution_stop_days: 15,
        services: ['Aide aux démarches administratives'],
        created_by: null,
      },
      now,
    );
    await t.db
      .query('UPDATE pass_programmes SET funder_accepted_at = $2 WHERE id = $1', [programme.id, now])
      .catch(() => {});
    const statement = (
      await t.db.query<{ id: string }>(
        `INSERT INTO pass_statements (place_id, organisation_id, funder_organisation_id, month, vouchers, amount_cents, created_at)
         VALUES ($1, $2, $3, '2026-09-01', 3, 3000, $4) RETURNING id`,
        [place, structure, funder, now],
      )
    )[0]?.id as string;
    await issueBooklets(passDeps, commandLineActor, programme.id, { count: 2 });
    await assignBooklets({ ...passDeps, organisationExists: async () => true }, commandLineActor, programme.id, {
      organisationId: structure,
      count: 1,
    });
    const booklet = (
      await t.db.query<{ id: string }>('SELECT id FROM pass_booklets WHERE programme_id = $1 AND number = 1', [
        programme.id,
      ])
    )[0]?.id as string;
    const qualification = (
      await t.db.query<{ id: string }>(
        `INSERT INTO pass_qualifications (organisation_id, place_id, siret, services, commitments, status, requested_at)
         VALUES ($1, $2, '73282932000074', $3, '{}', 'requested', $4) RETURNING id`,
        [structure, place, ['Aide aux démarches administratives'], now],
      )
    )[0]?.id as string;
    sides[name] = {
      booklet,
      qualification,
      coordination,
      coordination2,
      funder,
      funder2,
      structure,
      structure2,
      place,
      place2,
      programme: programme.id,
      statement,
      users,
    };
  }
  const admin = (await makeActor(t.db, [], { admin: true, email: 'admin@exemple.fr' })).userId;
  // An administrator works with a second factor: enrolled here, as its session says it was given.
  await t.db.query('UPDATE users SET totp_enabled_at = $2 WHERE id = $1', [admin, t.clock.now()]);
  const tiersLieu = await makeOrganisation(t.db, 'Tiers-lieu du Mourillon', 'association', territoryOf.var);
  await setPlaceOrganisation(t.db, 'lieu-var-attaquant', tiersLieu);
  const selfApprover = await makeActor(t.db, [{ organisationId: tiersLieu, role: 'coordinateur' }], {
    email: 'coordinateur-tiers-lieu@exemple.fr',
  });
  const colleague = await makeActor(t.db, [{ organisationId: tiersLieu, role: 'responsable' }], {
    email: 'responsable-tiers-lieu@exemple.fr',
  });
  return {
    var: sides.var,
    vaucluse: sides.vaucluse,
    admin,
    selfApprover: {
      userId: selfApprover.userId,
      responsable: colleague.userId,
      organisation: tiersLieu,
      place: 'lieu-var-attaquant',
    },
  };
}
