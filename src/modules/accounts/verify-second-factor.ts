import { z } from 'zod';
import { decryptSecret } from '../../platform/crypto.ts';
import type { Transaction } from '../../platform/db/database.ts';
import { RuleError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { consumeRecoveryCode, consumeTotpStep, countUnusedRecoveryCodes, findUserById } from './repository.ts';
import { hashRecoveryCode, looksLikeRecoveryCode, matchTotp } from './totp.ts';

export const TOTP_PURPOSE = 'totp';

const schema = z.object({
  code: z.string({ message: 'Saisissez le code.' }).trim().min(1, 'Saisissez le code.').max(20),
});

/**
 * Accepts a 6-digit code from the authenticator app (each code once: a replayed code is
 * refused) or a single-use recovery code.
 */
export async function verifySecondFactor(
  deps: Pick<AccountsDeps, 'db' | 'clock' | 'secretKey'>,
  userId: string,
  input: unknown,
  onWrongCode?: (tx: Transaction) => Promise<void>,
): Promise<{ usedRecoveryCode: boolean; recoveryCodesLeft: number }> {
  try {
    return await checkCode(deps, userId, input);
  } catch (error) {
    if (error instanceof RuleError && (error.code === 'bad_second_factor' || error.code === 'replayed_second_factor')) {
      await deps.db.transaction(async (tx) => {
        await onWrongCode?.(tx);
        await appendJournal(tx, deps.clock, {
          action: 'compte.double_authentification_refusee',
          actorUserId: userId,
          targetType: 'utilisateur',
          targetId: userId,
          details: { motif: error.code === 'replayed_second_factor' ? 'code_deja_utilise' : 'code_faux' },
        });
      });
    }
    throw error;
  }
}

async function checkCode(
  deps: Pick<AccountsDeps, 'db' | 'clock' | 'secretKey'>,
  userId: string,
  input: unknown,
): Promise<{ usedRecoveryCode: boolean; recoveryCodesLeft: number }> {
  const { code } = parseInput(schema, input);
  const user = await findUserById(deps.db, userId);
  if (!user?.totpSecret || !user.totpEnabledAt) {
    throw new RuleError('second_factor_missing', "La double authentification n'est pas configurée pour ce compte.");
  }
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    if (looksLikeRecoveryCode(code) && !/^\d{6}$/.test(code.replace(/\s/g, ''))) {
      const ok = await consumeRecoveryCode(tx, userId, hashRecoveryCode(code), now);
      if (!ok) throw new RuleError('bad_second_factor', "Ce code de secours n'est pas valable ou a déjà servi.", 401);
      await appendJournal(tx, deps.clock, {
        action: 'compte.code_secours_utilise',
        actorUserId: userId,
        targetType: 'utilisateur',
        targetId: userId,
      });
      return { usedRecoveryCode: true, recoveryCodesLeft: await countUnusedRecoveryCodes(tx, userId) };
    }
    const secret = decryptSecret(deps.secretKey, TOTP_PURPOSE, user.totpSecret as string);
    const step = matchTotp(secret, code, now);
    if (step === undefined) {
      throw new RuleError(
        'bad_second_factor',
        "Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant.",
        401,
      );
    }
    if (!(await consumeTotpStep(tx, userId, step))) {
      throw new RuleError(
        'replayed_second_factor',
        'Ce code a déjà servi. Attendez le code suivant dans votre application (il change toutes les 30 secondes).',
        401,
      );
    }
    return { usedRecoveryCode: false, recoveryCodesLeft: await countUnusedRecoveryCodes(tx, userId) };
  });
}
