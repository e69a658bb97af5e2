/**
 * The subject partners receive (pairwise, ADR 0032): its value is pinned, because partner services
 * keyed their accounts on it since the provider opened — moving to oidc-provider's
 * `pairwiseIdentifier` must not change it. And the rule keeping one registration on one host.
 */
import { describe, expect, it } from 'vitest';
import { partnerSubject } from './partner-provider.ts';
import { singleHost } from './partners.ts';

describe('partner subjects', () => {
  it('keeps the value partners already received (HMAC of client_id and person, per client)', () => {
    const person = '00000000-0000-4000-8000-000000000001';
    expect(partnerSubject('cle-de-test', 'caf-test', person)).toBe('3hIpfUhCjWyChGIKLqZKnBw0ZaX1d_Tdv5VbR7ykIMU');
    expect(partnerSubject('cle-de-test', 'impots-test', person)).not.toBe(
      partnerSubject('cle-de-test', 'caf-test', person),
    );
  });

  it('accepts the redirect URIs of one host only', () => {
    expect(singleHost(['https://a.exemple.fr/retour', 'https://a.exemple.fr/autre'])).toBe(true);
    expect(singleHost(['https://a.exemple.fr/retour', 'https://b.exemple.fr/retour'])).toBe(false);
    expect(singleHost(['https://a.exemple.fr/retour', 'https://a.exemple.fr:8443/retour'])).toBe(false);
  });
});
