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

/** A structure as the mandates module sees it: its territory (who coordinates it) and its members. */
export interface StructureView {
  id: string;
  name: string;
  territory: Territory;
}

/** Read models of structures and their members for habilitations (the mandates module, wired in app.ts). */
export function structureDirectory(db: Database) {
  const view = (o: { id: string; name: string; territory: Territory }): StructureView => ({
    id: o.id,
    name: o.name,
    territory: o.territory,
  });
  return {
    find: async (id: string): Promise<StructureView | undefined> => {
      const o = await findOrganisation(db, id);
      return o ? view(o) : undefined;
    },
    list: async (): Promise<StructureView[]> => (await listOrganisations(db)).map(view),
    members: async (organisationId: string) =>
      (await membersOf(db, organisationId)).map((m) => ({
        userId: m.userId,
        displayName: m.displayName,
        role: m.role as string,
        canActOnBehalf: m.canActOnBehalf,
      })),
  };
}
