import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pdfSafeText } from './pdf.ts';

/** WinAnsiEncoding: Latin-1 except 0x80–0x9F. */
const WIN_ANSI_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
function decodeWinAnsi(bytes: Uint8Array): string {
  return Array.from(bytes, (b) =>
    b >= 0x80 && b < 0xa0 ? WIN_ANSI_80_9F.charAt(b - 0x80) : String.fromCharCode(b),
  ).join('');
}

describe('pdfSafeText', () => {
  it('turns curly quotes and special spaces into WinAnsi characters', () => {
    expect(pdfSafeText('L’aide « gratuite »')).toBe("L'aide « gratuite »");
    expect(pdfSafeText('“Bonjour” ‘toi’')).toBe('"Bonjour" \'toi\'');
    expect(pdfSafeText('10\u202f€ et 5\u2009%')).toBe('10\u00a0€ et 5\u00a0%');
    expect(pdfSafeText('pré\u2011inscription \u2212 test')).toBe('pré-inscription - test');
  });

  it('keeps French text and the WinAnsi extras as they are', () => {
    const french = 'À l’œuvre : Ève, Noël, façade, île, où, cœur, Œdipe, Ÿ, …, € – —, « ok »'.replace('’', "'");
    expect(pdfSafeText(french)).toBe(french);
  });

  it('collapses whitespace and line breaks, drops invisible characters, controls and emoji', () => {
    expect(pdfSafeText('  Démarches\n\ten   ligne  ')).toBe('Démarches en ligne');
    expect(pdfSafeText('sans\u200bespace\u00ad, \ufeffBOM\u0007')).toBe('sansespace, BOM');
    expect(pdfSafeText('📱 Smartphone 👍🏽 ❤️ 🇫🇷 1️⃣')).toBe('Smartphone 1');
  });

  it('removes accents outside WinAnsi, and replaces what remains with ?', () => {
    expect(pdfSafeText('Łódź, Gdańsk, Erdős, Dvořák')).toBe('Lódz, Gdansk, Erdos, Dvorák');
    expect(pdfSafeText('Ελλάδα 北京')).toBe('?????? ??');
  });

  it('decomposed input is composed first (é typed as e + combining acute)', () => {
    expect(pdfSafeText('Ce\u0301dric')).toBe('Cédric');
  });

  it('its output is made of WinAnsi characters only, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const safe = pdfSafeText(text);
        expect(pdfSafeText(safe)).toBe(safe);
        expect(safe).not.toMatch(/\p{Cc}/u);
        for (const char of safe) expect(decodeWinAnsi(Uint8Array.of(encodeWinAnsi(char)))).toBe(char);
      }),
    );
    // A hundred random strings: ample on a loaded CI machine, where the default 5 s is not.
  }, 60_000);
});

/** The WinAnsi byte of a character (its Latin-1 code, or its slot among 0x80–0x9F). */
function encodeWinAnsi(char: string): number {
  const code = char.charCodeAt(0);
  if (code < 0x100) return code;
  const index = WIN_ANSI_80_9F.indexOf(char);
  if (index >= 0 && !/\p{Cc}/u.test(char)) return 0x80 + index;
  throw new Error(`not WinAnsi: ${char}`);
}
