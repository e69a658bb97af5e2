import { z } from 'zod';
import { decryptSecret, encryptSecret } from '../../platform/crypto.ts';
import { RuleError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { disableTotp, enableTotp, findUserById, replaceRecoveryCodes, setPendingTotpSecret } from './repository.ts';
import { hashRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret, totpQrSvgDataUrl, totpUri } from './totp.ts';
import { TOTP_PURPOSE, verifySecondFactor } from './verify-second-factor.ts';

export interface Enrolment {
  secret: string;
  uri: string;
  qrDataUrl: string;
}

/** The secret to scan; the same one until it is confirmed, so a reload does not break a scan. */
export async function startSecondFactorEnrolment(
  deps: Pick<AccountsDeps, 'db' | 'secretKey' | 'operatorName'>,
  userId: string,
): Promise<Enrolment> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new RuleError('unknown_user', 'Compte introuvable.', 404);
  if (user.totpEnabledAt) throw new RuleError('already_enrolled', 'La double authentification est déjà active.');
  let secret: string;
  if (user.totpSecret) {
    secret = decryptSecret(deps.secretKey, TOTP_PURPOSE, user.totpSecret);
  } else {
    secret = newTotpSecret();
    await setPendingTotpSecret(deps.db, userId, encryptSecret(deps.secretKey, TOTP_PURPOSE, secret));
  }
  const uri = totpUri(secret, deps.operatorName, user.email);
  return { secret, uri, qrDataUrl: await totpQrSvgDataUrl(uri) };
}

const codeSchema = z.object({
  code: z
    .string({ message: 'Saisissez le code à 6 chiffres.' })
    .trim()
    .regex(/^\d{3}\s?\d{3}$/, 'Le code compte 6 chiffres.'),
});

/** Confirms the enrolment with a first code; returns the recovery codes, shown once. */
export async function confirmSecondFactorEnrolment(
  deps: Pick<AccountsDeps, 'db' | 'clock' | 'secretKey'>,
  userId: string,
  input: unknown,
): Promise<{ recoveryCodes: string[] }> {
  const { code } = parseInput(codeSchema, input);
  const user = await findUserById(deps.db, userId);
  if (!user?.totpSecret)
    throw new RuleError('no_pending_enrolment', 'Recommencez la configuration : aucun code en attente.');
  if (user.totpEnabledAt) throw new RuleError('already_enrolled', 'La double authentification est déjà active.');
  const secret = decryptSecret(deps.secretKey, TOTP_PURPOSE, user.totpSecret);
  const now = deps.clock();
  const step = matchTotp(secret, code, now);
  if (step === undefined) {
    throw new RuleError(
      'bad_second_factor',
      "Ce code n'est pas le bon. Vérifiez que vous avez scanné le dernier QR code affiché et que l'heure de votre téléphone est juste.",
    );
  }
  const codes = newRecoveryCodes();
  await deps.db.transaction(async (tx) => {
    await enableTotp(tx, userId, now, step);
    await replaceRecoveryCodes(tx, userId, codes.map(hashRecoveryCode));
    await appendJournal(tx, deps.clock, {
      action: 'compte.double_authentification_activee',
      actorUserId: userId,
      targetType: 'utilisateur',
      targetId: userId,
    });
  });
  return { recoveryCodes: codes };
}

/**
 * Turns the second factor off, for people whose roles do not require it, once they give a
 * current code (or a recovery code) again: a session left open is not enough.
 */
export async function disableSecondFactor(
  deps: Pick<AccountsDeps, 'db' | 'clock' | 'secretKey'>,
  userId: string,
  required: boolean,
  input: unknown,
): Promise<void> {
  if (required) {
    throw new RuleError(
      'second_factor_unremovable',
      'Votre rôle demande la double authentification : elle ne peut pas être désactivée.',
    );
  }
  await verifySecondFactor(deps, userId, input);
  await deps.db.transaction(async (tx) => {
    await disableTotp(tx, userId);
    await appendJournal(tx, deps.clock, {
      action: 'compte.double_authentification_desactivee',
      actorUserId: userId,
      targetType: 'utilisateur',
      targetId: userId,
    });
  });
}
