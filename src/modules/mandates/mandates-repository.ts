/** SQL on the mandate tables (typed rows, ADR 0008). */
import type { Queryable } from '../../platform/db/database.ts';
import {
  col,
  columnsOf,
  defineRecord,
  type RecordOf,
  selectMaybe,
  selectOne,
  selectRows,
} from '../../platform/db/rows.ts';
import type { UsagerIdentity } from './mandate-rules.ts';

const Usager = defineRecord({
  id: col.uuid(),
  givenName: col.text(),
  familyName: col.text(),
  birthdate: col.text(),
  gender: col.text().nullable(),
  birthplace: col.text().nullable(),
  birthcountry: col.text().nullable(),
  email: col.text().nullable(),
});
export type UsagerRecord = RecordOf<typeof Usager>;
const usagerColumns = columnsOf(Usager, 'u');

const Mandate = defineRecord({
  id: col.uuid(),
  reference: col.text(),
  organisationId: col.uuid(),
  usagerId: col.uuid(),
  createdBy: col.uuid().nullable(),
  createdAt: col.timestamp(),
  duration: col.text(),
  expiresAt: col.timestamp(),
  revokedAt: col.timestamp().nullable(),
  revokedBy: col.text().nullable(),
  renews: col.uuid().nullable(),
  templateVersion: col.text(),
  templateHash: col.text(),
  /** The person of the people module this mandate's structure linked the usager to. */
  personId: col.uuid().nullable(),
});
type MandateRow = RecordOf<typeof Mandate>;
const mandateColumns = columnsOf(Mandate, 'm');

export interface MandateRecord extends MandateRow {
  authorisations: Array<{ family: string; revokedAt: Date | null }>;
}

const Authorisation = defineRecord({
  mandateId: col.uuid(),
  family: col.text(),
  revokedAt: col.timestamp().nullable(),
});

async function withAuthorisations(db: Queryable, rows: MandateRow[]): Promise<MandateRecord[]> {
  if (rows.length === 0) return [];
  const auths = await selectRows(
    db,
    Authorisation,
    `SELECT ${columnsOf(Authorisation, 'a')} FROM mandate_authorisations a WHERE a.mandate_id = ANY($1::uuid[]) ORDER BY a.family`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    ...r,
    authorisations: auths
      .filter((a) => a.mandateId === r.id)
      .map((a) => ({ family: a.family, revokedAt: a.revokedAt })),
  }));
}

