// A running scan's progress bar, its count (or current step), and Cancel: the same in every scan panel.
import { useStore } from '../stores'
import type { LiveScan } from '../stores/scans-slice'

export function LiveScanProgress({ live, unit = 'rules' }: { live: LiveScan; unit?: string }) {
  const cancel = useStore((s) => s.cancelScan)
  const pct = live.total ? Math.min(100, Math.round((live.done / live.total) * 100)) : 0
  return (
    <>
      <div
        className="progress"
        role="progressbar"
        aria-label="Scan progress"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="muted small clip">
        {live.now.phase === 'rule' ? `${live.done} / ${live.total} ${unit}` : live.now.message}
      </span>
      <button type="button" className="button" onClick={() => void cancel(live.scanId)}>
        Cancel
      </button>
    </>
  )
}
