/** SQL on pass_programmes, pass_booklets and pass_vouchers. */
import { type Scope, scopeParams } from '../../platform/auth/scope.ts';
import { overlapsSql } from '../../platform/auth/territory.ts';
import type { Queryable } from '../../platform/db/database.ts';

export interface Programme {
  id: string;
  name: string;
  coordinator_organisation_id: string;
  funder_organisation_id: string;
  territory_departements: string[];
  territory_communes: string[];
  target_publics: string | null;
  face_value_cents: number;
  vouchers_per_booklet: number;
  valid_from: string;
  valid_until: string;
  tolerance_days: number;
  distribution_stop_days: number;
  services: string[];
  created_at: Date;
  /** When a financeur of the funder consented; null while the programme waits for it (inactive). */
  funder_accepted_at: Date | null;
}

export type NewProgramme = Omit<Programme, 'id' | 'created_at' | 'funder_accepted_at'> & {
  created_by: string | null;
  /** Set when the creator is a financeur of the funder: its consent is given with the creation. */
  funder_accepted_by?: string | null;
  accepted?: boolean;
};

export async function insertProgramme(tx: Queryable, p: NewProgramme, at: Date): Promise<Programme> {
  const rows = await tx.query<Programme>(
    `INSERT INTO pass_programmes (name, coordinator_organisation_id, funder_organisation_id, territory_departements, territory_communes,
       target_publics, face_value_cents, vouchers_per_booklet, valid_from, valid_until, tolerance_days, distribution_stop_days, services, created_at, created_by,
       funder_accepted_at, funder_accepted_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, CASE WHEN $16::boolean THEN $14::timestamptz END, $17) RETURNING *`,
    [
      p.name,
      p.coordinator_organisation_id,
      p.funder_organisation_id,
      p.territory_departements,
      p.territory_communes,
      p.target_publics,
      p.face_value_cents,
      p.vouchers_per_booklet,
      p.valid_from,
      p.valid_until,
      p.tolerance_days,
      p.distribution_stop_days,
      p.services,
      at,
      p.created_by,
      p.accepted ?? false,
      p.funder_accepted_by ?? null,
    ],
  );
  return rows[0] as Programme;
}

/** One programme; `lock` re-reads it under a row lock inside the caller's transaction (decide inside the write). */
export async function findProgramme(
  db: Queryable,
  id: string,
  options: { lock?: 'update' | 'share' } = {},
): Promise<Programme | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const lock = options.lock === 'update' ? ' FOR UPDATE' : options.lock === 'share' ? ' FOR SHARE' : '';
  return (await db.query<Programme>(`SELECT * FROM pass_programmes WHERE id = $1${lock}`, [id]))[0];
}

/** The programmes a scope lets through (passPolicy's programmeScope/consentScope), newest first. */
export async function listProgrammes(
  db: Queryable,
  scope: Scope<'coordinator' | 'funder'> | Scope<'funder'>,
  options: { pendingOnly?: boolean } = {},
): Promise<Programme[]> {
  const s = scopeParams(scope as Scope<'coordinator' | 'funder'>, ['coordinator', 'funder']);
  return db.query<Programme>(
    `SELECT * FROM pass_programmes
     WHERE ($1 OR coordinator_organisation_id = ANY($2::uuid[]) OR funder_organisation_id = ANY($3::uuid[])
            OR ${overlapsSql({ departements: 'territory_departements', communes: 'territory_communes' }, '$4', '$5')})
       AND (NOT $6 OR funder_accepted_at IS NULL)
     ORDER BY created_at DESC`,
    [
      s.all,
      s.organisations.coordinator,
      s.organisations.funder,
      s.departements,
      s.communes,
      options.pendingOnly ?? false,
    ],
  );
}

export async function nextBookletNumber(tx: Queryable, programmeId: string): Promise<number> {
  // Serialise issuers of one programme so that numbers stay unique and consecutive.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pass-booklets:${programmeId}`]);
  const rows = await tx.query<{ n: number | null }>(
    'SELECT max(number) AS n FROM pass_booklets WHERE programme_id = $1',
    [programmeId],
  );
  return (rows[0]?.n ?? 0) + 1;
}

