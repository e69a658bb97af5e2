/**
 * Spreadsheet formula injection (ADR 0016): the places export keeps valid values exactly —
 * international phones, negative coordinates, names starting with « @ » — still validates
 * against the national schema, and neutralises a formula that older data may hold.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import { importPlaces } from './import-places.ts';
import { validateStandardRow } from './standard.ts';

let t: TestApp;
const header = 'id,pivot,nom,commune,code_postal,adresse,date_maj,telephone,latitude,longitude';
const rows = [
  'brest-1,12345678901234,@telier connecté,Brest,29200,1 rue de Siam,2026-01-10,+33494360085,48.3904,-4.4861',
  'brest-2,12345678901234,Médiathèque,Brest,29200,2 rue de Siam,2026-01-10,+33298000000,48.3905,-4.4862',
  'brest-3,12345678901234,=HYPERLINK("http://evil.example";"clic"),Brest,29200,3 rue de Siam,2026-01-10,,,',
];

beforeAll(async () => {
  t = await createTestApp();
  const report = await importPlaces(
    { db: t.db, clock: t.clock.now },
    commandLineActor,
    Buffer.from([header, ...rows].join('\n')),
    { fileName: 'brest.csv', dryRun: false },
  );
  // The formula is refused at input…
  expect(report.summary).toMatchObject({ created: 2, rejected: 1 });
  // …but older data may hold one: written directly, as a place imported before the rule.
  await t.db.query("UPDATE places SET presentation_resume = '-2+3+cmd|'' /C calc''!A0' WHERE id = 'brest-2'");
});
afterAll(async () => {
  await t?.close();
});

describe('places export and formulas', () => {
  it('keeps valid values exactly, neutralises an active formula, and validates against the schema', async () => {
    const res = await t.app.inject('/api/v1/export/lieux.csv');
    expect(res.statusCode).toBe(200);
    const exported = parse(res.body, { columns: true }) as Array<Record<string, string>>;
    const byId = new Map(exported.map((r) => [r.id, r]));
    expect(byId.get('brest-1')).toMatchObject({
      nom: '@telier connecté',
      telephone: '+33494360085',
      latitude: '48.3904',
      longitude: '-4.4861',
    });
    expect(byId.get('brest-2')?.presentation_resume).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(byId.has('brest-3')).toBe(false);
    expect(exported.flatMap((r) => validateStandardRow(r))).toEqual([]);
    for (const row of exported) {
      for (const cell of Object.values(row)) expect(cell).not.toMatch(/^\s*[=@+-].*[(|!]/);
    }
  });
});
