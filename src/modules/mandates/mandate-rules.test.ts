import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activeFamilies,
  checkSignedReference,
  expiryOf,
  identityFromClaims,
  initialsOf,
  isRenewable,
  newReference,
  signedReference,
  subjectHash,
} from './mandate-rules.ts';

const KEY = 'cle-de-test-0123456789-abcdefghijklmnop';
const DAY = 86_400_000;
const now = new Date('2026-11-10T09:00:00Z');

describe('mandate rules', () => {
  it('signs references: a forged or altered one is refused', () => {
    const ref = newReference();
    const signed = signedReference(KEY, ref);
    expect(checkSignedReference(KEY, signed)).toBe(ref);
    expect(checkSignedReference(KEY, signed.toLowerCase())).toBe(ref);
    expect(checkSignedReference('une-autre-cle-0123456789-abcdefghijkl', signed)).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(checkSignedReference(KEY, s)).toBeUndefined();
      }),
    );
    // Any single changed character breaks it.
    const chars = signed.split('');
    for (let i = 0; i < chars.length; i++) {
      if (chars[i] === '-') continue;
      const altered = [...chars];
      altered[i] = chars[i] === 'A' ? 'B' : 'A';
      expect(checkSignedReference(KEY, altered.join(''))).toBeUndefined();
    }
  });

  it('keeps only the listed claims and accepts unknown birth days', () => {
    const identity = identityFromClaims({
      sub: 'x',
      given_name: 'Angela',
      family_name: 'DUBOIS',
      birthdate: '1962-08-00',
      gender: 'female',
      birthplace: '75107',
      birthcountry: '99100',
      email: 'a@exemple.fr',
      address: { formatted: '1 rue' },
      phone_number: '0600000000',
      preferred_username: 'X',
    });
    expect(identity).toEqual({
      givenName: 'Angela',
      familyName: 'DUBOIS',
      birthdate: '1962-08-00',
      gender: 'female',
      birthplace: '75107',
      birthcountry: '99100',
      email: 'a@exemple.fr',
    });
    expect(identityFromClaims({ given_name: 'A', family_name: 'B', birthdate: '1962-13-01' })).toBeUndefined();
    expect(identityFromClaims({ given_name: 'A', family_name: 'B', birthdate: '1962-00-05' })).toBeUndefined();
    expect(identityFromClaims({ given_name: 'A', family_name: 'B', birthdate: '1962-00-00' })?.birthdate).toBe(
      '1962-00-00',
    );
  });

  it('hashes the subject with the key, per issuer', () => {
    expect(subjectHash(KEY, 'https://fc', 'abc')).toBe(subjectHash(KEY, 'https://fc', 'abc'));
    expect(subjectHash(KEY, 'https://fc', 'abc')).not.toBe(subjectHash(KEY, 'https://autre', 'abc'));
    expect(subjectHash(KEY, 'https://fc', 'abc')).not.toContain('abc');
  });

  it('renews a mandate not revoked and expired less than 365 days ago only', () => {
    const base = { revokedAt: null, authorisations: [{ family: 'social', revokedAt: null }] };
    expect(isRenewable({ ...base, expiresAt: new Date(now.getTime() + DAY) }, now)).toBe(true);
    expect(isRenewable({ ...base, expiresAt: new Date(now.getTime() - 364 * DAY) }, now)).toBe(true);
    expect(isRenewable({ ...base, expiresAt: new Date(now.getTime() - 366 * DAY) }, now)).toBe(false);
    expect(isRenewable({ ...base, revokedAt: now, expiresAt: new Date(now.getTime() + DAY) }, now)).toBe(false);
    expect(
      isRenewable(
        {
          revokedAt: null,
          authorisations: [{ family: 'social', revokedAt: now }],
          expiresAt: new Date(now.getTime() + DAY),
        },
        now,
      ),
    ).toBe(false);
  });

  it('uses only the families neither revoked nor expired', () => {
    const m = {
      revokedAt: null,
      expiresAt: expiryOf('mois', now),
      authorisations: [
        { family: 'social', revokedAt: null },
        { family: 'logement', revokedAt: now },
      ],
    };
    expect(activeFamilies(m, now)).toEqual(['social']);
    expect(activeFamilies(m, new Date(now.getTime() + 32 * DAY))).toEqual([]);
    expect(expiryOf('annee', now).getTime() - now.getTime()).toBe(365 * DAY);
  });

  it('shows initials only', () => {
    expect(initialsOf('Élodie Claire', 'DUBOIS')).toBe('E. D.');
  });
});
