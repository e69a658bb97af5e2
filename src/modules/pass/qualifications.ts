/**
 * Qualification: a structure asks to accept vouchers at one of its places (SIRET, services,
 * commitments); a coordinator validates, refuses with a reason, or suspends. Only qualified,
 * active places redeem.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { ForbiddenError, NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { checkbox, many, parseInput, text } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { normaliseSiret, siretProblem } from '../accounts/index.ts';
import { findPlace, placeSummaries, STANDARD_ENUMS } from '../lieux/index.ts';
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

export async function listQualifications(
  db: Queryable,
  filter: { organisationId?: string; status?: QualificationStatus } = {},
): Promise<Qualification[]> {
  const rows = await db.query<Qualification>(
    `SELECT * FROM pass_qualifications
     WHERE ($1::uuid IS NULL OR organisation_id = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY CASE status WHEN 'requested' THEN 0 ELSE 1 END, requested_at DESC LIMIT 500`,
    [filter.organisationId ?? null, filter.status ?? null],
  );
  const places = await placeSummaries(
    db,
    rows.map((r) => r.place_id),
  );
  return rows.map((r) => ({
    ...r,
    place_name: places.get(r.place_id)?.nom ?? r.place_id,
    place_commune: places.get(r.place_id)?.commune ?? '',
  }));
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
  const place = await findPlace(deps.db, v.placeId);
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
  authorize(actor, passPolicy.decideQualification, null);
  const v = parseInput(decisionSchema, input);
  if (!/^[0-9a-f-]{36}$/i.test(qualificationId)) throw new NotFoundError('Demande introuvable.');
  const current = (
    await deps.db.query<Qualification>('SELECT * FROM pass_qualifications WHERE id = $1', [qualificationId])
  )[0];
  if (!current) throw new NotFoundError('Demande introuvable.');
  const t = transitions[v.decision] as (typeof transitions)[string];
  if (!t.from.includes(current.status)) {
    throw new RuleError(
      'bad_transition',
      `Impossible : la demande est dans l’état « ${statusLabels[current.status]} ».`,
    );
  }
  return deps.db.transaction(async (tx) => {
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
