import { z } from 'zod';
import { type Actor, type Role, roles } from '../../platform/auth/actor.ts';
import { type GrantTarget, mayGrantRole, maySetActOnBehalf, roleMayActOnBehalf } from '../../platform/auth/grants.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/http/errors.ts';
import { checkbox, email, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { enqueue } from '../../platform/outbox/outbox.ts';
import { type AccountsDeps, INVITATION_DAYS } from './deps.ts';
import { invitationMail } from './mails.ts';
import { accountsPolicy } from './policies.ts';
import { findOrganisation, findUserByEmail, insertInvitation, membershipsOf } from './repository.ts';

export const inviteSchema = z.object({
  email: email(),
  role: z.enum(roles, { message: 'Choisissez un rôle.' }),
  canActOnBehalf: checkbox(),
});

/** The one rule of grants.ts, for an invitation: the role, and the flag when it is asked for. */
export function assertMayGrant(actor: Actor, organisation: GrantTarget, role: Role, canActOnBehalf: boolean): void {
  if (!mayGrantRole(actor, organisation, role)) {
    throw new ForbiddenError('Vous ne pouvez pas donner ce rôle : seul un administrateur de la plateforme le peut.');
  }
  if (canActOnBehalf && roleMayActOnBehalf(role) && !maySetActOnBehalf(actor, organisation)) {
    throw new ForbiddenError(
      "Seul un administrateur ou un coordinateur du territoire peut habiliter à agir pour le compte d'autrui.",
    );
  }
}

/** Sends a single-use invitation link to join the organisation with a role. */
export async function inviteMember(
  deps: AccountsDeps,
  actor: Actor | undefined,
  organisationId: string,
  input: unknown,
): Promise<{ invitationId: string }> {
  const organisation = await findOrganisation(deps.db, organisationId);
  if (!organisation) throw new NotFoundError('Cette structure est introuvable.');
  authorize(actor, accountsPolicy.manageMembers, organisation);
  const data = parseInput(inviteSchema, input);
  assertMayGrant(actor, organisation, data.role, data.canActOnBehalf);
  const existing = await findUserByEmail(deps.db, data.email);
  if (existing && (await membershipsOf(deps.db, existing.id)).some((m) => m.organisationId === organisation.id)) {
    throw new ConflictError('already_member', 'Cette personne fait déjà partie de la structure.', {
      email: 'Cette adresse est déjà celle d’un membre de la structure.',
    });
  }
  const token = randomToken();
  const now = deps.clock();
  const role: Role = data.role;
  return deps.db.transaction(async (tx) => {
    // Decide inside the write: the organisation (and its territory) as it is now.
    const locked = await findOrganisation(tx, organisation.id, { lock: 'share' });
    if (!locked) throw new NotFoundError('Cette structure est introuvable.');
    assertMayGrant(actor, locked, role, data.canActOnBehalf);
    const invitation = await insertInvitation(tx, {
      organisationId: organisation.id,
      email: data.email,
      role,
      canActOnBehalf: data.canActOnBehalf && roleMayActOnBehalf(role),
      tokenHash: sha256(token),
      invitedBy: actor.userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
    });
    await appendJournal(tx, deps.clock, {
      action: 'organisation.invitation_envoyee',
      actorUserId: actor.userId,
      organisationId: organisation.id,
      targetType: 'invitation',
      targetId: invitation.id,
      details: { role, habilite: invitation.canActOnBehalf },
    });
    const link = `${deps.publicUrl}/invitation?jeton=${token}`;
    await enqueue(tx, 'mail', {
      ...invitationMail(data.email, link, {
        operatorName: deps.operatorName,
        organisationName: organisation.name,
        role,
        inviterName: actor.displayName,
        days: INVITATION_DAYS,
      }),
    });
    return { invitationId: invitation.id };
  });
}
