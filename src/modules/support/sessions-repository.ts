/** SQL on the support module's own tables (typed rows, ADR 0008). */
import { z } from 'zod';
import type { Queryable } from '../../platform/db/database.ts';
import { col, columnsOf, defineRecord, selectMaybe, selectRows } from '../../platform/db/rows.ts';
import type { AnonymousCounts, SessionKind } from './session-input.ts';

export const SessionRecord = defineRecord({
  id: col.uuid(),
  organisationId: col.uuid(),
  helperUserId: col.uuid().nullable(),
  kind: z.enum(['individuel', 'atelier']),
  sessionDate: col.date(),
  durationMinutes: col.int(),
  placeKind: z.enum(['lieu', 'domicile', 'distance', 'autre']),
  placeId: col.text().nullable(),
  communeInsee: col.text().nullable(),
  departement: col.text().nullable(),
  themes: col.textArray(),
  procedures: col.textArray(),
  procedureName: col.text().nullable(),
  devices: col.textArray(),
  autonomy: col.text().nullable(),
  selfAssessment: col.text().nullable(),
  orientedTo: col.text().nullable(),
  orientedPlaceId: col.text().nullable(),
  notes: col.text().nullable(),
  workshopTitle: col.text().nullable(),
  workshopLevel: col.text().nullable(),
  anonymousCounts: col
    .json(
      z.object({
        total: z.number(),
        deja: z.number(),
        genre: z.record(z.string(), z.number()),
        age: z.record(z.string(), z.number()),
        statut: z.record(z.string(), z.number()),
      }),
    )
    .nullable(),
  anonymousTotal: col.int(),
  personId: col.uuid().nullable(),
  slipCode: col.text().nullable(),
  redemptionId: col.uuid().nullable(),
  mandateId: col.uuid().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type SessionRow = z.output<typeof SessionRecord>;

const sessionColumns = columnsOf(SessionRecord, 's');

export interface SessionWrite {
  organisationId: string;
  helperUserId: string | null;
  kind: SessionKind;
  sessionDate: string;
  durationMinutes: number;
  placeKind: string;
  placeId: string | null;
  communeInsee: string | null;
  departement: string | null;
  themes: string[];
  procedures: string[];
  procedureName: string | null;
  devices: string[];
  autonomy: string | null;
  selfAssessment: string | null;
  orientedTo: string | null;
  orientedPlaceId: string | null;
  notes: string | null;
  workshopTitle: string | null;
  workshopLevel: string | null;
  anonymousCounts: AnonymousCounts | null;
  personId: string | null;
  slipCode: string | null;
  /** The voucher redemption the session was recorded from (set at creation only). */
  redemptionId?: string | null;
  /** The mandate the helper used (checked by the mandates module in the same transaction). */
  mandateId: string | null;
}

function writeParams(s: SessionWrite): unknown[] {
  return [
    s.organisationId,
    s.helperUserId,
    s.kind,
    s.sessionDate,
    s.durationMinutes,
    s.placeKind,
    s.placeId,
    s.communeInsee,
    s.departement,
    s.themes,
    s.procedures,
    s.procedureName,
    s.devices,
    s.autonomy,
    s.selfAssessment,
    s.orientedTo,
    s.orientedPlaceId,
    s.notes,
    s.workshopTitle,
    s.workshopLevel,
    s.anonymousCounts === null ? null : JSON.stringify(s.anonymousCounts),
    s.anonymousCounts?.total ?? 0,
    s.personId,
    s.slipCode,
    s.mandateId,
  ];
}

export async function insertSession(tx: Queryable, s: SessionWrite, now: Date): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO support_sessions (organisation_id, helper_user_id, kind, session_date, duration_minutes, place_kind,
       place_id, commune_insee, departement, themes, procedures, procedure_name, devices, autonomy, self_assessment,
       oriented_to, oriented_place_id, notes, workshop_title, workshop_level, anonymous_counts, anonymous_total,
       person_id, slip_code, mandate_id, created_at, updated_at, redemption_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21::jsonb,
       $22, $23, $24, $25, $26, $26, $27)
     RETURNING id`,
    [...writeParams(s), now, s.redemptionId ?? null],
  );
  return (rows[0] as { id: string }).id;
}

/** The session already recorded from a redemption, if any (one session per voucher). */
export async function sessionOfRedemption(q: Queryable, redemptionId: string): Promise<string | undefined> {
  const rows = await q.query<{ id: string }>('SELECT id FROM support_sessions WHERE redemption_id = $1 LIMIT 1', [
    redemptionId,
  ]);
  return rows[0]?.id;
}

export async function updateSessionRow(tx: Queryable, id: string, s: SessionWrite, now: Date): Promise<void> {
  await tx.query(
    `UPDATE support_sessions SET organisation_id = $1, helper_user_id = $2, kind = $3, session_date = $4,
       duration_minutes = $5, place_kind = $6, place_id = $7, commune_insee = $8, departement = $9, themes = $10,
       procedures = $11, procedure_name = $12, devices = $13, autonomy = $14, self_assessment = $15, oriented_to = $16,
       oriented_place_id = $17, notes = $18, workshop_title = $19, workshop_level = $20, anonymous_counts = $21::jsonb,
       anonymous_total = $22, person_id = $23, slip_code = $24, mandate_id = $25, updated_at = $26
     WHERE id = $27`,
    [...writeParams(s), now, id],
  );
}

export async function deleteSessionRow(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM support_sessions WHERE id = $1', [id]);
}

export async function findSession(
  db: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<SessionRow | undefined> {
  return selectMaybe(
    db,
    SessionRecord,
    `SELECT ${sessionColumns} FROM support_sessions s WHERE s.id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
}

export async function participantsOf(db: Queryable, sessionId: string): Promise<string[]> {
  const rows = await db.query<{ person_id: string }>(
    'SELECT person_id FROM support_session_participants WHERE session_id = $1 ORDER BY person_id',
    [sessionId],
  );
  return rows.map((r) => r.person_id);
}

export async function replaceParticipants(tx: Queryable, sessionId: string, personIds: string[]): Promise<void> {
  await tx.query('DELETE FROM support_session_participants WHERE session_id = $1', [sessionId]);
  if (personIds.length === 0) return;
  await tx.query(
    'INSERT INTO support_session_participants (session_id, person_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
    [sessionId, personIds],
  );
}

/** A helper's sessions, newest first (a page of them). */
export async function sessionsOfHelper(
  db: Queryable,
  helperUserId: string,
  options: { limit: number; offset: number },
): Promise<SessionRow[]> {
  return selectRows(
    db,
    SessionRecord,
    `SELECT ${sessionColumns} FROM support_sessions s WHERE s.helper_user_id = $1
     ORDER BY s.session_date DESC, s.created_at DESC LIMIT $2 OFFSET $3`,
    [helperUserId, options.limit, options.offset],
  );
}

export async function countSessionsOfHelper(db: Queryable, helperUserId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM support_sessions WHERE helper_user_id = $1',
    [helperUserId],
  );
  return rows[0]?.n ?? 0;
}

