/** The pseudonymous person record made for an usager a structure had no person for (issue 16). */
import { describe, expect, it } from 'vitest';
import { personFactsOf } from './manage-mandates.ts';

describe('personFactsOf', () => {
  it('keeps initials and the birth year, and no residence since FranceConnect gives none', () => {
    expect(
      personFactsOf({ givenName: 'Angela Claire Louise', familyName: 'DUBOIS', birthdate: '1962-08-24' }, 2026),
    ).toEqual({
      displayName: 'A. D.',
      birthYear: 1962,
      residence: { kind: 'domiciliation' },
    });
  });

  it('takes accented initials whole and accepts a birthdate without day', () => {
    expect(personFactsOf({ givenName: ' élodie', familyName: 'Œuvray', birthdate: '1990-05-00' }, 2026)).toMatchObject({
      displayName: 'É. Œ.',
      birthYear: 1990,
    });
  });

  it('leaves out a birth year that is not plausible rather than refusing the mandate', () => {
    for (const birthdate of ['0000-00-00', '2099-01-01', '1850-01-01', 'inconnue'])
      expect(personFactsOf({ givenName: 'Jean', familyName: 'Martin', birthdate }, 2026)).not.toHaveProperty(
        'birthYear',
      );
  });
});
