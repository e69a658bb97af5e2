import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publish, publishableCount, publishableShare } from './publication.ts';

describe('statistics publication', () => {
  it('never publishes a count below the threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => {
        const published = publishableCount(n);
        expect(published === null ? n < 10 : published === n && n >= 10).toBe(true);
      }),
    );
  });

  it('publishes shares only over groups that reach the threshold', () => {
    expect(publishableShare(3, 9)).toBeNull();
    expect(publishableShare(2, 3, 10)).toBeNull();
    expect(publishableShare(7, 10)).toBe(0.7);
    expect(publishableShare(1, 3, 1)).toBe(0.333);
  });

  it('answers the shape of PRODUCT.md §5, France when no territory is given', () => {
    const p = publish({
      territoire: null,
      periode: { debut: '2026-01-01', fin: '2026-12-31' },
      counts: [
        { dimension: 'niveau', valeur: 'urgence', nombre: 12 },
        { dimension: 'niveau', valeur: 'inclusion', nombre: 9 },
      ],
      indicateurs: { part_honorees_30_jours: 0.4 },
    });
    expect(p).toEqual({
      seuil: 10,
      territoire: 'France',
      periode: { debut: '2026-01-01', fin: '2026-12-31' },
      series: [
        { dimension: 'niveau', valeur: 'urgence', nombre: 12 },
        { dimension: 'niveau', valeur: 'inclusion', nombre: null },
      ],
      indicateurs: { part_honorees_30_jours: 0.4 },
    });
  });
});
