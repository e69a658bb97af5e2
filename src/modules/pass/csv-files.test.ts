import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { bookletsCsv } from './booklet-csv.ts';
import { funderReportCsv, statementsCsv } from './csv-files.ts';
import type { FunderReport } from './reports.ts';
import { checkSymbol } from './voucher-code.ts';

const FORMULA = '=HYPERLINK("http://evil.example";"Cliquez")';
const DDE = "@SUM(1+1)*cmd|' /C calc'!A0";
const read = (csv: string) => parse(csv, { delimiter: ';', bom: true }) as string[][];
const noFormula = (rows: string[][]) => {
  for (const cell of rows.flat()) expect(cell).not.toMatch(/^\s*[=+\-@]/);
};

describe('Pass numérique CSV files', () => {
  it('funder report: a place, service or commune typed as a formula does not run', () => {
    const report: FunderReport = {
      booklets: { issued: 2, distributed: 1, started: 1, fullyUsed: 0 },
      vouchers: { issued: 10, distributed: 5, used: 1 },
      useRate: 0.2,
      value: {
        usedCents: 1000,
        unusedDistributedCents: 4000,
        notDistributedCents: 5000,
        refundableCents: 0,
        expired: false,
      },
      byService: [{ label: '-1+1', count: 1 }],
      byPlace: [{ label: FORMULA, count: 1 }],
      byCommune: [{ label: DDE, count: 1 }],
      byMonth: [{ label: 'novembre 2026', count: 1 }],
      period: null,
      profile: {
        ageBands: [{ label: '65 à 79 ans', count: 12 }],
        communes: [{ label: FORMULA, count: null }],
        situations: [],
      },
      outcomes: { sessions: null, byAutonomy: [], bySelfAssessment: [] },
    };
    const rows = read(funderReportCsv(report));
    noFormula(rows);
    // Under 10 people: not counted in the file either.
    expect(rows).toContainEqual(['beneficiaires_commune', `'${FORMULA}`, 'moins de 10']);
    expect(rows).toContainEqual(['beneficiaires_tranche_age', '65 à 79 ans', '12']);
    expect(rows).toContainEqual(['par_lieu', `'${FORMULA}`, '1']);
    expect(rows).toContainEqual(['valeur_centimes', 'utilisee', '1000']);
  });

  it('statements: names and payment reference typed as formulas do not run; amounts stay numbers', () => {
    const csv = statementsCsv(
      [
        {
          id: 's1',
          place_id: 'lieu-1',
          organisation_id: 'o1',
          funder_organisation_id: 'o2',
          month: '2026-11-01',
          vouchers: 3,
          amount_cents: 3000,
          created_at: new Date('2026-12-01T00:00:00Z'),
          paid_at: new Date('2026-12-10T10:00:00Z'),
          payment_reference: "+cmd|' /C calc'!A0",
        },
      ],
      { place: () => FORMULA, organisation: (id) => (id === 'o1' ? DDE : 'Fondation') },
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = read(csv);
    noFormula(rows);
    expect(rows[1]).toEqual([
      '2026-11',
      'lieu-1',
      `'${FORMULA}`,
      `'${DDE}`,
      'Fondation',
      '3',
      '30,00',
      '2026-12-10',
      "'+cmd|' /C calc'!A0",
    ]);
  });

  it('voucher codes: no cell starts a formula', () => {
    const csv = bookletsCsv({ redeemUrl: 'https://passerelle.example/c' }, [
      { number: '=1+1', vouchers: [{ code: `K7MC3PX4T${checkSymbol('K7MC3PX4T')}`, position: 1 }] },
    ]);
    const rows = read(csv);
    noFormula(rows);
    expect(rows[1]?.[0]).toBe("'=1+1");
  });
});
