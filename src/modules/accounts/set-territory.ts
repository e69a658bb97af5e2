/**
 * Only a platform administrator sets or changes an organisation's territory (ADR 0009): what
 * was typed (names or numbers) is checked against the gazetteer through the TerritoryGazetteer
 * port (the lieux module's, wired in app.ts), stored, and journaled with the territory before.
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Territory, TerritoryGazetteer } from '../../platform/auth/territory.ts';
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts';
import { field } from '../../platform/http/forms.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { accountsPolicy } from './policies.ts';
import { findOrganisation, setOrganisationTerritory } from './repository.ts';

export async function setTerritory(
  deps: Pick<AccountsDeps, 'db' | 'clock'> & { territories: TerritoryGazetteer },
  actor: Actor | undefined,
  organisationId: string,
  input: unknown,
): Promise<Territory> {
  authorize(actor, accountsPolicy.administerPlatform, null);
  const organisation = await findOrganisation(deps.db, organisationId);
  if (!organisation) throw new NotFoundError('Cette structure est introuvable.');
  const typed = {
    departements: field(input, 'departements').slice(0, 2000),
    communes: field(input, 'communes').slice(0, 10_000),
  };
  const resolution = await deps.territories.resolve(typed);
  if (!resolution.ok) throw new ValidationError(resolution.errors);
  const territory = resolution.territory;
  await deps.db.transaction(async (tx) => {
    const before = await findOrganisation(tx, organisationId, { lock: 'update' });
    if (!before) throw new NotFoundError('Cette structure est introuvable.');
    await setOrganisationTerritory(tx, organisationId, territory);
    await appendJournal(tx, deps.clock, {
      action: 'organisation.territoire_modifie',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'organisation',
      targetId: organisationId,
      details: {
        avant: { departements: before.territory.departements, communes: before.territory.communes },
        apres: { departements: territory.departements, communes: territory.communes },
      },
    });
  });
  return territory;
}
