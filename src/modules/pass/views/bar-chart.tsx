/** A horizontal bar chart drawn in SVG on the server: no JavaScript, readable by screen readers via its table. */
export function BarChart({
  title,
  rows,
  unit,
}: {
  title: string;
  rows: Array<{ label: string; count: number }>;
  unit: string;
}) {
  if (rows.length === 0) return <p class="pa-muted">{title} : aucune donnée pour l’instant.</p>;
  const top = rows.slice(0, 12);
  const max = Math.max(...top.map((r) => r.count), 1);
  const rowHeight = 28;
  const labelWidth = 260;
  const barWidth = 300;
  const id = `graphique-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <figure class="fr-mb-4w">
      <figcaption class="fr-h6" id={id}>
        {title}
      </figcaption>
      <svg
        viewBox={`0 0 ${labelWidth + barWidth + 60} ${top.length * rowHeight + 4}`}
        width="100%"
        role="img"
        aria-labelledby={id}
        focusable="false"
      >
        <title>{title}</title>
        {top.map((r, i) => (
          <g>
            <text x={labelWidth - 8} y={i * rowHeight + 19} text-anchor="end" font-size="13" fill="#161616">
              {r.label.length > 38 ? `${r.label.slice(0, 37)}…` : r.label}
            </text>
            <rect
              x={labelWidth}
              y={i * rowHeight + 5}
              width={Math.max(2, (r.count / max) * barWidth)}
              height={rowHeight - 10}
              fill="#000091"
            />
            <text x={labelWidth + (r.count / max) * barWidth + 6} y={i * rowHeight + 19} font-size="13" fill="#161616">
              {r.count}
            </text>
          </g>
        ))}
      </svg>
      <details class="pa-details">
        <summary>Voir les données de « {title} »</summary>
        <table class="fr-table">
          <caption class="fr-sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{title}</th>
              <th scope="col">{unit}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.label}</td>
                <td>{r.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
