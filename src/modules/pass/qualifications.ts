/**
 * Qualification: a structure asks to accept vouchers at one of its places (SIRET, services,
 * commitments); a coordinator validates, refuses with a reason, or suspends. Only qualified,
 * active places redeem.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { type Scope, scopeParams } from '../../platform/auth/scope.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { ForbiddenError, NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { checkbox, many, parseInput, text } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { normaliseSiret, siretProblem } from '../accounts/index.ts';
import {
  type PlaceSummary,
  placeInTerritorySql,
  placeSummaries,
  placeSummary,
  STANDARD_ENUMS,
} from '../lieux/index.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy } from './policies.ts';

export type QualificationStatus = 'requested' | 'qualified' | 'refused' | 'suspended';

export interface Qualification {
  id: string;
  organisation_id: string;
  place_id: string;
  siret: string;
  services: string[];
  status: QualificationStatus;
  requested_at: Date;
  decided_at: Date | null;
  decision_reason: string | null;
  place_name?: string;
  place_commune?: string;
}

export const statusLabels: Record<QualificationStatus, string> = {
  requested: 'Demande en attente',
  qualified: 'Habilité',
  refused: 'Refusé',
  suspended: 'Suspendu',
};

export async function qualificationOfPlace(db: Queryable, placeId: string): Promise<Qualification | undefined> {
  return (await db.query<Qualification>('SELECT * FROM pass_qualifications WHERE place_id = $1', [placeId]))[0];
}

/**
 * Qualifications: of one organisation (its own page), or those a scope lets through
 * (passPolicy's qualificationScope: the places inside a coordinateur's territory).
 */
export async function listQualifications(
  db: Queryable,
  filter: { organisationId?: string; status?: QualificationStatus; scope?: Scope<'structure'> } = {},
): Promise<Array<Qualification & { place: PlaceSummary }>> {
  const s = filter.scope ? scopeParams(filter.scope, ['structure']) : undefined;
  const rows = await db.query<Qualification>(
    `SELECT q.* FROM pass_qualifications q
     WHERE ($1::uuid IS NULL OR q.organisation_id = $1) AND ($2::text IS NULL OR q.status = $2)
       AND (NOT $3 OR $4 OR q.organisation_id = ANY($5::uuid[])
            OR ${placeInTerritorySql('q.place_id', '$6', '$7')})
     ORDER BY CASE q.status WHEN 'requested' THEN 0 ELSE 1 END, q.requested_at DESC LIMIT 500`,
    [
      filter.organisationId ?? null,
      filter.status ?? null,
      s !== undefined,
      s?.all ?? false,
      s?.organisations.structure ?? [],
      s?.departements ?? [],
      s?.communes ?? [],
    ],
  );
  const places = await placeSummaries(
    db,
    rows.map((r) => r.place_id),
  );
  return rows.flatMap((r) => {
    const place = places.get(r.place_id);
    return place ? [{ ...r, place, place_name: place.nom, place_commune: place.commune }] : [];
  });
}

/**
 * Told by the lieux module inside the transaction that gives a place to another organisation:
 * the right to redeem belonged to the former structure, so the qualification is suspended until
 * the new one asks again (ADR 0009).
 */
export async function suspendQualificationOnReassignment(
  tx: Queryable,
  clock: () => Date,
  change: { placeId: string; from: string | null; to: string | null; actorUserId: string | null },
): Promise<void> {
  const rows = await tx.query<{ id: string; organisation_id: string }>(
    `UPDATE pass_qualifications SET status = 'suspended', decided_at = $2, decided_by = $3,
       decision_reason = 'Lieu rattaché à une autre structure : nouvelle demande nécessaire'
     WHERE place_id = $1 AND status IN ('qualified', 'requested') RETURNING id, organisation_id`,
    [change.placeId, clock(), change.actorUserId],
  );
  for (const r of rows) {
    await appendJournal(tx, clock, {
      action: 'pass.habilitation_suspendue',
      actorUserId: change.actorUserId,
      organisationId: r.organisation_id,
      targetType: 'lieu',
      targetId: change.placeId,
      details: { raison: 'rattachement', avant: change.from, apres: change.to },
    });
  }
}

/** Places that accept vouchers now: qualified, not suspended, and open. */
export async function qualifiedPlaceIds(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ place_id: string }>(
    `SELECT place_id FROM pass_qualifications WHERE status = 'qualified'`,
  );
  const places = await placeSummaries(
    db,
    rows.map((r) => r.place_id),
  );
  return rows.map((r) => r.place_id).filter((id) => places.get(id)?.status === 'open');
}

const requestSchema = z.object({
  placeId: z.string().min(1, 'Choisissez le lieu.'),
  siret: text(30).transform((v, ctx) => {
    const problem = siretProblem(v);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return normaliseSiret(v);
  }),
  services: many(z.enum(STANDARD_ENUMS.services, { message: 'Choisissez des services de la liste.' })).refine(
    (l) => l.length > 0,
    'Choisissez au moins un service proposé aux bénéficiaires.',
  ),
  freeForBeneficiary: checkbox().refine((v) => v, 'Cet engagement est obligatoire : le bénéficiaire ne paie rien.'),
  charter: checkbox().refine((v) => v, 'Acceptez la charte pour demander l’habilitation.'),
});

