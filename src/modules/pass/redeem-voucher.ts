/**
 * Redemption at a qualified place. Every refusal says why in words a helper understands.
 * Exactly once: the voucher row is switched from « available » to « redeemed » by one
 * conditional UPDATE, so of two simultaneous attempts one wins and the other is told the
 * voucher was just used; a retry with the same idempotency key returns the original success.
 */
import { randomUUID } from 'node:crypto';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { PgErrorCode, pgErrorCode } from '../../platform/db/database.ts';
import { ForbiddenError, NotFoundError, RuleError, withDetails } from '../../platform/http/errors.ts';
import { journalInsert } from '../../platform/journal/journal.ts';
import { formatDate, formatDateTime } from '../../platform/views/components.tsx';
import { formatEuros } from '../../platform/views/french.ts';
import {
  departementName,
  departementOfPlace,
  findPlace,
  type PlaceSummary,
  placeSummaries,
  serviceLabel,
} from '../lieux/index.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy } from './policies.ts';
import type { Programme } from './programmes-repository.ts';
import type { Qualification } from './qualifications.ts';
import { formatVoucherCode, parseVoucherCode } from './voucher-code.ts';

export type RefusalCode =
  | 'code_format'
  | 'code_typo'
  | 'unknown_code'
  | 'already_used'
  | 'cancelled'
  | 'not_yet_valid'
  | 'expired'
  | 'not_distributed'
  | 'place_not_qualified'
  | 'place_suspended'
  | 'outside_territory'
  | 'service_not_covered';

export class VoucherRefused extends RuleError {
  constructor(
    readonly refusal: RefusalCode,
    message: string,
    status = 422,
  ) {
    super(refusal, message, status);
  }
}

interface VoucherRow {
  code: string;
  status: 'available' | 'redeemed' | 'cancelled';
  position: number;
  booklet_id: string;
  booklet_number: number;
  distributed_at: Date | null;
  programme: Programme;
  /** The qualification of the place where it is presented, if any. */
  qualification_status: Qualification['status'] | null;
  qualification_services: string[] | null;
  qualification_reason: string | null;
}

/** What the rules need to know about the place (a light read, not the whole record). */
type PlaceFacts = Pick<PlaceSummary, 'id' | 'nom' | 'code_insee' | 'code_postal' | 'status' | 'organisation_id'>;

export interface Redemption {
  id: string;
  voucher_code: string;
  programme_id: string;
  booklet_id: string;
  place_id: string;
  organisation_id: string;
  service: string;
  amount_cents: number;
  redeemed_at: Date;
  undone_at: Date | null;
  channel: 'web' | 'api';
}

/** The voucher, its booklet and programme, and the place's qualification, in one read. */
async function loadVoucher(db: Queryable, code: string, placeId: string): Promise<VoucherRow | undefined> {
  const rows = await db.query<VoucherRow>(
    `SELECT v.code, v.status, v.position, v.booklet_id, b.number AS booklet_number, b.distributed_at, to_jsonb(p.*) AS programme,
            q.status AS qualification_status, q.services AS qualification_services, q.decision_reason AS qualification_reason
     FROM pass_vouchers v JOIN pass_booklets b ON b.id = v.booklet_id JOIN pass_programmes p ON p.id = v.programme_id
     LEFT JOIN pass_qualifications q ON q.place_id = $2
     WHERE v.code = $1`,
    [code, placeId],
    { prepare: true },
  );
  return rows[0];
}

