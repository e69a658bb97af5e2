import { describe, expect, it } from 'vitest';
import { allRows, inScope, scopeParams, seesNothing, someRows } from './scope.ts';
import { NO_TERRITORY } from './territory.ts';

describe('row scopes', () => {
  const scope = someRows({ funder: ['f1'], structure: ['s1', 's2'] }, { departements: ['83'], communes: ['84007'] });

  it('lets a row through by one of its organisations, its place or its area', () => {
    expect(inScope(scope, { organisations: { funder: 'f1', structure: 'x' } })).toBe(true);
    expect(inScope(scope, { organisations: { structure: 's2' } })).toBe(true);
    expect(inScope(scope, { organisations: { funder: 's1' } })).toBe(false);
    expect(inScope(scope, { at: { departement: '83', commune: '83137' } })).toBe(true);
    expect(inScope(scope, { at: { departement: '84', commune: '84007' } })).toBe(true);
    expect(inScope(scope, { at: { departement: '84', commune: '84031' } })).toBe(false);
    expect(inScope(scope, { area: { departements: ['84'], communes: [] } })).toBe(true);
    expect(inScope(scope, { area: { departements: ['13'], communes: [] } })).toBe(false);
    expect(inScope(scope, { within: { departements: [], communes: ['83137', '84007'] } })).toBe(true);
    expect(inScope(scope, { within: { departements: ['83', '84'], communes: [] } })).toBe(false);
    expect(inScope(scope, {})).toBe(false);
  });

  it('lets every row through for everything, none for an empty scope', () => {
    expect(inScope(allRows(), {})).toBe(true);
    expect(seesNothing(allRows())).toBe(false);
    expect(seesNothing(someRows({ funder: [] }, NO_TERRITORY))).toBe(true);
    expect(seesNothing(scope)).toBe(false);
  });

  it('gives a repository the values to bind, in the order it asks for', () => {
    expect(scopeParams(scope, ['structure', 'funder'])).toEqual({
      all: false,
      organisations: { structure: ['s1', 's2'], funder: ['f1'] },
      departements: ['83'],
      communes: ['84007'],
    });
    expect(scopeParams(allRows<'funder'>(), ['funder'])).toEqual({
      all: true,
      organisations: { funder: [] },
      departements: [],
      communes: [],
    });
  });
});
