/** SQL on the orientation tables: diagnostics in progress, slips, professionals' notes. */
import { z } from 'zod';
import type { Queryable } from '../../platform/db/database.ts';
import { col, columnsOf, defineRecord, type RecordOf, selectMaybe, selectRows } from '../../platform/db/rows.ts';
import type { Lang } from './i18n.ts';

export const LocationSchema = z.object({
  label: z.string(),
  codeInsee: z.string().nullable(),
  departement: z.string().nullable(),
  latitude: z.number(),
  longitude: z.number(),
  /** commune: typed by the person; position: the device's, rounded to about 1 km. */
  source: z.enum(['commune', 'position']),
});
export type DiagnosticLocation = z.infer<typeof LocationSchema>;

const AnswersSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

const SessionRecord = defineRecord({
  id: col.uuid(),
  answers: col.json(AnswersSchema),
  location: col.json(LocationSchema.nullable()),
  interfaceLanguage: col.text(),
  prescriberOrganisationId: col.uuid().nullable(),
  prescriberUserId: col.uuid().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type SessionRow = RecordOf<typeof SessionRecord>;
const sessionColumns = columnsOf(SessionRecord, 's');

export async function insertSession(
  tx: Queryable,
  input: {
    tokenHash: string;
    language: Lang;
    prescriberOrganisationId: string | null;
    prescriberUserId: string | null;
    now: Date;
  },
): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO orientation_sessions (token_hash, interface_language, prescriber_organisation_id, prescriber_user_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
    [input.tokenHash, input.language, input.prescriberOrganisationId, input.prescriberUserId, input.now],
  );
  return (rows[0] as { id: string }).id;
}

/** The live diagnostic of a cookie secret (idle ones count as gone). */
export async function findLiveSession(
  db: Queryable,
  tokenHash: string,
  idleSince: Date,
): Promise<SessionRow | undefined> {
  return selectMaybe(
    db,
    SessionRecord,
    `SELECT ${sessionColumns} FROM orientation_sessions s WHERE s.token_hash = $1 AND s.updated_at > $2`,
    [tokenHash, idleSince],
  );
}

/** Writes the answers only if they are still those read (a second tab cannot interleave). */
export async function saveAnswers(
  tx: Queryable,
  input: {
    id: string;
    expectedUpdatedAt: Date;
    answers: Record<string, string | string[]>;
    location: DiagnosticLocation | null;
    now: Date;
  },
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE orientation_sessions SET answers = $2::jsonb, location = $3::jsonb, updated_at = $4
     WHERE id = $1 AND updated_at = $5 RETURNING id`,
    [
      input.id,
      JSON.stringify(input.answers),
      input.location ? JSON.stringify(input.location) : null,
      input.now,
      input.expectedUpdatedAt,
    ],
  );
  return rows.length === 1;
}

export async function deleteSession(tx: Queryable, id: string): Promise<boolean> {
  return (await tx.query('DELETE FROM orientation_sessions WHERE id = $1 RETURNING id', [id])).length === 1;
}

export async function deleteIdleSessions(db: Queryable, idleSince: Date): Promise<number> {
  return (await db.query('DELETE FROM orientation_sessions WHERE updated_at <= $1 RETURNING id', [idleSince])).length;
}

const SlipRecord = defineRecord({
  code: col.text(),
  createdAt: col.timestamp(),
  expiresAt: col.timestamp(),
  level: z.enum(['urgence', 'inclusion', 'competences']),
  needs: col.textArray(),
  themes: col.textArray(),
  procedure: col.text(),
  deadline: col.text(),
  equipment: col.textArray(),
  skills: col.textArray(),
  reading: col.text(),
  helpLanguage: col.text(),
  helpMode: col.text(),
  interfaceLanguage: col.text(),
  locationLabel: col.text(),
  communeInsee: col.text().nullable(),
  departement: col.text().nullable(),
  latitude: col.number(),
  longitude: col.number(),
  prescriberOrganisationId: col.uuid().nullable(),
  prescriberUserId: col.uuid().nullable(),
  destinationPlaceId: col.text().nullable(),
  honouredAt: col.timestamp().nullable(),
  honouredByOrganisationId: col.uuid().nullable(),
  isDemo: col.bool(),
});
export type SlipRow = RecordOf<typeof SlipRecord>;
const slipColumns = columnsOf(SlipRecord, 's');

export type NewSlip = Omit<SlipRow, 'honouredAt' | 'honouredByOrganisationId' | 'destinationPlaceId'> & {
  destinationPlaceId?: string | null;
  honouredAt?: Date | null;
  honouredByOrganisationId?: string | null;
};

/** Inserts a slip; false when the code is already taken (the caller draws another). */
export async function insertSlip(tx: Queryable, slip: NewSlip): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO orientation_slips (code, created_at, expires_at, level, needs, themes, procedure, deadline, equipment, skills,
       reading, help_language, help_mode, interface_language, location_label, commune_insee, departement, latitude, longitude,
       prescriber_organisation_id, prescriber_user_id, destination_place_id, honoured_at, honoured_by_organisation_id, is_demo)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
     ON CONFLICT (code) DO NOTHING RETURNING code`,
    [
      slip.code,
      slip.createdAt,
      slip.expiresAt,
      slip.level,
      slip.needs,
      slip.themes,
      slip.procedure,
      slip.deadline,
      slip.equipment,
      slip.skills,
      slip.reading,
      slip.helpLanguage,
      slip.helpMode,
      slip.interfaceLanguage,
      slip.locationLabel,
      slip.communeInsee,
      slip.departement,
      slip.latitude,
      slip.longitude,
      slip.prescriberOrganisationId,
      slip.prescriberUserId,
      slip.destinationPlaceId ?? null,
      slip.honouredAt ?? null,
      slip.honouredByOrganisationId ?? null,
      slip.isDemo,
    ],
  );
  return rows.length === 1;
}

