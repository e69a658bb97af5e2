import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import type { Territory } from '../../platform/auth/territory.ts';
import type { Database } from '../../platform/db/database.ts';
import { findOrganisation, listOrganisations, memberEmailsWithRoles, membersOf } from './repository.ts';

/** The accounts module's answer to what other modules may ask about organisations (names, contacts). */
export function organisationDirectory(db: Database): OrganisationDirectory {
  return {
    list: async () => (await listOrganisations(db)).map((o) => ({ id: o.id, name: o.name })),
    name: async (id: string) => (await findOrganisation(db, id))?.name,
    memberEmails: memberEmailsWithRoles,
  };
}

/**
 * Organisations with their territory and members, for modules whose policies depend on the
 * territory (mandates' habilitations). Plain read models: no contact details beyond names.
 */
export function structureDirectory(db: Database) {
  const view = (o: { id: string; name: string; territory: Territory }) => ({
    id: o.id,
    name: o.name,
    territory: o.territory,
  });
  return {
    find: async (id: string) => {
      const o = await findOrganisation(db, id);
      return o ? view(o) : undefined;
    },
    list: async () => (await listOrganisations(db)).map(view),
    members: async (organisationId: string) =>
      (await membersOf(db, organisationId)).map((m) => ({
        userId: m.userId,
        displayName: m.displayName,
        role: m.role,
        canActOnBehalf: m.canActOnBehalf,
      })),
  };
}
