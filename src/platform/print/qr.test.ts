import fc from 'fast-check';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrModules, qrPath, qrRuns, qrSvg } from './qr.ts';

describe('QR codes as vector runs', () => {
  /** Dark modules as the runs paint them. */
  function paint(size: number, runs: ReturnType<typeof qrRuns>): Uint8Array {
    const painted = new Uint8Array(size * size);
    for (const run of runs) {
      for (let c = run.col; c < run.col + run.length; c++) {
        expect(painted[run.row * size + c]).toBe(0); // no overlap
        painted[run.row * size + c] = 1;
      }
    }
    return painted;
  }

  it('reproduces every module of the QR code of a chèque, with maximal runs', () => {
    const link = 'https://passerelle.example.fr/pass/encaisser?code=K7MC3PX4TF';
    const modules = QRCode.create(link, { errorCorrectionLevel: 'M' }).modules;
    expect(qrModules(link).data).toEqual(modules.data);
    const runs = qrRuns(modules);
    expect(paint(modules.size, runs)).toEqual(Uint8Array.from(modules.data, (m) => (m ? 1 : 0)));
    for (const run of runs) {
      expect(run.col === 0 || !modules.get(run.row, run.col - 1)).toBe(true); // nothing dark just before…
      expect(run.col + run.length === modules.size || !modules.get(run.row, run.col + run.length)).toBe(true); // …or after
    }
    const dark = modules.data.reduce((sum, m) => sum + (m ? 1 : 0), 0);
    expect(runs.length).toBeLessThan(dark / 1.5);
  });

  it('reproduces any matrix exactly', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((size) =>
            fc.uint8Array({ minLength: size * size, maxLength: size * size, max: 1 }).map((data) => ({ size, data })),
          ),
        ({ size, data }) => {
          expect(paint(size, qrRuns({ size, data }))).toEqual(data);
        },
      ),
    );
  });

  it('the QR code encodes the redemption link, byte for byte', () => {
    const link = 'https://passerelle.example.fr/pass/encaisser?code=K7MC3PX4TF';
    const { segments } = QRCode.create(link, { errorCorrectionLevel: 'M' });
    const text = segments
      .map((s) => (typeof s.data === 'string' ? s.data : Buffer.from(s.data).toString('utf8')))
      .join('');
    expect(text).toBe('https://passerelle.example.fr/pass/encaisser?code=K7MC3PX4TF');
  });

  it('a split kept for a class pattern gives the modules the library computes for each text', () => {
    const library = (text: string) => QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
    // Slip and redemption links: same pattern for many codes, the split found once is reused.
    const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
    const code = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 8, maxLength: 10 });
    fc.assert(
      fc.property(code, code, (a, b) => {
        for (const text of [
          `https://passerelle.example.fr/orientation/fiche/${a.slice(0, 4)}-${a.slice(4, 8)}`,
          `https://passerelle.example.fr/orientation/fiche/${b.slice(0, 4)}-${b.slice(4, 8)}`,
          `https://passerelle.example.fr/pass/encaisser?code=${a}`,
          `https://passerelle.example.fr/pass/encaisser?code=${b}`,
          a.replace(/-/g, ''),
        ]) {
          const mine = qrModules(text);
          const theirs = library(text);
          expect(mine.size).toBe(theirs.size);
          expect(mine.data).toEqual(theirs.data);
        }
      }),
      { numRuns: 40 },
    );
    // Any text, printable ASCII or not, twice (the second time through the kept split).
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.webUrl(), fc.stringMatching(/^[0-9A-Z:/ .-]{1,60}$/)),
        (text) => {
          for (let i = 0; i < 2; i++) expect(qrModules(text).data).toEqual(library(text).data);
        },
      ),
      { numRuns: 80 },
    );
  }, 60_000);

  it('writes one rectangle per run, in module units', () => {
    expect(
      qrPath([
        { row: 0, col: 0, length: 7 },
        { row: 1, col: 3, length: 1 },
      ]),
    ).toBe('0 0 7 1 re\n3 1 1 1 re');
  });
});

describe('QR codes on a page', () => {
  it('is one SVG path with a quiet zone and a spoken label, no inline style', () => {
    const svg = qrSvg('https://passerelle.example.fr/o/K7MC3PX4TF', 'QR code du bon « orientation »');
    const size = qrModules('https://passerelle.example.fr/o/K7MC3PX4TF').size + 8;
    expect(svg).toContain(`viewBox="0 0 ${size} ${size}"`);
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(svg).toContain('aria-label="QR code du bon « orientation »"');
    expect(svg).not.toContain('style=');
  });
});
