/**
 * Charts drawn on the server as SVG (readable without JavaScript, no inline style: strict
 * CSP), each followed by the same figures as a table. The SVG scales to the column, so a
 * 320 px screen shows it whole.
 */
import { TableFrame } from '../../../platform/views/components.tsx';

export interface Bar {
  label: string;
  value: number;
  /** Shown instead of the value (« moins de 10 », « 42 % »). */
  display?: string;
}

const nf = new Intl.NumberFormat('fr-FR');

/** Horizontal bars, one line each: the label above its bar (fits any width). */
export function BarChart(p: { id: string; title: string; unit: string; bars: Bar[]; max?: number }) {
  const width = 320;
  const row = 34;
  const height = Math.max(1, p.bars.length) * row + 4;
  const max = p.max ?? Math.max(1, ...p.bars.map((b) => b.value));
  // The value is written after its bar: the longest bar leaves room for the longest value
  // (« 100 % (12/12, médiane 3) »), at 7 units a character of the 12-unit font, so it is never cut.
  const longest = Math.max(0, ...p.bars.map((b) => (b.display ?? nf.format(b.value)).length));
  const scale = width - Math.min(width / 2, Math.max(60, longest * 7 + 8));
  return (
    <figure class="pa-stats-section" aria-labelledby={`${p.id}-titre`}>
      <h3 id={`${p.id}-titre`} class="fr-h6">
        {p.title}
      </h3>
      {p.bars.length === 0 ? (
        <p>Aucune donnée.</p>
      ) : (
        <>
          <svg
            class="pa-chart"
            viewBox={`0 0 ${width} ${height}`}
            role="img"
            aria-labelledby={`${p.id}-titre ${p.id}-desc`}
            focusable="false"
          >
            <title>{p.title}</title>
            <desc id={`${p.id}-desc`}>Graphique en barres ; les mêmes nombres sont dans le tableau qui suit.</desc>
            {p.bars.map((b, i) => {
              const w = Math.max(b.value > 0 ? 2 : 0, Math.round((scale * b.value) / max));
              const y = i * row;
              return (
                <g>
                  <text x="0" y={y + 11}>
                    {b.label.length > 48 ? `${b.label.slice(0, 47)}…` : b.label}
                  </text>
                  <rect class="pa-bar" x="0" y={y + 15} width={w} height="12" />
                  <text x={w + 4} y={y + 25}>
                    {b.display ?? nf.format(b.value)}
                  </text>
                </g>
              );
            })}
          </svg>
          <details>
            <summary>Voir le tableau</summary>
            <TableFrame label={p.title} small>
              <table>
                <caption>{p.title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{p.title}</th>
                    <th scope="col">{p.unit}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.bars.map((b) => (
                    <tr>
                      <th scope="row">{b.label}</th>
                      <td>{b.display ?? nf.format(b.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableFrame>
          </details>
        </>
      )}
    </figure>
  );
}

/** Vertical bars over time (months), with the table. */
export function ColumnChart(p: { id: string; title: string; unit: string; columns: Bar[] }) {
  const width = 320;
  const height = 160;
  const base = height - 24;
  const n = Math.max(1, p.columns.length);
  const step = width / n;
  const max = Math.max(1, ...p.columns.map((c) => c.value));
  return (
    <figure class="pa-stats-section" aria-labelledby={`${p.id}-titre`}>
      <h3 id={`${p.id}-titre`} class="fr-h6">
        {p.title}
      </h3>
      <svg
        class="pa-chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${p.id}-titre ${p.id}-desc`}
        focusable="false"
      >
        <title>{p.title}</title>
        <desc id={`${p.id}-desc`}>Graphique en colonnes ; les mêmes nombres sont dans le tableau qui suit.</desc>
        <line class="pa-axis" x1="0" y1={base} x2={width} y2={base} />
        {p.columns.map((c, i) => {
          const h = Math.round(((base - 16) * c.value) / max);
          const x = i * step + step * 0.15;
          return (
            <g>
              <rect class="pa-bar" x={x} y={base - h} width={step * 0.7} height={h} />
              <text x={x} y={base - h - 3}>
                {c.display ?? nf.format(c.value)}
              </text>
              <text x={x} y={height - 8}>
                {c.label}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>Voir le tableau</summary>
        <TableFrame label={p.title} small>
          <table>
            <caption>{p.title}</caption>
            <thead>
              <tr>
                <th scope="col">Période</th>
                <th scope="col">{p.unit}</th>
              </tr>
            </thead>
            <tbody>
              {p.columns.map((c) => (
                <tr>
                  <th scope="row">{c.label}</th>
                  <td>{c.display ?? nf.format(c.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      </details>
    </figure>
  );
}
