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

/**
 * A mandate of a structure with its usager, written straight in the tables (test/ is outside the
 * modules: the mandates module's own flow, FranceConnect included, is tested in mandates.int.test.ts).
 */
export async function makeMandate(
  db: Queryable,
  input: {
    organisationId: string;
    givenName: string;
    familyName: string;
    createdAt: Date;
    expiresAt: Date;
    revokedAt?: Date | null;
    families?: string[];
    personId?: string | null;
  },
): Promise<string> {
  const [usager] = await db.query<{ id: string }>(
    `INSERT INTO mandate_usagers (subject_hash, given_name, family_name, birthdate, created_at, updated_at)
     VALUES ($1, $2, $3, '1970-01-01', $4, $4) RETURNING id`,
    [randomBytes(16).toString('hex'), input.givenName, input.familyName, input.createdAt],
  );
  const [mandate] = await db.query<{ id: string }>(
    `INSERT INTO mandates (reference, organisation_id, usager_id, created_at, duration, expires_at, revoked_at,
       revoked_by, template_version, template_hash, person_id)
     VALUES ($1, $2, $3, $4, 'annee', $5, $6, $7, 'test', $8, $9) RETURNING id`,
    [
      randomBytes(12).toString('hex'),
      input.organisationId,
      usager?.id,
      input.createdAt,
      input.expiresAt,
      input.revokedAt ?? null,
      input.revokedAt ? 'structure' : null,
      '0'.repeat(64),
      input.personId ?? null,
    ],
  );
  await db.query('INSERT INTO mandate_authorisations (mandate_id, family) SELECT $1, unnest($2::text[])', [
    mandate?.id,
    input.families ?? ['social'],
  ]);
  return mandate?.id as string;
}
