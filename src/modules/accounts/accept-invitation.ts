import { z } from 'zod';
import type { Actor } from '../../platform/auth/actor.ts';
import { sha256 } from '../../platform/crypto.ts';
import { ForbiddenError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { parseInput, requiredText } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import {
  findInvitationByTokenHash,
  findOrganisation,
  findUserByEmail,
  type InvitationRecord,
  insertUser,
  markInvitationAccepted,
  upsertMembership,
} from './repository.ts';

export const INVITATION_INVALID =
  "Cette invitation n'est plus valable : elle a expiré, a été annulée ou a déjà servi. Demandez à la structure de vous en envoyer une nouvelle.";

export interface InvitationView {
  invitation: InvitationRecord;
  organisationName: string;
  /** An account already exists for the invited address. */
  accountExists: boolean;
}

export async function describeInvitation(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  token: string,
): Promise<InvitationView> {
  const invitation = token ? await findInvitationByTokenHash(deps.db, sha256(token)) : undefined;
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= deps.clock()) {
    throw new RuleError('invitation_invalid', INVITATION_INVALID, 410);
  }
  const organisation = await findOrganisation(deps.db, invitation.organisationId);
  if (!organisation) throw new RuleError('invitation_invalid', INVITATION_INVALID, 410);
  return {
    invitation,
    organisationName: organisation.name,
    accountExists: (await findUserByEmail(deps.db, invitation.email)) !== undefined,
  };
}

const newAccountSchema = z.object({
  jeton: z.string().min(1),
  displayName: requiredText(120),
  password: z.string({ message: 'Choisissez un mot de passe.' }).min(1, 'Choisissez un mot de passe.'),
  confirmation: z.string({ message: 'Confirmez le mot de passe.' }).min(1, 'Confirmez le mot de passe.'),
});

/** Creates the account of an invited person and adds them to the organisation. */
export async function acceptInvitationWithNewAccount(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  input: unknown,
): Promise<{ userId: string }> {
  const data = parseInput(newAccountSchema, input);
  const view = await describeInvitation(deps, data.jeton);
  if (view.accountExists) {
    throw new RuleError(
      'account_exists',
      'Un compte existe déjà pour cette adresse : connectez-vous pour accepter.',
      409,
    );
  }
  const problem = passwordProblem(data.password, view.invitation.email);
  if (problem) throw new ValidationError({ password: problem });
  if (data.password !== data.confirmation) {
    throw new ValidationError({ confirmation: 'Les deux mots de passe ne sont pas identiques.' });
  }
  const hash = await hashPassword(data.password);
  return deps.db.transaction(async (tx) => {
    if (!(await markInvitationAccepted(tx, view.invitation.id, deps.clock()))) {
      throw new RuleError('invitation_invalid', INVITATION_INVALID, 410);
    }
    const user = await insertUser(tx, {
      email: view.invitation.email,
      displayName: data.displayName,
      passwordHash: hash,
      isPlatformAdmin: false,
    });
    await upsertMembership(tx, {
      userId: user.id,
      organisationId: view.invitation.organisationId,
      role: view.invitation.role,
      canActOnBehalf: view.invitation.canActOnBehalf,
    });
    await appendJournal(tx, deps.clock, {
      action: 'organisation.invitation_acceptee',
      actorUserId: user.id,
      organisationId: view.invitation.organisationId,
      targetType: 'invitation',
      targetId: view.invitation.id,
      details: { role: view.invitation.role, nouveau_compte: true },
    });
    return { userId: user.id };
  });
}

/** Adds a signed-in person to the organisation they were invited to. */
export async function acceptInvitationAsMember(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actor: Actor,
  token: string,
): Promise<{ organisationId: string }> {
  const view = await describeInvitation(deps, token);
  if (view.invitation.email !== actor.email) {
    throw new ForbiddenError(
      `Cette invitation a été envoyée à une autre adresse. Connectez-vous avec le compte de l'adresse invitée.`,
    );
  }
  await deps.db.transaction(async (tx) => {
    if (!(await markInvitationAccepted(tx, view.invitation.id, deps.clock()))) {
      throw new RuleError('invitation_invalid', INVITATION_INVALID, 410);
    }
    await upsertMembership(tx, {
      userId: actor.userId,
      organisationId: view.invitation.organisationId,
      role: view.invitation.role,
      canActOnBehalf: view.invitation.canActOnBehalf,
    });
    await appendJournal(tx, deps.clock, {
      action: 'organisation.invitation_acceptee',
      actorUserId: actor.userId,
      organisationId: view.invitation.organisationId,
      targetType: 'invitation',
      targetId: view.invitation.id,
      details: { role: view.invitation.role, nouveau_compte: false },
    });
  });
  return { organisationId: view.invitation.organisationId };
}