/** Durations this helper used more than `uses` times (the national tool's « adaptive » durations). */
export async function frequentDurations(db: Queryable, helperUserId: string, uses: number): Promise<number[]> {
  const rows = await db.query<{ d: number }>(
    `SELECT duration_minutes AS d FROM support_sessions WHERE helper_user_id = $1
     GROUP BY duration_minutes HAVING count(*) > $2 ORDER BY count(*) DESC, duration_minutes LIMIT 10`,
    [helperUserId, uses],
  );
  return rows.map((r) => r.d);
}

export const HelperDefaults = z.object({
  kind: z.enum(['individuel', 'atelier']).optional(),
  durationMinutes: z.number().int().optional(),
  placeKind: z.string().optional(),
  placeId: z.string().nullable().optional(),
  devices: z.array(z.string()).optional(),
});
export type HelperDefaults = z.output<typeof HelperDefaults>;

export async function findDefaults(db: Queryable, userId: string, organisationId: string): Promise<HelperDefaults> {
  const rows = await db.query<{ defaults: unknown }>(
    'SELECT defaults FROM support_helper_defaults WHERE user_id = $1 AND organisation_id = $2',
    [userId, organisationId],
  );
  const parsed = HelperDefaults.safeParse(rows[0]?.defaults ?? {});
  return parsed.success ? parsed.data : {};
}

export async function saveDefaults(
  tx: Queryable,
  userId: string,
  organisationId: string,
  defaults: HelperDefaults,
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO support_helper_defaults (user_id, organisation_id, defaults, updated_at) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (user_id, organisation_id) DO UPDATE SET defaults = EXCLUDED.defaults, updated_at = EXCLUDED.updated_at`,
    [userId, organisationId, JSON.stringify(defaults), now],
  );
}

/** The sessions of one person, oldest first (the person's page). */
export async function sessionsOfPerson(db: Queryable, personId: string): Promise<SessionRow[]> {
  return selectRows(
    db,
    SessionRecord,
    `SELECT ${sessionColumns} FROM support_sessions s
     WHERE s.person_id = $1 OR s.id IN (SELECT session_id FROM support_session_participants WHERE person_id = $1)
     ORDER BY s.session_date, s.created_at`,
    [personId],
  );
}

export async function readSnapshot(
  db: Queryable,
  scope: string,
): Promise<{ computedAt: Date; payload: unknown } | undefined> {
  const rows = await db.query<{ computed_at: Date; payload: unknown }>(
    'SELECT computed_at, payload FROM support_statistics_snapshots WHERE scope = $1',
    [scope],
  );
  const r = rows[0];
  return r ? { computedAt: new Date(r.computed_at), payload: r.payload } : undefined;
}

export async function writeSnapshot(tx: Queryable, scope: string, payload: unknown, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO support_statistics_snapshots (scope, computed_at, payload) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (scope) DO UPDATE SET computed_at = EXCLUDED.computed_at, payload = EXCLUDED.payload`,
    [scope, now, JSON.stringify(payload)],
  );
}

/** Départements that have sessions (the job refreshes one snapshot each). */
export async function departementsWithSessions(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ departement: string }>(
    'SELECT DISTINCT departement FROM support_sessions WHERE departement IS NOT NULL ORDER BY departement',
  );
  return rows.map((r) => r.departement);
}
