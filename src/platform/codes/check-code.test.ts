import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, createCodeScheme } from './check-code.ts';

/** An 8-symbol code like an orientation slip's, XXXX-XXXX. */
const slips = createCodeScheme({
  payloadLength: 7,
  groupSize: 4,
  words: { theCode: 'Le code de la fiche', where: 'sur la fiche', compareWith: 'à la fiche' },
});
const validSlip = fc
  .array(fc.constantFrom(...CODE_ALPHABET), { minLength: 7, maxLength: 7 })
  .map((s) => s.join(''))
  .map((payload) => payload + slips.checkSymbol(payload));

describe('check codes of any length', () => {
  it('formats an 8-symbol code as XXXX-XXXX and reads it back', () => {
    fc.assert(
      fc.property(validSlip, (code) => {
        expect(slips.format(code)).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        expect(slips.parse(slips.format(code).toLowerCase())).toEqual({ ok: true, code });
      }),
    );
  });

  it('catches every single substitution and every swap of two different symbols', () => {
    fc.assert(
      fc.property(validSlip, fc.nat(7), fc.nat(7), fc.constantFrom(...CODE_ALPHABET), (code, i, j, s) => {
        if (code[i] !== s) expect(slips.parse(code.slice(0, i) + s + code.slice(i + 1)).ok).toBe(false);
        if (i !== j && code[i] !== code[j]) {
          const c = [...code];
          [c[i], c[j]] = [c[j] as string, c[i] as string];
          expect(slips.parse(c.join('')).ok).toBe(false);
        }
      }),
    );
  });

  it('speaks of the right paper in its messages', () => {
    const parsed = slips.parse('ABC');
    expect(parsed.ok === false && parsed.message).toBe(
      'Le code de la fiche comporte 8 caractères, sans compter les tirets : vous en avez saisi 3, il en manque 5.',
    );
    const empty = slips.parse(' ');
    expect(empty.ok === false && empty.message).toContain('au format XXXX-XXXX');
    const generated = slips.generate();
    const typo = generated.slice(0, 7) + (generated[7] === '2' ? '3' : '2');
    const wrong = slips.parse(typo);
    expect(wrong.ok === false && wrong.message).toContain('en le comparant à la fiche');
  });
});
