import { z } from 'zod';
import { decryptSecret, encryptSecret } from '../../platform/crypto.ts';
import { RuleError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { disableTotp, enableTotp, findUserById, replaceRecoveryCodes } from './repository.ts';
import { hashRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret, totpQrSvgDataUrl, totpUri } from './totp.ts';
import { TOTP_PURPOSE } from './verify-second-factor.ts';

export interface Enrolment {
  secret: string;
  uri: string;
  qrDataUrl: string;
}

/** A secret being enrolled travels sealed for this user only (in a cookie), never stored before it is confirmed. */
const pendingPurpose = (userId: string) => `${TOTP_PURPOSE}-en-attente:${userId}`;

/**
 * The secret to scan. Nothing is written (the enrolment page is a GET): the secret comes back
 * sealed in `pending`, which the page keeps in a short-lived cookie, so that a reload shows the
 * same secret and the confirmation can check a code against it.
 */
export async function startSecondFactorEnrolment(
  deps: Pick<AccountsDeps, 'db' | 'secretKey' | 'operatorName'>,
  userId: string,
  pending?: string,
): Promise<Enrolment & { pending: string }> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new RuleError('unknown_user', 'Compte introuvable.', 404);
  if (user.totpEnabledAt) throw new RuleError('already_enrolled', 'La double authentification est déjà active.');
  const secret = openPending(deps.secretKey, userId, pending) ?? newTotpSecret();
  const uri = totpUri(secret, deps.operatorName, user.email);
  return {
    secret,
    uri,
    qrDataUrl: await totpQrSvgDataUrl(uri),
    pending: encryptSecret(deps.secretKey, pendingPurpose(userId), secret),
  };
}

function openPending(secretKey: string, userId: string, pending: string | undefined): string | undefined {
  if (!pending) return undefined;
  try {
    return decryptSecret(secretKey, pendingPurpose(userId), pending);
  } catch {
    return undefined; // another user's, altered or from another key: start afresh
  }
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
  pending: string | undefined,
): Promise<{ recoveryCodes: string[] }> {
  const { code } = parseInput(codeSchema, input);
  const user = await findUserById(deps.db, userId);
  if (!user) throw new RuleError('unknown_user', 'Compte introuvable.', 404);
  if (user.totpEnabledAt) throw new RuleError('already_enrolled', 'La double authentification est déjà active.');
  const secret = openPending(deps.secretKey, userId, pending);
  if (!secret) throw new RuleError('no_pending_enrolment', 'Recommencez la configuration : aucun code en attente.');
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
    await enableTotp(tx, userId, encryptSecret(deps.secretKey, TOTP_PURPOSE, secret), now, step);
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

/** Turns the second factor off, for people whose roles do not require it. */
export async function disableSecondFactor(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  userId: string,
  required: boolean,
): Promise<void> {
  if (required) {
    throw new RuleError(
      'second_factor_required',
      'Votre rôle demande la double authentification : elle ne peut pas être désactivée.',
    );
  }
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
