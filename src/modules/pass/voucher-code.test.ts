import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  checkSymbol,
  entropyBits,
  formatVoucherCode,
  generateVoucherCode,
  PAYLOAD_LENGTH,
  parseVoucherCode,
} from './voucher-code.ts';

const ALPHABET = [...CODE_ALPHABET];

/** Valid canonical codes: a uniform payload followed by its check symbol. */
const validCode = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: PAYLOAD_LENGTH, maxLength: PAYLOAD_LENGTH })
  .map((symbols) => symbols.join(''))
  .map((payload) => payload + checkSymbol(payload));

function reasonOf(input: string): string {
  const parsed = parseVoucherCode(input);
  return parsed.ok ? 'ok' : parsed.reason;
}

function messageOf(input: string): string {
  const parsed = parseVoucherCode(input);
  if (parsed.ok) throw new Error(`expected "${input}" to be rejected`);
  return parsed.message;
}

function replaceAt(code: string, index: number, symbol: string): string {
  return code.slice(0, index) + symbol + code.slice(index + 1);
}

function swap(code: string, i: number, j: number): string {
  const chars = [...code];
  [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  return chars.join('');
}

/** A random source serving the given bytes in order, recording how many bytes were asked for. */
function byteStream(bytes: readonly number[]): { random: (count: number) => Uint8Array; requests: number[] } {
  let next = 0;
  const requests: number[] = [];
  const random = (count: number) => {
    requests.push(count);
    const out = Uint8Array.from(bytes.slice(next, next + count));
    next += count;
    if (out.length < count) throw new Error('byte stream exhausted');
    return out;
  };
  return { random, requests };
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

describe('alphabet and entropy', () => {
  it('is a prime number of distinct, unambiguous upper-case symbols', () => {
    expect(ALPHABET.length).toBe(23);
    expect(isPrime(ALPHABET.length)).toBe(true);
    expect(new Set(ALPHABET).size).toBe(ALPHABET.length);
    expect(CODE_ALPHABET).toMatch(/^[2-9A-Z]+$/);
    for (const lookAlike of '01ODQILZSBGUW') expect(CODE_ALPHABET).not.toContain(lookAlike);
  });

  it('draws at least 40 random bits, with the shortest payload that does', () => {
    const p = BigInt(ALPHABET.length);
    expect(p ** BigInt(PAYLOAD_LENGTH) >= 2n ** 40n).toBe(true);
    expect(p ** BigInt(PAYLOAD_LENGTH - 1) < 2n ** 40n).toBe(true);
    expect(entropyBits()).toBeGreaterThanOrEqual(40);
    expect(entropyBits()).toBeCloseTo(PAYLOAD_LENGTH * Math.log2(ALPHABET.length), 12);
    expect(CODE_LENGTH).toBe(PAYLOAD_LENGTH + 1);
  });
});

describe('check symbol', () => {
  it('matches hand-computed values', () => {
    // All-zero payload: the weighted sum is 0, so is the check.
    expect(checkSymbol('222222222')).toBe('2');
    // K7MC3PX4T = 14,5,15,9,1,17,21,2,19; weights 10..2 give 587 ≡ 12 (mod 23); −12 ≡ 11 → F.
    expect(checkSymbol('K7MC3PX4T')).toBe('F');
  });

  it('rejects payloads of the wrong length or outside the alphabet', () => {
    expect(() => checkSymbol('K7MC3PX4')).toThrow(RangeError);
    expect(() => checkSymbol('K7MC3PX4TF')).toThrow(RangeError);
    expect(() => checkSymbol('K7MC3PX4O')).toThrow(RangeError);
    expect(() => checkSymbol('k7mc3px4t')).toThrow(RangeError);
  });

  it('detects EVERY single wrong symbol and EVERY swap of two adjacent different symbols', () => {
    fc.assert(
      fc.property(validCode, (code) => {
        expect(reasonOf(code)).toBe('ok');
        const undetected: string[] = [];
        for (let i = 0; i < CODE_LENGTH; i++) {
          for (const other of ALPHABET) {
            if (other === code[i]) continue;
            const typo = replaceAt(code, i, other);
            if (reasonOf(typo) !== 'check') undetected.push(`${code} → ${typo} (position ${i})`);
          }
        }
        for (let i = 0; i + 1 < CODE_LENGTH; i++) {
          if (code[i] === code[i + 1]) continue;
          const typo = swap(code, i, i + 1);
          if (reasonOf(typo) !== 'check') undetected.push(`${code} → ${typo} (swap ${i}, ${i + 1})`);
        }
        expect(undetected).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('also detects swaps at any distance and twin errors (aa → bb)', () => {
    fc.assert(
      fc.property(validCode, (code) => {
        const undetected: string[] = [];
        for (let i = 0; i < CODE_LENGTH; i++) {
          for (let j = i + 2; j < CODE_LENGTH; j++) {
            const typo = swap(code, i, j);
            if (code[i] !== code[j] && reasonOf(typo) !== 'check') undetected.push(`${code} → ${typo}`);
          }
        }
        for (let i = 0; i + 1 < CODE_LENGTH; i++) {
          if (code[i] !== code[i + 1]) continue;
          for (const other of ALPHABET) {
            const typo = code.slice(0, i) + other + other + code.slice(i + 2);
            if (other !== code[i] && reasonOf(typo) !== 'check') undetected.push(`${code} → ${typo}`);
          }
        }
        expect(undetected).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('generation', () => {
  it('produces valid canonical codes with the default CSPRNG', () => {
    const codes = Array.from({ length: 1000 }, () => generateVoucherCode());
    const shape = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
    for (const code of codes) {
      expect(code).toMatch(shape);
      expect(parseVoucherCode(code)).toEqual({ ok: true, code });
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('uses every symbol at every position (uniformity sanity check)', () => {
    // A given symbol is missing from a given position after 3,000 draws with probability (22/23)^3000 ≈ 10^-58.
    const codes = Array.from({ length: 3000 }, () => generateVoucherCode());
    for (let i = 0; i < CODE_LENGTH; i++) {
      expect(new Set(codes.map((code) => code[i])), `position ${i}`).toEqual(new Set(ALPHABET));
    }
  });

  it('maps accepted bytes onto the alphabet exactly uniformly and rejects the rest', () => {
    const counts = new Map<string, number>();
    for (let byte = 0; byte < 256; byte++) {
      // The byte under test first, then zeros (symbol '2') to complete the payload if it is rejected.
      const { random } = byteStream([byte, ...Array<number>(2 * PAYLOAD_LENGTH).fill(0)]);
      const first = generateVoucherCode(random).charAt(0);
      if (byte < 253) counts.set(first, (counts.get(first) ?? 0) + 1);
      else expect(first, `byte ${byte} must be rejected`).toBe('2');
    }
    expect([...counts.keys()].sort()).toEqual([...ALPHABET].sort());
    for (const [symbol, count] of counts) expect(count, symbol).toBe(11); // 253 = 11 × 23
  });

  it('is deterministic with an injected random source', () => {
    const bytes = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    expect(generateVoucherCode(byteStream(bytes).random)).toBe(`23456789A${checkSymbol('23456789A')}`);
    expect(generateVoucherCode(byteStream(bytes).random)).toBe(generateVoucherCode(byteStream(bytes).random));
    // 23 + 14 = 37 ≡ 14 (mod 23): same symbol K.
    expect(generateVoucherCode(byteStream(Array(PAYLOAD_LENGTH).fill(37)).random)).toBe(
      `KKKKKKKKK${checkSymbol('KKKKKKKKK')}`,
    );
  });

  it('asks again for exactly the bytes it rejected', () => {
    const { random, requests } = byteStream([255, 0, 253, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(generateVoucherCode(random)).toBe(`23456789A${checkSymbol('23456789A')}`);
    expect(requests).toEqual([9, 2]);
  });

  it('fails loudly on a broken random source', () => {
    expect(() => generateVoucherCode(() => new Uint8Array(PAYLOAD_LENGTH).fill(255))).toThrow(/random source/);
    expect(() => generateVoucherCode(() => new Uint8Array(3))).toThrow(TypeError);
  });
});

describe('formatting and parsing', () => {
  it('groups the code by four, check symbol last', () => {
    expect(formatVoucherCode('K7MC3PX4TF')).toBe('K7MC-3PX4-TF');
    expect(formatVoucherCode('2222222222')).toBe('2222-2222-22');
  });

  it('refuses to format anything but a valid canonical code', () => {
    expect(() => formatVoucherCode('K7MC3PX4TP')).toThrow(RangeError); // wrong check
    expect(() => formatVoucherCode('k7mc3px4tf')).toThrow(RangeError);
    expect(() => formatVoucherCode('K7MC-3PX4-TF')).toThrow(RangeError);
    expect(() => formatVoucherCode('K7MC3PX4')).toThrow(RangeError);
  });

  it('reads back formatted, lower-cased, spaced, dashed or dotted codes', () => {
    const separator = fc.constantFrom(' ', '  ', '-', ' - ', '.', '\u00a0', '\u202f', '\u2013', '\u2011', '\t');
    fc.assert(
      fc.property(
        validCode,
        fc.array(fc.option(separator, { nil: '' }), { minLength: CODE_LENGTH, maxLength: CODE_LENGTH }),
        fc.boolean(),
        (code, separators, lower) => {
          const expected = { ok: true, code };
          expect(parseVoucherCode(formatVoucherCode(code))).toEqual(expected);
          expect(parseVoucherCode(formatVoucherCode(code).toLowerCase())).toEqual(expected);
          expect(parseVoucherCode(`  ${formatVoucherCode(code)}\n`)).toEqual(expected);
          const typed = [...code].map((char, i) => char + (separators[i] ?? '')).join('');
          expect(parseVoucherCode(lower ? typed.toLowerCase() : typed)).toEqual(expected);
        },
      ),
    );
    expect(parseVoucherCode(' k7mc 3px4 tf ')).toEqual({ ok: true, code: 'K7MC3PX4TF' });
    expect(parseVoucherCode('K7MC.3PX4.TF')).toEqual({ ok: true, code: 'K7MC3PX4TF' });
    expect(parseVoucherCode('Ｋ７ＭＣ－３ＰＸ４－ＴＦ')).toEqual({ ok: true, code: 'K7MC3PX4TF' }); // full width
  });

  it('never throws, and only accepts canonical codes, whatever is typed', () => {
    const anyCharacter = fc.oneof(
      fc.constantFrom(...ALPHABET, ...'szbguoO01lI -.'),
      fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)),
    );
    fc.assert(
      fc.property(fc.string({ unit: anyCharacter, maxLength: 14 }), (input) => {
        const parsed = parseVoucherCode(input);
        if (parsed.ok) expect(formatVoucherCode(parsed.code)).toHaveLength(CODE_LENGTH + 2);
        else expect(parsed.message.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('look-alike characters', () => {
  // Payload chosen to contain every symbol that has a mapped look-alike: 5, 2, 8, 6, V.
  const code = `5286V3479${checkSymbol('5286V3479')}`;

  it('reads S, Z, B, G and U as 5, 2, 8, 6 and V', () => {
    expect(parseVoucherCode(`SZBGU3479${code.charAt(9)}`)).toEqual({ ok: true, code });
    expect(parseVoucherCode(`szbgu-3479-${code.charAt(9)}`)).toEqual({ ok: true, code });
    expect(parseVoucherCode(`5Z8G V347 9${code.charAt(9)}`)).toEqual({ ok: true, code });
  });

  it('still catches a look-alike typed in place of another symbol', () => {
    // S stands for 5; typed where the code has 3, it is a single substitution.
    expect(reasonOf(`5286VS479${code.charAt(9)}`)).toBe('check');
  });

  it('rejects characters that are never used, naming them, in French', () => {
    for (const char of '0ODQoq1ILil') {
      const typed = replaceAt(code, 4, char);
      expect(reasonOf(typed), char).toBe('alphabet');
      expect(messageOf(typed)).toContain(`« ${char} »`);
      expect(messageOf(typed)).toContain('Vérifiez ce caractère sur le chèque');
    }
    expect(messageOf(replaceAt(code, 0, 'O'))).toBe(
      "Le 1er caractère, « O », n'est jamais utilisé : les codes ne contiennent ni le chiffre 0, ni les lettres O, D et Q. Vérifiez ce caractère sur le chèque.",
    );
    expect(messageOf(replaceAt(code, 2, 'l'))).toBe(
      "Le 3e caractère, « l », n'est jamais utilisé : les codes ne contiennent ni le chiffre 1, ni les lettres I et L. Vérifiez ce caractère sur le chèque.",
    );
    expect(messageOf(replaceAt(code, 5, 'W'))).toContain('pas la lettre W');
    expect(messageOf(replaceAt(code, 5, 'É'))).toContain('que des chiffres de 2 à 9 et des lettres sans accent');
    expect(messageOf(replaceAt(code, 5, '#'))).toContain('Le 6e caractère, « # »');
  });
});

describe('messages for the helper, in French', () => {
  it('asks for a code when nothing was typed', () => {
    for (const input of ['', '   ', ' - . - ']) {
      expect(reasonOf(input)).toBe('empty');
      expect(messageOf(input)).toBe(
        'Saisissez le code inscrit sur le chèque : 10 caractères, chiffres et lettres, au format XXXX-XXXX-XX.',
      );
    }
  });

  it('says how many characters are expected, and how many are missing or extra', () => {
    expect(reasonOf('K7MC-3PX4-T')).toBe('length');
    expect(messageOf('K7MC-3PX4-T')).toBe(
      'Le code du chèque comporte 10 caractères, sans compter les tirets : vous en avez saisi 9, il en manque 1.',
    );
    expect(messageOf('K7MC-3P')).toContain('vous en avez saisi 6, il en manque 4.');
    expect(messageOf('K7MC-3PX4-TFF')).toBe(
      'Le code du chèque comporte 10 caractères, sans compter les tirets : vous en avez saisi 11, il y en a 1 de trop.',
    );
    expect(messageOf('PASS-K7MC-3PX4-TF')).toContain('il y en a 4 de trop');
  });

  it('flags a probable typo when the check symbol does not match', () => {
    expect(reasonOf('K7MC-3PX4-TP')).toBe('check');
    expect(messageOf('K7MC-3PX4-TP')).toBe(
      'Ce code contient une faute de frappe probable : vérifiez chaque caractère en le comparant au chèque.',
    );
  });
});
