/** The texts of the module's e-mails: short, plain French, the link on its own line. */
import { type Role, roleLabels } from '../../platform/auth/actor.ts';
import type { MailMessage } from '../../platform/mail/mailer.ts';

export function passwordResetMail(to: string, link: string, operatorName: string, minutes: number): MailMessage {
  return {
    to,
    subject: `${operatorName} : choisir un nouveau mot de passe`,
    text: [
      'Bonjour,',
      '',
      `Vous avez demandé à choisir un nouveau mot de passe pour votre compte ${operatorName}.`,
      'Ouvrez ce lien pour le faire :',
      '',
      link,
      '',
      `Ce lien ne fonctionne qu'une fois et pendant ${minutes} minutes.`,
      "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
    ].join('\n'),
  };
}

export function invitationMail(
  to: string,
  link: string,
  input: { operatorName: string; organisationName: string; role: Role; inviterName: string; days: number },
): MailMessage {
  return {
    to,
    subject: `${input.operatorName} : invitation à rejoindre ${input.organisationName}`,
    text: [
      'Bonjour,',
      '',
      `${input.inviterName} vous invite à rejoindre « ${input.organisationName} » sur ${input.operatorName}`,
      `avec le rôle : ${roleLabels[input.role]}.`,
      '',
      "Pour accepter l'invitation, ouvrez ce lien :",
      '',
      link,
      '',
      `Ce lien ne fonctionne qu'une fois et pendant ${input.days} jours.`,
      'Si vous ne connaissez pas cette structure, ignorez ce message.',
    ].join('\n'),
  };
}
