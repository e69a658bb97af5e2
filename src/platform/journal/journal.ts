/**
 * Append-only, tamper-evident audit journal. An entry is written with the same transaction
 * handle as the change it records, so both commit or neither does. Entries are chained per
 * stream (one per organisation, plus "plateforme"): each row's hash covers its content and
 * the previous row's hash, so an altered, inserted or removed row breaks the chain.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface JournalEntry {
  action: string;
  actorUserId?: string | null;
  organisationId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  /** Identifiers and facts, never names, e-mail addresses or other personal data. */
  details?: Record<string, unknown>;
  /**
   * The chain this entry joins; defaults to the organisation's (or « plateforme »). Busy
   * writers (voucher redemptions) chain per place so that places do not queue behind each other.
   */
  stream?: string;
}

interface JournalRow {
  id: number;
  stream: string;
  stream_seq: number;
  occurred_at: Date;
  actor_user_id: string | null;
  organisation_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** JSON with sorted keys, so that jsonb's reordering does not change the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function hashRow(r: Omit<JournalRow, 'id' | 'hash'>): string {
  const content = canonicalJson({
    stream: r.stream,
    seq: r.stream_seq,
    at: r.occurred_at.toISOString(),
    actor: r.actor_user_id,
    org: r.organisation_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: r.details,
    prev: r.prev_hash,
  });
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The hashed content of a row (see hashRow) cut around the two values only known under the
 * stream's lock, the previous hash and the sequence number: content = prefix + prev + middle +
 * seq + suffix. The keys sort as action, actor, at, details, org | prev, seq | stream, targetId,
 * targetType, so the pieces are canonical JSON of the keys on each side.
 */
export function hashParts(r: Omit<JournalRow, 'id' | 'hash' | 'prev_hash' | 'stream_seq'>): {
  prefix: string;
  middle: string;
  suffix: string;
} {
  const before = canonicalJson({
    action: r.action,
    actor: r.actor_user_id,
    at: r.occurred_at.toISOString(),
    details: r.details,
    org: r.organisation_id,
  });
  const after = canonicalJson({ stream: r.stream, targetId: r.target_id, targetType: r.target_type });
  return { prefix: `${before.slice(0, -1)},"prev":"`, middle: '","seq":', suffix: `,${after.slice(1)}` };
}

export interface JournalInsertOptions {
  /** Number of the first parameter (default 1). */
  firstParam?: number;
  /** An SQL condition without which nothing is written. */
  onlyIf?: string;
}

const insertSqlCache = new Map<string, string>();

/**
 * The statement of journalInsert for these options: always the same text for the same options,
 * so that a caller can build its own statement around it once and keep it prepared.
 */
export function journalInsertSql(options: JournalInsertOptions = {}): string {
  const key = `${options.firstParam ?? 1}|${options.onlyIf ?? ''}`;
  let sql = insertSqlCache.get(key);
  if (sql !== undefined) return sql;
  const n = options.firstParam ?? 1;
  const $ = (i: number) => `$${n + i}`;
  const seq = 'coalesce(h.seq, 0) + 1';
  const prev = `coalesce(h.hash, '${GENESIS_HASH}')`;
  sql = `INSERT INTO journal (stream, stream_seq, occurred_at, actor_user_id, organisation_id, action, target_type, target_id, details, prev_hash, hash)
     SELECT ${$(0)}::text, ${seq}, ${$(1)}::timestamptz, ${$(2)}::uuid, ${$(3)}::uuid, ${$(4)}::text, ${$(5)}::text, ${$(6)}::text, ${$(7)}::jsonb, ${prev},
            encode(sha256(convert_to(${$(8)}::text || ${prev} || ${$(9)}::text || (${seq})::text || ${$(10)}::text, 'UTF8')), 'hex')
     FROM journal_stream_head(${$(0)}::text) h${options.onlyIf ? ` WHERE ${options.onlyIf}` : ''}`;
  insertSqlCache.set(key, sql);
  return sql;
}

/** The parameters of journalInsertSql for one entry, in order. */
export function journalInsertParams(clock: Clock, entry: JournalEntry): unknown[] {
  const row = {
    stream: entry.stream ?? entry.organisationId ?? 'plateforme',
    // Millisecond precision: what JavaScript and PostgreSQL both round-trip exactly.
    occurred_at: new Date(clock().getTime()),
    actor_user_id: entry.actorUserId ?? null,
    organisation_id: entry.organisationId ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    details: JSON.parse(canonicalJson(entry.details ?? {})) as Record<string, unknown>,
  };
  const parts = hashParts(row);
  return [
    row.stream,
    row.occurred_at,
    row.actor_user_id,
    row.organisation_id,
    row.action,
    row.target_type,
    row.target_id,
    JSON.stringify(row.details),
    parts.prefix,
    parts.middle,
    parts.suffix,
  ];
}

/**
 * One entry as a single INSERT: the stream's head is read under the stream's lock
 * (journal_stream_head, held to the end of the transaction, so writers of one stream queue and
 * each row links to the one before it) and PostgreSQL computes the hash from the parts prepared
 * here — one round trip. Parameters are numbered from `firstParam`, so that a module can run it
 * as a data-modifying CTE of its own statement; `onlyIf` is an SQL condition (e.g. that a CTE
 * returned a row) without which nothing is written.
 */
export function journalInsert(
  clock: Clock,
  entry: JournalEntry,
  options: JournalInsertOptions = {},
): { sql: string; params: unknown[] } {
  return { sql: journalInsertSql(options), params: journalInsertParams(clock, entry) };
}

export async function appendJournal(tx: Queryable, clock: Clock, entry: JournalEntry): Promise<void> {
  const { sql, params } = journalInsert(clock, entry);
  await tx.query(sql, params, { prepare: true });
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  streams: number;
  /** The first problem found, in words. */
  problem?: { id: number | null; stream: string; seq: number; reason: string };
}

/** Walks every stream in order and names the first altered, inserted or missing row. */
export async function verifyJournal(db: Queryable, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  const streams = await db.query<{ stream: string }>('SELECT DISTINCT stream FROM journal ORDER BY stream');
  let checked = 0;
  for (const { stream } of streams) {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let afterSeq = 0;
    for (;;) {
      const batch = await db.query<JournalRow>(
        'SELECT * FROM journal WHERE stream = $1 AND stream_seq > $2 ORDER BY stream_seq LIMIT 5000',
        [stream, afterSeq],
      );
      if (batch.length === 0) break;
      for (const row of batch) {
        if (row.stream_seq !== expectedSeq) {
          return {
            ok: false,
            checked,
            streams: streams.length,
            problem: {
              id: null,
              stream,
              seq: expectedSeq,
              reason: `ligne manquante : le n° ${expectedSeq} du flux « ${stream} » a disparu (la suivante est le n° ${row.stream_seq}, id ${row.id})`,
            },
          };
        }
        if (row.prev_hash !== prevHash) {
          return {
            ok: false,
            checked,
            streams: streams.length,
            problem: {
              id: row.id,
              stream,
              seq: row.stream_seq,
              reason: `chaînage rompu à la ligne id ${row.id} (flux « ${stream} », n° ${row.stream_seq}) : la ligne précédente a été modifiée ou remplacée`,
            },
          };
        }
        if (hashRow(row) !== row.hash) {
          return {
            ok: false,
            checked,
            streams: streams.length,
            problem: {
              id: row.id,
              stream,
              seq: row.stream_seq,
              reason: `ligne modifiée : id ${row.id} (flux « ${stream} », n° ${row.stream_seq}) ne correspond plus à son empreinte`,
            },
          };
        }
        prevHash = row.hash;
        expectedSeq++;
        checked++;
        afterSeq = row.stream_seq;
      }
      onProgress?.(checked);
    }
  }
  return { ok: true, checked, streams: streams.length };
}
