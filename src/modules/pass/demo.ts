/**
 * Demo data for the Pass numérique: the demo médiathèque's places qualified, a programme of
 * the demo département with a few booklets, some held by the demo CCAS, one handed out.
 * Never in production (checked by the caller).
 */
import { type Actor, commandLineActor } from '../../platform/auth/actor.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { parisDate } from '../../platform/print/index.ts';
import type { PassDeps } from './deps.ts';
import { assignBooklets, distributeBooklet } from './distribute-booklets.ts';
import { issueBooklets } from './issue-booklets.ts';
import { findBookletByNumber, insertProgramme } from './programmes-repository.ts';

export async function seedPassDemo(
  deps: PassDeps,
  orgs: {
    coordination: string;
    mediatheque: string;
    ccas: string;
    coordination84: string;
    funder84: string;
    structure84: string;
  },
  placeIds: string[],
  placeIds84: string[],
  /** A prescripteur of the demo CCAS: hands booklet n° 1 over (its beneficiary becomes a person). */
  distributor: Actor,
): Promise<string> {
  const now = deps.clock();
  const today = parisDate(now);
  const year = Number(today.slice(0, 4));
  // Qualified places and the programme: one transaction with its demo journal entry. Booklets
  // are then issued, assigned and handed out through the use cases (journaled each).
  const programme = await deps.db.transaction(async (tx) => {
    const qualify = [
      ...placeIds.map((id) => ({ placeId: id, organisation: orgs.mediatheque })),
      ...placeIds84.map((id) => ({ placeId: id, organisation: orgs.structure84 })),
    ];
    for (const { placeId, organisation } of qualify) {
      await tx.query(
        `INSERT INTO pass_qualifications (organisation_id, place_id, siret, services, commitments, status, requested_at, decided_at, decision_reason)
         VALUES ($1, $2, '73282932000074', $3, $4, 'qualified', $5, $5, 'Données de démonstration') ON CONFLICT (place_id) DO NOTHING`,
        [
          organisation,
          placeId,
          ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien'],
          JSON.stringify({ demo: true }),
          now,
        ],
      );
    }
    const created = await insertProgramme(
      tx,
      {
        name: 'Démo — Pass numérique du Var',
        coordinator_organisation_id: orgs.coordination,
        funder_organisation_id: orgs.coordination,
        territory_departements: ['83'],
        territory_communes: [],
        target_publics: 'Données de démonstration',
        face_value_cents: 1000,
        vouchers_per_booklet: 5,
        valid_from: `${year}-01-01`,
        valid_until: `${year + 1}-12-31`,
        tolerance_days: 31,
        distribution_stop_days: 15,
        services: ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien'],
        created_by: null,
        // The demo funder consents with the creation (ADR 0009: a programme is active once accepted).
        accepted: true,
      },
      now,
    );
    await appendJournal(tx, deps.clock, {
      action: 'demo.pass_cree',
      organisationId: orgs.coordination,
      targetType: 'programme',
      targetId: created.id,
      details: { lieux_habilites: placeIds.length },
    });
    return created;
  });
  // The second territory: a programme of the Vaucluse, funded by its own funder, which accepted it.
  const vaucluse = await deps.db.transaction(async (tx) => {
    const created = await insertProgramme(
      tx,
      {
        name: 'Démo — Pass numérique de Vaucluse',
        coordinator_organisation_id: orgs.coordination84,
        funder_organisation_id: orgs.funder84,
        territory_departements: ['84'],
        territory_communes: [],
        target_publics: 'Données de démonstration',
        face_value_cents: 1500,
        vouchers_per_booklet: 4,
        valid_from: `${year}-01-01`,
        valid_until: `${year + 1}-12-31`,
        tolerance_days: 31,
        distribution_stop_days: 15,
        services: ['Aide aux démarches administratives'],
        created_by: null,
        accepted: true,
      },
      now,
    );
    await appendJournal(tx, deps.clock, {
      action: 'demo.pass_cree',
      organisationId: orgs.coordination84,
      targetType: 'programme',
      targetId: created.id,
      details: { lieux_habilites: placeIds84.length },
    });
    return created;
  });
  await issueBooklets(deps, commandLineActor, vaucluse.id, { count: 5 });
  const organisationExists = async () => true;
  await issueBooklets(deps, commandLineActor, programme.id, { count: 10 });
  await assignBooklets({ ...deps, organisationExists }, commandLineActor, programme.id, {
    organisationId: orgs.ccas,
    count: 5,
  });
  const first = await findBookletByNumber(deps.db, programme.id, 1);
  if (first) {
    await distributeBooklet(deps, distributor, first.id, {
      ageBand: '65 à 79 ans',
      commune: '83000',
      situation: 'Retraité ou retraitée',
      needs: ['Aide aux démarches administratives'],
    });
  }
  return `Pass numérique de démonstration : 10 carnets émis dans le Var, 5 confiés au CCAS de démonstration, le n° 1 remis ; ${placeIds.length} lieux de la médiathèque habilités ; en Vaucluse, un programme de 5 carnets et ${placeIds84.length} lieu habilité.`;
}
