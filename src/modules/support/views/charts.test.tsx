/**
 * The statistics charts as the pages render them: horizontal bars (labels above, values after,
 * long labels cut, an empty chart says so) and columns over months, each with its table. The
 * expected HTML was rendered by the two drawings before they became one component: a change of
 * the markup people and screen readers get shows here.
 */
import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { BarChart } from './charts.tsx';

const bars = [
  { label: 'E-mail', value: 12 },
  { label: 'Aide aux démarches administratives en ligne pour les personnes âgées', value: 3 },
  { label: 'Bureautique', value: 0 },
  { label: 'Santé', value: 7, display: 'moins de 10' },
];

describe('charts', () => {
  it('draws horizontal bars with their table, and says when there is nothing', async () => {
    const html = [
      render(<BarChart id="themes" title="Thématiques" unit="Séances" bars={bars} />),
      render(<BarChart id="autonomie" title="Autonomie" unit="Part" bars={bars} max={20} />),
      render(<BarChart id="vide" title="Rien" unit="Séances" bars={[]} />),
    ].join('\n');
    expect(html).toContain('<text x="0" y="45">Aide aux démarches administratives en ligne pou…</text>');
    await expect(html).toMatchFileSnapshot('./__snapshots__/bar-chart.html');
  });

  it('draws columns over months with their table', async () => {
    const months = [
      { label: 'janv.', value: 4 },
      { label: 'févr.', value: 0 },
      { label: 'mars', value: 9, display: '9 (dont 2 ateliers)' },
    ];
    const html = [
      render(<BarChart id="mois" orientation="vertical" title="Séances par mois" unit="Séances" bars={months} />),
      render(<BarChart id="vide" orientation="vertical" title="Rien" unit="Séances" bars={[]} />),
    ].join('\n');
    expect(html).toContain('Graphique en colonnes');
    await expect(html).toMatchFileSnapshot('./__snapshots__/column-chart.html');
  });
});
