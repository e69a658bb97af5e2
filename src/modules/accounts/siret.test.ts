import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidSiret, siretProblem } from './siret.ts';

describe('SIRET', () => {
  it('accepts real SIRET numbers, with spaces', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
    expect(isValidSiret('732 829 320 00074')).toBe(true);
    expect(isValidSiret('35600000000010')).toBe(true); // La Poste: digits sum to a multiple of 5
  });

  it('explains what is wrong', () => {
    expect(siretProblem('7328293200007')).toBe('Le SIRET compte 14 chiffres (vous en avez saisi 13).');
    expect(siretProblem('7328293200007A')).toBe('Le SIRET ne doit contenir que des chiffres.');
    expect(siretProblem('73282932000075')).toContain("Ce SIRET n'existe pas");
  });

  it('detects any single wrong digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const valid = '73282932000074';
        const digit = (Number(valid[pos]) + delta) % 10;
        const changed = valid.slice(0, pos) + digit + valid.slice(pos + 1);
        expect(isValidSiret(changed)).toBe(false);
      }),
    );
  });
});
