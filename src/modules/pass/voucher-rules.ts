/**
 * The rules that say whether a voucher may be redeemed at a place for a service, in the order
 * a helper would check them by hand, each refusal worded so that a helper understands it.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { RuleError, withDetails } from '../../platform/http/errors.ts';
import { addDays, formatDate, formatDateTime } from '../../platform/print/index.ts';
import { departementName, departementOfPlace, type PlaceSummary, placeSummary, serviceLabel } from '../lieux/index.ts';
import type { Programme } from './programmes-repository.ts';
import type { Qualification } from './qualifications.ts';

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
  | 'service_not_covered'
  | 'service_not_qualified';

export class VoucherRefused extends RuleError {
  constructor(
    readonly refusal: RefusalCode,
    message: string,
    status = 422,
  ) {
    super(refusal, message, status);
  }
}

/** A voucher with what the rules need: its booklet, its programme and the place's qualification. */
export interface VoucherFacts {
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
export type PlaceFacts = Pick<PlaceSummary, 'id' | 'nom' | 'code_insee' | 'code_postal' | 'status' | 'organisation_id'>;

/** A voucher's redemption at a place (undone_at is set once it has been undone). */
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

/** The columns of Redemption, for statements that return one. */
export const redemptionColumns =
  'id, voucher_code, programme_id, booklet_id, place_id, organisation_id, service, amount_cents, redeemed_at, undone_at, channel';

export async function liveRedemption(db: Queryable, code: string): Promise<Redemption | undefined> {
  return (
    await db.query<Redemption>(
      `SELECT ${redemptionColumns} FROM pass_redemptions WHERE voucher_code = $1 AND undone_at IS NULL`,
      [code],
    )
  )[0];
}

/** What another organisation is told: used, not where nor when (issue 9). */
export const ALREADY_USED = 'Ce chèque a déjà été utilisé.';

/**
 * Where and when a voucher was used, for the « already used » message — only when it was used
 * by the organisation asking (`askingOrganisationId`); undefined otherwise.
 */
export async function whereUsed(
  db: Queryable,
  code: string,
  askingOrganisationId: string | null,
): Promise<{ redemption: Redemption; placeName: string | undefined } | undefined> {
  const redemption = await liveRedemption(db, code);
  if (!redemption || !askingOrganisationId || redemption.organisation_id !== askingOrganisationId) return undefined;
  return { redemption, placeName: (await placeSummary(db, redemption.place_id))?.nom };
}

export function territoryLabel(p: Pick<Programme, 'territory_departements' | 'territory_communes'>): string {
  const parts = p.territory_departements.map((d) => `${departementName(d)} (${d})`);
  if (p.territory_communes.length > 0) parts.push(`${p.territory_communes.length} commune(s) désignée(s)`);
  return parts.join(', ');
}

/** The rules, in the order a helper would check them by hand; undefined when the voucher is good here. */
export async function refusalFor(
  db: Queryable,
  v: VoucherFacts,
  place: PlaceFacts,
  today: string,
  service: string | undefined,
): Promise<VoucherRefused | undefined> {
  const p = v.programme;
  if (v.status === 'redeemed') {
    const used = await whereUsed(db, v.code, place.organisation_id);
    return new VoucherRefused(
      'already_used',
      used
        ? `Ce chèque a déjà été utilisé le ${formatDateTime(used.redemption.redeemed_at)}${used.placeName ? ` à « ${used.placeName} »` : ''}.`
        : ALREADY_USED,
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
    // The labels for people; the values themselves for software (the API's problem document).
    return withDetails(
      new VoucherRefused(
        'service_not_covered',
        `Ce service n'est pas payé par ce chèque. Services possibles : ${p.services.map((s) => `« ${serviceLabel(s)} »`).join(', ')}.`,
      ),
      { services_possibles: p.services },
    );
  }
  // The place was qualified for some services: only those are paid there (ADR 0009).
  const qualified = v.qualification_services ?? [];
  if (service !== undefined && qualified.length > 0 && !qualified.includes(service)) {
    const possible = p.services.filter((s) => qualified.includes(s));
    return withDetails(
      new VoucherRefused(
        'service_not_qualified',
        `Ce lieu n'est pas habilité pour ce service. Services possibles ici : ${
          possible.length > 0 ? possible.map((s) => `« ${serviceLabel(s)} »`).join(', ') : 'aucun pour ce chèque'
        }.`,
      ),
      { services_possibles: possible },
    );
  }
  return undefined;
}
