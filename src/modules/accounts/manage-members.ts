/** Changing a member's role or habilitation, removing a member, cancelling an invitation. */
import { z } from 'zod';
import { type Actor, roles } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { checkbox, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { accountsPolicy } from './policies.ts';
import {
  deleteMembership,
  findOrganisation,
  isUuid,
  membersOf,
  revokeInvitation,
  upsertMembership,
} from './repository.ts';

async function organisationFor(deps: Pick<AccountsDeps, 'db'>, actor: Actor | undefined, organisationId: string) {
  const organisation = await findOrganisation(deps.db, organisationId);
  if (!organisation) throw new NotFoundError('Cette structure est introuvable.');
  authorize(actor, accountsPolicy.manageMembers, organisation);
  return { organisation, actor };
}

const roleSchema = z.object({
  userId: z.string().refine(isUuid, 'Membre inconnu.'),
  role: z.enum(roles, { message: 'Choisissez un rôle.' }),
  canActOnBehalf: checkbox(),
});

export async function changeMemberRole(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actorOrUndefined: Actor | undefined,
  organisationId: string,
  input: unknown,
): Promise<void> {
  const { organisation, actor } = await organisationFor(deps, actorOrUndefined, organisationId);
  const data = parseInput(roleSchema, input);
  if (data.canActOnBehalf) authorize(actor, accountsPolicy.habilitateHelpers, organisation);
  const members = await membersOf(deps.db, organisation.id);
  const member = members.find((m) => m.userId === data.userId);
  if (!member) throw new NotFoundError('Cette personne ne fait pas partie de la structure.');
  const responsables = members.filter((m) => m.role === 'responsable');
  if (member.role === 'responsable' && data.role !== 'responsable' && responsables.length === 1) {
    throw new RuleError('last_manager', 'La structure doit garder au moins un ou une responsable.');
  }
  await deps.db.transaction(async (tx) => {
    await upsertMembership(tx, {
      userId: member.userId,
      organisationId: organisation.id,
      role: data.role,
      canActOnBehalf: data.canActOnBehalf && data.role === 'aidant',
    });
    await appendJournal(tx, deps.clock, {
      action: 'organisation.role_modifie',
      actorUserId: actor.userId,
      organisationId: organisation.id,
      targetType: 'utilisateur',
      targetId: member.userId,
      details: { avant: member.role, apres: data.role, habilite: data.canActOnBehalf && data.role === 'aidant' },
    });
  });
}

export async function removeMember(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actorOrUndefined: Actor | undefined,
  organisationId: string,
  userId: string,
): Promise<void> {
  const { organisation, actor } = await organisationFor(deps, actorOrUndefined, organisationId);
  const members = await membersOf(deps.db, organisation.id);
  const member = members.find((m) => m.userId === userId);
  if (!member) throw new NotFoundError('Cette personne ne fait pas partie de la structure.');
  if (member.role === 'responsable' && members.filter((m) => m.role === 'responsable').length === 1) {
    throw new RuleError('last_manager', 'La structure doit garder au moins un ou une responsable.');
  }
  await deps.db.transaction(async (tx) => {
    await deleteMembership(tx, userId, organisation.id);
    await appendJournal(tx, deps.clock, {
      action: 'organisation.membre_retire',
      actorUserId: actor.userId,
      organisationId: organisation.id,
      targetType: 'utilisateur',
      targetId: userId,
      details: { role: member.role },
    });
  });
}

export async function cancelInvitation(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actorOrUndefined: Actor | undefined,
  organisationId: string,
  invitationId: string,
): Promise<void> {
  const { organisation, actor } = await organisationFor(deps, actorOrUndefined, organisationId);
  if (!isUuid(invitationId)) throw new NotFoundError('Invitation introuvable.');
  await deps.db.transaction(async (tx) => {
    if (!(await revokeInvitation(tx, invitationId, organisation.id, deps.clock()))) {
      throw new NotFoundError('Invitation introuvable ou déjà utilisée.');
    }
    await appendJournal(tx, deps.clock, {
      action: 'organisation.invitation_annulee',
      actorUserId: actor.userId,
      organisationId: organisation.id,
      targetType: 'invitation',
      targetId: invitationId,
    });
  });
}
