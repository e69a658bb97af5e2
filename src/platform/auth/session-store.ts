/**
 * Sessions kept in the database: idle timeout, absolute lifetime, list and revocation.
 * The cookie carries a random secret; the table keeps only its hash.
 */
import type { Clock } from '../clock.ts';
import { randomToken, sha256 } from '../crypto.ts';
import type { Queryable } from '../db/database.ts';

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export interface Session {
  idHash: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  secondFactorAt: Date | null;
  authMethod: string;
  device: string;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  second_factor_at: Date | null;
  auth_method: string;
  device: string;
}

const toSession = (r: SessionRow): Session => ({
  idHash: r.id_hash,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  secondFactorAt: r.second_factor_at,
  authMethod: r.auth_method,
  device: r.device,
});

/** A short description of the browser, never the full user agent or the address. */
export function describeDevice(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Navigateur';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'système inconnu';
  return `${browser} sur ${os}`;
}

export async function createSession(
  db: Queryable,
  clock: Clock,
  policy: SessionPolicy,
  input: { userId: string; authMethod: string; device: string; secondFactorDone: boolean },
): Promise<{ token: string; session: Session }> {
  const token = randomToken();
  const now = clock();
  const expires = new Date(now.getTime() + policy.maxHours * 3600_000);
  const rows = await db.query<SessionRow>(
    `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, second_factor_at, auth_method, device)
     VALUES ($1, $2, $3, $3, $4, $5, $6, $7) RETURNING *`,
    [sha256(token), input.userId, now, expires, input.secondFactorDone ? now : null, input.authMethod, input.device],
  );
  return { token, session: toSession(rows[0] as SessionRow) };
}

/** The live session for a cookie value, touching it at most once a minute; undefined if over. */
export async function findLiveSession(
  db: Queryable,
  clock: Clock,
  policy: SessionPolicy,
  token: string,
): Promise<Session | undefined> {
  const now = clock();
  const idleLimit = new Date(now.getTime() - policy.idleMinutes * 60_000);
  const rows = await db.query<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1', [sha256(token)]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.expires_at <= now || row.last_seen_at <= idleLimit) {
    await db.query('DELETE FROM sessions WHERE id_hash = $1', [row.id_hash]);
    return undefined;
  }
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [row.id_hash, now]);
    row.last_seen_at = now;
  }
  return toSession(row);
}

export async function markSecondFactorDone(db: Queryable, clock: Clock, idHash: string): Promise<void> {
  await db.query('UPDATE sessions SET second_factor_at = $2 WHERE id_hash = $1', [idHash, clock()]);
}

export async function listSessions(db: Queryable, userId: string): Promise<Session[]> {
  const rows = await db.query<SessionRow>('SELECT * FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC', [
    userId,
  ]);
  return rows.map(toSession);
}

export async function deleteSession(db: Queryable, idHash: string, userId?: string): Promise<boolean> {
  const rows = userId
    ? await db.query('DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2 RETURNING id_hash', [idHash, userId])
    : await db.query('DELETE FROM sessions WHERE id_hash = $1 RETURNING id_hash', [idHash]);
  return rows.length > 0;
}

export async function deleteAllSessions(db: Queryable, userId: string): Promise<number> {
  const rows = await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING id_hash', [userId]);
  return rows.length;
}

/** Scheduled purge of sessions that ended. */
export async function purgeEndedSessions(db: Queryable, clock: Clock, policy: SessionPolicy): Promise<number> {
  const now = clock();
  const rows = await db.query('DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2 RETURNING id_hash', [
    now,
    new Date(now.getTime() - policy.idleMinutes * 60_000),
  ]);
  return rows.length;
}
