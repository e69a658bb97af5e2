/** SQL on the habilitation tables (typed rows, ADR 0008). */
import type { Queryable } from '../../platform/db/database.ts';
import { col, columnsOf, defineRecord, type RecordOf, selectMaybe, selectRows } from '../../platform/db/rows.ts';

const StructureHabilitation = defineRecord({
  organisationId: col.uuid(),
  reference: col.text(),
  families: col.textArray(),
  startsOn: col.date(),
  endsOn: col.date().nullable(),
  habilitatedAt: col.timestamp(),
  suspendedAt: col.timestamp().nullable(),
});
export type StructureHabilitationRecord = RecordOf<typeof StructureHabilitation>;
const structureColumns = columnsOf(StructureHabilitation, 'h', {
  startsOn: "to_char(h.starts_on, 'YYYY-MM-DD')",
  endsOn: "to_char(h.ends_on, 'YYYY-MM-DD')",
});

const Helper = defineRecord({
  userId: col.uuid(),
  organisationId: col.uuid(),
  trainedOn: col.date().nullable(),
  pixCertifiedOn: col.date().nullable(),
  suspendedAt: col.timestamp().nullable(),
  fromLegacyFlag: col.bool(),
});
export type HelperRecord = RecordOf<typeof Helper>;
const helperColumns = columnsOf(Helper, 'mh', {
  trainedOn: "to_char(mh.trained_on, 'YYYY-MM-DD')",
  pixCertifiedOn: "to_char(mh.pix_certified_on, 'YYYY-MM-DD')",
});

export async function findStructureHabilitation(
  db: Queryable,
  organisationId: string,
  options: { lock?: boolean } = {},
): Promise<StructureHabilitationRecord | undefined> {
  return selectMaybe(
    db,
    StructureHabilitation,
    `SELECT ${structureColumns} FROM mandate_structure_habilitations h WHERE h.organisation_id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [organisationId],
  );
}

export async function listStructureHabilitations(db: Queryable): Promise<StructureHabilitationRecord[]> {
  return selectRows(db, StructureHabilitation, `SELECT ${structureColumns} FROM mandate_structure_habilitations h`);
}

export async function upsertStructureHabilitation(
  db: Queryable,
  input: {
    organisationId: string;
    reference: string;
    families: string[];
    startsOn: string;
    endsOn: string | null;
    by: string | null;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO mandate_structure_habilitations
       (organisation_id, reference, families, starts_on, ends_on, habilitated_by, habilitated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (organisation_id) DO UPDATE SET reference = EXCLUDED.reference, families = EXCLUDED.families,
       starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on, habilitated_by = EXCLUDED.habilitated_by,
       habilitated_at = EXCLUDED.habilitated_at`,
    [input.organisationId, input.reference, input.families, input.startsOn, input.endsOn, input.by, input.at],
  );
}

export async function setStructureSuspended(db: Queryable, organisationId: string, at: Date | null): Promise<boolean> {
  const rows = await db.query<{ organisation_id: string }>(
    'UPDATE mandate_structure_habilitations SET suspended_at = $2 WHERE organisation_id = $1 RETURNING organisation_id',
    [organisationId, at],
  );
  return rows.length === 1;
}

export async function findHelper(
  db: Queryable,
  userId: string,
  organisationId: string,
  options: { lock?: boolean } = {},
): Promise<HelperRecord | undefined> {
  return selectMaybe(
    db,
    Helper,
    `SELECT ${helperColumns} FROM mandate_helpers mh WHERE mh.user_id = $1 AND mh.organisation_id = $2${options.lock ? ' FOR UPDATE' : ''}`,
    [userId, organisationId],
  );
}

export async function helpersOf(db: Queryable, organisationId: string): Promise<HelperRecord[]> {
  return selectRows(db, Helper, `SELECT ${helperColumns} FROM mandate_helpers mh WHERE mh.organisation_id = $1`, [
    organisationId,
  ]);
}

export async function helperRecordsOfUser(db: Queryable, userId: string): Promise<HelperRecord[]> {
  return selectRows(db, Helper, `SELECT ${helperColumns} FROM mandate_helpers mh WHERE mh.user_id = $1`, [userId]);
}

export async function recordTraining(
  db: Queryable,
  input: {
    userId: string;
    organisationId: string;
    trainedOn: string;
    pixOn: string | null;
    by: string | null;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO mandate_helpers (user_id, organisation_id, trained_on, pix_certified_on, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id, organisation_id) DO UPDATE SET trained_on = EXCLUDED.trained_on,
       pix_certified_on = EXCLUDED.pix_certified_on, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
    [input.userId, input.organisationId, input.trainedOn, input.pixOn, input.by, input.at],
  );
}

export async function setHelperSuspended(
  db: Queryable,
  userId: string,
  organisationId: string,
  at: Date | null,
): Promise<boolean> {
  const rows = await db.query<{ user_id: string }>(
    `INSERT INTO mandate_helpers (user_id, organisation_id, suspended_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, organisation_id) DO UPDATE SET suspended_at = EXCLUDED.suspended_at RETURNING user_id`,
    [userId, organisationId, at],
  );
  return rows.length === 1;
}

/** Rows made from the former flag and not journaled yet (job mandats.journal-legacy-flags). */
export async function legacyRowsToJournal(
  db: Queryable,
  limit: number,
): Promise<Array<{ userId: string; organisationId: string }>> {
  const rows = await db.query<{ user_id: string; organisation_id: string }>(
    `SELECT user_id, organisation_id FROM mandate_helpers
     WHERE from_legacy_flag AND legacy_journaled_at IS NULL ORDER BY user_id, organisation_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({ userId: r.user_id, organisationId: r.organisation_id }));
}

export async function markLegacyJournaled(db: Queryable, userId: string, organisationId: string, at: Date) {
  await db.query('UPDATE mandate_helpers SET legacy_journaled_at = $3 WHERE user_id = $1 AND organisation_id = $2', [
    userId,
    organisationId,
    at,
  ]);
}

export async function currentStructureOf(db: Queryable, userId: string): Promise<string | undefined> {
  const rows = await db.query<{ organisation_id: string }>(
    'SELECT organisation_id FROM mandate_current_structures WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.organisation_id;
}

export async function setCurrentStructure(db: Queryable, userId: string, organisationId: string, at: Date) {
  await db.query(
    `INSERT INTO mandate_current_structures (user_id, organisation_id, chosen_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id, chosen_at = EXCLUDED.chosen_at`,
    [userId, organisationId, at],
  );
}
