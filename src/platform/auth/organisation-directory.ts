import type { Queryable } from '../db/database.ts';
import type { Role } from './actor.ts';

/**
 * What modules may ask about organisations without reaching into the accounts module:
 * app.ts provides an implementation backed by it.
 */
export interface OrganisationDirectory {
  list(): Promise<Array<{ id: string; name: string }>>;
  name(id: string): Promise<string | undefined>;
  /** E-mail addresses of the organisation's members holding one of these roles, read with `db` (a transaction). */
  memberEmails(db: Queryable, organisationId: string, roles: readonly Role[]): Promise<string[]>;
}
