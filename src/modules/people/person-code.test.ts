import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../platform/codes/check-code.ts';
import { displayPersonCode, personCodes } from './person-code.ts';

const payload = fc.array(fc.constantFrom(...CODE_ALPHABET), { minLength: 8, maxLength: 8 }).map((s) => s.join(''));

describe('person codes', () => {
  it('are 9 symbols shown as XXX-XXX-XXX, distinct in shape from voucher and slip codes', () => {
    const code = personCodes.generate();
    expect(code).toMatch(/^[2-9ACEFHJKMNPRTVXY]{9}$/);
    expect(displayPersonCode(code)).toMatch(
      /^[2-9ACEFHJKMNPRTVXY]{3}-[2-9ACEFHJKMNPRTVXY]{3}-[2-9ACEFHJKMNPRTVXY]{3}$/,
    );
    expect(personCodes.entropyBits()).toBeGreaterThan(36);
  });

  it('read back what they print, in lower case and with any separators', () => {
    fc.assert(
      fc.property(payload, (p) => {
        const code = p + personCodes.checkSymbol(p);
        const typed = displayPersonCode(code).toLowerCase().replace(/-/g, ' ');
        expect(personCodes.parse(typed)).toEqual({ ok: true, code });
      }),
    );
  });

  it('catch every single wrong character and every swap of two different characters', () => {
    fc.assert(
      fc.property(payload, fc.nat(8), fc.constantFrom(...CODE_ALPHABET), fc.nat(8), (p, i, symbol, j) => {
        const code = p + personCodes.checkSymbol(p);
        if (code[i] !== symbol) {
          const wrong = code.slice(0, i) + symbol + code.slice(i + 1);
          expect(personCodes.parse(wrong)).toMatchObject({ ok: false, reason: 'check' });
        }
        if (code[i] !== code[j]) {
          const chars = [...code];
          [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
          expect(personCodes.parse(chars.join(''))).toMatchObject({ ok: false, reason: 'check' });
        }
      }),
    );
  });

  it('explain a typo in French, naming the card', () => {
    const code = personCodes.generate();
    expect(personCodes.parse(code.slice(0, 8))).toMatchObject({
      ok: false,
      message: expect.stringContaining('Le code de la personne comporte 9 caractères'),
    });
    const last = code.charAt(8) === '2' ? '3' : '2';
    expect(personCodes.parse(code.slice(0, 8) + last)).toMatchObject({
      ok: false,
      message: expect.stringContaining('à la carte'),
    });
    expect(personCodes.parse(`O${code.slice(1)}`)).toMatchObject({ ok: false, reason: 'alphabet' });
  });
});