export async function findSlip(db: Queryable, code: string): Promise<SlipRow | undefined> {
  return selectMaybe(db, SlipRecord, `SELECT ${slipColumns} FROM orientation_slips s WHERE s.code = $1`, [code], {
    prepare: true,
  });
}

/** Names the destination place, only while the slip is live and not yet honoured. */
export async function setDestination(
  tx: Queryable,
  input: { code: string; placeId: string | null; now: Date },
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE orientation_slips SET destination_place_id = $2
     WHERE code = $1 AND honoured_at IS NULL AND expires_at > $3 RETURNING code`,
    [input.code, input.placeId, input.now],
  );
  return rows.length === 1;
}

/** Marks the slip honoured once; no row when already honoured or expired. */
export async function markHonoured(
  tx: Queryable,
  input: { code: string; organisationId: string; now: Date },
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE orientation_slips SET honoured_at = $3, honoured_by_organisation_id = $2
     WHERE code = $1 AND honoured_at IS NULL AND expires_at > $3 RETURNING code`,
    [input.code, input.organisationId, input.now],
  );
  return rows.length === 1;
}

const NoteRecord = defineRecord({
  slipCode: col.text(),
  organisationId: col.uuid(),
  authorUserId: col.uuid().nullable(),
  note: col.text(),
  writtenAt: col.timestamp(),
});
export type NoteRow = RecordOf<typeof NoteRecord>;

