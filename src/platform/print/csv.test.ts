import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRows, looksLikeFormula, spreadsheetSafeCell, startsLikeFormula } from './csv.ts';

/** What a spreadsheet would treat as a formula when opening the cell. */
function startsFormula(cell: string): boolean {
  return /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/u.test(cell) && !/^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/.test(cell);
}

describe('spreadsheet-safe CSV', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","clic")'],
    ["+cmd|' /C calc'!A0"],
    ["-2+3+cmd|' /C calc'!A0"],
    ["@SUM(1+1)*cmd|' /C calc'!A0"],
    ['  =1+1'],
    ['\t=1+1'],
    ['\r=1+1'],
    ['＝1+1'],
    ['- Aide aux démarches'],
    ['@telier connecté'],
  ])('neutralises %j', (text) => {
    expect(startsLikeFormula(text)).toBe(true);
    expect(spreadsheetSafeCell(text)).toBe(`'${text}`);
  });

  it.each([
    ['+33494360085'],
    ['-5.9350'],
    ['-0,5'],
    ['43.1205'],
    ['12'],
    ['Médiathèque'],
    ['K7MC-3PX4-TF'],
    [''],
  ])('keeps %j exactly', (text) => {
    expect(spreadsheetSafeCell(text)).toBe(text);
    expect(parse(csvRows([[text]]), { relax_quotes: true })[0]?.[0] ?? '').toBe(text);
  });

  it('in a schema file, neutralises only formulas that can act, and keeps names such as « @telier »', () => {
    for (const text of ['@telier connecté udaf', '- Aide aux démarches', '+33494360085', '-5.93']) {
      expect(looksLikeFormula(text)).toBe(false);
      expect(spreadsheetSafeCell(text, 'active-formula')).toBe(text);
    }
    for (const text of ['=1+1', '@SUM(1+1)', "-2+3+cmd|' /C calc'!A0", '+HYPERLINK("http://x")', '  ＝1']) {
      expect(looksLikeFormula(text)).toBe(true);
      expect(spreadsheetSafeCell(text, 'active-formula')).toBe(`'${text}`);
    }
  });

  it('never writes a cell that starts a formula, and keeps every other cell as it was', () => {
    const piece = fc.constantFrom('=', '+', '-', '@', '\t', '\r', ' ', '＝', 'A1', '1', '"', ';', ',', '\n', 'cmd|');
    const cell = fc.oneof(
      fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
      fc.string(),
      fc.double().map(String),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), (rows) => {
        for (const delimiter of [',', ';'] as const) {
          const back = parse(csvRows(rows, { delimiter, excel: delimiter === ';' }), {
            delimiter,
            bom: true,
            relax_column_count: true,
          }) as string[][];
          rows.forEach((row, i) => {
            row.forEach((original, j) => {
              const written = back[i]?.[j] ?? '';
              expect(startsFormula(written)).toBe(false);
              expect(written).toBe(startsFormula(original) ? `'${original}` : original);
            });
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});
