/** Tokens for software that redeems vouchers through the API; only their hash is stored. */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { parseInput, requiredText } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy } from './policies.ts';

export interface ApiToken {
  id: string;
  organisation_id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export async function createApiToken(
  deps: PassDeps,
  actor: Actor | undefined,
  organisationId: string,
  input: unknown,
): Promise<{ token: string }> {
  authorize(actor, passPolicy.manageApiTokens, { id: organisationId });
  const { name } = parseInput(z.object({ name: requiredText(100) }), input);
  const token = `pass_${randomToken()}`;
  await deps.db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      'INSERT INTO pass_api_tokens (organisation_id, name, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [organisationId, name, sha256(token), accountIdOf(actor), deps.clock()],
    );
    await appendJournal(tx, deps.clock, {
      action: 'pass.jeton_cree',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'jeton',
      targetId: (rows[0] as { id: string }).id,
    });
  });
  return { token };
}

export async function revokeApiToken(
  deps: PassDeps,
  actor: Actor | undefined,
  organisationId: string,
  tokenId: string,
): Promise<void> {
  authorize(actor, passPolicy.manageApiTokens, { id: organisationId });
  if (!/^[0-9a-f-]{36}$/i.test(tokenId)) throw new NotFoundError('Jeton introuvable.');
  await deps.db.transaction(async (tx) => {
    const rows = await tx.query(
      'UPDATE pass_api_tokens SET revoked_at = $3 WHERE id = $1 AND organisation_id = $2 AND revoked_at IS NULL RETURNING id',
      [tokenId, organisationId, deps.clock()],
    );
    if (rows.length === 0) throw new NotFoundError('Jeton introuvable ou déjà révoqué.');
    await appendJournal(tx, deps.clock, {
      action: 'pass.jeton_revoque',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'jeton',
      targetId: tokenId,
    });
  });
}

export async function listApiTokens(db: Queryable, organisationId: string): Promise<ApiToken[]> {
  return db.query<ApiToken>(
    'SELECT id, organisation_id, name, created_at, last_used_at, revoked_at FROM pass_api_tokens WHERE organisation_id = $1 ORDER BY created_at DESC',
    [organisationId],
  );
}

/** The organisation behind a bearer token, as an actor that may only redeem for it. */
export async function actorForToken(db: Queryable, clock: Clock, token: string): Promise<Actor | undefined> {
  if (!token.startsWith('pass_')) return undefined;
  const rows = await db.query<{ id: string; organisation_id: string; last_used_at: Date | null }>(
    'SELECT id, organisation_id, last_used_at FROM pass_api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [sha256(token)],
    { prepare: true },
  );
  const row = rows[0];
  if (!row) return undefined;
  const now = clock();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.query('UPDATE pass_api_tokens SET last_used_at = $2 WHERE id = $1', [row.id, now]);
  }
  return {
    userId: `jeton:${row.id}`,
    email: '',
    displayName: 'Logiciel (jeton API)',
    isPlatformAdmin: false,
    memberships: [{ organisationId: row.organisation_id, organisationName: '', role: 'aidant', canActOnBehalf: false }],
    sessionId: '',
    hasSecondFactor: false,
    apiTokenId: row.id,
  };
}
