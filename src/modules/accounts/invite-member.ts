import { z } from 'zod';
import { type Actor, type Role, roles } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import { ConflictError, NotFoundError } from '../../platform/http/errors.ts';
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
  if (data.canActOnBehalf) authorize(actor, accountsPolicy.habilitateHelpers, organisation);
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
    const invitation = await insertInvitation(tx, {
      organisationId: organisation.id,
      email: data.email,
      role,
      canActOnBehalf: data.canActOnBehalf && role === 'aidant',
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
