// The report's optional comparison appendix: two finished scans (any targets) whose differing rules the report
// lists after the drift events; chosen here or sent from the Compare page.
import { useEffect, useState } from 'react'
import type { Res } from '../../../src-preload/contract'
import { api } from '../../api/client'
import { useStore } from '../../stores'
import { targetSelectors } from '../../stores/targets-slice'
import { when } from '../../../src-preload/dates'

type Scans = Res<'scans.list'>['scans']

export function CompareAppendix({
  value,
  onChange,
}: {
  value: { a: string; b: string }
  onChange(v: { a: string; b: string }): void
}) {
  const targets = useStore(targetSelectors.targets)
  const [scans, setScans] = useState<Scans>([])
  useEffect(() => {
    void api
      .invoke('scans.list', {})
      .then((r) => setScans(r.scans.filter((s) => s.state === 'done')))
      .catch(() => setScans([]))
  }, [])
  const name = (id: string) => targets.find((t) => t.id === id)?.name ?? id
  return (
    <fieldset className="report-fieldset">
      <legend>Compare appendix</legend>
      <p className="hint">
        Two scans side by side at the end of the report: the rules that differ, each side&rsquo;s status and
        values, scores and counts.
      </p>
      {(['a', 'b'] as const).map((w) => (
        <label key={w} className="check">
          <span>Scan {w.toUpperCase()}</span>
          <select
            aria-label={`Compare scan ${w.toUpperCase()}`}
            value={value[w]}
            onChange={(e) => onChange({ ...value, [w]: e.target.value })}
          >
            <option value="">{w === 'a' ? 'No comparison' : 'Choose a scan'}</option>
            {scans.map((s) => (
              <option key={s.id} value={s.id}>
                {name(s.targetId)} — {when(s.startedAt)} ({s.score ?? 'n/a'}%)
              </option>
            ))}
          </select>
        </label>
      ))}
      {(value.a || value.b) && (
        <button type="button" className="link small" onClick={() => onChange({ a: '', b: '' })}>
          Remove the comparison
        </button>
      )}
    </fieldset>
  )
}
