// Controls per family as stacked bars (recharts): how many of each family's controls are satisfied, not
// satisfied, partly satisfied, excepted, attested or not assessed. Clicking a bar picks its family.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { CONTROL_STATUSES, type ControlStatus, type Res } from '../../src-preload/contract'

export const STATUS_COLOURS: Record<ControlStatus, string> = {
  satisfied: '#16a34a',
  'not-satisfied': '#dc2626',
  partly: '#f59e0b',
  excepted: '#7c3aed',
  attested: '#2563eb',
  'not-assessed': '#cbd5e1',
}

export const STATUS_LABELS: Record<ControlStatus, string> = {
  satisfied: 'Satisfied',
  'not-satisfied': 'Not satisfied',
  partly: 'Partly',
  excepted: 'Excepted',
  attested: 'Attested',
  'not-assessed': 'Not assessed',
}

type Family = Res<'controls.status'>['families'][number]

export function ControlsChart({ families, onPick }: { families: Family[]; onPick?(family: string): void }) {
  const data = families.map((f) => ({ family: f.id.toUpperCase(), id: f.id, title: f.title, ...f.counts }))
  return (
    <div className="controls-chart" aria-label="Controls per family" role="img">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="family" tick={{ fontSize: 11 }} interval={0} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip
            labelFormatter={(_l, p) => (p?.[0]?.payload as { title?: string } | undefined)?.title ?? ''}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {CONTROL_STATUSES.map((s) => (
            <Bar
              key={s}
              dataKey={s}
              name={STATUS_LABELS[s]}
              stackId="controls"
              fill={STATUS_COLOURS[s]}
              isAnimationActive={false}
              cursor="pointer"
              onClick={(d: unknown) => onPick?.((d as { payload?: { id: string } }).payload?.id ?? '')}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
