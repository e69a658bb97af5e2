/** The SQL versions of the territory tests say what the JavaScript ones say, on both engines. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.ts';
import {
  containedSql,
  contains,
  covers,
  coversSql,
  departementOfCommune,
  departementOfCommuneSql,
  overlaps,
  overlapsSql,
} from './territory.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.destroy();
});

const departement = fc.constantFrom('83', '84', '13', '2A', '974');
const commune = fc
  .tuple(departement, fc.integer({ min: 1, max: 30 }))
  .map(([d, n]) => (d.length === 3 ? `${d}${String(n).padStart(2, '0')}` : `${d}${String(n).padStart(3, '0')}`));
const territory = fc.record({
  departements: fc.uniqueArray(departement, { maxLength: 3 }),
  communes: fc.uniqueArray(commune, { maxLength: 3 }),
});

describe('territory SQL', () => {
  it('agrees with covers, overlaps, contains and departementOfCommune', async () => {
    const columns = { departements: '$1::text[]', communes: '$2::text[]' };
    const sql = `SELECT ${overlapsSql(columns, '$3', '$4')} AS overlaps, ${containedSql(columns, '$3', '$4')} AS contained,
      ${coversSql({ departement: departementOfCommuneSql('$5::text'), commune: '$5::text' }, '$3', '$4')} AS covers,
      ${departementOfCommuneSql('$5::text')} AS departement`;
    await fc.assert(
      fc.asyncProperty(territory, territory, commune, async (a, b, c) => {
        const [row] = await db.query<{ overlaps: boolean; contained: boolean; covers: boolean; departement: string }>(
          sql,
          [a.departements, a.communes, b.departements, b.communes, c],
        );
        expect(row).toEqual({
          overlaps: overlaps(a, b),
          contained: contains(b, a),
          covers: covers(b, { departement: departementOfCommune(c), commune: c }),
          departement: departementOfCommune(c),
        });
      }),
      { numRuns: 150 },
    );
  });
});