export async function upsertUsager(
  db: Queryable,
  subjectHash: string,
  identity: UsagerIdentity,
  at: Date,
): Promise<{ id: string; created: boolean }> {
  const rows = await db.query<{ id: string; created: boolean }>(
    `INSERT INTO mandate_usagers (subject_hash, given_name, family_name, birthdate, gender, birthplace, birthcountry, email, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
     ON CONFLICT (subject_hash) DO UPDATE SET given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,
       birthdate = EXCLUDED.birthdate, gender = EXCLUDED.gender, birthplace = EXCLUDED.birthplace,
       birthcountry = EXCLUDED.birthcountry, email = EXCLUDED.email, updated_at = EXCLUDED.updated_at
     RETURNING id, (xmax = 0) AS created`,
    [
      subjectHash,
      identity.givenName,
      identity.familyName,
      identity.birthdate,
      identity.gender,
      identity.birthplace,
      identity.birthcountry,
      identity.email,
      at,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('usager not stored');
  return row;
}

export async function findUsager(db: Queryable, id: string): Promise<UsagerRecord | undefined> {
  return selectMaybe(db, Usager, `SELECT ${usagerColumns} FROM mandate_usagers u WHERE u.id = $1`, [id]);
}

/** The keyed hash of the usager's provider subject (mandate-rules' subjectHash), for the person link. */
export async function usagerSubjectHash(db: Queryable, id: string): Promise<string | undefined> {
  const rows = await db.query<{ subject_hash: string }>('SELECT subject_hash FROM mandate_usagers WHERE id = $1', [id]);
  return rows[0]?.subject_hash;
}

export async function insertMandate(
  db: Queryable,
  input: {
    reference: string;
    organisationId: string;
    usagerId: string;
    createdBy: string | null;
    createdAt: Date;
    duration: string;
    expiresAt: Date;
    renews: string | null;
    templateVersion: string;
    templateHash: string;
    families: string[];
    personId: string | null;
  },
): Promise<string> {
  const row = await selectOne(
    db,
    Mandate,
    `INSERT INTO mandates AS m (reference, organisation_id, usager_id, created_by, created_at, duration, expires_at, renews, template_version, template_hash, person_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${mandateColumns}`,
    [
      input.reference,
      input.organisationId,
      input.usagerId,
      input.createdBy,
      input.createdAt,
      input.duration,
      input.expiresAt,
      input.renews,
      input.templateVersion,
      input.templateHash,
      input.personId,
    ],
  );
  await db.query('INSERT INTO mandate_authorisations (mandate_id, family) SELECT $1, unnest($2::text[])', [
    row.id,
    input.families,
  ]);
  return row.id;
}

export async function findMandate(
  db: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<MandateRecord | undefined> {
  const row = await selectMaybe(
    db,
    Mandate,
    `SELECT ${mandateColumns} FROM mandates m WHERE m.id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ? (await withAuthorisations(db, [row]))[0] : undefined;
}

export async function findMandateByReference(db: Queryable, reference: string): Promise<MandateRecord | undefined> {
  const row = await selectMaybe(db, Mandate, `SELECT ${mandateColumns} FROM mandates m WHERE m.reference = $1`, [
    reference,
  ]);
  return row ? (await withAuthorisations(db, [row]))[0] : undefined;
}

export async function mandatesOfOrganisation(db: Queryable, organisationId: string): Promise<MandateRecord[]> {
  const rows = await selectRows(
    db,
    Mandate,
    `SELECT ${mandateColumns} FROM mandates m WHERE m.organisation_id = $1 ORDER BY m.created_at DESC LIMIT 500`,
    [organisationId],
  );
  return withAuthorisations(db, rows);
}

export async function mandatesOfUsager(db: Queryable, usagerId: string): Promise<MandateRecord[]> {
  const rows = await selectRows(
    db,
    Mandate,
    `SELECT ${mandateColumns} FROM mandates m WHERE m.usager_id = $1 ORDER BY m.created_at DESC LIMIT 200`,
    [usagerId],
  );
  return withAuthorisations(db, rows);
}

/** Families still active for this usager in this structure, in other mandates (replaced by a new one). */
export async function revokeFamiliesOfOtherMandates(
  db: Queryable,
  input: { organisationId: string; usagerId: string; families: string[]; except: string; at: Date },
): Promise<Array<{ mandateId: string; family: string }>> {
  const rows = await db.query<{ mandate_id: string; family: string }>(
    `UPDATE mandate_authorisations a SET revoked_at = $5
     FROM mandates m
     WHERE a.mandate_id = m.id AND m.organisation_id = $1 AND m.usager_id = $2 AND a.family = ANY($3::text[])
       AND m.id <> $4 AND a.revoked_at IS NULL AND m.revoked_at IS NULL AND m.expires_at > $5
     RETURNING a.mandate_id, a.family`,
    [input.organisationId, input.usagerId, input.families, input.except, input.at],
  );
  return rows.map((r) => ({ mandateId: r.mandate_id, family: r.family }));
}

export async function revokeAuthorisations(
  db: Queryable,
  mandateId: string,
  families: string[],
  at: Date,
): Promise<string[]> {
  const rows = await db.query<{ family: string }>(
    `UPDATE mandate_authorisations SET revoked_at = $3
     WHERE mandate_id = $1 AND family = ANY($2::text[]) AND revoked_at IS NULL RETURNING family`,
    [mandateId, families, at],
  );
  return rows.map((r) => r.family);
}

export async function revokeWholeMandate(db: Queryable, mandateId: string, by: string, at: Date): Promise<void> {
  await db.query('UPDATE mandates SET revoked_at = $3, revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL', [
    mandateId,
    by,
    at,
  ]);
  await db.query('UPDATE mandate_authorisations SET revoked_at = $2 WHERE mandate_id = $1 AND revoked_at IS NULL', [
    mandateId,
    at,
  ]);
}

export async function recordUse(
  db: Queryable,
  input: {
    mandateId: string;
    family: string;
    helperUserId: string;
    helperFirstName: string;
    partner: string;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO mandate_uses (mandate_id, family, helper_user_id, helper_first_name, partner, used_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [input.mandateId, input.family, input.helperUserId, input.helperFirstName, input.partner, input.at],
  );
}

const Use = defineRecord({
  mandateId: col.uuid(),
  family: col.text(),
  helperFirstName: col.text(),
  partner: col.text(),
  usedAt: col.timestamp(),
});
export type UseRecord = RecordOf<typeof Use>;

export async function usesOf(db: Queryable, mandateIds: string[]): Promise<UseRecord[]> {
  if (mandateIds.length === 0) return [];
  return selectRows(
    db,
    Use,
    `SELECT ${columnsOf(Use, 'x')} FROM mandate_uses x WHERE x.mandate_id = ANY($1::uuid[]) ORDER BY x.used_at DESC LIMIT 500`,
    [mandateIds],
  );
}

/** Mandates of 6 or 12 months expiring within 30 days, not reminded yet (job). */
export async function mandatesToRemind(
  db: Queryable,
  now: Date,
): Promise<Array<{ id: string; organisationId: string }>> {
  const rows = await db.query<{ id: string; organisation_id: string }>(
    `SELECT id, organisation_id FROM mandates
     WHERE duration IN ('semestre', 'annee') AND revoked_at IS NULL AND reminder_sent_at IS NULL
       AND expires_at > $1 AND expires_at <= $1 + interval '30 days'
     ORDER BY expires_at LIMIT 500`,
    [now],
  );
  return rows.map((r) => ({ id: r.id, organisationId: r.organisation_id }));
}

export async function markReminded(db: Queryable, id: string, at: Date): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    'UPDATE mandates SET reminder_sent_at = $2 WHERE id = $1 AND reminder_sent_at IS NULL RETURNING id',
    [id, at],
  );
  return rows.length === 1;
}