/** The highest booklet number so far (0 when none), without the issuers' lock: for a preview. */
export async function highestBookletNumber(db: Queryable, programmeId: string): Promise<number> {
  const rows = await db.query<{ n: number | null }>(
    'SELECT max(number) AS n FROM pass_booklets WHERE programme_id = $1',
    [programmeId],
  );
  return rows[0]?.n ?? 0;
}

export async function insertBooklets(
  tx: Queryable,
  programmeId: string,
  numbers: number[],
  at: Date,
): Promise<Array<{ id: string; number: number }>> {
  return tx.query<{ id: string; number: number }>(
    `INSERT INTO pass_booklets (programme_id, number, created_at)
     SELECT $1, n, $3 FROM unnest($2::int[]) AS n RETURNING id, number`,
    [programmeId, numbers, at],
  );
}

/** Inserts vouchers; returns the codes that already existed (to draw again). */
export async function insertVouchers(
  tx: Queryable,
  rows: Array<{ code: string; booklet_id: string; programme_id: string; position: number }>,
): Promise<Set<string>> {
  const inserted = await tx.query<{ code: string }>(
    `INSERT INTO pass_vouchers (code, booklet_id, programme_id, position)
     SELECT code, booklet_id, programme_id, position FROM jsonb_populate_recordset(NULL::pass_vouchers, $1::jsonb)
     ON CONFLICT (code) DO NOTHING RETURNING code`,
    [JSON.stringify(rows)],
  );
  const ok = new Set(inserted.map((r) => r.code));
  return new Set(rows.map((r) => r.code).filter((c) => !ok.has(c)));
}

export interface BookletRow {
  id: string;
  programme_id: string;
  number: number;
  distributor_organisation_id: string | null;
  assigned_at: Date | null;
  distributed_at: Date | null;
  /** Who handed it out (for the 24-hour undo); null when not handed out or the account is gone. */
  distributed_by: string | null;
  /** Set when the coordinator cancelled it before hand-out: its vouchers are refused. */
  cancelled_at: Date | null;
  /** The professional's contact printed on the beneficiary's letter. */
  handed_out_contact: string | null;
  /** The person the booklet was handed to (modules/people), and the needs asked then. */
  person_id: string | null;
  needs: string[] | null;
  used: number;
  total: number;
}

const bookletSelect = `
  SELECT b.id, b.programme_id, b.number, b.distributor_organisation_id, b.assigned_at, b.distributed_at, b.person_id, b.needs,
         b.distributed_by, b.cancelled_at, b.handed_out_contact,
         (SELECT count(*) FROM pass_vouchers v WHERE v.booklet_id = b.id AND v.status = 'redeemed') AS used,
         (SELECT count(*) FROM pass_vouchers v WHERE v.booklet_id = b.id) AS total
  FROM pass_booklets b`;

export async function bookletsOfProgramme(
  db: Queryable,
  programmeId: string,
  limit: number,
  offset: number,
): Promise<BookletRow[]> {
  return db.query<BookletRow>(`${bookletSelect} WHERE b.programme_id = $1 ORDER BY b.number LIMIT $2 OFFSET $3`, [
    programmeId,
    limit,
    offset,
  ]);
}

export async function bookletsHeldBy(
  db: Queryable,
  organisationId: string,
): Promise<Array<BookletRow & { programme_name: string }>> {
  return db.query(
    `SELECT x.*, p.name AS programme_name FROM (${bookletSelect} WHERE b.distributor_organisation_id = $1) x
     JOIN pass_programmes p ON p.id = x.programme_id ORDER BY x.distributed_at NULLS FIRST, p.name, x.number LIMIT 500`,
    [organisationId],
  );
}

export async function findBooklet(db: Queryable, id: string): Promise<BookletRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return (await db.query<BookletRow>(`${bookletSelect} WHERE b.id = $1`, [id]))[0];
}

export async function findBookletByNumber(
  db: Queryable,
  programmeId: string,
  number: number,
): Promise<BookletRow | undefined> {
  return (
    await db.query<BookletRow>(`${bookletSelect} WHERE b.programme_id = $1 AND b.number = $2`, [programmeId, number])
  )[0];
}

export async function vouchersOfBooklets(
  db: Queryable,
  bookletIds: string[],
): Promise<Array<{ booklet_id: string; code: string; position: number; status: string }>> {
  return db.query(
    'SELECT booklet_id, code, position, status FROM pass_vouchers WHERE booklet_id = ANY($1::uuid[]) ORDER BY booklet_id, position',
    [bookletIds],
  );
}

