/**
 * Read models of programmes, each behind its policy: the programmes an actor may see, one
 * programme, the booklets of a range to print, the alerts of the programmes an actor manages.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { serviceLabel } from '../lieux/index.ts';
import type { PassDeps } from './deps.ts';
import { consentScope, managedProgrammeScope, passPolicy, programmeScope } from './policies.ts';
import {
  bookletsInRange,
  findProgramme,
  listProgrammes,
  type Programme,
  vouchersOfBooklets,
} from './programmes-repository.ts';
import { suspiciousPatterns } from './reports.ts';

/** The programmes the actor may see: its scope (passPolicy's programmeScope), as SQL. */
export async function visibleProgrammes(deps: Pick<PassDeps, 'db'>, actor: Actor): Promise<Programme[]> {
  return listProgrammes(deps.db, programmeScope(actor));
}

/** « Programmes en attente de votre accord »: those billed to the actor's funding organisations, not accepted yet. */
export async function programmesAwaitingConsent(deps: Pick<PassDeps, 'db'>, actor: Actor): Promise<Programme[]> {
  return listProgrammes(deps.db, consentScope(actor), { pendingOnly: true });
}

export async function programmeFor(deps: Pick<PassDeps, 'db'>, actor: Actor, id: string): Promise<Programme> {
  const programme = await findProgramme(deps.db, id);
  if (!programme) throw new NotFoundError('Programme introuvable.');
  authorize(actor, passPolicy.viewProgramme, programme);
  return programme;
}

/** Booklets `de` to `a` (query parameters, at most 1,000) with their codes, for the printer. */
export async function printableBooklets(
  deps: PassDeps,
  actor: Actor,
  id: string,
  query: unknown,
  orgName: (id: string) => Promise<string>,
) {
  const p = await findProgramme(deps.db, id);
  if (!p) throw new NotFoundError('Programme introuvable.');
  authorize(actor, passPolicy.manageProgramme, p);
  const q = (query ?? {}) as Record<string, string | undefined>;
  const from = Math.max(1, Number.parseInt(q.de ?? '1', 10) || 1);
  const to = Math.min(from + 999, Number.parseInt(q.a ?? String(from + 99), 10) || from);
  const booklets = await bookletsInRange(deps.db, p.id, from, to);
  const vouchers = await vouchersOfBooklets(
    deps.db,
    booklets.map((b) => b.id),
  );
  const byBooklet = new Map<string, Array<{ code: string; position: number }>>();
  for (const v of vouchers)
    byBooklet.set(v.booklet_id, [...(byBooklet.get(v.booklet_id) ?? []), { code: v.code, position: v.position }]);
  const printable = booklets.map((b) => ({
    number: `C-${String(b.number).padStart(6, '0')}`,
    vouchers: byBooklet.get(b.id) ?? [],
  }));
  return {
    p,
    from,
    to,
    booklets: printable,
    programme: {
      name: p.name,
      funderName: await orgName(p.funder_organisation_id),
      faceValueCents: p.face_value_cents,
      validFrom: p.valid_from,
      validUntil: p.valid_until,
      services: p.services.map(serviceLabel),
      operatorName: deps.operatorName,
      redeemUrl: `${deps.publicUrl}/pass/encaisser`,
      findPlacesUrl: `${deps.publicUrl}/lieux?pass_numerique=oui`,
    },
  };
}

/** Unusual redemptions in the programmes the actor manages. */
export async function programmeAlerts(deps: Pick<PassDeps, 'db' | 'clock'>, actor: Actor) {
  authorize(actor, passPolicy.reviewQualifications, null);
  const programmes = (await listProgrammes(deps.db, managedProgrammeScope(actor))).filter((p) =>
    passPolicy.manageProgramme(actor, p),
  );
  return suspiciousPatterns(
    deps.db,
    programmes.map((p) => p.id),
    deps.clock(),
  );
}
