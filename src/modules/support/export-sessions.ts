/**
 * CSV exports, each journaled: a helper exports their own sessions (notes included), a
 * responsable their structure's (without notes), a coordinateur the aggregates of their
 * territory only. One row per participant, like the national tool; anonymous workshop
 * participants are rows without any made-up detail.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import { accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { columnsOf, selectRows } from '../../platform/db/rows.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { csvRows, parisDate } from '../../platform/print/index.ts';
import { placeSummaries } from '../lieux/index.ts';
import {
  AUTONOMY,
  labelOf,
  ORIENTATION_KINDS,
  PLACE_KINDS,
  PROCEDURES,
  SELF_ASSESSMENT,
  THEMES,
  WORKSHOP_LEVELS,
} from './data.ts';
import type { SupportDeps } from './deps.ts';
import { helpingOrganisations, supportPolicy } from './policies.ts';
import type { SupportPorts } from './record-session.ts';
import { SessionRecord, type SessionRow } from './sessions-repository.ts';
import type { StatisticsModel } from './statistics.ts';

const HEADER = [
  'Date',
  'Enregistrée le',
  'Type',
  'Participant',
  'Lieu',
  'Où',
  'Code INSEE de la commune',
  'Durée (min)',
  "Nom de l'atelier",
  "Niveau de l'atelier",
  'Matériel',
  'Thématique(s)',
  'Démarche(s)',
  'Nom de la démarche',
  "Niveau d'autonomie",
  'Réponse de la personne',
  'Orientée vers',
  "Lieu d'orientation",
  'Fiche d’orientation',
  'Référence du mandat',
  'ID séance',
];

/** What the exports need: the database, the clock, and the mandates' references when wired. */
export type ExportDeps = SupportDeps & Pick<SupportPorts, 'mandateReferences'>;

/**
 * The references of the mandates the sessions name, for sessions of the structures given only:
 * a mandate is shown to the structure holding it (the mandates module checks it is the
 * session's structure's), never to anyone else. Empty when mandates are not wired.
 */
async function mandateReferencesOf(
  deps: ExportDeps,
  sessions: SessionRow[],
  shownFor: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const references = new Map<string, string>();
  if (!deps.mandateReferences) return references;
  const byOrganisation = new Map<string, string[]>();
  for (const s of sessions) {
    if (s.mandateId && shownFor.has(s.organisationId)) {
      byOrganisation.set(s.organisationId, [...(byOrganisation.get(s.organisationId) ?? []), s.mandateId]);
    }
  }
  for (const [organisationId, ids] of byOrganisation) {
    for (const [id, reference] of await deps.mandateReferences(deps.db, { organisationId, ids: [...new Set(ids)] })) {
      references.set(`${organisationId}/${id}`, reference);
    }
  }
  return references;
}

async function sessionsWhere(db: Queryable, where: string, param: string): Promise<SessionRow[]> {
  return selectRows(
    db,
    SessionRecord,
    `SELECT ${columnsOf(SessionRecord, 's')} FROM support_sessions s WHERE ${where} = $1
     ORDER BY s.session_date, s.created_at`,
    [param],
  );
}

async function participantCounts(db: Queryable, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ session_id: string; n: number }>(
    `SELECT session_id, count(*)::int AS n FROM support_session_participants WHERE session_id = ANY($1::uuid[])
     GROUP BY session_id`,
    [ids],
  );
  return new Map(rows.map((r) => [r.session_id, r.n]));
}

