import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { bookletsCsv, CSV_HEADER } from './booklet-csv.ts';
import type { PrintableBooklet } from './booklet-pdf.ts';
import { checkSymbol } from './voucher-code.ts';

const programme = { redeemUrl: 'https://passerelle.example.fr/pass/encaisser' };

/** A valid code from a payload of 9 alphabet symbols. */
const code = (payload: string) => payload + checkSymbol(payload);

const booklets: PrintableBooklet[] = [
  {
    number: 'C-000123',
    // Given out of order: rows come by position.
    vouchers: [
      { code: code('K7MC3PX4T'), position: 2 },
      { code: code('2345679AC'), position: 1 },
    ],
  },
  { number: 'C-000124', vouchers: [{ code: code('YYYYYYYYY'), position: 1 }] },
];

describe('bookletsCsv', () => {
  const csv = bookletsCsv(programme, booklets);

  it('starts with a byte-order mark and the header, semicolon-separated, CRLF line ends', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')[0]).toBe('carnet;position;code;code_affiche;qr');
    expect(CSV_HEADER.join(';')).toBe('carnet;position;code;code_affiche;qr');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has one row per chèque, by booklet then position, with formatted codes and QR links', () => {
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'carnet;position;code;code_affiche;qr',
      `C-000123;1;${code('2345679AC')};2345-679A-C${checkSymbol('2345679AC')};https://passerelle.example.fr/pass/encaisser?code=${code('2345679AC')}`,
      'C-000123;2;K7MC3PX4TF;K7MC-3PX4-TF;https://passerelle.example.fr/pass/encaisser?code=K7MC3PX4TF',
      `C-000124;1;${code('YYYYYYYYY')};YYYY-YYYY-Y${checkSymbol('YYYYYYYYY')};https://passerelle.example.fr/pass/encaisser?code=${code('YYYYYYYYY')}`,
    ]);
    expect(bookletsCsv(programme, booklets)).toBe(csv); // stable
  });

  it('reads back with a CSV parser, quoting what needs it', () => {
    const odd = [{ number: 'C-1;"bis"', vouchers: [{ code: 'K7MC3PX4TF', position: 1 }] }];
    const rows = parse(bookletsCsv(programme, odd), { bom: true, delimiter: ';', columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toEqual([
      {
        carnet: 'C-1;"bis"',
        position: '1',
        code: 'K7MC3PX4TF',
        code_affiche: 'K7MC-3PX4-TF',
        qr: 'https://passerelle.example.fr/pass/encaisser?code=K7MC3PX4TF',
      },
    ]);
  });

  it('is encoded as UTF-8 once written', () => {
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('refuses invalid codes and positions, like the PDF', () => {
    expect(() => bookletsCsv(programme, [{ number: 'C-1', vouchers: [{ code: 'K7MC3PX4TA', position: 1 }] }])).toThrow(
      /not a canonical/,
    );
    expect(() => bookletsCsv(programme, [{ number: 'C-1', vouchers: [{ code: 'K7MC3PX4TF', position: 2 }] }])).toThrow(
      /positions/,
    );
  });
});
