// Score over time for each target, as plain SVG: it prints crisply and needs no layout measuring, so the
// PDF and the preview draw the same picture.
import type { ReportModel } from '../../src-preload/contract'

const COLOURS = ['#2563eb', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d']
const W = 640
const H = 220
const PAD = { left: 40, right: 12, top: 12, bottom: 28 }

export function TrendChart({ targets }: { targets: ReportModel['targets'] }) {
  const points = targets.flatMap((t) => t.trend.filter((p) => p.score !== null).map((p) => Date.parse(p.at)))
  if (points.length === 0) return <p>No scores to chart: no scan had a rule pass or fail.</p>
  const t0 = Math.min(...points)
  const t1 = Math.max(...points)
  const x = (ms: number) =>
    PAD.left +
    (t1 === t0 ? (W - PAD.left - PAD.right) / 2 : ((ms - t0) / (t1 - t0)) * (W - PAD.left - PAD.right))
  const y = (score: number) => PAD.top + (1 - score / 100) * (H - PAD.top - PAD.bottom)
  const shown = targets.slice(0, COLOURS.length)
  // Within two days the dates alone would read the same at both ends: show the time too.
  const label = (ms: number) =>
    new Date(ms)
      .toISOString()
      .slice(0, t1 - t0 < 2 * 86_400_000 ? 16 : 10)
      .replace('T', ' ')
  return (
    <figure className="report-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="Score per target over time">
        {[0, 25, 50, 75, 100].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#d5dae3" strokeWidth="0.8" />
            <text x={PAD.left - 6} y={y(v) + 3} fontSize="9" textAnchor="end" fill="#5d6b82">
              {v}%
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 8} fontSize="9" fill="#5d6b82">
          {label(t0)}
        </text>
        <text x={W - PAD.right} y={H - 8} fontSize="9" textAnchor="end" fill="#5d6b82">
          {label(t1)}
        </text>
        {shown.map((t, i) => {
          const pts = t.trend
            .filter((p) => p.score !== null)
            .map((p) => [x(Date.parse(p.at)), y(p.score!)] as const)
          const colour = COLOURS[i % COLOURS.length]
          return (
            <g key={t.id}>
              {pts.length > 1 && (
                <polyline
                  points={pts.map(([a, b]) => `${a},${b}`).join(' ')}
                  fill="none"
                  stroke={colour}
                  strokeWidth="2"
                />
              )}
              {pts.map(([a, b], j) => (
                <circle key={j} cx={a} cy={b} r="3" fill={colour} />
              ))}
            </g>
          )
        })}
      </svg>
      <figcaption className="report-legend">
        {shown.map((t, i) => (
          <span key={t.id}>
            <svg width="10" height="10" aria-hidden="true">
              <rect width="10" height="10" fill={COLOURS[i % COLOURS.length]} />
            </svg>{' '}
            {t.name} ({t.score === null ? 'n/a' : `${t.score}%`})
          </span>
        ))}
        {targets.length > shown.length && (
          <span>and {targets.length - shown.length} more targets (see the table)</span>
        )}
      </figcaption>
    </figure>
  )
}
