/**
 * Demo data of the mandates module, through its use cases (journaled): the Var coordination
 * habilitates the demo médiathèque and records the training of its demo helper, so that a
 * newcomer signed in as aidant@ (after setting up the second factor) can create a mandate with a
 * fictional person of the development FranceConnect.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import type { Territory } from '../../platform/auth/territory.ts';
import { parisToday } from '../../platform/print/index.ts';
import type { MandatesDeps } from './deps.ts';
import { habilitateStructure, recordHelperTraining } from './habilitations.ts';

export async function seedMandatesDemo(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  input: {
    coordinator: Actor;
    structure: { id: string; territory: Territory };
    helperUserId: string;
  },
): Promise<string> {
  const today = parisToday(deps.clock);
  await habilitateStructure(deps, input.coordinator, input.structure, {
    reference: 'DEMO-HAB-83-001',
    families: ['papiers', 'famille', 'social', 'travail', 'logement', 'argent'],
    startsOn: `${today.slice(0, 4)}-01-01`,
  });
  await recordHelperTraining(
    deps,
    input.coordinator,
    input.structure,
    { userId: input.helperUserId, canActOnBehalf: true },
    { trainedOn: today },
  );
  return 'Mandats : la médiathèque est habilitée et son aidante formée (identités fictives sur /dev/franceconnect).';
}
