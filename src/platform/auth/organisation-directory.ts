/**
 * What modules may ask about organisations without reaching into the accounts module:
 * app.ts provides an implementation backed by it.
 */
export interface OrganisationDirectory {
  list(): Promise<Array<{ id: string; name: string }>>;
  name(id: string): Promise<string | undefined>;
}
