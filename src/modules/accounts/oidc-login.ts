/**
 * Sign-in of professionals through an OpenID Connect provider (ProConnect in production),
 * through the relying party of platform/identity (openid-client, PKCE, state and nonce checked).
 * The provider proves the e-mail address (email_verified must be true); the person must
 * already have an account here.
 */

import { RuleError } from '../../platform/http/errors.ts';
import type { AuthorizationChecks, RelyingParty } from '../../platform/identity/relying-party.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { findUserByEmail, normaliseEmail } from './repository.ts';

export type OidcChecks = AuthorizationChecks;

/** ProConnect sign-in on top of the registry's relying party (platform/identity, ADR 0023). */
export class OidcClient {
  constructor(private readonly party: RelyingParty) {}

  get label(): string {
    return this.party.label;
  }

  start(): Promise<{ url: string; checks: OidcChecks }> {
    return this.party.start();
  }

  /** The verified e-mail address of the person coming back from the provider. */
  async finish(currentUrl: URL, checks: OidcChecks): Promise<string> {
    // The address and its « verified » flag are read together, from one source.
    const claims = await this.party.finish(currentUrl, checks, ['email', 'email_verified']);
    if (typeof claims.email !== 'string')
      throw new RuleError('oidc_no_email', "Le fournisseur d'identité n'a pas transmis d'adresse e-mail.", 400);
    // An address the provider did not verify proves nothing: never link an account with it.
    if (claims.email_verified !== true) {
      throw new RuleError(
        'oidc_email_not_verified',
        "Le fournisseur d'identité n'a pas confirmé votre adresse e-mail : connectez-vous avec votre mot de passe.",
        403,
      );
    }
    return normaliseEmail(claims.email);
  }
}

export async function logInWithOidc(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  email: string,
  provider: string,
): Promise<{ userId: string; secondFactorEnrolled: boolean }> {
  const user = await findUserByEmail(deps.db, email);
  if (!user || user.disabledAt) {
    throw new RuleError(
      'oidc_unknown_account',
      `Aucun compte n'est associé à l'adresse ${email}. Demandez à votre structure de vous inviter avec cette adresse.`,
      403,
    );
  }
  await deps.db.transaction((tx) =>
    appendJournal(tx, deps.clock, {
      action: 'compte.connexion',
      actorUserId: user.id,
      targetType: 'utilisateur',
      targetId: user.id,
      details: { methode: 'oidc', fournisseur: provider },
    }),
  );
  return { userId: user.id, secondFactorEnrolled: user.totpEnabledAt !== null };
}
