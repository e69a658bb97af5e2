import type { LoadedUser } from '../../platform/auth/auth-plugin.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { findUserById, membershipsOf } from './repository.ts';

/** The actor behind a session, or undefined if the account is gone or disabled. */
export async function loadUser(db: Queryable, userId: string): Promise<LoadedUser | undefined> {
  const user = await findUserById(db, userId);
  if (!user || user.disabledAt) return undefined;
  const memberships = await membershipsOf(db, userId);
  return {
    actor: {
      userId: user.id,
      email: user.email,
      displayName: user.displayName,
      isPlatformAdmin: user.isPlatformAdmin,
      memberships,
      hasSecondFactor: user.totpEnabledAt !== null,
    },
    secondFactorEnrolled: user.totpEnabledAt !== null,
  };
}
