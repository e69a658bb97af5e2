/**
 * Append-only, tamper-evident audit journal. An entry is written with the same transaction
 * handle as the change it records, so both commit or neither does. Entries are chained per
 * stream (one per organisation, plus "plateforme"): each row's hash covers its content and
 * the previous row's hash, so an altered, inserted or removed row breaks the chain.
 *
 * The hash is keyed (HMAC-SHA256, key derived from SECRET_KEY): someone who can write to the
 * database but does not hold the key cannot recompute the chain after rewriting a row. Each
 * stream's head (last number and hash) is kept with a MAC in journal_heads, moved by the insert
 * itself, so deleting the newest rows shows; the number of streams is kept the same way, so
 * deleting a whole stream shows (ADR 0017). Rows written before keyed hashes (plain SHA-256)
 * are still accepted at the start of a stream, never after a keyed row.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';

export const GENESIS_HASH = '0'.repeat(64);

interface JournalKey {
  key: Buffer;
  /** The key XOR ipad / opad (RFC 2104): PostgreSQL computes the HMAC with sha256() alone. */
  inner: Buffer;
  outer: Buffer;
}
let journalKey: JournalKey | undefined;

/** Sets the key of the journal's hashes, from SECRET_KEY (the app and the CLI, at start). */
export function setJournalKey(secretKey: string): void {
  const key = createHmac('sha256', secretKey).update('passerelle/journal/v1').digest();
  const block = Buffer.alloc(64);
  key.copy(block);
  journalKey = {
    key,
    inner: Buffer.from(block.map((b) => b ^ 0x36)),
    outer: Buffer.from(block.map((b) => b ^ 0x5c)),
  };
}

function currentKey(): JournalKey {
  if (!journalKey) throw new Error('Journal key not set: call setJournalKey(config.secretKey) at start.');
  return journalKey;
}

function mac(text: string): string {
  return createHmac('sha256', currentKey().key).update(text, 'utf8').digest('hex');
}

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

