import { z } from 'zod';
import { deleteAllSessions } from '../../platform/auth/session-store.ts';
import { sha256 } from '../../platform/crypto.ts';
import { RuleError, ValidationError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import { findPasswordReset, findUserById, markPasswordResetUsed, setPasswordHash } from './repository.ts';

export const LINK_INVALID =
  "Ce lien n'est plus valable : il a expiré ou a déjà servi. Demandez un nouveau lien depuis la page de connexion.";

/** The account a reset link is for, if the link can still be used. */
export async function checkPasswordResetLink(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  token: string,
): Promise<{ email: string }> {
  const reset = token ? await findPasswordReset(deps.db, sha256(token)) : undefined;
  if (!reset || reset.usedAt || reset.expiresAt <= deps.clock()) throw new RuleError('link_invalid', LINK_INVALID, 410);
  const user = await findUserById(deps.db, reset.userId);
  if (!user || user.disabledAt) throw new RuleError('link_invalid', LINK_INVALID, 410);
  return { email: user.email };
}

const schema = z.object({
  jeton: z.string().min(1),
  password: z.string({ message: 'Choisissez un mot de passe.' }).min(1, 'Choisissez un mot de passe.'),
  confirmation: z.string({ message: 'Confirmez le mot de passe.' }).min(1, 'Confirmez le mot de passe.'),
});

/** Sets the new password, uses up the link and ends every open session of the account. */
export async function resetPassword(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  input: unknown,
): Promise<{ userId: string }> {
  const data = parseInput(schema, input);
  const { email } = await checkPasswordResetLink(deps, data.jeton);
  const problem = passwordProblem(data.password, email);
  if (problem) throw new ValidationError({ password: problem });
  if (data.password !== data.confirmation) {
    throw new ValidationError({ confirmation: 'Les deux mots de passe ne sont pas identiques.' });
  }
  const hash = await hashPassword(data.password);
  const reset = await findPasswordReset(deps.db, sha256(data.jeton));
  const userId = reset?.userId as string;
  await deps.db.transaction(async (tx) => {
    if (!(await markPasswordResetUsed(tx, sha256(data.jeton), deps.clock()))) {
      throw new RuleError('link_invalid', LINK_INVALID, 410);
    }
    await setPasswordHash(tx, userId, hash);
    await deleteAllSessions(tx, userId);
    await appendJournal(tx, deps.clock, {
      action: 'compte.mot_de_passe_change',
      actorUserId: userId,
      targetType: 'utilisateur',
      targetId: userId,
    });
  });
  return { userId };
}
