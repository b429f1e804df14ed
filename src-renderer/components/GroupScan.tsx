// Scanning a whole group from the targets list: pick the group (and, for kinds scanned with content, the policy:
// each target's assigned one, or a benchmark, profile and tailoring), start; the core runs a few at a time and
// each row shows its own progress. While it runs, the bar says how far it got and can stop the rest.
import { useState } from 'react'
import type { Target } from '../../src-preload/contract'
import { useStore } from '../stores'
import { liveText, scanSelectors } from '../stores/scans-slice'
import { targetSelectors } from '../stores/targets-slice'
import { TargetStatus } from './TargetStatus'
import { PolicyPicker, usePolicyChoice } from './AssignedPolicy'
import { ConfirmDialog } from './ConfirmDialog'

export function GroupScanBar({ targets }: { targets: Target[] }) {
  const groups = useStore(targetSelectors.labels).groups
  const kinds = useStore(targetSelectors.kinds)
  const toast = useStore((s) => s.toast)
  const startGroupScan = useStore((s) => s.startGroupScan)
  const running = useStore(scanSelectors.groupScan)
  const [group, setGroup] = useState('')
  const policy = usePolicyChoice()
  if (groups.length === 0) return null
  const members = targets.filter((t) => t.groups.includes(group))
  const needsContent = members.some((t) => kinds.find((k) => k.kind === t.kind)?.policy.content)
  const start = async () => {
    try {
      const r = await startGroupScan({
        group,
        ...(needsContent ? policy.request() : {}),
      })
      const skipped = r.skipped.length
        ? `; not scanned: ${r.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}`
        : ''
      toast(
        r.skipped.length ? 'error' : 'info',
        `Scanning ${r.queued.length} targets of ${group}, as many at a time as this computer keeps up with${skipped}`,
      )
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  if (running) return <RunningGroup />
  return (
    <section className="group-scan" aria-label="Scan a group">
      <select aria-label="Group to scan" value={group} onChange={(e) => setGroup(e.target.value)}>
        <option value="">Scan a group…</option>
        {groups.map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
      </select>
      {group && needsContent && <PolicyPicker policy={policy} prefix="Group" />}
      {group && (
        <button
          type="button"
          className="button primary"
          disabled={needsContent && !policy.ready}
          onClick={() => void start()}
        >
          Scan {members.length} targets
        </button>
      )}
    </section>
  )
}

/** The group scan under way: how many of its targets have ended, and a way to stop the others. */
function RunningGroup() {
  const running = useStore(scanSelectors.groupScan)!
  const stop = useStore((s) => s.stopGroupScan)
  const [confirming, setConfirming] = useState(false)
  const total = running.queued.length
  const waiting = running.pending.length
  return (
    <section className="group-scan running" aria-label="Group scan">
      <span role="status">
        Scanning {running.group}: {total - waiting} of {total} targets done
      </span>
      <button type="button" className="button danger" onClick={() => setConfirming(true)}>
        Stop the group
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Stop scanning ${running.group}?`}
        body={`The scans running now are cancelled and the targets still waiting are not scanned (${waiting} of ${total} targets have not finished). Scans that finished keep their results.`}
        confirmLabel="Stop the group"
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          void stop()
        }}
      />
    </section>
  )
}

/** A target's row: its scan's live progress while one runs, else its latest score. */
export function ScanCell({ targetId, name }: { targetId: string; name: string }) {
  const live = useStore(scanSelectors.live(targetId))
  const latest = useStore((s) => s.latest[targetId])
  const attempt = useStore(scanSelectors.attempt(targetId))
  if (live) {
    const pct = live.total ? Math.min(100, Math.round((live.done / live.total) * 100)) : 0
    return (
      <div
        className="progress mini"
        role="progressbar"
        aria-label={`Scan progress of ${name}`}
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
        title={liveText(live)}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
    )
  }
  if (attempt || latest) return <TargetStatus targetId={targetId} compact />
  return <span className="muted small">–</span>
}
