// The Watch page's schedules: one row per scheduled target with how often, a live countdown to the next run,
// the last run and its status, and the actions on it (pause/resume the target, run now, remove).
import { useEffect, useState } from 'react'
import type { RunView, WatchStatus } from '../../../src-preload/contract'
import { useStore } from '../../stores'
import { EmptyState } from '../../components/EmptyState'
import { countdown, inZone, scheduleEvery } from '../../lib/schedule-text'
import { when } from '../../../src-preload/dates'

const STATUS_TEXT: Record<RunView['status'], string> = {
  waiting: 'Waiting',
  running: 'Scanning',
  backoff: 'Retrying after a failure',
  vault_locked: 'Vault locked',
  unavailable: 'Cannot start',
  paused: 'Paused',
}

function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(t)
  }, [ms])
  return now
}

export function ScheduleTable({ status, names }: { status: WatchStatus; names: Map<string, string> }) {
  const command = useStore((s) => s.watchCommand)
  const runNow = useStore((s) => s.runNow)
  const removeSchedule = useStore((s) => s.removeSchedule)
  const now = useNow()
  if (status.schedules.length === 0)
    return (
      <EmptyState
        title="Nothing is watched yet"
        body="Add a schedule below: a target or a group, how often, and what to scan it against."
      />
    )
  return (
    <table className="table" aria-label="Schedules">
      <thead>
        <tr>
          <th scope="col">Target</th>
          <th scope="col">How often</th>
          <th scope="col">Next run</th>
          <th scope="col">Last run</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {status.schedules.flatMap((s) => {
          const runs = status.runs.filter((r) => r.scheduleId === s.id)
          const rows = runs.length ? runs : [null]
          return rows.map((r) => {
            const targetPaused = r ? status.pausedTargets.includes(r.targetId) : false
            return (
              <tr key={`${s.id}:${r?.targetId ?? ''}`}>
                <td>
                  {r
                    ? (names.get(r.targetId) ?? r.targetId)
                    : s.group
                      ? `group ${s.group}`
                      : names.get(s.targetId ?? '')}
                  {s.group && r && <span className="muted small"> (group {s.group})</span>}
                  {s.priority && <span className="badge"> priority</span>}
                </td>
                <td>{scheduleEvery(s)}</td>
                <td data-testid="countdown">
                  {!r
                    ? s.nextSlotAt
                      ? 'when the watch starts'
                      : '–'
                    : r.status === 'running'
                      ? 'scanning…'
                      : r.status === 'paused' || status.paused
                        ? 'paused'
                        : countdown(r.nextRunAt, now)}
                  {/* A calendar's times are the schedule zone's: the next run is read there, naming it. */}
                  {s.zone && (r?.nextRunAt ?? s.nextSlotAt) && r?.status !== 'running' && (
                    <div className="muted small" data-testid="next-in-zone">
                      {!r ? 'then ' : ''}
                      {inZone((r?.nextRunAt ?? s.nextSlotAt)!, s.zone)}
                    </div>
                  )}
                </td>
                <td className="small">
                  {r?.lastRunAt ? when(r.lastRunAt) : 'never'}
                  {r && r.failures > 0 && <span className="muted"> · {r.failures} failed</span>}
                </td>
                <td>
                  {r ? STATUS_TEXT[r.status] : 'Waiting'}
                  {r?.detail && <div className="muted small">{r.detail}</div>}
                </td>
                <td className="row-actions">
                  {r &&
                    (targetPaused ? (
                      <button
                        type="button"
                        className="button small"
                        onClick={() => void command('watch.resume', { targetId: r.targetId })}
                      >
                        Resume target
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button small"
                        onClick={() => void command('watch.pause', { targetId: r.targetId })}
                      >
                        Pause target
                      </button>
                    ))}
                  <button type="button" className="button small" onClick={() => void runNow(s.id)}>
                    Run now
                  </button>
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => void removeSchedule(s.id)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            )
          })
        })}
      </tbody>
    </table>
  )
}
