/**
 * The registry of OpenID Connect relying parties (ADR 0023): one per identity provider the
 * app signs people in with — ProConnect for professionals, FranceConnect for usagers — each
 * configured from the environment (README « Configuration »). Modules ask the registry for a
 * provider by name; an unconfigured provider is absent and its buttons are not shown.
 */
import type { Config } from '../../config.ts';
import { isLoopbackIssuer, RelyingParty } from './relying-party.ts';

export type ProviderName = 'proconnect' | 'franceconnect';

/** The identity claims FranceConnect's « identité pivot » carries, and all a mandate may keep. */
export const FRANCECONNECT_CLAIMS = [
  'given_name',
  'family_name',
  'birthdate',
  'gender',
  'birthplace',
  'birthcountry',
  'email',
] as const;

export class IdentityRegistry {
  private readonly parties = new Map<ProviderName, RelyingParty>();

  register(party: RelyingParty): void {
    this.parties.set(party.name as ProviderName, party);
  }

  get(name: ProviderName): RelyingParty | undefined {
    return this.parties.get(name);
  }

  names(): ProviderName[] {
    return [...this.parties.keys()];
  }
}

/** Callback paths: fixed, so that they can be registered at each provider once. */
export const CALLBACK_PATHS: Record<ProviderName, string> = {
  proconnect: '/connexion/proconnect/retour',
  franceconnect: '/franceconnect/retour',
};

export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  label: string;
  idTokenAlg?: string;
}

function allowHttp(config: Config, issuer: string): boolean {
  return config.env !== 'production' && isLoopbackIssuer(issuer);
}

export function proConnectParty(config: Config, p: ProviderSettings): RelyingParty {
  return new RelyingParty({
    name: 'proconnect',
    label: p.label,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    redirectUri: `${config.publicUrl}${CALLBACK_PATHS.proconnect}`,
    scope: 'openid email given_name usual_name',
    extraParams: {
      claims: JSON.stringify({
        id_token: { email: { essential: true }, email_verified: { essential: true } },
        userinfo: { email: { essential: true }, email_verified: { essential: true } },
      }),
    },
    allowHttp: allowHttp(config, p.issuer),
  });
}

export function franceConnectParty(config: Config, p: ProviderSettings): RelyingParty {
  return new RelyingParty({
    name: 'franceconnect',
    label: p.label,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    redirectUri: `${config.publicUrl}${CALLBACK_PATHS.franceconnect}`,
    // FranceConnect v2 scopes: the identity pivot and the e-mail address, nothing more.
    scope: `openid ${FRANCECONNECT_CLAIMS.join(' ')}`,
    // eidas1: the level FranceConnect grants; `login`: a fresh authentication on a shared device.
    extraParams: { acr_values: 'eidas1', prompt: 'login' },
    allowHttp: allowHttp(config, p.issuer),
    ...(p.idTokenAlg ? { idTokenAlg: p.idTokenAlg } : {}),
  });
}

/**
 * The registry as configured. `franceConnect` overrides the environment (the development
 * provider the app mounts itself, see modules/mandates).
 */
export function identityRegistryFromConfig(config: Config, franceConnect?: ProviderSettings): IdentityRegistry {
  const registry = new IdentityRegistry();
  if (config.oidcPro) registry.register(proConnectParty(config, config.oidcPro));
  const fc = config.oidcUsager ?? franceConnect;
  if (fc) registry.register(franceConnectParty(config, fc));
  return registry;
}
