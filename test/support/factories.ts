/** Test factories: organisations, people with roles, and the Actor a session would load. */
import { randomBytes } from 'node:crypto';
import { loadUser } from '../../src/modules/accounts/load-user.ts';
import { insertOrganisation, insertUser, upsertMembership } from '../../src/modules/accounts/repository.ts';
import type { Actor, Role } from '../../src/platform/auth/actor.ts';
import type { Territory } from '../../src/platform/auth/territory.ts';
import type { Queryable } from '../../src/platform/db/database.ts';

export async function makeOrganisation(
  db: Queryable,
  name: string,
  kind = 'association',
  territory?: Territory,
): Promise<string> {
  return (await insertOrganisation(db, { name, kind, siret: null, ...(territory ? { territory } : {}) })).id;
}

export async function makeActor(
  db: Queryable,
  memberships: Array<{ organisationId: string; role: Role; canActOnBehalf?: boolean }>,
  options: { admin?: boolean; email?: string } = {},
): Promise<Actor> {
  const email = options.email ?? `personne-${randomBytes(4).toString('hex')}@exemple.fr`;
  const user = await insertUser(db, {
    email,
    displayName: email.split('@')[0] as string,
    passwordHash: null,
    isPlatformAdmin: options.admin ?? false,
  });
  for (const m of memberships) {
    await upsertMembership(db, {
      userId: user.id,
      organisationId: m.organisationId,
      role: m.role,
      canActOnBehalf: m.canActOnBehalf ?? false,
    });
  }
  const loaded = await loadUser(db, user.id);
  if (!loaded) throw new Error('user not loaded');
  return { ...loaded.actor, sessionId: 'test' };
}

/** A person who can sign in with a password (no second factor required by their roles). */
export async function makePerson(
  db: Queryable,
  email: string,
  password: string,
  memberships: Array<{ organisationId: string; role: Role }>,
): Promise<void> {
  const { hashPassword } = await import('../../src/modules/accounts/passwords.ts');
  const user = await insertUser(db, {
    email,
    displayName: email.split('@')[0] as string,
    passwordHash: await hashPassword(password),
    isPlatformAdmin: false,
  });
  for (const m of memberships) {
    await upsertMembership(db, {
      userId: user.id,
      organisationId: m.organisationId,
      role: m.role,
      canActOnBehalf: false,
    });
  }
}
