import { z } from 'zod';
import { RuleError } from '../../platform/http/errors.ts';
import { email, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { dummyVerify, verifyPassword } from './passwords.ts';
import { findUserByEmail } from './repository.ts';

export const BAD_CREDENTIALS = 'Adresse e-mail ou mot de passe incorrect.';

const schema = z.object({
  email: email(),
  password: z.string({ message: 'Saisissez votre mot de passe.' }).min(1, 'Saisissez votre mot de passe.').max(200),
});

/** Checks e-mail and password; the same message whether the account exists or not. */
export async function logIn(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  input: unknown,
): Promise<{ userId: string; secondFactorEnrolled: boolean }> {
  const { email: address, password } = parseInput(schema, input);
  const user = await findUserByEmail(deps.db, address);
  if (!user?.passwordHash || user.disabledAt) {
    await dummyVerify(password);
    throw new RuleError('bad_credentials', BAD_CREDENTIALS, 401);
  }
  const ok = await verifyPassword(user.passwordHash, password);
  await deps.db.transaction((tx) =>
    appendJournal(tx, deps.clock, {
      action: ok ? 'compte.connexion' : 'compte.connexion_refusee',
      actorUserId: user.id,
      targetType: 'utilisateur',
      targetId: user.id,
      details: { methode: 'mot_de_passe' },
    }),
  );
  if (!ok) throw new RuleError('bad_credentials', BAD_CREDENTIALS, 401);
  return { userId: user.id, secondFactorEnrolled: user.totpEnabledAt !== null };
}
