// Which scan of each target the report shows: its latest in the window unless the person picks another.
import { useEffect } from 'react'
import type { ReportModel } from '../../../src-preload/contract'
import { useStore } from '../../stores'
import { scanSelectors } from '../../stores/scans-slice'
import { when } from '../../../src-preload/dates'

function TargetScan({
  target,
  chosen,
  onChoose,
}: {
  target: ReportModel['targets'][number]
  chosen: string
  onChoose(scanId: string): void
}) {
  const history = useStore(scanSelectors.history(target.id))
  const load = useStore((s) => s.loadHistory)
  useEffect(() => {
    void load(target.id)
  }, [target.id, load])
  const done = (history?.data ?? []).filter((s) => s.state === 'done')
  return (
    <label className="check">
      <span>{target.name}</span>
      <select aria-label={`Scan of ${target.name}`} value={chosen} onChange={(e) => onChoose(e.target.value)}>
        <option value="">Latest in the window</option>
        {done.map((s) => (
          <option key={s.id} value={s.id}>
            {when(s.startedAt)} · {s.score === null ? 'n/a' : `${s.score}%`}
          </option>
        ))}
      </select>
    </label>
  )
}

export function ScanPicker({
  model,
  scanIds,
  onChange,
}: {
  model: ReportModel | null
  scanIds: string[]
  onChange(scanIds: string[]): void
}) {
  const history = useStore((s) => s.history)
  if (!model || model.targets.length === 0) return null
  const targetOf = (scanId: string) =>
    Object.entries(history).find(([, h]) => h.data?.some((s) => s.id === scanId))?.[0]
  return (
    <fieldset className="report-fieldset">
      <legend>Scans</legend>
      <p className="hint">Each target reports its latest scan in the window, or the one you pick.</p>
      <div className="report-checks" role="group" aria-label="Scans">
        {model.targets.map((t) => (
          <TargetScan
            key={t.id}
            target={t}
            chosen={scanIds.find((s) => targetOf(s) === t.id) ?? ''}
            onChoose={(id) => onChange([...scanIds.filter((s) => targetOf(s) !== t.id), ...(id ? [id] : [])])}
          />
        ))}
      </div>
    </fieldset>
  )
}
