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

type Orientation = 'horizontal' | 'vertical';

/** What differs between the two ways of drawing: the words, the size, the marks. */
const ORIENTATIONS: Record<
  Orientation,
  { kind: string; firstColumn: (title: string) => string; height: (n: number) => number }
> = {
  horizontal: { kind: 'barres', firstColumn: (title) => title, height: (n) => Math.max(1, n) * 34 + 4 },
  vertical: { kind: 'colonnes', firstColumn: () => 'Période', height: () => 160 },
};

const WIDTH = 320;
const shown = (b: Bar) => b.display ?? nf.format(b.value);

/** Horizontal bars, one line each: the label above its bar (fits any width). */
function horizontalMarks(bars: Bar[], max: number) {
  const row = 34;
  // The value is written after its bar: the longest bar leaves room for the longest value
  // (« 100 % (12/12, médiane 3) »), at 7 units a character of the 12-unit font, so it is never cut.
  const longest = Math.max(0, ...bars.map((b) => shown(b).length));
  const scale = WIDTH - Math.min(WIDTH / 2, Math.max(60, longest * 7 + 8));
  return bars.map((b, i) => {
    const w = Math.max(b.value > 0 ? 2 : 0, Math.round((scale * b.value) / max));
    const y = i * row;
    return (
      <g>
        <text x="0" y={y + 11}>
          {b.label.length > 48 ? `${b.label.slice(0, 47)}…` : b.label}
        </text>
        <rect class="pa-bar" x="0" y={y + 15} width={w} height="12" />
        <text x={w + 4} y={y + 25}>
          {shown(b)}
        </text>
      </g>
    );
  });
}

/** Vertical columns on an axis, the value above each and the label below. */
function verticalMarks(columns: Bar[], max: number, height: number) {
  const base = height - 24;
  const step = WIDTH / Math.max(1, columns.length);
  return (
    <>
      <line class="pa-axis" x1="0" y1={base} x2={WIDTH} y2={base} />
      {columns.map((c, i) => {
        const h = Math.round(((base - 16) * c.value) / max);
        const x = i * step + step * 0.15;
        return (
          <g>
            <rect class="pa-bar" x={x} y={base - h} width={step * 0.7} height={h} />
            <text x={x} y={base - h - 3}>
              {shown(c)}
            </text>
            <text x={x} y={height - 8}>
              {c.label}
            </text>
          </g>
        );
      })}
    </>
  );
}

/**
 * One chart: its title, the SVG drawing (horizontal bars — any list — or vertical columns — a
 * period), then the same figures as a table. An empty list of bars says « Aucune donnée. »;
 * columns keep their axis (months with nothing are still months).
 */
export function BarChart(p: {
  id: string;
  title: string;
  unit: string;
  bars: Bar[];
  max?: number;
  orientation?: Orientation;
}) {
  const orientation = p.orientation ?? 'horizontal';
  const o = ORIENTATIONS[orientation];
  const height = o.height(p.bars.length);
  const max = p.max ?? Math.max(1, ...p.bars.map((b) => b.value));
  const drawing = (
    <>
      <svg
        class="pa-chart"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${p.id}-titre ${p.id}-desc`}
        focusable="false"
      >
        <title>{p.title}</title>
        <desc id={`${p.id}-desc`}>Graphique en {o.kind} ; les mêmes nombres sont dans le tableau qui suit.</desc>
        {orientation === 'horizontal' ? horizontalMarks(p.bars, max) : verticalMarks(p.bars, max, height)}
      </svg>
      <details>
        <summary>Voir le tableau</summary>
        <TableFrame label={p.title} small>
          <table>
            <caption>{p.title}</caption>
            <thead>
              <tr>
                <th scope="col">{o.firstColumn(p.title)}</th>
                <th scope="col">{p.unit}</th>
              </tr>
            </thead>
            <tbody>
              {p.bars.map((b) => (
                <tr>
                  <th scope="row">{b.label}</th>
                  <td>{shown(b)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      </details>
    </>
  );
  return (
    <figure class="pa-stats-section" aria-labelledby={`${p.id}-titre`}>
      <h3 id={`${p.id}-titre`} class="fr-h6">
        {p.title}
      </h3>
      {orientation === 'horizontal' && p.bars.length === 0 ? <p>Aucune donnée.</p> : drawing}
    </figure>
  );
}
