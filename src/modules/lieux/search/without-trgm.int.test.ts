/**
 * Commune suggestions and free-text ranking never call pg_trgm on PGlite (it can spin forever
 * in its WebAssembly build, electric-sql/pglite#1058, ADR 0022), and answer the same on both
 * engines: the expected lists below are the same for TEST_DB_ENGINE=pglite and postgresql.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-db.ts';
import { commandLineActor } from '../../../platform/auth/actor.ts';
import { similarCommunes, trigramsOf } from '../gazetteer/communes-repository.ts';
import { importCommunes } from '../import-communes.ts';
import { importPlaces } from '../import-places.ts';
import { searchPlacesSql } from './search-repository.ts';

const shared = path.resolve('../shared/data');
let db: TestDatabase;
const clock = () => new Date('2026-11-24T09:00:00Z');

/** The gazetteer of Bouches-du-Rhône, Var and Vaucluse only: enough here, and quick to load. */
function provenceGazetteer(): Buffer {
  const lines = readFileSync(path.join(shared, 'communes/laposte_hexasmal.csv'), 'utf8').split('\n');
  return Buffer.from([lines[0], ...lines.slice(1).filter((l) => /^(13|83|84)\d{3};/.test(l))].join('\n'));
}

const places: Array<[string, string, string, string, string]> = [
  // id, nom, commune, code postal, adresse
  ['t-1', 'Médiathèque Chalucet', 'Toulon', '83000', '1 rue Montety'],
  ['t-2', 'Atelier toulonnais du numérique', 'La Seyne-sur-Mer', '83500', '2 quai Hoche'],
  ['t-3', 'Espace France Services', 'Toulon', '83000', '3 avenue de la République'],
  ['t-4', 'Services de France et du Var', 'Hyères', '83400', '4 rue Services France'],
  ['t-5', 'Point numérique', 'Marseille', '13001', '5 rue de Toulon'],
  ['t-6', 'Antenne de Ollioules', 'Ollioules', '83190', '6 chemin des Toulonnaises'],
];

function placesFile(): Buffer {
  const header = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj', 'services'];
  const rows = places.map(([id, nom, commune, cp, adresse]) => [
    id,
    '12345678901234',
    nom,
    commune,
    cp,
    adresse,
    '2026-01-10',
    'Aide aux démarches administratives',
  ]);
  return Buffer.from([header, ...rows].map((r) => r.map((c) => `"${c}"`).join(',')).join('\n'));
}

beforeAll(async () => {
  db = await createTestDatabase();
  await importCommunes({ db, clock }, commandLineActor, provenceGazetteer(), 'laposte_hexasmal.csv');
  const report = await importPlaces({ db, clock }, commandLineActor, placesFile(), {
    fileName: 'lieux.csv',
    dryRun: false,
  });
  expect(report.summary.rejected).toBe(0);
});
afterAll(async () => {
  await db?.destroy();
});

const suggestionsFor = async (key: string) => (await similarCommunes(db, key)).map((c) => c.name);
const rankingFor = async (words: string[]) =>
  (await searchPlacesSql(db, { words, filters: {}, limit: 20, offset: 0 })).rows.map((r) => r.id);

/** What both engines must answer. */
const expected = {
  suggestions: {
    // Marseille's arrondissements all score the same: by name.
    marseile: [
      'Marseille 10e arrondissement',
      'Marseille 11e arrondissement',
      'Marseille 12e arrondissement',
      'Marseille 13e arrondissement',
      'Marseille 14e arrondissement',
      'Marseille 15e arrondissement',
      'Marseille 16e arrondissement',
      'Marseille 1er arrondissement',
    ],
    toulonn: ['Toulon'],
    'aix en provance': ['Aix-en-Provence', 'Trans-en-Provence', 'Carnoux-en-Provence', 'Peyrolles-en-Provence'],
    'sant maxim la sainte baume': [
      'Saint-Maximin-la-Sainte-Baume',
      'Sainte-Maxime',
      "Plan-d'Aups-Sainte-Baume",
      'Saint-Martin-de-la-Brasque',
    ],
    // A name beginning with what was typed is offered too.
    'la sey': ['La Seyne-sur-Mer'],
  } as Record<string, string[]>,
  ranking: [
    // Whole word « toulon » first (by name), then the places where it only begins a word.
    { words: ['toulon'], ids: ['t-3', 't-1', 't-5', 't-6', 't-2'] },
    // The words side by side first, then both as whole words.
    { words: ['france', 'services'], ids: ['t-3', 't-4'] },
    { words: ['services', 'france'], ids: ['t-4', 't-3'] },
  ],
};

describe('without pg_trgm', () => {
  it('has no pg_trgm on PGlite: no extension, no index using it', async () => {
    const extensions = (await db.query<{ extname: string }>('SELECT extname FROM pg_extension')).map((r) => r.extname);
    const trigramIndexes = (
      await db.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
    ).map((r) => r.indexname);
    if (db.engine === 'pglite') {
      expect(extensions).not.toContain('pg_trgm');
      expect(trigramIndexes).toEqual([]);
    } else {
      // PostgreSQL keeps the index that speeds up LIKE '%mot%'; nothing ranks or suggests with it.
      expect(trigramIndexes).toEqual(['places_search_trgm_idx']);
    }
  });

  it('computes trigrams in TypeScript as the migration did in SQL', async () => {
    for (const key of ['toulon', 'saint maximin la sainte baume', 'marseille 01', 'a', 'l isle sur la sorgue 2']) {
      const [row] = await db.query<{ t: string[] }>('SELECT lieux_trigrams($1) AS t', [key]);
      expect(trigramsOf(key), key).toEqual(row?.t);
    }
    expect(trigramsOf('toulon')).toEqual(['  t', ' to', 'lon', 'on ', 'oul', 'tou', 'ulo']);
  });

  it('suggests close commune names, the same on both engines', async () => {
    for (const [key, names] of Object.entries(expected.suggestions)) {
      expect(await suggestionsFor(key), key).toEqual(names);
    }
  });

  it('ranks free-text results the same on both engines', async () => {
    for (const { words, ids } of expected.ranking) {
      expect(await rankingFor(words), words.join(' ')).toEqual(ids);
    }
  });

  it('answers the same, every time, when asked hundreds of times in a row', async () => {
    const first = {
      suggestions: await suggestionsFor('marseile'),
      fuzzy: await suggestionsFor('sant maxim la sainte baume'),
      ranking: await rankingFor(['toulon']),
    };
    for (let i = 0; i < 300; i++) {
      expect(await suggestionsFor('marseile')).toEqual(first.suggestions);
      expect(await suggestionsFor('sant maxim la sainte baume')).toEqual(first.fuzzy);
      expect(await rankingFor(['toulon'])).toEqual(first.ranking);
    }
    expect(first.fuzzy[0]).toBe('Saint-Maximin-la-Sainte-Baume');
  });
});
