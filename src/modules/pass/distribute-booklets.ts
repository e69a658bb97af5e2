/** Booklets go to distributors (referrers), who hand one to a beneficiary: pseudonymous facts only. */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { many, parseInput, text } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { addDays, parisDate } from '../../platform/print/index.ts';
import { resolveLocation, STANDARD_ENUMS } from '../lieux/index.ts';
import { createPersonWithin, type PersonView, passBeneficiaryName, type ResidenceInput } from '../people/index.ts';
import { assertActive } from './consent.ts';
import { AGE_BANDS, type PassDeps, SITUATIONS } from './deps.ts';
import { passPolicy } from './policies.ts';
import { assignNextBooklets, findBooklet, findProgramme, markDistributed } from './programmes-repository.ts';

const assignSchema = z.object({
  organisationId: z.string().uuid('Choisissez la structure qui distribuera les carnets.'),
  count: z.preprocess(
    (v) => (v === undefined || v === '' ? undefined : Number(v)),
    z
      .number({ message: 'Indiquez un nombre de carnets.' })
      .int('Un nombre entier, s’il vous plaît.')
      .min(1, 'Au moins un carnet.')
      .max(50_000, 'Au plus 50 000 carnets à la fois.'),
  ),
});

export async function assignBooklets(
  deps: PassDeps & { organisationExists: (id: string) => Promise<boolean> },
  actor: Actor | undefined,
  programmeId: string,
  input: unknown,
): Promise<number[]> {
  const programme = await findProgramme(deps.db, programmeId);
  if (!programme) throw new NotFoundError('Programme introuvable.');
  authorize(actor, passPolicy.manageProgramme, programme);
  assertActive(programme);
  const v = parseInput(assignSchema, input);
  if (!(await deps.organisationExists(v.organisationId)))
    throw new ValidationError({ organisationId: 'Structure inconnue.' });
  return deps.db.transaction(async (tx) => {
    const locked = await findProgramme(tx, programme.id, { lock: 'share' });
    if (!locked) throw new NotFoundError('Programme introuvable.');
    authorize(actor, passPolicy.manageProgramme, locked);
    assertActive(locked);
    const numbers = await assignNextBooklets(tx, programme.id, v.organisationId, v.count, deps.clock());
    if (numbers.length === 0)
      throw new RuleError(
        'no_booklet_left',
        'Tous les carnets de ce programme sont déjà attribués : émettez-en d’autres.',
      );
    await appendJournal(tx, deps.clock, {
      action: 'pass.carnets_attribues',
      actorUserId: accountIdOf(actor),
      organisationId: programme.coordinator_organisation_id,
      targetType: 'programme',
      targetId: programme.id,
      details: {
        distributeur: v.organisationId,
        carnets: numbers.length,
        premier: numbers[0],
        dernier: numbers[numbers.length - 1],
      },
    });
    return numbers;
  });
}

const distributeSchema = z.object({
  ageBand: z.enum(AGE_BANDS, { message: 'Choisissez une tranche d’âge.' }),
  // Optional (ADR 0027): a person without a stable address may have only a commune of
  // domiciliation, or none that they wish to give.
  commune: z.preprocess((v) => (v === undefined ? '' : v), text(100)),
  contact: z.preprocess((v) => (v === undefined ? '' : v), text(200)),
  situation: z.enum(SITUATIONS, { message: 'Choisissez une situation.' }),
  needs: many(z.enum(STANDARD_ENUMS.services, { message: 'Choisissez des besoins de la liste.' })),
});

/** The facts asked at the hand-over, as the Pass has always named them. */
export interface Beneficiary {
  tranche_age: string;
  /** null: no commune given (sans domicile stable, or the person preferred not to say). */
  commune_insee: string | null;
  commune: string | null;
  situation: string;
  besoins: string[];
}

/**
 * Where the beneficiary lives, in the person model's terms: a commune given by someone without a
 * stable address (or seeking asylum) is their commune of domiciliation; without a commune, they
 * are « sans domicile stable », or domiciled somewhere they preferred not to give.
 */
function residenceOf(b: Beneficiary): ResidenceInput {
  const unstable = b.situation === 'Sans domicile stable' || b.situation === "Demandeur d'asile ou titre de séjour";
  if (b.commune_insee)
    return unstable
      ? { kind: 'domiciliation', inseeCode: b.commune_insee }
      : { kind: 'commune', inseeCode: b.commune_insee };
  return b.situation === 'Sans domicile stable' ? { kind: 'sans_domicile_stable' } : { kind: 'domiciliation' };
}

/**
 * Hands a booklet to a beneficiary: no name, only an age band, a commune, a situation, needs.
 * The beneficiary becomes a person of the person model (modules/people, ADR 0018), followed by
 * the distributing structure, in the same transaction; the needs stay on the booklet.
 */
export async function distributeBooklet(
  deps: PassDeps,
  actor: Actor | undefined,
  bookletId: string,
  input: unknown,
): Promise<{ beneficiary: Beneficiary; person: PersonView }> {
  const booklet = await findBooklet(deps.db, bookletId);
  if (!booklet?.distributor_organisation_id) throw new NotFoundError('Carnet introuvable.');
  authorize(actor, passPolicy.distribute, { id: booklet.distributor_organisation_id });
  const programme = await findProgramme(deps.db, booklet.programme_id);
  if (!programme) throw new NotFoundError('Programme introuvable.');
  const v = parseInput(distributeSchema, input);
  const location = v.commune === '' ? null : await resolveLocation(deps.db, v.commune);
  if (location && (location.kind === 'unknown' || location.kind === 'unlocated')) {
    throw new ValidationError({
      commune: `Nous ne trouvons pas la commune « ${v.commune} ». Saisissez son code postal.`,
    });
  }
  if (location?.kind === 'ambiguous') {
    throw new ValidationError({
      commune: `Plusieurs communes s'appellent « ${v.commune} » : précisez le code postal (${location.candidates
        .slice(0, 3)
        .map((c) => c.label)
        .join(', ')}…).`,
    });
  }
  const now = deps.clock();
  const today = parisDate(now);
  const stop = addDays(programme.valid_until, -programme.distribution_stop_days);
  if (today > stop) {
    throw new RuleError(
      'distribution_closed',
      `La distribution de ce programme est terminée depuis le ${stop} : les chèques expireraient avant d’être utilisés.`,
    );
  }
  const beneficiary: Beneficiary = {
    tranche_age: v.ageBand,
    commune_insee: location ? (location.codesInsee[0] as string) : null,
    commune: location ? location.label : null,
    situation: v.situation,
    besoins: v.needs,
  };
  const organisationId = booklet.distributor_organisation_id;
  const person = await deps.db.transaction(async (tx) => {
    const created = await createPersonWithin(
      tx,
      deps,
      actor,
      {
        organisationId,
        displayName: passBeneficiaryName(booklet.number),
        ageBand: beneficiary.tranche_age,
        residence: residenceOf(beneficiary),
        situation: beneficiary.situation,
      },
      'carnet_pass',
    );
    const ok = await markDistributed(tx, booklet.id, organisationId, {
      at: now,
      by: accountIdOf(actor),
      personId: created.id,
      needs: beneficiary.besoins,
      contact: v.contact === '' ? null : v.contact,
    });
    if (!ok) throw new RuleError('already_distributed', 'Ce carnet a déjà été remis à un bénéficiaire.');
    await appendJournal(tx, deps.clock, {
      action: 'pass.carnet_remis',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'carnet',
      targetId: booklet.id,
      details: { programme: programme.id, numero: booklet.number, personne: created.id },
    });
    return created;
  });
  return { beneficiary, person };
}
