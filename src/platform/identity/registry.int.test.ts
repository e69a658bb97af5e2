/**
 * The registry of relying parties (ADR 0023): each provider configured from the environment
 * and tested against a real local OpenID Connect provider (oidc-provider): ProConnect proves an
 * e-mail address, FranceConnect brings the identity pivot at level eidas1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalProvider, startOidcProvider } from '../../../test/support/oidc-provider.ts';
import { walkOidcProvider } from '../../../test/support/oidc-walk.ts';
import { testConfig } from '../../../test/support/test-app.ts';
import { FRANCECONNECT_CLAIMS, identityRegistryFromConfig } from './registry.ts';

const APP = 'http://localhost:3000';
let pro: LocalProvider;
let fc: LocalProvider;

beforeAll(async () => {
  pro = await startOidcProvider({ redirectUris: [`${APP}/connexion/proconnect/retour`] });
  fc = await startOidcProvider({ redirectUris: [`${APP}/franceconnect/retour`], flavour: 'franceconnect' });
});
afterAll(async () => {
  await pro?.close();
  await fc?.close();
});

function configWith(env: Record<string, string>) {
  return testConfig(env);
}

describe('identity registry', () => {
  it('holds no provider that is not configured', () => {
    expect(identityRegistryFromConfig(configWith({})).names()).toEqual([]);
  });

  it('signs a professional in with ProConnect: a verified e-mail address', async () => {
    const registry = identityRegistryFromConfig(
      configWith({
        OIDC_PRO_ISSUER: pro.issuer,
        OIDC_PRO_CLIENT_ID: pro.clientId,
        OIDC_PRO_CLIENT_SECRET: pro.clientSecret,
      }),
    );
    const party = registry.get('proconnect');
    expect(party?.label).toBe('ProConnect');
    const { url, checks } = await (party as NonNullable<typeof party>).start();
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    const back = await walkOidcProvider(url, 'aidante@exemple.fr', APP);
    expect(back.startsWith('/connexion/proconnect/retour?')).toBe(true);
    const claims = await (party as NonNullable<typeof party>).finish(new URL(back, APP), checks, [
      'email',
      'email_verified',
    ]);
    expect(claims.email).toBe('aidante@exemple.fr');
    expect(claims.email_verified).toBe(true);
  });

  it('identifies an usager with FranceConnect: the identity pivot asked at eidas1, state and nonce checked', async () => {
    const registry = identityRegistryFromConfig(
      configWith({
        OIDC_FC_ISSUER: fc.issuer,
        OIDC_FC_CLIENT_ID: fc.clientId,
        OIDC_FC_CLIENT_SECRET: fc.clientSecret,
        OIDC_FC_LABEL: 'FranceConnect',
      }),
    );
    expect(registry.get('proconnect')).toBeUndefined();
    const party = registry.get('franceconnect');
    if (!party) throw new Error('FranceConnect not registered');
    const { url, checks } = await party.start();
    const asked = new URL(url).searchParams;
    expect(asked.get('acr_values')).toBe('eidas1');
    expect(asked.get('prompt')).toBe('login');
    expect(asked.get('scope')?.split(' ').sort()).toEqual(['openid', ...FRANCECONNECT_CLAIMS].sort());
    const back = await walkOidcProvider(url, 'angela', APP);
    const claims = await party.finish(new URL(back, APP), checks, FRANCECONNECT_CLAIMS);
    expect(claims).toMatchObject({
      sub: 'angela',
      given_name: 'Angela Claire Louise',
      family_name: 'DUBOIS',
      birthdate: '1962-08-24',
      birthplace: '75107',
      birthcountry: '99100',
      gender: 'female',
      email: 'angela@exemple.fr',
    });

    // The same callback URL once more (a replayed code) or with another state is refused.
    await expect(party.finish(new URL(back, APP), checks, FRANCECONNECT_CLAIMS)).rejects.toThrow();
    const second = await party.start();
    const back2 = await walkOidcProvider(second.url, 'angela', APP);
    await expect(
      party.finish(new URL(back2, APP), { ...second.checks, state: 'un-autre-etat' }, FRANCECONNECT_CLAIMS),
    ).rejects.toThrow();
  });
});
