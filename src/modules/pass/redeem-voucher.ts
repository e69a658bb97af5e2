/**
 * Redemption at a qualified place, by a helper on the web page or by software with an API
 * token. Every refusal says why in words a helper understands (voucher-rules.ts).
 * Exactly once: the voucher row is switched from « available » to « redeemed » by one
 * conditional UPDATE, so of two simultaneous attempts one wins and the other is told the
 * voucher was just used; a retry with the same idempotency key returns the original success.
 * Two round trips to the database: one read (redemption-context.ts), one write.
 */
import { randomUUID } from 'node:crypto';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { PgErrorCode, pgErrorCode } from '../../platform/db/database.ts';
import {
  ForbiddenError,
  NotFoundError,
  RuleError,
  UnauthenticatedError,
  withDetails,
} from '../../platform/http/errors.ts';
import { journalInsertParams, journalInsertSql } from '../../platform/journal/journal.ts';
import { formatEuros, parisDate } from '../../platform/print/index.ts';
import { type ApiTokenCredential, actorOfApiToken, apiTokenHash, touchApiToken } from './api-tokens.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy } from './policies.ts';
import type { Programme } from './programmes-repository.ts';
import { readRedemptionContext } from './redemption-context.ts';
import { formatVoucherCode, parseVoucherCode } from './voucher-code.ts';
import {
  ALREADY_USED,
  type PlaceFacts,
  type Redemption,
  redemptionColumns,
  refusalFor,
  type VoucherFacts,
  VoucherRefused,
  whereUsed,
} from './voucher-rules.ts';

/** Who presents the voucher: a signed-in person, or software with its bearer token. */
export type Presenter = Actor | ApiTokenCredential;

export const INVALID_TOKEN = 'Jeton manquant ou invalide : envoyez « Authorization: Bearer pass_… ».';

const JUST_USED = 'Ce chèque vient d’être utilisé à l’instant.';

function unknownCode(code: string): VoucherRefused {
  return new VoucherRefused(
    'unknown_code',
    `Aucun chèque ne porte le code ${formatVoucherCode(code)}. Vérifiez-le sur le chèque.`,
    404,
  );
}

/**
 * Reads the context and checks, in this order: the token, the place and the presenter's right
 * to redeem there, the code as typed, then that the voucher exists. The rules come after.
 */
async function presented(
  deps: PassDeps,
  presenter: Presenter | undefined,
  input: { code: string; placeId: string },
): Promise<{ actor: Actor; place: PlaceFacts; code: string; voucher: VoucherFacts }> {
  const bySoftware = presenter !== undefined && 'apiToken' in presenter;
  const tokenHash = bySoftware ? apiTokenHash(presenter.apiToken) : undefined;
  if (bySoftware && !tokenHash) throw new UnauthenticatedError(INVALID_TOKEN);
  const parsed = parseVoucherCode(input.code);
  const context = await readRedemptionContext(deps.db, {
    tokenHash: tokenHash ?? null,
    placeId: input.placeId,
    code: parsed.ok ? parsed.code : null,
  });
  if (bySoftware && !context.token) throw new UnauthenticatedError(INVALID_TOKEN);
  if (context.token) await touchApiToken(deps.db, deps.clock, context.token);
  const actor = context.token ? actorOfApiToken(context.token) : (presenter as Actor | undefined);
  const place = context.place;
  if (!place) throw new NotFoundError('Lieu introuvable.');
  if (!place.organisation_id) throw new ForbiddenError("Ce lieu n'est rattaché à aucune structure.");
  authorize(actor, passPolicy.redeem, { id: place.organisation_id });
  if (!parsed.ok)
    throw new VoucherRefused(parsed.reason === 'check' ? 'code_typo' : 'code_format', parsed.message, 400);
  if (!context.voucher) throw unknownCode(parsed.code);
  return { actor, place, code: parsed.code, voucher: context.voucher };
}

export interface VoucherCheck {
  code: string;
  programme: Programme;
  bookletNumber: number;
  position: number;
  faceValue: string;
  /** Services this voucher pays for that the place offers. */
  services: string[];
}

/** « Is this voucher good here? » — the same rules as a redemption, without writing anything. */
export async function checkVoucher(
  deps: PassDeps,
  presenter: Presenter | undefined,
  input: { code: string; placeId: string },
): Promise<VoucherCheck> {
  const { place, voucher: v } = await presented(deps, presenter, input);
  const refusal = await refusalFor(deps.db, v, place, parisDate(deps.clock()), undefined);
  if (refusal) throw refusal;
  const offered = v.qualification_services ?? [];
  return {
    code: v.code,
    programme: v.programme,
    bookletNumber: v.booklet_number,
    position: v.position,
    faceValue: formatEuros(v.programme.face_value_cents),
    services: v.programme.services.filter((s) => offered.length === 0 || offered.includes(s)),
  };
}

export interface RedeemInput {
  code: string;
  placeId: string;
  service: string;
  idempotencyKey: string;
  channel: 'web' | 'api';
}

