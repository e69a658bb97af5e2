import { randomBytes } from 'node:crypto';

/**
 * Short codes that people type, read aloud or copy by hand, with a check symbol that catches
 * typos: voucher codes (Pass numérique), orientation slip codes, person codes. One scheme per
 * kind of code: its payload length and the words of its messages (« le code du chèque »).
 *
 * The reasoning below was written for voucher codes (9 random symbols + 1 check symbol); it
 * holds for every payload length up to 21 (weights must stay distinct and below 23).
 *
 * A code is printed on paper (next to a QR code), may be typed on a phone by a helper, or read
 * aloud over the phone. Canonical form: 10 symbols, 9 random ones then 1 check symbol, e.g.
 * `K7MC3PX4TF`; displayed in groups as `K7MC-3PX4-TF`.
 *
 * ALPHABET (23 symbols, a prime): `23456789ACEFHJKMNPRTVXY`.
 * Starting from digits and upper-case letters, we keep at most one symbol of each group that
 * people confuse in print, in handwriting (a helper copying a code) or when dictating in French:
 *   - 0 / O / D / Q   round shapes; none is kept (D also rhymes with « bé, cé, pé, té, vé »);
 *   - 1 / I / L       vertical strokes; none is kept (1 and I also mix up with J and 7);
 *   - 2 / Z, 5 / S, 8 / B, 6 / G   the digit is kept, the letter dropped;
 *   - U / V           V is kept (U also sounds like Q « ku » on the phone);
 *   - W               dropped: three syllables in French (« double vé ») and often typed « VV ».
 * That leaves 8 digits + 15 letters = 23, which is prime. The usual 31 symbols (all but 0, 1,
 * I, O and one more letter) would leave at least four of the pairs 5/S, 2/Z, 8/B, 6/G, U/V in
 * the alphabet, plus D, Q and L: for the same 10 characters we prefer 40.7 random bits (still
 * above the required 40) to 44.6 bits with look-alikes. Remaining phonetic neighbours (M / N,
 * C / P / T / V) are caught by the check symbol below and can be spelt « M comme Marcel ».
 *
 * LOOK-ALIKES TYPED BY USERS. A dropped letter whose only look-alike is a kept digit is silently
 * read as that symbol: S → 5, Z → 2, B → 8, G → 6, and U → V. This never changes a correctly
 * typed code (those letters never occur in a code), and a wrong guess is still caught by the
 * check symbol, since it amounts to a single substitution. Characters with no unique look-alike
 * (0, O, D, Q, 1, I, L, W, anything else) are rejected with a French message naming them.
 *
 * ENTROPY. 9 symbols drawn uniformly (rejection sampling over crypto.randomBytes) from 23:
 * 23^9 ≈ 1.8·10^12 ≥ 2^40, i.e. 9·log2(23) ≈ 40.7 bits; 8 symbols would give only 36.2. The
 * check symbol adds no secrecy. Uniqueness is not guaranteed here: store codes under a unique
 * constraint and draw again on conflict (after a million chèques, a fresh code collides with
 * probability ≈ 10^6 / 1.8·10^12 ≈ 6·10^-7). Guessing one of a million live codes still takes
 * ≈ 1.8 million tries on average, so the redemption endpoint must be rate-limited.
 *
 * CHECK SYMBOL. With p = 23, symbol values v_0 … v_9 (their index in the alphabet) and weights
 * w_i = 10 − i (10, 9, …, 2 for the payload, 1 for the check symbol), a code is valid iff
 * S = Σ w_i·v_i ≡ 0 (mod p); hence check = −Σ_{i<9} w_i·v_i mod p.
 * Proof of detection, using that Z/pZ is a field (no zero divisors) since p is prime:
 *   - substituting v_i by v_i' ≠ v_i changes S by w_i·(v_i' − v_i); both factors are non-zero
 *     mod p (1 ≤ w_i ≤ 10 < p, 0 < |v_i' − v_i| < p), so their product is too: S ≢ 0;
 *   - swapping v_i ≠ v_j (i < j) changes S by (w_i − w_j)·(v_j − v_i) = (j − i)·(v_j − v_i),
 *     non-zero since 0 < j − i ≤ 9 < p. Adjacent swaps (j = i + 1, factor 1) are therefore all
 *     caught, including with the check symbol itself — and so are swaps at any distance;
 *   - « twin » errors (aa → bb, e.g. « M, M » heard as « N, N ») change S by
 *     (w_i + w_{i+1})·(b − a) = (19 − 2i)·(b − a), and 3 ≤ 19 − 2i ≤ 19 < p: caught too.
 */

