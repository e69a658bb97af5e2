/** Changing a member's role or habilitation, removing a member, cancelling an invitation. */
import { z } from 'zod';
import { type Actor, type Role, roles } from '../../platform/auth/actor.ts';
import {
  mayChangeRole,
  mayClearActOnBehalf,
  mayRemoveMember,
  maySetActOnBehalf,
  roleMayActOnBehalf,
} from '../../platform/auth/grants.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { ForbiddenError, NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { checkbox, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { accountsPolicy, isManagerRole } from './policies.ts';
import {
  deleteMembership,
  findOrganisation,
  isUuid,
  type MemberView,
  membersOf,
  type OrganisationRecord,
  revokeInvitation,
  upsertMembership,
} from './repository.ts';

async function organisationFor(
  db: Queryable,
  actor: Actor | undefined,
  organisationId: string,
  rule: (actor: Actor, org: OrganisationRecord) => boolean = accountsPolicy.manageMembers,
  lock?: 'update',
) {
  const organisation = await findOrganisation(db, organisationId, lock ? { lock } : {});
  if (!organisation) throw new NotFoundError('Cette structure est introuvable.');
  authorize(actor, rule, organisation);
  return { organisation, actor };
}

/** Members' forms are open to their managers, and to whoever may habilitate the structure's helpers. */
const managesOrHabilitates = (actor: Actor, org: OrganisationRecord) =>
  accountsPolicy.manageMembers(actor, org) || accountsPolicy.habilitateHelpers(actor, org);

const NOT_YOURS = 'Vous ne pouvez pas donner ou retirer ce rôle : seul un administrateur de la plateforme le peut.';

/** The one rule of grants.ts for a change of role and of the habilitation flag. */
function assertMayChange(
  actor: Actor,
  organisation: OrganisationRecord,
  member: { role: Role; canActOnBehalf: boolean },
  to: { role: Role; canActOnBehalf: boolean },
): void {
  if (member.role !== to.role && !mayChangeRole(actor, organisation, member.role, to.role)) {
    throw new ForbiddenError(NOT_YOURS);
  }
  if (to.canActOnBehalf && !member.canActOnBehalf && !maySetActOnBehalf(actor, organisation)) {
    throw new ForbiddenError(
      "Seul un administrateur ou un coordinateur du territoire peut habiliter à agir pour le compte d'autrui.",
    );
  }
  if (!to.canActOnBehalf && member.canActOnBehalf && !mayClearActOnBehalf(actor, organisation)) {
    throw new ForbiddenError("Vous ne pouvez pas retirer l'habilitation de cette personne.");
  }
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
  const { organisation, actor } = await organisationFor(
    deps.db,
    actorOrUndefined,
    organisationId,
    managesOrHabilitates,
  );
  const data = parseInput(roleSchema, input);
  const to = { role: data.role, canActOnBehalf: data.canActOnBehalf && roleMayActOnBehalf(data.role) };
  const decide = (members: MemberView[], org: OrganisationRecord) => {
    const member = members.find((m) => m.userId === data.userId);
    if (!member) throw new NotFoundError('Cette personne ne fait pas partie de la structure.');
    assertMayChange(actor, org, member, to);
    const managers = members.filter((m) => isManagerRole(m.role));
    if (isManagerRole(member.role) && !isManagerRole(to.role) && managers.length === 1) {
      throw new RuleError('last_manager', 'La structure doit garder au moins un ou une responsable.');
    }
    return member;
  };
  decide(await membersOf(deps.db, organisation.id), organisation);
  await deps.db.transaction(async (tx) => {
    // Decide inside the write: the organisation locked, its members as they are now.
    const locked = await organisationFor(tx, actor, organisationId, managesOrHabilitates, 'update');
    const member = decide(await membersOf(tx, organisation.id), locked.organisation);
    await upsertMembership(tx, {
      userId: member.userId,
      organisationId: organisation.id,
      role: to.role,
      canActOnBehalf: to.canActOnBehalf,
    });
    await appendJournal(tx, deps.clock, {
      action: 'organisation.role_modifie',
      actorUserId: actor.userId,
      organisationId: organisation.id,
      targetType: 'utilisateur',
      targetId: member.userId,
      details: {
        avant: member.role,
        apres: to.role,
        habilite_avant: member.canActOnBehalf,
        habilite: to.canActOnBehalf,
      },
    });
  });
}

export async function removeMember(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actorOrUndefined: Actor | undefined,
  organisationId: string,
  userId: string,
): Promise<void> {
  const { organisation, actor } = await organisationFor(deps.db, actorOrUndefined, organisationId);
  const decide = (members: MemberView[], org: OrganisationRecord) => {
    const member = members.find((m) => m.userId === userId);
    if (!member) throw new NotFoundError('Cette personne ne fait pas partie de la structure.');
    if (!mayRemoveMember(actor, org, member.role)) throw new ForbiddenError(NOT_YOURS);
    if (isManagerRole(member.role) && members.filter((m) => isManagerRole(m.role)).length === 1) {
      throw new RuleError('last_manager', 'La structure doit garder au moins un ou une responsable.');
    }
    return member;
  };
  decide(await membersOf(deps.db, organisation.id), organisation);
  await deps.db.transaction(async (tx) => {
    const locked = await organisationFor(tx, actor, organisationId, accountsPolicy.manageMembers, 'update');
    const member = decide(await membersOf(tx, organisation.id), locked.organisation);
    await deleteMembership(tx, userId, organisation.id);
    await appendJournal(tx, deps.clock, {
      action: 'organisation.membre_retire',
      actorUserId: actor.userId,
      organisationId: organisation.id,
      targetType: 'utilisateur',
      targetId: userId,
      details: { role: member.role, habilite: member.canActOnBehalf },
    });
  });
}

export async function cancelInvitation(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actorOrUndefined: Actor | undefined,
  organisationId: string,
  invitationId: string,
): Promise<void> {
  const { organisation, actor } = await organisationFor(deps.db, actorOrUndefined, organisationId);
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
