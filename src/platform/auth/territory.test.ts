import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contains,
  covers,
  departementOfCommune,
  isEmptyTerritory,
  NO_TERRITORY,
  normaliseTerritory,
  overlaps,
  type Territory,
  unionOf,
} from './territory.ts';

const VAR: Territory = { departements: ['83'], communes: [] };
const TOULON = '83137';
const HYERES = '83069';
const AVIGNON = '84007';

describe('territories', () => {
  it('finds the département of a commune, overseas and Corsica included', () => {
    expect(departementOfCommune(TOULON)).toBe('83');
    expect(departementOfCommune('97411')).toBe('974');
    expect(departementOfCommune('2A004')).toBe('2A');
  });

  it('covers a place by its département or by its commune', () => {
    expect(covers(VAR, { departement: '83', commune: TOULON })).toBe(true);
    expect(covers(VAR, { departement: '84', commune: AVIGNON })).toBe(false);
    const hyeres = { departements: [], communes: [HYERES] };
    expect(covers(hyeres, { departement: '83', commune: HYERES })).toBe(true);
    expect(covers(hyeres, { departement: '83', commune: TOULON })).toBe(false);
    expect(covers(hyeres, { departement: '83', commune: null })).toBe(false);
    expect(covers(NO_TERRITORY, { departement: '83', commune: TOULON })).toBe(false);
  });

  it('contains a territory only when every part of it is inside; an empty one is inside nothing', () => {
    expect(contains(VAR, { departements: [], communes: [HYERES, TOULON] })).toBe(true);
    expect(contains(VAR, { departements: ['83'], communes: [] })).toBe(true);
    expect(contains(VAR, { departements: ['83', '84'], communes: [] })).toBe(false);
    expect(contains(VAR, { departements: [], communes: [TOULON, AVIGNON] })).toBe(false);
    expect(contains({ departements: [], communes: [TOULON] }, VAR)).toBe(false);
    expect(contains(VAR, NO_TERRITORY)).toBe(false);
    expect(contains(NO_TERRITORY, NO_TERRITORY)).toBe(false);
  });

  it('sees an overlap through a commune inside a département', () => {
    expect(overlaps(VAR, { departements: [], communes: [HYERES] })).toBe(true);
    expect(overlaps({ departements: [], communes: [HYERES] }, VAR)).toBe(true);
    expect(overlaps(VAR, { departements: ['84'], communes: [] })).toBe(false);
    expect(overlaps(NO_TERRITORY, VAR)).toBe(false);
  });

  it('writes a union without repetition nor communes already inside a listed département', () => {
    expect(unionOf([VAR, { departements: ['84'], communes: [HYERES, '13055'] }, VAR])).toEqual({
      departements: ['83', '84'],
      communes: ['13055'],
    });
    expect(isEmptyTerritory(unionOf([]))).toBe(true);
    expect(normaliseTerritory({ departements: ['84', '83', '84'], communes: [TOULON] })).toEqual({
      departements: ['83', '84'],
      communes: [],
    });
  });

  const departement = fc.constantFrom('83', '84', '13', '2A', '974');
  const commune = fc
    .tuple(departement, fc.integer({ min: 1, max: 40 }))
    .map(([d, n]) => (d.length === 3 ? `${d}${String(n).padStart(2, '0')}` : `${d}${String(n).padStart(3, '0')}`));
  const territory = fc.record({
    departements: fc.uniqueArray(departement, { maxLength: 3 }),
    communes: fc.uniqueArray(commune, { maxLength: 4 }),
  });
  const location = commune.map((c) => ({ departement: departementOfCommune(c), commune: c }));

  it('agrees with itself: what a territory contains, it covers; overlap is symmetric; a union contains its parts', () => {
    fc.assert(
      fc.property(territory, territory, location, (a, b, at) => {
        if (contains(a, b) && covers(b, at)) expect(covers(a, at)).toBe(true);
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        if (covers(a, at) && covers(b, at)) expect(overlaps(a, b)).toBe(true);
        const u = unionOf([a, b]);
        if (!isEmptyTerritory(a)) expect(contains(u, a)).toBe(true);
        expect(covers(u, at)).toBe(covers(a, at) || covers(b, at));
      }),
    );
  });
});
