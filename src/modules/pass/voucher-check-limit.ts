/**
 * Voucher checks are rate-limited per helper (signed-in account) and per API token, not only
 * per address (issue 9: 600 guesses in a row were accepted). Counted in the shared store.
 */
import type { FastifyRequest } from 'fastify';
import { sha256 } from '../../platform/crypto.ts';

export function voucherCheckKey(request: FastifyRequest): string {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token) return `jeton:${sha256(token)}`;
  if (request.actor) return `aidant:${request.actor.userId}`;
  return `adresse:${request.ip}`;
}

/** Route config: `max` checks per minute per helper or token, counted once the actor is known. */
export function voucherCheckLimit(max: number) {
  return { max, timeWindow: '1 minute', hook: 'preHandler' as const, keyGenerator: voucherCheckKey };
}
