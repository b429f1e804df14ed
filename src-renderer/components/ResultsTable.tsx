// Scan results as a virtualised table: only the rows in view are rendered, so 20,000 rules scroll as
// smoothly as 20. Filter by status, severity and text; sort by any column; pick a row for its detail.
import { useMemo, useState, type UIEvent } from 'react'
import './judgement.css'
import type { ResultJudgement, ResultView } from '../../src-preload/contract'
import { referenceLabels } from '../../src-preload/labels'

/**
 * What a search looks in: title and rule id (anywhere), and every identifier and reference labelled by scheme,
 * where the words must start a term, so "CCE-80000-1", "800-53", "AC-7", "CIS" or "PCI DSS" find the rules that
 * carry them, and "AC-" finds NIST 800-53 access-control rules, not NIST CSF's "PR.AC-1".
 */
const searchText = new WeakMap<ResultView, { text: string; refs: string }>()
function matches(r: ResultView, q: string): boolean {
  let s = searchText.get(r)
  if (!s) {
    s = {
      text: `${r.title}\n${r.ruleId}`.toLowerCase(),
      refs: `\n${referenceLabels(r.idents, r.references ?? [])
        .join('\n')
        .toLowerCase()}`,
    }
    searchText.set(r, s)
  }
  if (s.text.includes(q)) return true
  for (let i = s.refs.indexOf(q); i >= 0; i = s.refs.indexOf(q, i + 1))
    if (/[\s:;,(/]/.test(s.refs[i - 1] ?? '\n')) return true
  return false
}

const ROW = 36
const VIEW = 520
const SEVERITY_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2, info: 3, unknown: 4 }
type SortKey = 'status' | 'severity' | 'title'

export function ResultsTable(props: {
  results: ResultView[]
  selected?: string
  onSelect(r: ResultView): void
  /** How each rule reads under the exceptions and attestations in force, by rule id. */
  judgements?: ReadonlyMap<string, ResultJudgement>
  /** Rules ticked for a bulk action (excepting several failures at once). */
  checked?: ReadonlySet<string>
  onCheck?(ruleId: string, on: boolean): void
}) {
  const [status, setStatus] = useState('')
  const [severity, setSeverity] = useState('')
  const [query, setQuery] = useState('')
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'severity', asc: true })
  const [top, setTop] = useState(0)

  const statuses = useMemo(() => [...new Set(props.results.map((r) => r.status))].sort(), [props.results])
  const rows = useMemo(() => {
    const q = query.trim().toLowerCase()
    const filtered = props.results.filter(
      (r) =>
        (!status || r.status === status) && (!severity || r.severity === severity) && (!q || matches(r, q)),
    )
    const cmp = (a: ResultView, b: ResultView) => {
      const d =
        sort.key === 'severity'
          ? (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9)
          : a[sort.key].localeCompare(b[sort.key])
      return (sort.asc ? d : -d) || a.title.localeCompare(b.title)
    }
    return filtered.sort(cmp)
  }, [props.results, status, severity, query, sort])

  const first = Math.max(0, Math.floor(top / ROW) - 5)
  const visible = rows.slice(first, first + Math.ceil(VIEW / ROW) + 10)
  const header = (key: SortKey, label: string) => (
    <button
      type="button"
      className="sort"
      aria-sort={sort.key === key ? (sort.asc ? 'ascending' : 'descending') : 'none'}
      onClick={() => setSort((s) => ({ key, asc: s.key === key ? !s.asc : true }))}
    >
      {label} {sort.key === key ? (sort.asc ? '▲' : '▼') : ''}
    </button>
  )

  return (
    <section aria-label="Results">
      <div className="toolbar">
        <label className="search">
          <span className="sr-only">Filter results</span>
          <input
            type="search"
            placeholder="Filter by rule, title, CCE, NIST 800-53, CIS, PCI DSS…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <label>
          <span className="sr-only">Status</span>
          <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All statuses</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="sr-only">Severity</span>
          <select aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">All severities</option>
            {['high', 'medium', 'low', 'info', 'unknown'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" aria-live="polite">
          {rows.length} of {props.results.length} rules
        </span>
      </div>
      <div
        className={`vtable${props.judgements || props.onCheck ? ' with-judgement' : ''}`}
        role="table"
        aria-label="Rule results"
        aria-rowcount={rows.length}
      >
        <div className="vrow vhead" role="row">
          <span role="columnheader">{header('status', 'Status')}</span>
          <span role="columnheader">{header('severity', 'Severity')}</span>
          <span role="columnheader">{header('title', 'Rule')}</span>
        </div>
        <div
          className="vbody"
          style={{ height: VIEW }}
          onScroll={(e: UIEvent<HTMLDivElement>) => setTop(e.currentTarget.scrollTop)}
        >
          <div style={{ height: rows.length * ROW, position: 'relative' }}>
            {visible.map((r, i) => (
              <div
                key={r.ruleId}
                role="row"
                tabIndex={0}
                data-rule={r.ruleId}
                aria-selected={props.selected === r.ruleId}
                className={`vrow${props.selected === r.ruleId ? ' selected' : ''}`}
                style={{ position: 'absolute', top: (first + i) * ROW, height: ROW, left: 0, right: 0 }}
                onClick={() => props.onSelect(r)}
                onKeyDown={(e) => e.key === 'Enter' && props.onSelect(r)}
              >
                <span role="cell">
                  {props.onCheck && (
                    <input
                      type="checkbox"
                      aria-label={`Select ${r.ruleId}`}
                      checked={props.checked?.has(r.ruleId) ?? false}
                      onClick={(e) => e.stopPropagation()}
                      onChange={(e) => props.onCheck!(r.ruleId, e.target.checked)}
                    />
                  )}
                  <span className={`status status-${r.status}`}>{r.status}</span>
                  <JudgementBadge j={props.judgements?.get(r.ruleId)} />
                </span>
                <span role="cell" className={`sev sev-${r.severity}`}>
                  {r.severity}
                </span>
                <span role="cell" className="clip" title={r.ruleId}>
                  {r.title}
                </span>
              </div>
            ))}
          </div>
        </div>
      </div>
    </section>
  )
}

/** Excepted and attested results are marked beside their real status, never instead of it. */
function JudgementBadge({ j }: { j: ResultJudgement | undefined }) {
  if (!j) return null
  if (j.kind === 'excepted')
    return (
      <span
        className="status status-excepted"
        title={`Excepted until ${j.expiresAt.slice(0, 10)} by ${j.approvedBy}`}
      >
        excepted
      </span>
    )
  if (j.kind === 'attested')
    return (
      <span className={`status status-attested`} title={`Attested by ${j.attestedBy}`}>
        attested {j.status}
      </span>
    )
  return (
    <span className="status status-lapsed" title={j.warning}>
      attestation lapsed
    </span>
  )
}