async function rowsOf(
  db: Queryable,
  sessions: SessionRow[],
  withNotes: boolean,
  mandates: Map<string, string>,
): Promise<unknown[][]> {
  const places = await placeSummaries(
    db,
    sessions.flatMap((s) => [s.placeId, s.orientedPlaceId].filter((x): x is string => x !== null)),
  );
  const followed = await participantCounts(
    db,
    sessions.filter((s) => s.kind === 'atelier').map((s) => s.id),
  );
  const out: unknown[][] = [];
  for (const s of sessions) {
    const base = (participant: string) => [
      s.sessionDate,
      parisDate(s.createdAt),
      s.kind === 'atelier' ? 'Atelier collectif' : 'Individuel',
      participant,
      s.placeId ? (places.get(s.placeId)?.nom ?? '') : '',
      labelOf(PLACE_KINDS, s.placeKind),
      s.communeInsee ?? '',
      s.durationMinutes,
      s.workshopTitle ?? '',
      labelOf(WORKSHOP_LEVELS, s.workshopLevel),
      s.devices.join(', '),
      s.themes.map((t) => labelOf(THEMES, t)).join(', '),
      s.procedures.map((p) => labelOf(PROCEDURES, p)).join(', '),
      s.procedureName ?? '',
      labelOf(AUTONOMY, s.autonomy),
      labelOf(SELF_ASSESSMENT, s.selfAssessment),
      labelOf(ORIENTATION_KINDS, s.orientedTo),
      s.orientedPlaceId ? (places.get(s.orientedPlaceId)?.nom ?? '') : '',
      s.slipCode ?? '',
      s.mandateId ? (mandates.get(`${s.organisationId}/${s.mandateId}`) ?? '') : '',
      s.id,
      ...(withNotes ? [s.notes ?? ''] : []),
    ];
    if (s.kind === 'individuel') {
      out.push(base(s.personId ? 'Personne suivie' : 'Anonyme'));
    } else {
      for (let i = 0; i < (followed.get(s.id) ?? 0); i++) out.push(base('Personne suivie'));
      for (let i = 0; i < s.anonymousTotal; i++) out.push(base('Anonyme'));
    }
  }
  return out;
}

async function journalExport(
  deps: SupportDeps,
  actor: Actor,
  organisationId: string | null,
  kind: string,
  rows: number,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await appendJournal(tx, deps.clock, {
      action: 'accompagnement.export_telecharge',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'export_accompagnements',
      targetId: kind,
      details: { type: kind, lignes: rows },
    });
  });
}

/** A helper's own sessions, notes included. */
export async function exportOwnSessions(deps: ExportDeps, actor: Actor | undefined): Promise<string> {
  authorize(actor, supportPolicy.viewOwnSessions, null);
  const sessions = await sessionsWhere(deps.db, 's.helper_user_id', actor.userId);
  // Mandates of the structures the helper still helps in, as on their list of sessions.
  const stillHelping = new Set(helpingOrganisations(actor).map((o) => o.id));
  const mandates = await mandateReferencesOf(deps, sessions, stillHelping);
  const rows = await rowsOf(deps.db, sessions, true, mandates);
  await journalExport(deps, actor, null, 'mes_seances', rows.length);
  return csvRows([[...HEADER, 'Notes'], ...rows], { delimiter: ';', excel: true });
}

/** A structure's sessions, without the helpers' notes. */
export async function exportStructureSessions(
  deps: ExportDeps,
  actor: Actor | undefined,
  organisationId: string,
): Promise<string> {
  authorize(actor, supportPolicy.viewStructure, { id: organisationId });
  const sessions = await sessionsWhere(deps.db, 's.organisation_id', organisationId);
  const mandates = await mandateReferencesOf(deps, sessions, new Set([organisationId]));
  const rows = await rowsOf(deps.db, sessions, false, mandates);
  await journalExport(deps, actor, organisationId, 'structure', rows.length);
  return csvRows([HEADER, ...rows], { delimiter: ';', excel: true });
}

/** Aggregates only (a coordinateur's territory): dimension, value, count. */
export async function exportAggregates(
  deps: SupportDeps,
  actor: Actor | undefined,
  model: StatisticsModel,
  territory: string,
): Promise<string> {
  authorize(actor, supportPolicy.viewTerritory, null);
  const rows: unknown[][] = model.counts.map((c) => [territory, c.dimension, c.valeur, c.nombre]);
  for (const o of model.outcomes) {
    rows.push([territory, 'resultat_suivies', o.theme ?? 'tous_themes', o.followed]);
    rows.push([territory, 'resultat_autonomes_selon_aidant', o.theme ?? 'tous_themes', o.reachedHelper]);
    rows.push([territory, 'resultat_mediane_seances_selon_aidant', o.theme ?? 'tous_themes', o.medianHelper ?? '']);
    rows.push([territory, 'resultat_interrogees', o.theme ?? 'tous_themes', o.asked]);
    rows.push([territory, 'resultat_autonomes_selon_personne', o.theme ?? 'tous_themes', o.reachedSelf]);
  }
  await journalExport(deps, actor, null, `agregats_${territory}`, rows.length);
  return csvRows([['Territoire', 'Dimension', 'Valeur', 'Nombre'], ...rows], { delimiter: ';', excel: true });
}
