import { z } from 'zod';
import { email, parseInput, text } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { findUserByEmail, insertUser, setPlatformAdmin } from './repository.ts';
import { createPasswordLink } from './request-password-reset.ts';

const schema = z.object({ email: email(), displayName: text(120).optional() });

/**
 * First administrator (CLI). No password travels on the command line: the CLI prints a
 * single-use link to choose it. An existing account is promoted instead.
 */
export async function createAdministrator(
  deps: AccountsDeps,
  input: unknown,
): Promise<{ userId: string; created: boolean; passwordLink: string }> {
  const data = parseInput(schema, input);
  const existing = await findUserByEmail(deps.db, data.email);
  const result = await deps.db.transaction(async (tx) => {
    let userId: string;
    if (existing) {
      await setPlatformAdmin(tx, existing.id, true);
      userId = existing.id;
    } else {
      const user = await insertUser(tx, {
        email: data.email,
        displayName: data.displayName || data.email.split('@')[0] || data.email,
        passwordHash: null,
        isPlatformAdmin: true,
      });
      userId = user.id;
    }
    await appendJournal(tx, deps.clock, {
      action: existing ? 'compte.promu_administrateur' : 'compte.administrateur_cree',
      targetType: 'utilisateur',
      targetId: userId,
      details: { via: 'cli' },
    });
    // In the same transaction: an administrator is never left without a way to set a password.
    const passwordLink = await createPasswordLink(tx, deps, userId, 24 * 60);
    return { userId, created: !existing, passwordLink };
  });
  return result;
}
