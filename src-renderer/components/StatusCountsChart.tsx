// A scan's results by status as a bar chart (recharts); the target page loads it on demand.
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'

const STATUS_COLOURS: Record<string, string> = {
  pass: '#16a34a',
  fail: '#dc2626',
  error: '#9333ea',
  notapplicable: '#94a3b8',
  notchecked: '#64748b',
  informational: '#0ea5e9',
  unknown: '#f59e0b',
  fixed: '#22c55e',
}

export function StatusCountsChart({ counts }: { counts: { status: string; n: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height={140}>
      <BarChart data={counts} layout="vertical" margin={{ left: 20, right: 20 }}>
        <XAxis type="number" hide />
        <YAxis type="category" dataKey="status" width={100} tick={{ fontSize: 12 }} />
        <Tooltip />
        <Bar dataKey="n" isAnimationActive={false} label={{ position: 'right', fontSize: 12 }}>
          {counts.map((c) => (
            <Cell key={c.status} fill={STATUS_COLOURS[c.status] ?? '#64748b'} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  )
}
