import { z } from 'zod';
import type { Actor } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { ConflictError } from '../../platform/http/errors.ts';
import { parseInput, requiredText, text } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { accountsPolicy } from './policies.ts';
import { findOrganisationBySiret, insertOrganisation, type OrganisationRecord } from './repository.ts';
import { normaliseSiret, siretProblem } from './siret.ts';

export const organisationKinds = {
  collectivite: 'Collectivité (commune, département, région…)',
  association: 'Association',
  france_services: 'Espace France Services',
  etablissement_public: 'Établissement public',
  organisme: 'Organisme (CAF, CPAM, France Travail…) ou administration',
  entreprise: 'Entreprise',
  autre: 'Autre',
} as const;

export const organisationSchema = z.object({
  name: requiredText(150),
  kind: z.enum(Object.keys(organisationKinds) as [keyof typeof organisationKinds], {
    message: 'Choisissez le type de structure.',
  }),
  siret: text(30)
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const problem = siretProblem(v);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      return normaliseSiret(v);
    }),
});

export async function createOrganisation(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  input: unknown,
  options: { isDemo?: boolean } = {},
): Promise<OrganisationRecord> {
  authorize(actor, accountsPolicy.administerPlatform, null);
  const data = parseInput(organisationSchema, input);
  if (data.siret && (await findOrganisationBySiret(deps.db, data.siret))) {
    throw new ConflictError('siret_taken', 'Une structure avec ce SIRET existe déjà.', {
      siret: 'Une structure avec ce SIRET existe déjà.',
    });
  }
  return deps.db.transaction(async (tx) => {
    const organisation = await insertOrganisation(tx, { ...data, isDemo: options.isDemo ?? false });
    await appendJournal(tx, deps.clock, {
      action: 'organisation.creee',
      actorUserId: actor.userId,
      organisationId: organisation.id,
      targetType: 'organisation',
      targetId: organisation.id,
      details: { type: organisation.kind },
    });
    return organisation;
  });
}