export async function bookletsInRange(
  db: Queryable,
  programmeId: string,
  from: number,
  to: number,
): Promise<Array<{ id: string; number: number }>> {
  return db.query(
    'SELECT id, number FROM pass_booklets WHERE programme_id = $1 AND number BETWEEN $2 AND $3 AND cancelled_at IS NULL ORDER BY number',
    [programmeId, from, to],
  );
}

/** Gives the next `count` unassigned booklets of a programme to a distributor. */
export async function assignNextBooklets(
  tx: Queryable,
  programmeId: string,
  organisationId: string,
  count: number,
  at: Date,
): Promise<number[]> {
  const rows = await tx.query<{ number: number }>(
    `UPDATE pass_booklets SET distributor_organisation_id = $2, assigned_at = $4
     WHERE id IN (SELECT id FROM pass_booklets WHERE programme_id = $1 AND distributor_organisation_id IS NULL
                    AND cancelled_at IS NULL
                  ORDER BY number LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING number`,
    [programmeId, organisationId, count, at],
  );
  return rows.map((r) => r.number).sort((a, b) => a - b);
}

export async function markDistributed(
  tx: Queryable,
  bookletId: string,
  organisationId: string,
  input: { at: Date; by: string | null; personId: string; needs: string[]; contact?: string | null },
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE pass_booklets SET distributed_at = $3, distributed_by = $4, person_id = $5, needs = $6, handed_out_contact = $7
     WHERE id = $1 AND distributor_organisation_id = $2 AND distributed_at IS NULL AND cancelled_at IS NULL RETURNING id`,
    [bookletId, organisationId, input.at, input.by, input.personId, input.needs, input.contact ?? null],
  );
  return rows.length === 1;
}

export async function programmeCounts(db: Queryable, programmeId: string) {
  const rows = await db.query<{
    booklets: number;
    assigned: number;
    distributed: number;
    vouchers: number;
    redeemed: number;
  }>(
    `SELECT (SELECT count(*) FROM pass_booklets WHERE programme_id = $1) AS booklets,
            (SELECT count(*) FROM pass_booklets WHERE programme_id = $1 AND distributor_organisation_id IS NOT NULL) AS assigned,
            (SELECT count(*) FROM pass_booklets WHERE programme_id = $1 AND distributed_at IS NOT NULL) AS distributed,
            (SELECT count(*) FROM pass_vouchers WHERE programme_id = $1) AS vouchers,
            (SELECT count(*) FROM pass_vouchers WHERE programme_id = $1 AND status = 'redeemed') AS redeemed`,
    [programmeId],
  );
  return rows[0] as { booklets: number; assigned: number; distributed: number; vouchers: number; redeemed: number };
}

/**
 * Cancels the booklets numbered from..to of a programme that are not handed out (nor already
 * cancelled), and their available vouchers. Returns the numbers cancelled.
 */
export async function cancelBooklets(
  tx: Queryable,
  programmeId: string,
  from: number,
  to: number,
  input: { at: Date; by: string | null },
): Promise<number[]> {
  const rows = await tx.query<{ id: string; number: number }>(
    `UPDATE pass_booklets SET cancelled_at = $4, cancelled_by = $5
     WHERE programme_id = $1 AND number BETWEEN $2 AND $3 AND distributed_at IS NULL AND cancelled_at IS NULL
     RETURNING id, number`,
    [programmeId, from, to, input.at, input.by],
  );
  if (rows.length > 0) {
    await tx.query(
      "UPDATE pass_vouchers SET status = 'cancelled' WHERE booklet_id = ANY($1::uuid[]) AND status = 'available'",
      [rows.map((r) => r.id)],
    );
  }
  return rows.map((r) => r.number).sort((a, b) => a - b);
}

/** Counts what a cancellation of from..to would touch, for its confirmation. */
export async function cancellableBooklets(
  db: Queryable,
  programmeId: string,
  from: number,
  to: number,
): Promise<{ cancellable: number; handedOut: number; alreadyCancelled: number }> {
  const rows = await db.query<{ cancellable: number; handed_out: number; already_cancelled: number }>(
    `SELECT count(*) FILTER (WHERE distributed_at IS NULL AND cancelled_at IS NULL)::int AS cancellable,
            count(*) FILTER (WHERE distributed_at IS NOT NULL)::int AS handed_out,
            count(*) FILTER (WHERE cancelled_at IS NOT NULL)::int AS already_cancelled
     FROM pass_booklets WHERE programme_id = $1 AND number BETWEEN $2 AND $3`,
    [programmeId, from, to],
  );
  const r = rows[0];
  return {
    cancellable: r?.cancellable ?? 0,
    handedOut: r?.handed_out ?? 0,
    alreadyCancelled: r?.already_cancelled ?? 0,
  };
}

/**
 * Takes back a hand-out: the booklet returns to its distributor, not handed out, if none of its
 * vouchers was used and it was handed out after `since`. True when done.
 */
export async function unmarkDistributed(
  tx: Queryable,
  bookletId: string,
  organisationId: string,
  since: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE pass_booklets SET distributed_at = NULL, distributed_by = NULL, person_id = NULL, needs = NULL, handed_out_contact = NULL
     WHERE id = $1 AND distributor_organisation_id = $2 AND distributed_at IS NOT NULL AND distributed_at >= $3
       AND NOT EXISTS (SELECT 1 FROM pass_vouchers v WHERE v.booklet_id = $1 AND v.status = 'redeemed')
     RETURNING id`,
    [bookletId, organisationId, since],
  );
  return rows.length === 1;
}

