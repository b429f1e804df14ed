// A target's score over time with its drift marked: one point per scan, red dots where rules regressed or a
// score dropped, green where things were fixed, a dashed line where the policy changed (never drift itself).
// Clicking a marked point picks that scan's events.
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { Res } from '../../src-preload/contract'
import { when as whenText } from '../../src-preload/dates'

type Point = Res<'drift.timeline'>['points'][number]

const bad = (p: Point) => (p.events.regression ?? 0) + (p.events['new-failing'] ?? 0) > 0
const good = (p: Point) => (p.events.fixed ?? 0) > 0

function Marker({
  cx,
  cy,
  payload,
  onPick,
}: {
  cx?: number
  cy?: number
  payload?: Point
  onPick?(p: Point): void
}) {
  if (cx === undefined || cy === undefined || !payload) return null
  const colour = bad(payload)
    ? '#dc2626'
    : good(payload)
      ? '#16a34a'
      : Object.keys(payload.events).length
        ? '#f59e0b'
        : null
  if (!colour) return <circle cx={cx} cy={cy} r={2.5} fill="#2563eb" />
  return (
    <circle
      cx={cx}
      cy={cy}
      r={6}
      fill={colour}
      stroke="white"
      strokeWidth={1.5}
      data-drift-scan={payload.scanId}
      style={{ cursor: 'pointer' }}
      onClick={() => onPick?.(payload)}
    >
      <title>
        {Object.entries(payload.events)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ')}
      </title>
    </circle>
  )
}

// Axis ticks are short, but in the same zone (UTC) as every other time the app and the report show.
const day = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
const time = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  })
const when = (iso: string) => whenText(iso)

export function DriftChart({ points, onPick }: { points: Point[]; onPick?(p: Point): void }) {
  const data = points.map((p) => ({ ...p, score: p.score ?? undefined }))
  // Scans within two days are told apart by time of day; longer spans by date.
  const span = points.length > 1 ? Date.parse(points.at(-1)!.at) - Date.parse(points[0]!.at) : 0
  const tick = span < 2 * 86_400_000 ? time : day
  return (
    <div className="chart drift-chart" aria-label="Score timeline">
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 10, right: 28, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="at" tickFormatter={tick} minTickGap={40} tick={{ fontSize: 12 }} />
          <YAxis domain={[0, 100]} unit="%" width={48} tick={{ fontSize: 12 }} />
          <Tooltip labelFormatter={(l) => when(String(l))} formatter={(v) => [`${String(v)}%`, 'Score']} />
          <Line
            type="monotone"
            dataKey="score"
            stroke="#2563eb"
            strokeWidth={2}
            isAnimationActive={false}
            connectNulls
            dot={(p) => (
              <Marker
                key={p.index}
                cx={p.cx as number | undefined}
                cy={p.cy as number | undefined}
                payload={p.payload as Point}
                onPick={onPick}
              />
            )}
            activeDot={false}
          />
          {points
            .filter((p) => p.policyChange)
            .map((p) => (
              <ReferenceLine
                key={`policy-${p.scanId}`}
                x={p.at}
                stroke="#7c3aed"
                strokeDasharray="4 3"
                label={{ value: 'Policy changed', position: 'insideTopRight', fontSize: 11, fill: '#7c3aed' }}
              />
            ))}
        </LineChart>
      </ResponsiveContainer>
      {points.some((p) => p.policyChange) && (
        <ul className="policy-changes small" aria-label="Policy changes">
          {points
            .filter((p) => p.policyChange)
            .map((p) => (
              <li key={p.scanId}>
                <span className="muted">{when(p.at)}</span> {p.policyChange}: not drift, so no drift events
                were raised for this scan.
              </li>
            ))}
        </ul>
      )}
    </div>
  )
}