async function liveRedemption(db: Queryable, code: string): Promise<Redemption | undefined> {
  return (
    await db.query<Redemption>('SELECT * FROM pass_redemptions WHERE voucher_code = $1 AND undone_at IS NULL', [code])
  )[0];
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

// en-CA writes dates as YYYY-MM-DD. Made once: building a formatter is the costly part.
const parisIsoDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Paris, which is what « valid until » means to people. */
export function parisDate(at: Date): string {
  return parisIsoDate.format(at);
}

export function territoryLabel(p: Pick<Programme, 'territory_departements' | 'territory_communes'>): string {
  const parts = p.territory_departements.map((d) => `${departementName(d)} (${d})`);
  if (p.territory_communes.length > 0) parts.push(`${p.territory_communes.length} commune(s) désignée(s)`);
  return parts.join(', ');
}

/** The rules, in the order a helper would check them by hand. */
async function refusalFor(
  db: Queryable,
  v: VoucherRow,
  place: PlaceFacts,
  today: string,
  service: string | undefined,
): Promise<VoucherRefused | undefined> {
  const p = v.programme;
  if (v.status === 'redeemed') {
    const previous = await liveRedemption(db, v.code);
    const where = previous ? (await findPlace(db, previous.place_id))?.nom : undefined;
    return new VoucherRefused(
      'already_used',
      previous
        ? `Ce chèque a déjà été utilisé le ${formatDateTime(previous.redeemed_at)}${where ? ` à « ${where} »` : ''}.`
        : 'Ce chèque a déjà été utilisé.',
      409,
    );
  }
  if (v.status === 'cancelled')
    return new VoucherRefused(
      'cancelled',
      'Ce chèque a été annulé par le coordinateur du programme : il ne peut pas être utilisé.',
    );
  if (today < p.valid_from)
    return new VoucherRefused('not_yet_valid', `Ce chèque n'est valable qu'à partir du ${formatDate(p.valid_from)}.`);
  const lastDay = addDays(p.valid_until, p.tolerance_days);
  if (today > lastDay) {
    return new VoucherRefused(
      'expired',
      `Ce chèque a expiré : il était valable jusqu'au ${formatDate(p.valid_until)} (accepté jusqu'au ${formatDate(lastDay)}).`,
    );
  }
  if (!v.distributed_at) {
    return new VoucherRefused(
      'not_distributed',
      "Ce carnet n'a pas été remis à un bénéficiaire par un distributeur : ses chèques ne peuvent pas encore être utilisés.",
    );
  }
  if (place.status !== 'open') {
    return new VoucherRefused('place_not_qualified', 'Ce lieu est marqué fermé : il ne peut pas accepter de chèques.');
  }
  if (
    v.qualification_status === null ||
    v.qualification_status === 'requested' ||
    v.qualification_status === 'refused'
  ) {
    return new VoucherRefused(
      'place_not_qualified',
      "Ce lieu n'est pas habilité à accepter le Pass numérique. Sa structure peut en faire la demande.",
    );
  }
  if (v.qualification_status === 'suspended') {
    return new VoucherRefused(
      'place_suspended',
      `L'habilitation de ce lieu est suspendue${v.qualification_reason ? ` (${v.qualification_reason})` : ''} : il ne peut pas accepter de chèques pour l'instant.`,
    );
  }
  const departement = departementOfPlace(place);
  const inTerritory =
    p.territory_departements.includes(departement) ||
    (place.code_insee !== null && p.territory_communes.includes(place.code_insee));
  if (!inTerritory) {
    return new VoucherRefused(
      'outside_territory',
      `Ce chèque n'est valable que sur le territoire du programme : ${territoryLabel(p)}. Ce lieu est en ${departementName(departement)}.`,
    );
  }
  if (service !== undefined && !p.services.includes(service)) {
    return new VoucherRefused(
      'service_not_covered',
      `Ce service n'est pas payé par ce chèque. Services possibles : ${p.services.map(serviceLabel).join(', ')}.`,
    );
  }
  return undefined;
}

const JUST_USED = 'Ce chèque vient d’être utilisé à l’instant.';

function unknownCode(code: string): VoucherRefused {
  return new VoucherRefused(
    'unknown_code',
    `Aucun chèque ne porte le code ${formatVoucherCode(code)}. Vérifiez-le sur le chèque.`,
    404,
  );
}

function parsedCode(raw: string): string {
  const parsed = parseVoucherCode(raw);
  if (!parsed.ok)
    throw new VoucherRefused(parsed.reason === 'check' ? 'code_typo' : 'code_format', parsed.message, 400);
  return parsed.code;
}

async function placeForActor(deps: PassDeps, actor: Actor | undefined, placeId: string): Promise<PlaceFacts> {
  const place = (await placeSummaries(deps.db, [placeId])).get(placeId);
  if (!place) throw new NotFoundError('Lieu introuvable.');
  if (!place.organisation_id) throw new ForbiddenError("Ce lieu n'est rattaché à aucune structure.");
  authorize(actor, passPolicy.redeem, { id: place.organisation_id });
  return place;
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
  actor: Actor | undefined,
  input: { code: string; placeId: string },
): Promise<VoucherCheck> {
  const place = await placeForActor(deps, actor, input.placeId);
  const code = parsedCode(input.code);
  const v = await loadVoucher(deps.db, code, place.id);
  if (!v) throw unknownCode(code);
  const refusal = await refusalFor(deps.db, v, place, parisDate(deps.clock()), undefined);
  if (refusal) throw refusal;
  const offered = v.qualification_services ?? [];
  return {
    code,
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

export async function redeemVoucher(
  deps: PassDeps,
  actor: Actor | undefined,
  input: RedeemInput,
): Promise<{ redemption: Redemption; replayed: boolean; faceValue: string }> {
  const place = await placeForActor(deps, actor, input.placeId);
  const organisationId = place.organisation_id as string;
  const code = parsedCode(input.code);
  if (!/^[A-Za-z0-9._:-]{8,100}$/.test(input.idempotencyKey)) {
    throw new RuleError(
      'bad_idempotency_key',
      "La clé d'idempotence doit compter de 8 à 100 caractères (lettres, chiffres, . _ : -).",
      400,
    );
  }
  const now = deps.clock();
  const today = parisDate(now);
  const previous = async (db: Queryable) =>
    (
      await db.query<Redemption>('SELECT * FROM pass_redemptions WHERE organisation_id = $1 AND idempotency_key = $2', [
        organisationId,
        input.idempotencyKey,
      ])
    )[0];

  const attempt = async () => {
    const v = await loadVoucher(deps.db, code, place.id);
    if (!v) throw unknownCode(code);
    const refusal = await refusalFor(deps.db, v, place, today, input.service);
    if (refusal) throw refusal;
    // One statement, hence one transaction and one round trip: the switch of the voucher from
    // available to redeemed, the redemption row and its journal entry. Of simultaneous attempts
    // only one finds the voucher still available; the others write nothing and are told it was
    // just used. The rules above were read a moment before: what they check (dates, territory,
    // qualification) changes by a coordinator's decision, not within milliseconds.
    const redemptionId = randomUUID();
    const journal = journalInsert(
      deps.clock,
      {
        stream: `lieu:${place.id}`,
        action: 'pass.cheque_encaisse',
        actorUserId: accountIdOf(actor as Actor),
        organisationId,
        targetType: 'encaissement',
        targetId: redemptionId,
        details: {
          cheque: code,
          programme: v.programme.id,
          lieu: place.id,
          service: input.service,
          canal: input.channel,
          ...(actor?.apiTokenId ? { jeton: actor.apiTokenId } : {}),
        },
      },
      { firstParam: 13, onlyIf: 'EXISTS (SELECT 1 FROM redemption)' },
    );
    const rows = await deps.db.query<Redemption>(
      `WITH won AS (UPDATE pass_vouchers SET status = 'redeemed' WHERE code = $1 AND status = 'available' RETURNING code),
       redemption AS (
         INSERT INTO pass_redemptions (id, voucher_code, programme_id, booklet_id, place_id, organisation_id, helper_user_id,
           service, amount_cents, redeemed_at, idempotency_key, channel)
         SELECT $12, code, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM won RETURNING *),
       journal_entry AS (${journal.sql})
       SELECT * FROM redemption`,
      [
        code,
        v.programme.id,
        v.booklet_id,
        place.id,
        organisationId,
        accountIdOf(actor as Actor),
        input.service,
        v.programme.face_value_cents,
        now,
        input.idempotencyKey,
        input.channel,
        redemptionId,
        ...journal.params,
      ],
      { prepare: true },
    );
    const redemption = rows[0];
    if (!redemption) throw new VoucherRefused('already_used', JUST_USED, 409);
    return { redemption, replayed: false };
  };

  try {
    const result = await attempt();
    return { ...result, faceValue: formatEuros(result.redemption.amount_cents) };
  } catch (error) {
    const keyReused = () =>
      new RuleError('idempotency_key_reused', "Cette clé d'idempotence a déjà servi pour un autre chèque.", 409);
    // A retry, or two attempts with one key at the same instant: the first success is the answer.
    if (error instanceof VoucherRefused && error.refusal === 'already_used') {
      const replay = await previous(deps.db);
      if (replay?.voucher_code === code)
        return { redemption: replay, replayed: true, faceValue: formatEuros(replay.amount_cents) };
      if (replay) throw keyReused();
      if (error.message === JUST_USED) {
        const live = await liveRedemption(deps.db, code);
        const where = live ? (await findPlace(deps.db, live.place_id))?.nom : undefined;
        throw withDetails(
          new VoucherRefused(
            'already_used',
            `Ce chèque vient d’être utilisé à l’instant${where ? ` à « ${where} »` : ''}.`,
            409,
          ),
          live ? { utilise_le: live.redeemed_at.toISOString() } : {},
        );
      }
    }
    if (pgErrorCode(error) === PgErrorCode.uniqueViolation) {
      const replay = await previous(deps.db);
      if (replay?.voucher_code === code)
        return { redemption: replay, replayed: true, faceValue: formatEuros(replay.amount_cents) };
      if (replay) throw keyReused();
      throw new VoucherRefused('already_used', JUST_USED, 409);
    }
    throw error;
  }
}
