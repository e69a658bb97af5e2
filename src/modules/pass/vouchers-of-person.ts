/**
 * The vouchers a person has used: the redemptions (not undone) of the booklets handed to them
 * (`pass_booklets.person_id`, ADR 0018). For the person's page in the support module, through
 * a port wired by app.ts (support may not import pass: pass already imports support). Only
 * someone who may see the person (people's policy: a structure that follows them) gets them.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { ForbiddenError } from '../../platform/http/errors.ts';
import { placeSummaries, serviceLabel } from '../lieux/index.ts';
import { mayActorSeePerson } from '../people/index.ts';

export interface VoucherUsed {
  /** When it was redeemed (Paris day shown by the view). */
  redeemedAt: Date;
  place: string;
  commune: string;
  service: string;
  programme: string;
}

export async function vouchersUsedByPerson(
  deps: { db: Database },
  actor: Actor | undefined,
  personId: string,
): Promise<VoucherUsed[]> {
  if (!(await mayActorSeePerson(deps, actor, personId))) {
    throw new ForbiddenError('Vous ne pouvez pas voir les chèques de cette personne.');
  }
  const rows = await deps.db.query<{ redeemed_at: Date; place_id: string; service: string; programme: string }>(
    `SELECT r.redeemed_at, r.place_id, r.service, p.name AS programme
       FROM pass_redemptions r
       JOIN pass_booklets b ON b.id = r.booklet_id
       JOIN pass_programmes p ON p.id = r.programme_id
      WHERE b.person_id = $1 AND r.undone_at IS NULL
      ORDER BY r.redeemed_at DESC
      LIMIT 200`,
    [personId],
  );
  const places = await placeSummaries(
    deps.db,
    rows.map((r) => r.place_id),
  );
  return rows.map((r) => ({
    redeemedAt: new Date(r.redeemed_at),
    place: places.get(r.place_id)?.nom ?? r.place_id,
    commune: places.get(r.place_id)?.commune ?? '',
    service: serviceLabel(r.service),
    programme: r.programme,
  }));
}

/** Whether a redemption, not undone, was made by this structure (a session recorded from it names it). */
export async function isRedemptionOfOrganisation(
  db: Queryable,
  redemptionId: string,
  organisationId: string,
): Promise<boolean> {
  const rows = await db.query(
    'SELECT 1 FROM pass_redemptions WHERE id = $1 AND organisation_id = $2 AND undone_at IS NULL',
    [redemptionId, organisationId],
  );
  return rows.length > 0;
}
