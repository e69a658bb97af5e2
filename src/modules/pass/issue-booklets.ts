/**
 * Issues N booklets of a programme: each voucher gets a fresh random code (≥ 40 bits, check
 * symbol); a code that already exists (vanishingly rare) is drawn again. One transaction.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { assertActive } from './consent.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy } from './policies.ts';
import {
  findProgramme,
  highestBookletNumber,
  insertBooklets,
  insertVouchers,
  nextBookletNumber,
} from './programmes-repository.ts';
import { generateVoucherCode } from './voucher-code.ts';

/** What software (the bench, a command line) may issue in one transaction. */
export const MAX_BOOKLETS_PER_ISSUE = 50_000;
/**
 * What a person may issue in one operation (ADR 0027): a coordinator once issued 5,000
 * booklets (250,000 €) by mistake in one tap. Larger print runs take several confirmed steps.
 */
export const MAX_BOOKLETS_PER_OPERATION = 1_000;

function countSchema(max: number) {
  return z.object({
    count: z.preprocess(
      (v) => (v === undefined || v === '' ? undefined : typeof v === 'string' ? Number(v.trim()) : Number(v)),
      z
        .number({ message: 'Indiquez le nombre de carnets à émettre, en chiffres.' })
        .int('Le nombre de carnets doit être un nombre entier.')
        .min(1, 'Émettez au moins un carnet.')
        .max(
          max,
          `Au plus ${max.toLocaleString('fr-FR')} carnets par émission : pour davantage, émettez en plusieurs fois.`,
        ),
    ),
  });
}

export interface IssuancePreview {
  count: number;
  vouchers: number;
  /** Face value of everything the operation creates, in cents. */
  totalCents: number;
  first: number;
  last: number;
}

/** What an issuance would create, for the confirmation step: nothing is written. */
export async function previewIssuance(
  deps: PassDeps,
  actor: Actor | undefined,
  programmeId: string,
  input: unknown,
): Promise<IssuancePreview> {
  const programme = await findProgramme(deps.db, programmeId);
  if (!programme) throw new NotFoundError('Programme introuvable.');
  authorize(actor, passPolicy.manageProgramme, programme);
  assertActive(programme);
  const { count } = parseInput(countSchema(MAX_BOOKLETS_PER_OPERATION), input);
  const first = (await highestBookletNumber(deps.db, programme.id)) + 1;
  const vouchers = count * programme.vouchers_per_booklet;
  return { count, vouchers, totalCents: vouchers * programme.face_value_cents, first, last: first + count - 1 };
}

export async function issueBooklets(
  deps: PassDeps,
  actor: Actor | undefined,
  programmeId: string,
  input: unknown,
  onProgress?: (done: number, total: number) => void,
  options: { maxBooklets?: number } = {},
): Promise<{ first: number; last: number; vouchers: number }> {
  const programme = await findProgramme(deps.db, programmeId);
  if (!programme) throw new NotFoundError('Programme introuvable.');
  authorize(actor, passPolicy.manageProgramme, programme);
  assertActive(programme);
  const { count } = parseInput(countSchema(options.maxBooklets ?? MAX_BOOKLETS_PER_OPERATION), input);
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    // Decide inside the write: the programme as it is now, locked against a change of hands.
    const locked = await findProgramme(tx, programme.id, { lock: 'share' });
    if (!locked) throw new NotFoundError('Programme introuvable.');
    authorize(actor, passPolicy.manageProgramme, locked);
    assertActive(locked);
    const first = await nextBookletNumber(tx, programme.id);
    const chunk = 2000;
    let issued = 0;
    for (let start = 0; start < count; start += chunk) {
      const numbers = Array.from({ length: Math.min(chunk, count - start) }, (_, i) => first + start + i);
      const booklets = await insertBooklets(tx, programme.id, numbers, now);
      let pending = booklets.flatMap((b) =>
        Array.from({ length: programme.vouchers_per_booklet }, (_, i) => ({
          code: generateVoucherCode(),
          booklet_id: b.id,
          programme_id: programme.id,
          position: i + 1,
        })),
      );
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 5) throw new Error('Could not draw unique voucher codes');
        const clashes = await insertVouchers(tx, pending);
        pending = pending.filter((v) => clashes.has(v.code)).map((v) => ({ ...v, code: generateVoucherCode() }));
      }
      issued += booklets.length;
      onProgress?.(issued, count);
    }
    await appendJournal(tx, deps.clock, {
      action: 'pass.carnets_emis',
      actorUserId: accountIdOf(actor),
      organisationId: programme.coordinator_organisation_id,
      targetType: 'programme',
      targetId: programme.id,
      details: {
        premier: first,
        dernier: first + count - 1,
        cheques: count * programme.vouchers_per_booklet,
        valeur_centimes: count * programme.vouchers_per_booklet * programme.face_value_cents,
      },
    });
    return { first, last: first + count - 1, vouchers: count * programme.vouchers_per_booklet };
  });
}
