// Two scans side by side — one target at two dates, or two targets on the same policy: each side's counts
// and scores (as scanned and after exceptions), then every rule, those that differ first, filterable.
import { when } from '../../src-preload/dates'
import { useEffect, useMemo, useState } from 'react'
import type { Res } from '../../src-preload/contract'
import { api } from '../api/client'
import { useStore } from '../stores'
import { judgementSelectors } from '../stores/judgement-slice'
import { targetSelectors } from '../stores/targets-slice'
import { navigate } from '../router'
import { errorText } from '../stores/loadable'
import '../components/judgement.css'
import { countsLine } from '../lib/judgement'

type Scans = Res<'scans.list'>['scans']
type Side = Res<'scans.compare'>['a']

const DIFFERENCE: Record<string, string> = {
  status: 'Status differs',
  value: 'Found value differs',
  'only-a': 'Only in A',
  'only-b': 'Only in B',
  same: 'Same',
}

function SideSummary({ name, side }: { name: string; side: Side }) {
  const s = side.summary
  return (
    <section className="compare-side" aria-label={`Scan ${name}`}>
      <h2>
        {name}: {side.targetName}
      </h2>
      <p className="muted small">
        {side.scan.profileId} · {side.scan.finishedAt ? when(side.scan.finishedAt) : ''}
      </p>
      <p>
        {s.scoreRawLabel}: <strong>{s.scoreRaw ?? 'n/a'}%</strong> · {s.scoreAfterLabel}:{' '}
        <strong>{s.scoreAfter ?? 'n/a'}%</strong>
      </p>
      <p className="small">{countsLine(s.countsAfter)}</p>
    </section>
  )
}

export function ComparePage({ a, b }: { a: string; b: string }) {
  const targets = useStore(targetSelectors.targets)
  const loaded = useStore(judgementSelectors.comparison(a, b))
  const load = useStore((s) => s.loadComparison)
  const [scans, setScans] = useState<Scans>([])
  const [all, setAll] = useState(false)
  const [query, setQuery] = useState('')
  useEffect(() => {
    void api.invoke('scans.list', {}).then((r) => setScans(r.scans.filter((s) => s.state === 'done')))
  }, [])
  useEffect(() => {
    if (a && b) void load(a, b)
  }, [a, b, load])
  const name = (id: string) => targets.find((t) => t.id === id)?.name ?? id
  const label = (s: Scans[number]) => `${name(s.targetId)} — ${when(s.startedAt)} (${s.score ?? 'n/a'}%)`
  const data = loaded?.data
  const rows = useMemo(() => {
    const q = query.toLowerCase()
    return (data?.rows ?? []).filter(
      (r) =>
        (all || r.difference !== 'same') &&
        (!q || r.ruleId.toLowerCase().includes(q) || r.title.toLowerCase().includes(q)),
    )
  }, [data, all, query])
  const toast = useStore((s) => s.toast)
  const downloadCsv = async () => {
    try {
      const { fileName, text } = await api.invoke('scans.compareCsv', { a, b })
      await api.saveText(fileName, 'text/csv', text)
    } catch (err) {
      toast('error', `Could not save the CSV: ${errorText(err)}`)
    }
  }
  const setReportScope = useStore((s) => s.setReportScope)
  // The report builder keeps its scope: the comparison joins it as an appendix, seen in the preview there.
  const addToReport = () => {
    setReportScope({ compare: { a, b } })
    navigate('#/reports')
  }
  const pick = (which: 'a' | 'b', id: string) =>
    navigate(`#/compare?a=${which === 'a' ? id : a}&b=${which === 'b' ? id : b}`)
  return (
    <>
      <h1>Compare scans</h1>
      <div className="toolbar">
        {(['a', 'b'] as const).map((w) => (
          <label key={w}>
            Scan {w.toUpperCase()}{' '}
            <select
              aria-label={`Scan ${w.toUpperCase()}`}
              value={w === 'a' ? a : b}
              onChange={(e) => pick(w, e.target.value)}
            >
              <option value="">Choose a scan</option>
              {scans.map((s) => (
                <option key={s.id} value={s.id}>
                  {label(s)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      {loaded?.state === 'error' && (
        <p className="banner error" role="alert">
          Could not compare these scans: {loaded.error}
        </p>
      )}
      {(!a || !b) && <p className="muted">Choose two finished scans to compare.</p>}
      {data && (
        <>
          <div className="compare-sides">
            <SideSummary name="A" side={data.a} />
            <SideSummary name="B" side={data.b} />
          </div>
          <div className="toolbar">
            <label className="search">
              <span className="sr-only">Filter rules</span>
              <input
                type="search"
                placeholder="Filter by rule or title"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
            </label>
            <label className="check">
              <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show rules
              that are the same
            </label>
            <span className="muted small" aria-live="polite">
              {data.differences === 1 ? '1 rule differs' : `${data.differences} rules differ`} · {rows.length}{' '}
              shown
            </span>
            <button type="button" onClick={() => void downloadCsv()}>
              Download CSV
            </button>
            <button type="button" onClick={addToReport}>
              Add to report
            </button>
          </div>
          <table className="table compare-table" aria-label="Compared rules">
            <thead>
              <tr>
                <th>Difference</th>
                <th>Rule</th>
                <th>A</th>
                <th>B</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.ruleId} className={`diff-${r.difference}`} data-rule={r.ruleId}>
                  <td className={`diff-${r.difference}`}>{DIFFERENCE[r.difference]}</td>
                  <td>
                    <div>{r.title}</div>
                    <span className="mono small muted">{r.ruleId}</span>
                  </td>
                  {[r.a, r.b].map((c, i) => (
                    <td key={i}>
                      {c.status ? <span className={`status status-${c.status}`}>{c.status}</span> : '—'}
                      {c.actual && (
                        <div className="small">
                          found <strong>{c.actual}</strong>
                          {c.expected && <> · expected {c.expected}</>}
                        </div>
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  )
}
