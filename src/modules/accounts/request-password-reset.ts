import { z } from 'zod';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { email, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { enqueue } from '../../platform/outbox/outbox.ts';
import { type AccountsDeps, RESET_MINUTES } from './deps.ts';
import { passwordResetMail } from './mails.ts';
import { findUserByEmail, insertPasswordReset } from './repository.ts';

const schema = z.object({ email: email() });

/**
 * Sends a single-use link if the account exists. The answer is the same either way, so the
 * form does not reveal who has an account.
 */
export async function requestPasswordReset(deps: AccountsDeps, input: unknown): Promise<void> {
  const { email: address } = parseInput(schema, input);
  const user = await findUserByEmail(deps.db, address);
  if (!user || user.disabledAt) return;
  const token = randomToken();
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await insertPasswordReset(tx, {
      tokenHash: sha256(token),
      userId: user.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_MINUTES * 60_000),
    });
    await appendJournal(tx, deps.clock, {
      action: 'compte.reinitialisation_demandee',
      actorUserId: user.id,
      targetType: 'utilisateur',
      targetId: user.id,
    });
    const link = `${deps.publicUrl}/mot-de-passe/nouveau?jeton=${token}`;
    await enqueue(tx, 'mail', { ...passwordResetMail(user.email, link, deps.operatorName, RESET_MINUTES) });
  });
}

/** A one-time link for the first administrator, printed by the CLI instead of being mailed (in the caller's transaction). */
export async function createPasswordLink(
  tx: Queryable,
  deps: Pick<AccountsDeps, 'clock' | 'publicUrl'>,
  userId: string,
  validMinutes: number,
): Promise<string> {
  const token = randomToken();
  const now = deps.clock();
  await insertPasswordReset(tx, {
    tokenHash: sha256(token),
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + validMinutes * 60_000),
  });
  return `${deps.publicUrl}/mot-de-passe/nouveau?jeton=${token}`;
}
