// The Watch page: whether the watch runs and where, pause/resume and "scan all now", then its parts — scans
// running now, schedules with their countdowns, a new schedule, report exports, alert channels and the watch
// settings.
import { useEffect, useMemo } from 'react'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { watchSelectors } from '../stores/watch-slice'
import { RunningScans } from './watch/RunningScans'
import { ScheduleTable } from './watch/ScheduleTable'
import { ScheduleForm } from './watch/ScheduleForm'
import { AlertChannels } from './watch/AlertChannels'
import { WatchSettings } from './watch/WatchSettings'
import { ExpiringExceptions } from './watch/ExpiringExceptions'
import { ReportExports } from './watch/ReportExports'
import { LoadFailed } from '../components/LoadFailed'

const TRAY_TEXT = {
  ok: 'All good',
  drift: 'Drift detected',
  scanning: 'Scanning',
  vault_locked: 'Waiting for the vault',
  paused: 'Paused',
} as const

export function WatchPage() {
  const watch = useStore(watchSelectors.watch)
  const targets = useStore(targetSelectors.targets)
  const load = useStore((s) => s.loadWatch)
  const command = useStore((s) => s.watchCommand)
  const runNow = useStore((s) => s.runNow)
  const names = useMemo(() => new Map(targets.map((t) => [t.id, t.name])), [targets])

  useEffect(() => {
    void load()
  }, [load])

  const status = watch.data
  const watching = Boolean(status && (status.active || status.elsewhere))
  if (!status)
    return watch.state === 'error' ? (
      <LoadFailed what="Could not read the watch status" error={watch.error} onRetry={() => void load()} />
    ) : (
      <p className="muted">Loading…</p>
    )

  return (
    <>
      <header className="page-head">
        <div>
          <h1>Watch</h1>
          <p className="muted small" aria-live="polite">
            {/* No process watches: nothing is "good" or "scanning" on a schedule, so no tray state is shown. */}
            {watching ? (
              <span className={`tray tray-${status.tray}`}>{TRAY_TEXT[status.tray]}</span>
            ) : (
              <span className="tray tray-off">Not watching</span>
            )}{' '}
            {status.active
              ? 'Watching from this window.'
              : status.elsewhere
                ? `Watching from ${status.elsewhere}.`
                : 'The watch is not running: schedules do not run by themselves until the desktop app is open ' +
                  'or "driftwatch watch" runs. "Run now" and "Scan all now" scan here, now.'}{' '}
            {status.openAlerts > 0 && `${status.openAlerts} open alert${status.openAlerts === 1 ? '' : 's'}.`}
          </p>
        </div>
        <div className="head-actions">
          <button
            type="button"
            className="button"
            disabled={status.schedules.length === 0}
            title={status.schedules.length === 0 ? 'No schedule yet: add one below' : undefined}
            onClick={() => void runNow()}
          >
            Scan all now
          </button>
          {status.paused ? (
            <button type="button" className="button primary" onClick={() => void command('watch.resume', {})}>
              Resume watch
            </button>
          ) : (
            <button type="button" className="button" onClick={() => void command('watch.pause', {})}>
              Pause watch
            </button>
          )}
        </div>
      </header>
      {watch.state === 'error' && (
        <p className="banner error" role="alert">
          The watch status may be out of date: {watch.error}
        </p>
      )}
      <ExpiringExceptions />
      <RunningScans names={names} />
      <section aria-labelledby="schedules-h">
        <h2 id="schedules-h">Schedules</h2>
        <ScheduleTable status={status} names={names} />
        <ScheduleForm />
      </section>
      <ReportExports />
      <AlertChannels />
      <WatchSettings key={JSON.stringify(status.settings)} settings={status.settings} />
    </>
  )
}
