/** Tokens for software that redeems vouchers through the API; only their hash is stored. */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NO_TERRITORY } from '../../platform/auth/territory.ts';
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { outsideReadOnly } from '../../platform/db/read-only-gets.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { parseInput, requiredText } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { PassDeps } from './deps.ts';
import { API_TOKEN_ROLE, passPolicy } from './policies.ts';

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

/** What software sends to redeem: its bearer token, checked in the same read as the voucher. */
export interface ApiTokenCredential {
  readonly apiToken: string;
}

/** A live (not revoked) token as read from the database. */
export interface LiveApiToken {
  id: string;
  organisation_id: string;
  last_used_at: Date | null;
}

/** The hash to look a presented token up by; undefined when it cannot be one of ours. */
export function apiTokenHash(token: string): string | undefined {
  return token.startsWith('pass_') ? sha256(token) : undefined;
}

/**
 * The live token whose hash is the parameter `hashParam`, as a subquery the redemption joins
 * into its one read (columns: those of LiveApiToken; no row if unknown or revoked).
 */
export function liveApiTokenSubquery(hashParam: string): string {
  return `(SELECT id, organisation_id, last_used_at FROM pass_api_tokens WHERE token_hash = ${hashParam}::text AND revoked_at IS NULL)`;
}

/** The organisation behind a token, as an actor that may only redeem for it. */
export function actorOfApiToken(token: LiveApiToken): Actor {
  return {
    userId: `jeton:${token.id}`,
    email: '',
    displayName: 'Logiciel (jeton API)',
    isPlatformAdmin: false,
    memberships: [
      {
        organisationId: token.organisation_id,
        organisationName: '',
        role: API_TOKEN_ROLE,
        canActOnBehalf: false,
        territory: NO_TERRITORY,
      },
    ],
    sessionId: '',
    hasSecondFactor: false,
    apiTokenId: token.id,
  };
}

/** Records that a token was used, to the minute (shown to its managers; no write per request). */
export async function touchApiToken(db: Queryable, clock: Clock, token: LiveApiToken): Promise<void> {
  const now = clock();
  if (token.last_used_at && now.getTime() - token.last_used_at.getTime() <= 60_000) return;
  // Bookkeeping of the caller's own credential, like a session's last activity: allowed on a
  // GET (checking a voucher), the only write the read-only check lets through (MODULE.md §5).
  await outsideReadOnly(() => db.query('UPDATE pass_api_tokens SET last_used_at = $2 WHERE id = $1', [token.id, now]));
}
