/**
 * Signing keys of an OpenID Connect provider the app serves, persisted in `oidc_signing_keys`
 * (private parts sealed with SECRET_KEY) so that they survive a restart and are shared by every
 * instance. Rotation, in the order oidc-provider recommends (its docs, « jwks »):
 *   1. `prepareNextKey`: a new key is published in the JWKS (verifies, does not sign yet);
 *      restart or reload every instance, wait until relying parties have refreshed the JWKS;
 *   2. `promoteNextKey`: the new key signs (first in the list), the former one is retired but
 *      still published, so tokens it signed keep verifying until they expire;
 *   3. `dropRetiredKeys` once those tokens have expired.
 * `jwksOf` returns the keys in that order: current, next, retired.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { decryptSecret, encryptSecret } from '../crypto.ts';
import type { Queryable } from '../db/database.ts';

const PURPOSE = 'oidc-signing-key';

function newJwk(): Record<string, unknown> & { kid: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { ...jwk, kid: randomUUID(), alg: 'ES256', use: 'sig' };
}

async function insertKey(db: Queryable, clock: Clock, secretKey: string, provider: string, state: string) {
  const jwk = newJwk();
  await db.query(
    `INSERT INTO oidc_signing_keys (provider, kid, sealed_jwk, state, created_at, changed_at) VALUES ($1, $2, $3, $4, $5, $5)`,
    [provider, jwk.kid, encryptSecret(secretKey, PURPOSE, JSON.stringify(jwk)), state, clock()],
  );
  return jwk.kid;
}

/**
 * Stores a first key for the provider if it has no current one (another instance may be doing
 * the same: one wins). Reads only, when the key exists: nothing to decrypt.
 */
export async function ensureCurrentKey(
  db: Queryable,
  clock: Clock,
  secretKey: string,
  provider: string,
): Promise<void> {
  const current = await db.query(`SELECT 1 FROM oidc_signing_keys WHERE provider = $1 AND state = 'current' LIMIT 1`, [
    provider,
  ]);
  if (current.length > 0) return;
  const jwk = newJwk();
  await db
    .query(
      `INSERT INTO oidc_signing_keys (provider, kid, sealed_jwk, state, created_at, changed_at)
       SELECT $1, $2, $3, 'current', $4, $4 WHERE NOT EXISTS (SELECT 1 FROM oidc_signing_keys WHERE provider = $1 AND state = 'current')
       ON CONFLICT DO NOTHING`,
      [provider, jwk.kid, encryptSecret(secretKey, PURPOSE, JSON.stringify(jwk)), clock()],
    )
    .catch(() => undefined); // another instance created it at the same time
}

/** The provider's private JWKS (current first), creating a first key if there is none. */
export async function jwksOf(
  db: Queryable,
  clock: Clock,
  secretKey: string,
  provider: string,
): Promise<{ keys: Array<Record<string, unknown>> }> {
  await ensureCurrentKey(db, clock, secretKey, provider);
  const rows = await db.query<{ sealed_jwk: string; state: string }>(
    `SELECT sealed_jwk, state FROM oidc_signing_keys WHERE provider = $1
     ORDER BY CASE state WHEN 'current' THEN 0 WHEN 'next' THEN 1 ELSE 2 END, created_at DESC`,
    [provider],
  );
  return { keys: rows.map((r) => JSON.parse(decryptSecret(secretKey, PURPOSE, r.sealed_jwk))) };
}

/** Step 1: a new key, published but not signing yet. Returns its kid. */
export async function prepareNextKey(
  db: Queryable,
  clock: Clock,
  secretKey: string,
  provider: string,
): Promise<string> {
  await db.query(
    `UPDATE oidc_signing_keys SET state = 'retired', changed_at = $2 WHERE provider = $1 AND state = 'next'`,
    [provider, clock()],
  );
  return insertKey(db, clock, secretKey, provider, 'next');
}

/** Step 2: the prepared key signs; the former current key is retired (still verifies). */
export async function promoteNextKey(db: Queryable, clock: Clock, provider: string): Promise<boolean> {
  const next = await db.query<{ kid: string }>(
    `SELECT kid FROM oidc_signing_keys WHERE provider = $1 AND state = 'next' ORDER BY created_at DESC LIMIT 1`,
    [provider],
  );
  if (!next[0]) return false;
  await db.query(
    `UPDATE oidc_signing_keys SET state = 'retired', changed_at = $2 WHERE provider = $1 AND state = 'current'`,
    [provider, clock()],
  );
  await db.query(`UPDATE oidc_signing_keys SET state = 'current', changed_at = $3 WHERE provider = $1 AND kid = $2`, [
    provider,
    next[0].kid,
    clock(),
  ]);
  return true;
}

/** Step 3: retired keys retired before `before` are removed (their tokens have expired). */
export async function dropRetiredKeys(db: Queryable, provider: string, before: Date): Promise<number> {
  return (
    await db.query(
      `DELETE FROM oidc_signing_keys WHERE provider = $1 AND state = 'retired' AND changed_at < $2 RETURNING kid`,
      [provider, before],
    )
  ).length;
}

/** The keys of every provider (or one), without their private parts: for the CLI's status. */
export async function signingKeysOf(
  db: Queryable,
  provider?: string,
): Promise<Array<{ provider: string; kid: string; state: string; createdAt: Date; changedAt: Date }>> {
  const rows = await db.query<{ provider: string; kid: string; state: string; created_at: Date; changed_at: Date }>(
    `SELECT provider, kid, state, created_at, changed_at FROM oidc_signing_keys
     WHERE $1::text IS NULL OR provider = $1
     ORDER BY provider, CASE state WHEN 'current' THEN 0 WHEN 'next' THEN 1 ELSE 2 END, created_at DESC`,
    [provider ?? null],
  );
  return rows.map((r) => ({
    provider: r.provider,
    kid: r.kid,
    state: r.state,
    createdAt: new Date(r.created_at),
    changedAt: new Date(r.changed_at),
  }));
}