function rowContent(r: Omit<JournalRow, 'id' | 'hash'>): string {
  return canonicalJson({
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
  const hmac = (text: string) =>
    `encode(sha256(${$(12)}::bytea || sha256(${$(11)}::bytea || convert_to(${text}, 'UTF8'))), 'hex')`;
  sql = `INSERT INTO journal (stream, stream_seq, occurred_at, actor_user_id, organisation_id, action, target_type, target_id, details, prev_hash, hash, head_mac, stream_count, stream_count_mac)
     SELECT ${$(0)}::text, s.seq, ${$(1)}::timestamptz, ${$(2)}::uuid, ${$(3)}::uuid, ${$(4)}::text, ${$(5)}::text, ${$(6)}::text, ${$(7)}::jsonb, s.prev, x.hash,
            ${hmac(`'head|' || ${$(0)}::text || '|' || s.seq::text || '|' || x.hash`)},
            h.new_stream_count,
            CASE WHEN h.new_stream_count IS NOT NULL THEN ${hmac(`'streams|' || h.new_stream_count::text`)} END
     FROM journal_stream_head(${$(0)}::text) h
     CROSS JOIN LATERAL (SELECT coalesce(h.seq, 0) + 1 AS seq, coalesce(h.hash, '${GENESIS_HASH}') AS prev) s
     CROSS JOIN LATERAL (SELECT ${hmac(`${$(8)}::text || s.prev || ${$(9)}::text || s.seq::text || ${$(10)}::text`)} AS hash) x${options.onlyIf ? ` WHERE ${options.onlyIf}` : ''}`;
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
    currentKey().inner,
    currentKey().outer,
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

/**
 * Walks every stream in order and names the first altered, inserted or missing row, then
 * checks each stream's head (its newest rows were not deleted) and the number of streams (no
 * whole stream was deleted). Needs the key the rows were written with (setJournalKey).
 */
export async function verifyJournal(db: Queryable, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  const heads = new Map(
    (
      await db.query<{ stream: string; seq: string | number; hash: string; mac: string }>(
        'SELECT stream, seq, hash, mac FROM journal_heads',
      )
    ).map((h) => [h.stream, { ...h, seq: Number(h.seq) }]),
  );
  const registry = heads.get('');
  heads.delete('');
  const streams = [
    ...new Set([
      ...(await db.query<{ stream: string }>('SELECT DISTINCT stream FROM journal')).map((r) => r.stream),
      ...heads.keys(),
    ]),
  ].sort();
  let checked = 0;
  const fail = (stream: string, seq: number, id: number | null, reason: string): VerifyResult => ({
    ok: false,
    checked,
    streams: streams.length,
    problem: { id, stream, seq, reason },
  });
  for (const stream of streams) {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let afterSeq = 0;
    let keyedSeen = false;
    for (;;) {
      const batch = await db.query<JournalRow>(
        `SELECT id, stream, stream_seq, occurred_at, actor_user_id, organisation_id, action, target_type, target_id, details, prev_hash, hash
         FROM journal WHERE stream = $1 AND stream_seq > $2 ORDER BY stream_seq LIMIT 5000`,
        [stream, afterSeq],
      );
      if (batch.length === 0) break;
      for (const row of batch) {
        row.stream_seq = Number(row.stream_seq);
        if (row.stream_seq !== expectedSeq) {
          return fail(
            stream,
            expectedSeq,
            null,
            `ligne manquante : le n° ${expectedSeq} du flux « ${stream} » a disparu (la suivante est le n° ${row.stream_seq}, id ${row.id})`,
          );
        }
        if (row.prev_hash !== prevHash) {
          return fail(
            stream,
            row.stream_seq,
            row.id,
            `chaînage rompu à la ligne id ${row.id} (flux « ${stream} », n° ${row.stream_seq}) : la ligne précédente a été modifiée ou remplacée`,
          );
        }
        const content = rowContent(row);
        if (mac(content) === row.hash) keyedSeen = true;
        else if (keyedSeen || createHash('sha256').update(content).digest('hex') !== row.hash) {
          return fail(
            stream,
            row.stream_seq,
            row.id,
            `ligne modifiée : id ${row.id} (flux « ${stream} », n° ${row.stream_seq}) ne correspond plus à son empreinte`,
          );
        }
        prevHash = row.hash;
        expectedSeq++;
        checked++;
        afterSeq = row.stream_seq;
      }
      onProgress?.(checked);
    }
    const last = expectedSeq - 1;
    const head = heads.get(stream);
    if (!head) {
      if (keyedSeen) return fail(stream, last, null, `la tête du flux « ${stream} » a été supprimée`);
      continue; // written before keyed hashes and never since (ADR 0017)
    }
    if (mac(`head|${stream}|${head.seq}|${head.hash}`) !== head.mac) {
      return fail(stream, head.seq, null, `la tête du flux « ${stream} » a été falsifiée`);
    }
    if (last === 0)
      return fail(stream, head.seq, null, `le flux « ${stream} » a été entièrement supprimé (${head.seq} lignes)`);
    if (last < head.seq) {
      return fail(
        stream,
        last + 1,
        null,
        `lignes supprimées à la fin du flux « ${stream} » : n° ${last + 1} à ${head.seq}`,
      );
    }
    if (last > head.seq || prevHash !== head.hash) {
      return fail(stream, head.seq, null, `la fin du flux « ${stream} » ne correspond plus à sa tête`);
    }
  }
  if (heads.size > 0 || registry) {
    if (!registry || mac(`streams|${registry.seq}`) !== registry.mac) {
      return fail('', 0, null, 'le registre des flux du journal a été falsifié ou supprimé');
    }
    if (registry.seq !== heads.size) {
      return fail(
        '',
        0,
        null,
        `${registry.seq - heads.size} flux entier(s) supprimé(s) : le registre en compte ${registry.seq}, ${heads.size} sont présents`,
      );
    }
  }
  return { ok: true, checked, streams: streams.length };
}