/**
 * The switch of the voucher from available to redeemed, the redemption row and its journal
 * entry, as one statement: one transaction, one round trip. Of simultaneous attempts only one
 * finds the voucher still available; the others write nothing and get no row back. Built once,
 * kept prepared on each connection.
 */
const writeRedemptionSql = `WITH won AS (UPDATE pass_vouchers SET status = 'redeemed' WHERE code = $1 AND status = 'available' RETURNING code),
  redemption AS (
    INSERT INTO pass_redemptions (id, voucher_code, programme_id, booklet_id, place_id, organisation_id, helper_user_id,
      service, amount_cents, redeemed_at, idempotency_key, channel)
    SELECT $12, code, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM won RETURNING ${redemptionColumns}),
  journal_entry AS (${journalInsertSql({ firstParam: 13, onlyIf: 'EXISTS (SELECT 1 FROM redemption)' })})
  SELECT * FROM redemption`;

async function writeRedemption(
  deps: PassDeps,
  actor: Actor,
  place: PlaceFacts,
  v: VoucherFacts,
  input: RedeemInput,
  now: Date,
): Promise<Redemption | undefined> {
  const organisationId = place.organisation_id as string;
  const redemptionId = randomUUID();
  const journal = journalInsertParams(deps.clock, {
    stream: `lieu:${place.id}`,
    action: 'pass.cheque_encaisse',
    actorUserId: accountIdOf(actor),
    organisationId,
    targetType: 'encaissement',
    targetId: redemptionId,
    details: {
      cheque: v.code,
      programme: v.programme.id,
      lieu: place.id,
      service: input.service,
      canal: input.channel,
      ...(actor.apiTokenId ? { jeton: actor.apiTokenId } : {}),
    },
  });
  const rows = await deps.db.query<Redemption>(
    writeRedemptionSql,
    [
      v.code,
      v.programme.id,
      v.booklet_id,
      place.id,
      organisationId,
      accountIdOf(actor),
      input.service,
      v.programme.face_value_cents,
      now,
      input.idempotencyKey,
      input.channel,
      redemptionId,
      ...journal,
    ],
    { prepare: true },
  );
  return rows[0];
}

export async function redeemVoucher(
  deps: PassDeps,
  presenter: Presenter | undefined,
  input: RedeemInput,
): Promise<{ redemption: Redemption; replayed: boolean }> {
  const { actor, place, code, voucher } = await presented(deps, presenter, input);
  const organisationId = place.organisation_id as string;
  if (!/^[A-Za-z0-9._:-]{8,100}$/.test(input.idempotencyKey)) {
    throw new RuleError(
      'bad_idempotency_key',
      "La clé d'idempotence doit compter de 8 à 100 caractères (lettres, chiffres, . _ : -).",
      400,
    );
  }
  const now = deps.clock();
  const previous = async (db: Queryable) =>
    (
      await db.query<Redemption>(
        `SELECT ${redemptionColumns} FROM pass_redemptions WHERE organisation_id = $1 AND idempotency_key = $2`,
        [organisationId, input.idempotencyKey],
      )
    )[0];

  const attempt = async () => {
    // The rules were read a moment before the write: what they check (dates, territory,
    // qualification) changes by a coordinator's decision, not within milliseconds; the one
    // thing that races, the voucher's status, is settled by the write itself.
    const refusal = await refusalFor(deps.db, voucher, place, parisDate(now), input.service);
    if (refusal) throw refusal;
    const redemption = await writeRedemption(deps, actor, place, voucher, input, now);
    if (!redemption) throw new VoucherRefused('already_used', JUST_USED, 409);
    return { redemption, replayed: false };
  };

  try {
    return await attempt();
  } catch (error) {
    const keyReused = () =>
      new RuleError('idempotency_key_reused', "Cette clé d'idempotence a déjà servi pour un autre chèque.", 409);
    // A retry, or two attempts with one key at the same instant: the first success is the answer.
    if (error instanceof VoucherRefused && error.refusal === 'already_used') {
      const replay = await previous(deps.db);
      if (replay?.voucher_code === code) return { redemption: replay, replayed: true };
      if (replay) throw keyReused();
      if (error.message === JUST_USED) {
        const used = await whereUsed(deps.db, code, organisationId);
        throw withDetails(
          new VoucherRefused(
            'already_used',
            used
              ? `Ce chèque vient d’être utilisé à l’instant${used.placeName ? ` à « ${used.placeName} »` : ''}.`
              : ALREADY_USED,
            409,
          ),
          used ? { utilise_le: used.redemption.redeemed_at.toISOString() } : {},
        );
      }
    }
    if (pgErrorCode(error) === PgErrorCode.uniqueViolation) {
      const replay = await previous(deps.db);
      if (replay?.voucher_code === code) return { redemption: replay, replayed: true };
      if (replay) throw keyReused();
      throw new VoucherRefused('already_used', JUST_USED, 409);
    }
    throw error;
  }
}
