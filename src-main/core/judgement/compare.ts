// Two finished scans side by side — one target at two dates, or two targets on the same policy: each rule's
// status and found/expected values in both, rules that differ first, and each side's counts and score both ways.
import type { Handlers } from '../dispatch'
import type { CompareRow, CompareView } from '../../../src-preload/contract'
import type { RuleResult } from '../model/scan'
import { AppError, notFound } from '../errors'
import { view as scanView } from '../scans/handlers'
import { judge, summarise } from './apply'
import type { JudgementDeps } from './context'
import { csvCell } from '../reports/csv'

const RANK: Record<CompareRow['difference'], number> = {
  status: 0,
  'only-a': 1,
  'only-b': 1,
  value: 2,
  same: 3,
}

export function compareScans(d: JudgementDeps, aId: string, bId: string): CompareView {
  const side = (id: string, which: 'a' | 'b') => {
    const scan = d.scans.get(id)
    if (!scan)
      throw new AppError('not_found', `No scan with id "${id.slice(0, 60)}"`, [
        { path: which, message: 'Unknown scan' },
      ])
    if (scan.state !== 'done')
      throw new AppError(
        'validation',
        `Scan ${id.slice(0, 60)} is ${scan.state}: only finished scans compare`,
        [{ path: which, message: `Scan is ${scan.state}` }],
      )
    const t = d.repos.targets.get(scan.targetId)
    if (!t) throw notFound('The scan’s target')
    const results = d.scans.results(id)
    const judged = judge(
      results,
      t,
      d.judgement.exceptions(false),
      d.judgement.attestations(false),
      d.clock.now().toISOString(),
    )
    return { scan, target: t, results, summary: summarise(judged) }
  }
  const A = side(aId, 'a')
  const B = side(bId, 'b')
  const byRule = (rs: RuleResult[]) => new Map(rs.map((r) => [r.ruleId, r]))
  const ma = byRule(A.results)
  const mb = byRule(B.results)
  const ids = [...new Set([...ma.keys(), ...mb.keys()])]
  const cell = (r?: RuleResult) => ({
    status: r?.status ?? ('' as const),
    actual: r?.actual ?? '',
    expected: r?.expected ?? '',
  })
  const rows: CompareRow[] = ids.map((ruleId) => {
    const a = ma.get(ruleId)
    const b = mb.get(ruleId)
    const difference: CompareRow['difference'] = !a
      ? 'only-b'
      : !b
        ? 'only-a'
        : a.status !== b.status
          ? 'status'
          : a.actual !== b.actual
            ? 'value'
            : 'same'
    return {
      ruleId,
      title: (a ?? b)!.title || ruleId,
      severity: (a ?? b)!.severity,
      a: cell(a),
      b: cell(b),
      difference,
    }
  })
  rows.sort((x, y) => RANK[x.difference] - RANK[y.difference] || x.ruleId.localeCompare(y.ruleId))
  return {
    a: { scan: scanView(A.scan), targetName: A.target.name, summary: A.summary },
    b: { scan: scanView(B.scan), targetName: B.target.name, summary: B.summary },
    rows,
    differences: rows.filter((r) => r.difference !== 'same').length,
  }
}

/** The comparison as CSV: one row per rule, both sides' status and values. */
export function compareCsv(v: CompareView): string {
  const q = (s: string) => csvCell(s)
  const head = [
    'rule_id',
    'title',
    'severity',
    'difference',
    'a_status',
    'a_found',
    'a_expected',
    'b_status',
    'b_found',
    'b_expected',
  ]
  const lines = v.rows.map((r) =>
    [
      r.ruleId,
      r.title,
      r.severity,
      r.difference,
      r.a.status,
      r.a.actual,
      r.a.expected,
      r.b.status,
      r.b.actual,
      r.b.expected,
    ]
      .map(q)
      .join(','),
  )
  return [head.join(','), ...lines].join('\r\n') + '\r\n'
}

export const compareHandlers = (d: JudgementDeps): Pick<Handlers, 'scans.compare' | 'scans.compareCsv'> => ({
  'scans.compare': ({ a, b }) => compareScans(d, a, b),
  'scans.compareCsv': ({ a, b }) => {
    const v = compareScans(d, a, b)
    const name = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40)
    return {
      fileName: `compare-${name(v.a.targetName)}-${a.slice(0, 8)}-${name(v.b.targetName)}-${b.slice(0, 8)}.csv`,
      text: compareCsv(v),
    }
  },
})
