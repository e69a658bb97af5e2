import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import type { Database } from '../../platform/db/database.ts';
import { findOrganisation, listOrganisations, memberEmailsWithRoles } from './repository.ts';

/** The accounts module's answer to what other modules may ask about organisations (names, contacts). */
export function organisationDirectory(db: Database): OrganisationDirectory {
  return {
    list: async () => (await listOrganisations(db)).map((o) => ({ id: o.id, name: o.name })),
    name: async (id: string) => (await findOrganisation(db, id))?.name,
    memberEmails: memberEmailsWithRoles,
  };
}
