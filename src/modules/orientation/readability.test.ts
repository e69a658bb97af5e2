/** Every question screen and result text passes the Kandel–Moles threshold (see test/support/readability.ts). */
import { describe, expect, it } from 'vitest';
import { kandelMoles, screens, syllables, THRESHOLD } from '../../../test/support/readability.ts';

describe('syllables (French, spoken)', () => {
  it.each([
    ['carte', 1],
    ['famille', 2],
    ['familles', 2],
    ['identité', 4],
    ['pourquoi', 2],
    ['téléphone', 3],
    ['ordinateur', 4],
    ['aide', 1],
    ['école', 2],
    ['impôts', 2],
    ['RSA', 3],
    ['vous', 1],
    ['oui', 1],
    ['30', 1],
  ])('%s → %i', (word, count) => {
    expect(syllables(word)).toBe(count);
  });
});

describe(`readability of what a person reads (Kandel–Moles ≥ ${THRESHOLD})`, () => {
  const all = screens();
  it.each(all.map((s) => [s.name, s] as const))('%s', (_name, screen) => {
    const { score } = kandelMoles(screen.sentences);
    expect(score, `${screen.name}: ${screen.sentences.join(' | ')}`).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('reads easily on average (mean above 80)', () => {
    const scores = all.map((s) => kandelMoles(s.sentences).score);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(mean).toBeGreaterThan(80);
  });

  it('tells administrative French from plain French', () => {
    const administrative = kandelMoles([
      "L'instruction de votre demande d'attribution de la complémentaire santé solidaire nécessite la transmission préalable des justificatifs de ressources correspondant à la période de référence.",
    ]);
    expect(administrative.score).toBeLessThan(THRESHOLD);
    expect(kandelMoles(['Avez-vous un téléphone ?']).score).toBeGreaterThanOrEqual(THRESHOLD);
  });
});