export const CODE_ALPHABET = '23456789ACEFHJKMNPRTVXY';

const P = CODE_ALPHABET.length;
/** Largest multiple of P not above 256: bytes below it map uniformly onto the alphabet. */
const ACCEPT_BELOW = 256 - (256 % P);
/** Guard against an injected random source that never yields acceptable bytes. */
const MAX_DRAWS = 64;

const VALUE = new Map<string, number>([...CODE_ALPHABET].map((symbol, value) => [symbol, value]));

/** Letters outside the alphabet whose single look-alike is in it; applied after upper-casing. */
const LOOK_ALIKES: ReadonlyMap<string, string> = new Map([
  ['S', '5'],
  ['Z', '2'],
  ['B', '8'],
  ['G', '6'],
  ['U', 'V'],
]);

/** Characters with no unique look-alike in the alphabet, and how to explain their absence. */
const NEVER_USED: ReadonlyArray<readonly [string, string]> = [
  ['0ODQ', 'les codes ne contiennent ni le chiffre 0, ni les lettres O, D et Q'],
  ['1IL', 'les codes ne contiennent ni le chiffre 1, ni les lettres I et L'],
  ['W', 'les codes ne contiennent pas la lettre W'],
];

/** Spaces (incl. non-breaking), invisible characters, dashes of all kinds, dots. */
const SEPARATORS = /[\s\u200b-\u200d\u2060.\u00b7\-\u2010-\u2015\u2212]/gu;

export type ParsedCode =
  | { ok: true; code: string }
  | { ok: false; reason: 'empty' | 'length' | 'alphabet' | 'check'; message: string };

export interface CodeWords {
  /** « Le code du chèque » — starts the length message. */
  theCode: string;
  /** « sur le chèque » — where the person reads the code. */
  where: string;
  /** « au chèque » — what to compare the typed code with. */
  compareWith: string;
}

export interface CodeScheme {
  readonly alphabet: string;
  readonly payloadLength: number;
  readonly length: number;
  /** The check symbol of a canonical payload (payloadLength alphabet symbols, upper case). */
  checkSymbol(payload: string): string;
  entropyBits(): number;
  /** A new code, canonical form (no separators). */
  generate(random?: (bytes: number) => Uint8Array): string;
  /** Canonical → grouped for display (`K7MC3PX4TF` → `K7MC-3PX4-TF`); throws on an invalid code. */
  format(canonical: string): string;
  /** Is this a valid canonical code (no separators, upper case, right check symbol)? */
  isCanonical(code: string): boolean;
  /** Reads a code as typed or dictated; says in French what is wrong. */
  parse(input: string): ParsedCode;
}

function characters(count: number): string {
  return `${count} caractère${count > 1 ? 's' : ''}`;
}

function ordinal(position: number): string {
  return position === 1 ? '1er' : `${position}e`;
}

