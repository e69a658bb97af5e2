/**
 * oidc-provider's storage on PostgreSQL / PGlite: one table (`oidc_payloads`), the payload as
 * JSON, grant id, uid and user code rolled up into indexed columns. `revokeByGrantId` really
 * deletes every row of the grant, whatever its model (a home-made adapter where it did nothing
 * made logout and consent revocation no-ops: ether/etherpad#7837). Expired rows are invisible
 * at once and deleted by the purge `identity.oidc-purge`.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';

/**
 * Marks a one-time entity (an authorization code) spent unless a concurrent request spent it
 * first: true when this call did. For a caller writing the token request in one transaction
 * (partner provider, ADR 0037) — oidc-provider's own `consume` reads then writes.
 */
export async function consumeOnce(
  db: Queryable,
  clock: Clock,
  model: string,
  id: string,
  grantId: string | null,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE oidc_payloads SET consumed_at = $4
     WHERE model = $1 AND id = $2 AND grant_id IS NOT DISTINCT FROM $3 AND consumed_at IS NULL RETURNING id`,
    [model, id, grantId, clock()],
  );
  return rows.length > 0;
}

export function databaseAdapter(db: Queryable, clock: Clock): new (model: string) => Adapter {
  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(clock().getTime() + expiresIn * 1000) : null;
      await db.query(
        `INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [
          this.model,
          id,
          JSON.stringify(payload),
          payload.grantId ?? null,
          payload.uid ?? null,
          payload.userCode ?? null,
          expiresAt,
        ],
      );
    }

    private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      const rows = await db.query<{ payload: AdapterPayload | string; consumed_at: Date | null }>(
        `SELECT payload, consumed_at FROM oidc_payloads
         WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > $3) LIMIT 1`,
        [this.model, value, clock()],
      );
      const row = rows[0];
      if (!row) return undefined;
      const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as AdapterPayload) : row.payload;
      return row.consumed_at ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : payload;
    }

    find(id: string) {
      return this.findWhere('id', id);
    }
    findByUid(uid: string) {
      return this.findWhere('uid', uid);
    }
    findByUserCode(userCode: string) {
      return this.findWhere('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db.query('UPDATE oidc_payloads SET consumed_at = $3 WHERE model = $1 AND id = $2', [
        this.model,
        id,
        clock(),
      ]);
    }

    async destroy(id: string): Promise<void> {
      await db.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
    }
  };
}

/** The purge of expired rows (registered by the app with the other retention purges). */
export const oidcPayloadsPurge = {
  description: 'données OpenID Connect expirées (interactions, codes, jetons, sessions)',
  purge: async (tx: Queryable, now: Date): Promise<number> =>
    (await tx.query('DELETE FROM oidc_payloads WHERE expires_at <= $1 RETURNING id', [now])).length,
};
