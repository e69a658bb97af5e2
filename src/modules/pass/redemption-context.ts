/**
 * Everything a redemption (or a check) must know before it writes, read in one statement:
 * the token of the software presenting the voucher (if any), the place, and the voucher with
 * its booklet, its programme and the place's qualification. Under load each round trip to the
 * database costs more than the rules themselves (bench/pass-redeem.ts), so the place and the
 * token come in as subqueries published by their owners (lieux, api-tokens.ts), joined here.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { placeSummarySubquery } from '../lieux/index.ts';
import { type LiveApiToken, liveApiTokenSubquery } from './api-tokens.ts';
import type { PlaceFacts, VoucherFacts } from './voucher-rules.ts';

export interface RedemptionContext {
  /** The live token with the hash asked for; undefined when none was asked for, or it is unknown or revoked. */
  token: LiveApiToken | undefined;
  place: PlaceFacts | undefined;
  voucher: VoucherFacts | undefined;
}

type Row = Omit<VoucherFacts, 'code'> & {
  code: string | null;
  token_id: string | null;
  token_organisation_id: string;
  token_last_used_at: Date | null;
  place_id: string | null;
  place_nom: string;
  place_code_insee: string | null;
  place_code_postal: string;
  place_status: PlaceFacts['status'];
  place_organisation_id: string | null;
};

const sql = `SELECT t.id AS token_id, t.organisation_id AS token_organisation_id, t.last_used_at AS token_last_used_at,
       pl.id AS place_id, pl.nom AS place_nom, pl.code_insee AS place_code_insee, pl.code_postal AS place_code_postal,
       pl.status AS place_status, pl.organisation_id AS place_organisation_id,
       v.code, v.status, v.position, v.booklet_id, b.number AS booklet_number, b.distributed_at, to_jsonb(p.*) AS programme,
       q.status AS qualification_status, q.services AS qualification_services, q.decision_reason AS qualification_reason
FROM (SELECT) AS one
LEFT JOIN ${liveApiTokenSubquery('$1')} t ON true
LEFT JOIN ${placeSummarySubquery('$2')} pl ON true
LEFT JOIN pass_vouchers v ON v.code = $3::text
LEFT JOIN pass_booklets b ON b.id = v.booklet_id
LEFT JOIN pass_programmes p ON p.id = v.programme_id
LEFT JOIN pass_qualifications q ON q.place_id = $2::text`;

export async function readRedemptionContext(
  db: Queryable,
  input: { tokenHash: string | null; placeId: string; code: string | null },
): Promise<RedemptionContext> {
  const rows = await db.query<Row>(sql, [input.tokenHash, input.placeId, input.code], { prepare: true });
  const r = rows[0] as Row;
  return {
    token:
      r.token_id === null
        ? undefined
        : { id: r.token_id, organisation_id: r.token_organisation_id, last_used_at: r.token_last_used_at },
    place:
      r.place_id === null
        ? undefined
        : {
            id: r.place_id,
            nom: r.place_nom,
            code_insee: r.place_code_insee,
            code_postal: r.place_code_postal,
            status: r.place_status,
            organisation_id: r.place_organisation_id,
          },
    voucher:
      r.code === null
        ? undefined
        : {
            code: r.code,
            status: r.status,
            position: r.position,
            booklet_id: r.booklet_id,
            booklet_number: r.booklet_number,
            distributed_at: r.distributed_at,
            programme: r.programme,
            qualification_status: r.qualification_status,
            qualification_services: r.qualification_services,
            qualification_reason: r.qualification_reason,
          },
  };
}