export function createCodeScheme(options: { payloadLength: number; groupSize: number; words: CodeWords }): CodeScheme {
  const { payloadLength, groupSize, words } = options;
  const length = payloadLength + 1;
  if (payloadLength < 1 || length >= P) throw new RangeError('a code must have between 2 and 22 symbols');
  const pattern = Array.from({ length: Math.ceil(length / groupSize) }, (_, i) =>
    'X'.repeat(Math.min(groupSize, length - i * groupSize)),
  ).join('-');

  /** Weight of position i (0-based) in a full code: length, …, 1 — distinct, non-zero mod P. */
  const weight = (position: number) => length - position;
  const symbolValue = (symbol: string): number => {
    const value = VALUE.get(symbol);
    if (value === undefined) throw new RangeError(`"${symbol}" is not a code symbol`);
    return value;
  };
  const weightedSum = (symbols: string): number => {
    let sum = 0;
    for (let i = 0; i < symbols.length; i++) sum += weight(i) * symbolValue(symbols.charAt(i));
    return sum % P;
  };
  const isCanonical = (code: string) =>
    code.length === length && [...code].every((c) => VALUE.has(c)) && weightedSum(code) === 0;

  const checkSymbol = (payload: string): string => {
    if (payload.length !== payloadLength || ![...payload].every((c) => VALUE.has(c))) {
      throw new RangeError(`payload must be ${payloadLength} symbols of ${CODE_ALPHABET}, got "${payload}"`);
    }
    // The check symbol has weight 1, so it is minus the payload's weighted sum.
    return CODE_ALPHABET.charAt((P - weightedSum(payload)) % P);
  };

  const lengthMessage = (typed: number): string => {
    const gap = typed < length ? `il en manque ${length - typed}` : `il y en a ${typed - length} de trop`;
    return `${words.theCode} comporte ${characters(length)}, sans compter les tirets : vous en avez saisi ${typed}, ${gap}.`;
  };
  const alphabetMessage = (typed: string, position: number): string => {
    const upper = typed.toUpperCase();
    const explanation =
      NEVER_USED.find(([chars]) => chars.includes(upper))?.[1] ??
      'les codes ne contiennent que des chiffres de 2 à 9 et des lettres sans accent';
    return `Le ${ordinal(position)} caractère, « ${typed} », n'est jamais utilisé : ${explanation}. Vérifiez ce caractère ${words.where}.`;
  };

  return {
    alphabet: CODE_ALPHABET,
    payloadLength,
    length,
    checkSymbol,
    isCanonical,
    entropyBits: () => payloadLength * Math.log2(P),
    /** Each payload symbol is uniform: bytes at or above ACCEPT_BELOW are rejected, the others taken modulo 23. */
    generate(random = randomBytes) {
      let payload = '';
      for (let draw = 0; payload.length < payloadLength; draw++) {
        if (draw === MAX_DRAWS) throw new Error('the random source keeps returning unusable bytes');
        const wanted = payloadLength - payload.length;
        const bytes = random(wanted);
        if (!(bytes instanceof Uint8Array) || bytes.length < wanted) {
          throw new TypeError(`the random source must return at least ${wanted} bytes`);
        }
        for (const byte of bytes.subarray(0, wanted)) {
          if (byte < ACCEPT_BELOW) payload += CODE_ALPHABET.charAt(byte % P);
        }
      }
      return payload + checkSymbol(payload);
    },
    format(canonical) {
      if (!isCanonical(canonical)) throw new RangeError(`not a canonical code: "${canonical}"`);
      const groups: string[] = [];
      for (let i = 0; i < canonical.length; i += groupSize) groups.push(canonical.slice(i, i + groupSize));
      return groups.join('-');
    },
    /**
     * Ignores surrounding and inner spaces, dashes and dots, accepts lower case and full-width
     * characters, reads S, Z, B, G, U as 5, 2, 8, 6, V. Checks, in this order: something was
     * typed, the length, the alphabet, the check symbol.
     */
    parse(input) {
      const typed = [...input.normalize('NFKC').replace(SEPARATORS, '')];
      if (typed.length === 0) {
        return {
          ok: false,
          reason: 'empty',
          message: `Saisissez le code inscrit ${words.where} : ${characters(length)}, chiffres et lettres, au format ${pattern}.`,
        };
      }
      if (typed.length !== length) return { ok: false, reason: 'length', message: lengthMessage(typed.length) };
      let code = '';
      for (const [index, char] of typed.entries()) {
        const upper = char.toUpperCase();
        const symbol = VALUE.has(upper) ? upper : LOOK_ALIKES.get(upper);
        if (symbol === undefined) return { ok: false, reason: 'alphabet', message: alphabetMessage(char, index + 1) };
        code += symbol;
      }
      if (weightedSum(code) !== 0) {
        return {
          ok: false,
          reason: 'check',
          message: `Ce code contient une faute de frappe probable : vérifiez chaque caractère en le comparant ${words.compareWith}.`,
        };
      }
      return { ok: true, code };
    },
  };
}
