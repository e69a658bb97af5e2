/**
 * Real files, as they are: one bad optional value does not lose a place, INSEE codes are
 * found from the postcode and commune, coordinates far from the commune are flagged, likely
 * duplicates are kept and reported; only unusable rows are rejected.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-db.ts';
import { commandLineActor } from '../../../platform/auth/actor.ts';
import { importCommunes } from '../import-communes.ts';
import { type ImportReport, importPlaces } from '../import-places.ts';

let db: TestDatabase;
const clock = () => new Date('2026-11-24T09:00:00Z');

const header = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'code_insee', 'adresse', 'latitude', 'longitude'];
header.push('telephone', 'courriels', 'date_maj');
type Row = Record<(typeof header)[number], string>;
const good: Row = {
  id: 'ok',
  pivot: '43493312300029',
  nom: 'Médiathèque Chalucet',
  commune: 'Toulon',
  code_postal: '83000',
  code_insee: '83137',
  adresse: '1 rue Montety',
  latitude: '43.1257',
  longitude: '5.9304',
  telephone: '+33494360085',
  courriels: 'accueil@mediatheque.fr',
  date_maj: '2026-01-10',
};
const rows: Row[] = [
  { ...good, id: 'bad-email', courriels: 'contact@' },
  { ...good, id: 'insee-0null', nom: 'Espace numérique', adresse: '2 rue B', code_insee: '0null' },
  { ...good, id: 'insee-missing', nom: 'Point numérique', adresse: '3 rue C', code_insee: '' },
  { ...good, id: 'phone-typo', nom: 'Atelier', adresse: '4 rue D', telephone: '04 94 36 00 8' },
  // The example file's row: an address in Reims with coordinates near Aix-en-Provence.
  {
    ...good,
    id: 'reims-aix',
    nom: 'Anonymal',
    commune: 'Reims',
    code_postal: '51100',
    code_insee: '51454',
    adresse: '12 BIS RUE DE LECLERCQ',
    latitude: '43.52609',
    longitude: '5.41423',
  },
  // Same name and address as « bad-email », another id.
  { ...good, id: 'same-place-other-id' },
  { ...good, id: 'no-name', nom: '' },
];

function csv(list: Row[]): Buffer {
  const line = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
  return Buffer.from([line(header), ...list.map((r) => line(header.map((h) => r[h] ?? '')))].join('\n'));
}

beforeAll(async () => {
  db = await createTestDatabase();
  const lines = readFileSync(path.resolve('../shared/data/communes/laposte_hexasmal.csv'), 'utf8').split('\n');
  const gazetteer = [lines[0], ...lines.slice(1).filter((l) => /^(13|51|83)\d{3};/.test(l))].join('\n');
  await importCommunes({ db, clock }, commandLineActor, Buffer.from(gazetteer), 'laposte_hexasmal.csv');
});
afterAll(async () => {
  await db?.destroy();
});

/** Each test starts from no places, so that it runs on its own too. */
beforeEach(async () => {
  await db.query('DELETE FROM places');
});

const run = (options: { placeFarAtCommune?: boolean } = {}) =>
  importPlaces({ db, clock }, commandLineActor, csv(rows), { fileName: 'lieux.csv', dryRun: false, ...options });
const issuesOf = (report: ImportReport, id: string) =>
  report.corrections.find((c) => c.id === id)?.issues.map((i) => `${i.field} : ${i.message}`) ?? [];
const place = async (id: string) =>
  (
    await db.query<Record<string, unknown>>(
      'SELECT code_insee, courriels, telephone, geo_lat, geo_precision, geo_warning FROM places WHERE id = $1',
      [id],
    )
  )[0];

describe('importing real files', () => {
  it('keeps a good row with a bad e-mail: the place is kept, the e-mail dropped and listed as corrected', async () => {
    const report = await run();
    expect(report.summary).toMatchObject({ rows: 7, created: 6, rejected: 1 });
    expect(report.rejections).toEqual([
      { line: 8, id: 'no-name', issues: [{ field: 'nom', message: 'Le champ nom est obligatoire.' }] },
    ]);
    expect(await place('bad-email')).toMatchObject({ courriels: [] });
    expect(issuesOf(report, 'bad-email')).toEqual([
      "courriels : L'adresse e-mail « contact@ » n'est pas valide. Valeur retirée : le lieu est gardé sans elle.",
    ]);
    expect(await place('phone-typo')).toMatchObject({ telephone: null });
    expect(issuesOf(report, 'phone-typo').join()).toMatch(/^telephone : .*Valeur retirée/);
    // Counted once per row among « corrigés »: e-mail, phone, two INSEE codes.
    expect(report.summary.corrected).toBe(4);
  });

  it('finds a missing or unusable INSEE code from the postcode and commune name', async () => {
    const report = await run();
    expect(await place('insee-0null')).toMatchObject({ code_insee: '83137' });
    expect(await place('insee-missing')).toMatchObject({ code_insee: '83137' });
    expect(issuesOf(report, 'insee-missing')).toEqual([
      'code_insee : Code INSEE déduit du code postal et de la commune : « 83137 ».',
    ]);
    expect(issuesOf(report, 'insee-0null')).toContain(
      'code_insee : Code INSEE déduit du code postal et de la commune : « 83137 ».',
    );
    expect(report.summary.inseeDerived).toBe(2);
    // Imported again: the same file changes nothing.
    const again = await run();
    expect(again.summary).toMatchObject({ unchanged: 6, created: 0, updated: 0 });
  });

  it('flags coordinates far from the commune, keeps them by default, places them at the commune on request', async () => {
    const report = await run();
    expect(report.farCoordinates).toMatchObject([{ id: 'reims-aix', commune: 'Reims', placedAtCommune: false }]);
    expect(report.farCoordinates[0]?.distanceKm).toBeGreaterThan(500);
    const kept = await place('reims-aix');
    expect(kept).toMatchObject({ geo_lat: 43.52609, geo_precision: 'exact' });
    expect(kept?.geo_warning).toMatch(/sont à \d+ km de Reims \(51100\) : vérifiez-les\./);
    // Near its commune: nothing flagged.
    expect(await place('bad-email')).toMatchObject({ geo_warning: null });

    await db.query('DELETE FROM places');
    const placed = await run({ placeFarAtCommune: true });
    expect(placed.farCoordinates).toMatchObject([{ id: 'reims-aix', placedAtCommune: true }]);
    const moved = await place('reims-aix');
    expect(moved).toMatchObject({ geo_precision: 'commune' });
    expect(Math.abs((moved?.geo_lat as number) - 49.25)).toBeLessThan(0.2);
  });

  it('keeps rows that look like the same place under different ids, and reports them', async () => {
    const report = await run();
    expect(report.summary.possibleDuplicates).toBe(2);
    expect(report.possibleDuplicates).toEqual([
      {
        nom: 'Médiathèque Chalucet',
        adresse: '1 rue Montety',
        rows: [
          { line: 2, id: 'bad-email' },
          { line: 7, id: 'same-place-other-id' },
        ],
      },
    ]);
    expect(await place('same-place-other-id')).toBeDefined();
  });
});
