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

export async function appendJournal(tx: Queryable, clock: Clock, entry: JournalEntry): Promise<void> {
  const stream = entry.stream ?? entry.organisationId ?? 'plateforme';
  // Serialise writers of one stream so that each row links to the one before it: the
  // function takes the stream's transaction lock, then reads its last row.
  const head = await tx.query<{ seq: number | null; hash: string | null }>(
    'SELECT seq, hash FROM journal_stream_head($1)',
    [stream],
    { prepare: true },
  );
  const last = head[0]?.seq ? [{ stream_seq: head[0].seq, hash: head[0].hash as string }] : [];
  const row = {
    stream,
    stream_seq: (last[0]?.stream_seq ?? 0) + 1,
    // Millisecond precision: what JavaScript and PostgreSQL both round-trip exactly.
    occurred_at: new Date(clock().getTime()),
    actor_user_id: entry.actorUserId ?? null,
    organisation_id: entry.organisationId ?? null,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    details: JSON.parse(canonicalJson(entry.details ?? {})) as Record<string, unknown>,
    prev_hash: last[0]?.hash ?? GENESIS_HASH,
  };
  await tx.query(
    `INSERT INTO journal (stream, stream_seq, occurred_at, actor_user_id, organisation_id, action, target_type, target_id, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      row.stream,
      row.stream_seq,
      row.occurred_at,
      row.actor_user_id,
      row.organisation_id,
      row.action,
      row.target_type,
      row.target_id,
      JSON.stringify(row.details),
      row.prev_hash,
      hashRow(row),
    ],
    { prepare: true },
  );
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
