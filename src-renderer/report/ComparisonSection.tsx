// The report's comparison appendix: two chosen scans side by side — each side's target, date, score (as scanned
// and after exceptions) and counts, then every rule that differs with its status and found/expected values.
import type { CompareRow, ReportModel } from '../../src-preload/contract'
import { when } from '../../src-preload/dates'

const DIFFERENCE: Record<CompareRow['difference'], string> = {
  status: 'status changed',
  value: 'value changed',
  'only-a': 'only in A',
  'only-b': 'only in B',
  same: 'same',
}

const score = (v: number | null) => (v === null ? 'n/a' : `${v}%`)
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(' · ') || 'none'

function Cell({ side }: { side: CompareRow['a'] }) {
  if (!side.status) return <td>not in this scan</td>
  return (
    <td>
      <strong>{side.status}</strong>
      {(side.actual || side.expected) && (
        <div className="mono">
          found {side.actual || '—'} · expected {side.expected || '—'}
        </div>
      )}
    </td>
  )
}

export function ComparisonSection({ model }: { model: ReportModel }) {
  const c = model.comparison
  if (!c) return null
  const differing = c.rows.filter((r) => r.difference !== 'same')
  const same = c.rows.length - differing.length
  const sides = [
    ['A', c.a],
    ['B', c.b],
  ] as const
  return (
    <section className="report-section report-comparison">
      <h2>Appendix: comparison of two scans</h2>
      {sides.map(([label, s]) => (
        <p key={label} className="report-compare-side">
          <strong>
            {label}: {s.targetName}
          </strong>
          , scan <span className="mono">{s.scan.id}</span>, finished{' '}
          {when(s.scan.finishedAt ?? s.scan.startedAt)}. Score {score(s.summary.scoreRaw)} as scanned,{' '}
          {score(s.summary.scoreAfter)} after exceptions and attestations; {counts(s.summary.countsAfter)}.
        </p>
      ))}
      <p>
        {differing.length === 0
          ? `The two scans agree on all ${c.rows.length} rules.`
          : `${differing.length} of ${c.rows.length} rules differ${same ? `; the other ${same} have the same status and value in both` : ''}. Status changes come first.`}
      </p>
      {differing.length > 0 && (
        <table className="report-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Difference</th>
              <th>A: {c.a.targetName}</th>
              <th>B: {c.b.targetName}</th>
            </tr>
          </thead>
          <tbody>
            {differing.map((r) => (
              <tr key={r.ruleId}>
                <td>
                  <div>{r.title}</div>
                  <span className="mono">{r.ruleId}</span> · {r.severity || 'unknown'}
                </td>
                <td>{DIFFERENCE[r.difference]}</td>
                <Cell side={r.a} />
                <Cell side={r.b} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