export async function upsertNote(
  tx: Queryable,
  input: { code: string; organisationId: string; authorUserId: string | null; note: string; now: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO orientation_slip_notes (slip_code, organisation_id, author_user_id, note, written_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (slip_code) DO UPDATE SET organisation_id = EXCLUDED.organisation_id,
       author_user_id = EXCLUDED.author_user_id, note = EXCLUDED.note, written_at = EXCLUDED.written_at`,
    [input.code, input.organisationId, input.authorUserId, input.note, input.now],
  );
}

export async function deleteNote(tx: Queryable, code: string): Promise<void> {
  await tx.query('DELETE FROM orientation_slip_notes WHERE slip_code = $1', [code]);
}

export async function findNote(db: Queryable, code: string): Promise<NoteRow | undefined> {
  return selectMaybe(
    db,
    NoteRecord,
    `SELECT ${columnsOf(NoteRecord, 'n')} FROM orientation_slip_notes n WHERE n.slip_code = $1`,
    [code],
  );
}

/** Deletes the notes of slips expired at `now`; returns the codes concerned. */
export async function deleteExpiredNotes(tx: Queryable, now: Date): Promise<string[]> {
  const rows = await tx.query<{ slip_code: string }>(
    `DELETE FROM orientation_slip_notes n USING orientation_slips s
     WHERE s.code = n.slip_code AND s.expires_at <= $1 RETURNING n.slip_code`,
    [now],
  );
  return rows.map((r) => r.slip_code);
}

/** Slips an organisation made (prescripteur's list), newest first. */
export async function slipsOfOrganisation(db: Queryable, organisationId: string, limit: number): Promise<SlipRow[]> {
  return selectRows(
    db,
    SlipRecord,
    `SELECT ${slipColumns} FROM orientation_slips s WHERE s.prescriber_organisation_id = $1 ORDER BY s.created_at DESC LIMIT $2`,
    [organisationId, limit],
  );
}

const CountRecord = defineRecord({ dimension: col.text(), valeur: col.text(), nombre: col.number() });

/**
 * Counts of finished diagnostics per dimension, for one département or the whole country.
 * Communes appear only from `communeThreshold` diagnostics on.
 */
export async function countDiagnostics(
  db: Queryable,
  input: { departement: string | null; communeThreshold: number },
): Promise<Array<{ dimension: string; valeur: string; nombre: number }>> {
  return selectRows(
    db,
    CountRecord,
    `WITH s AS MATERIALIZED (
       SELECT departement, commune_insee, level, needs, procedure, deadline, equipment, help_language, interface_language
       FROM orientation_slips WHERE ($1::text IS NULL OR departement = $1::text))
     SELECT 'total' AS dimension, 'diagnostics' AS valeur, count(*)::float8 AS nombre FROM s
     UNION ALL SELECT 'departement', departement, count(*)::float8 FROM s WHERE departement IS NOT NULL GROUP BY departement
     UNION ALL SELECT 'commune', commune_insee, count(*)::float8 FROM s WHERE commune_insee IS NOT NULL
       GROUP BY commune_insee HAVING count(*) >= $2::int
     UNION ALL SELECT 'niveau', level, count(*)::float8 FROM s GROUP BY level
     UNION ALL SELECT 'besoin', n, count(*)::float8 FROM s CROSS JOIN LATERAL unnest(s.needs) AS n GROUP BY n
     UNION ALL SELECT 'demarche', procedure, count(*)::float8 FROM s GROUP BY procedure
     UNION ALL SELECT 'delai', deadline, count(*)::float8 FROM s GROUP BY deadline
     UNION ALL SELECT 'equipement', e, count(*)::float8 FROM s CROSS JOIN LATERAL unnest(s.equipment) AS e GROUP BY e
     UNION ALL SELECT 'langue', help_language, count(*)::float8 FROM s GROUP BY help_language
     UNION ALL SELECT 'langue_interface', interface_language, count(*)::float8 FROM s GROUP BY interface_language`,
    [input.departement, input.communeThreshold],
  );
}

const OutcomeRecord = defineRecord({
  closed: col.number(),
  honouredWithin30: col.number(),
  urgent: col.number(),
  total: col.number(),
  first: col.timestamp().nullable(),
});

/**
 * For the indicators: slips whose 30-day window is over (created ≥ 30 days before `now`) and
 * how many of them were honoured within 30 days; the share of « urgence »; the first date.
 */
export async function diagnosticOutcomes(
  db: Queryable,
  input: { departement: string | null; now: Date },
): Promise<RecordOf<typeof OutcomeRecord>> {
  const rows = await selectRows(
    db,
    OutcomeRecord,
    `SELECT count(*) FILTER (WHERE created_at <= $2::timestamptz - interval '30 days')::float8 AS closed,
            count(*) FILTER (WHERE created_at <= $2::timestamptz - interval '30 days'
                               AND honoured_at IS NOT NULL AND honoured_at <= created_at + interval '30 days')::float8 AS "honouredWithin30",
            count(*) FILTER (WHERE level = 'urgence')::float8 AS urgent,
            count(*)::float8 AS total,
            min(created_at) AS first
     FROM orientation_slips WHERE ($1::text IS NULL OR departement = $1::text)`,
    [input.departement, input.now],
  );
  return rows[0] as RecordOf<typeof OutcomeRecord>;
}