export async function requestQualification(
  deps: PassDeps,
  actor: Actor | undefined,
  organisationId: string,
  input: unknown,
): Promise<Qualification> {
  authorize(actor, passPolicy.requestQualification, { id: organisationId });
  const v = parseInput(requestSchema, input);
  const place = await placeSummary(deps.db, v.placeId);
  if (!place || place.organisation_id !== organisationId) {
    throw new ForbiddenError('Ce lieu n’est pas rattaché à votre structure.');
  }
  const existing = await qualificationOfPlace(deps.db, place.id);
  if (existing?.status === 'qualified') throw new RuleError('already_qualified', 'Ce lieu est déjà habilité.');
  if (existing?.status === 'requested')
    throw new RuleError('already_requested', 'Une demande est déjà en attente pour ce lieu.');
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const rows = await tx.query<Qualification>(
      `INSERT INTO pass_qualifications (organisation_id, place_id, siret, services, commitments, status, requested_at, requested_by)
       VALUES ($1, $2, $3, $4, $5, 'requested', $6, $7)
       ON CONFLICT (place_id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id, siret = EXCLUDED.siret,
         services = EXCLUDED.services, commitments = EXCLUDED.commitments, status = 'requested',
         requested_at = EXCLUDED.requested_at, requested_by = EXCLUDED.requested_by, decided_at = NULL, decided_by = NULL, decision_reason = NULL
       RETURNING *`,
      [
        organisationId,
        place.id,
        v.siret,
        v.services,
        JSON.stringify({ gratuit_pour_le_beneficiaire: true, charte: true }),
        now,
        accountIdOf(actor),
      ],
    );
    await appendJournal(tx, deps.clock, {
      action: 'pass.habilitation_demandee',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'lieu',
      targetId: place.id,
    });
    return rows[0] as Qualification;
  });
}

const decisionSchema = z
  .object({
    decision: z.enum(['qualify', 'refuse', 'suspend', 'reinstate'], { message: 'Choisissez une décision.' }),
    reason: text(500).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.decision === 'refuse' || v.decision === 'suspend') && !v.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Indiquez la raison : la structure la lira.' });
    }
  });

/** The request with its place, and the actor's right to decide on it (not found, or forbidden). */
async function decidable(db: Queryable, actor: Actor, id: string, lock = false): Promise<Qualification> {
  const current = (
    await db.query<Qualification>(`SELECT * FROM pass_qualifications WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])
  )[0];
  if (!current) throw new NotFoundError('Demande introuvable.');
  const place = lock
    ? await placeSummary(db, current.place_id, { lock: 'update' })
    : await placeSummary(db, current.place_id);
  if (!place) throw new NotFoundError('Demande introuvable.');
  authorize(actor, passPolicy.decideQualification, { organisation_id: current.organisation_id, place });
  return current;
}

const transitions: Record<string, { from: QualificationStatus[]; to: QualificationStatus; action: string }> = {
  qualify: { from: ['requested'], to: 'qualified', action: 'pass.habilitation_accordee' },
  refuse: { from: ['requested'], to: 'refused', action: 'pass.habilitation_refusee' },
  suspend: { from: ['qualified'], to: 'suspended', action: 'pass.habilitation_suspendue' },
  reinstate: { from: ['suspended'], to: 'qualified', action: 'pass.habilitation_retablie' },
};

export async function decideQualification(
  deps: PassDeps,
  actor: Actor | undefined,
  qualificationId: string,
  input: unknown,
): Promise<Qualification> {
  authorize(actor, passPolicy.reviewQualifications, null);
  if (!/^[0-9a-f-]{36}$/i.test(qualificationId)) throw new NotFoundError('Demande introuvable.');
  const current = await decidable(deps.db, actor, qualificationId);
  const v = parseInput(decisionSchema, input);
  const t = transitions[v.decision] as (typeof transitions)[string];
  if (!t.from.includes(current.status)) {
    throw new RuleError(
      'bad_transition',
      `Impossible : la demande est dans l’état « ${statusLabels[current.status]} ».`,
    );
  }
  return deps.db.transaction(async (tx) => {
    // Decide inside the write: the request and its place as they are now, under a row lock.
    await decidable(tx, actor, qualificationId, true);
    const rows = await tx.query<Qualification>(
      `UPDATE pass_qualifications SET status = $2, decided_at = $3, decided_by = $4, decision_reason = $5
       WHERE id = $1 AND status = $6 RETURNING *`,
      [qualificationId, t.to, deps.clock(), accountIdOf(actor), v.reason || null, current.status],
    );
    if (rows.length === 0)
      throw new RuleError('bad_transition', 'La demande vient d’être traitée par quelqu’un d’autre.');
    await appendJournal(tx, deps.clock, {
      action: t.action,
      actorUserId: accountIdOf(actor),
      organisationId: current.organisation_id,
      targetType: 'lieu',
      targetId: current.place_id,
      details: v.reason ? { raison: v.reason } : {},
    });
    return rows[0] as Qualification;
  });
}