/** Booklets of the programmes whose booklets an organisation holds, by printed number (for the search). */
export async function bookletsHeldByNumber(
  db: Queryable,
  organisationIds: string[],
  number: number,
  programmeId: string | null,
): Promise<Array<BookletRow & { programme_name: string }>> {
  return db.query(
    `SELECT x.*, p.name AS programme_name FROM (${bookletSelect}
       WHERE b.distributor_organisation_id = ANY($1::uuid[]) AND b.number = $2 AND ($3::uuid IS NULL OR b.programme_id = $3::uuid)) x
     JOIN pass_programmes p ON p.id = x.programme_id ORDER BY p.name LIMIT 20`,
    [organisationIds, number, programmeId],
  );
}

/** The programmes of which an organisation holds booklets (for the search's programme list). */
export async function programmesHeldBy(
  db: Queryable,
  organisationIds: string[],
): Promise<Array<{ id: string; name: string }>> {
  return db.query(
    `SELECT DISTINCT p.id, p.name FROM pass_programmes p JOIN pass_booklets b ON b.programme_id = p.id
     WHERE b.distributor_organisation_id = ANY($1::uuid[]) ORDER BY p.name`,
    [organisationIds],
  );
}

/** The booklet a voucher code belongs to, if held by one of these organisations (QR scan of a voucher). */
export async function bookletHeldByVoucherCode(
  db: Queryable,
  organisationIds: string[],
  code: string,
): Promise<(BookletRow & { programme_name: string }) | undefined> {
  return (
    await db.query<BookletRow & { programme_name: string }>(
      `SELECT x.*, p.name AS programme_name FROM (${bookletSelect}
         WHERE b.distributor_organisation_id = ANY($1::uuid[]) AND b.id = (SELECT booklet_id FROM pass_vouchers WHERE code = $2)) x
       JOIN pass_programmes p ON p.id = x.programme_id`,
      [organisationIds, code],
    )
  )[0];
}

/** Booklets handed over before migration 0131, whose beneficiary is still JSON (locked, one batch). */
export async function legacyBeneficiaries(
  tx: Queryable,
  limit: number,
): Promise<
  Array<{
    id: string;
    number: number;
    distributor_organisation_id: string;
    distributed_at: Date;
    distributed_by: string | null;
    beneficiary: Record<string, unknown>;
  }>
> {
  return tx.query(
    `SELECT id, number, distributor_organisation_id, distributed_at, distributed_by, beneficiary FROM pass_booklets
     WHERE beneficiary IS NOT NULL AND person_id IS NULL AND distributor_organisation_id IS NOT NULL
       AND distributed_at IS NOT NULL
     ORDER BY distributed_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
}

/** The beneficiary moved onto the person model: the booklet names the person, the JSON is emptied. */
export async function attachMigratedPerson(
  tx: Queryable,
  bookletId: string,
  personId: string,
  needs: string[],
): Promise<void> {
  await tx.query('UPDATE pass_booklets SET person_id = $2, needs = $3, beneficiary = NULL WHERE id = $1', [
    bookletId,
    personId,
    needs,
  ]);
}
