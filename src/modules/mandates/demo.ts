/**
 * Demo data of the mandates module, through its use cases (journaled): the Var coordination
 * habilitates the demo médiathèque and records the training of its demo helper, so that a
 * newcomer signed in as aidant@ (after setting up the second factor) can create a mandate with a
 * fictional person of the development FranceConnect, then use it on the demo partner service.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import type { Territory } from '../../platform/auth/territory.ts';
import { parisToday } from '../../platform/print/index.ts';
import type { MandatesDeps } from './deps.ts';
import { demoPartnerSecret } from './dev-partner.tsx';
import { habilitateStructure, recordHelperTraining } from './habilitations.ts';
import { registerDemoPartner } from './partners.ts';

export async function seedMandatesDemo(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey' | 'publicUrl'>,
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
  // The demo partner service (PRODUCT.md §5), at /dev/partenaire in development.
  await registerDemoPartner(deps, demoPartnerSecret(deps.secretKey));
  return `Mandats : la médiathèque est habilitée et son aidante formée (identités fictives sur /dev/franceconnect) ; service partenaire de démonstration : ${deps.publicUrl}/dev/partenaire.`;
}
