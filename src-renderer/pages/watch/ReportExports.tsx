// The Watch page's scheduled report exports: each one's formats, calendar, scope, next run (read in its own
// zone), last run and files, and folder; run now, edit, remove, and the form to add one. The same channels as
// `driftwatch schedules --report`.
import { useEffect, useMemo, useState } from 'react'
import type { ReportScheduleView } from '../../../src-preload/contract'
import { describeCalendar } from '../../../src-preload/calendar'
import { when } from '../../../src-preload/dates'
import { useStore } from '../../stores'
import { reportExportSelectors } from '../../stores/report-exports-slice'
import { targetSelectors } from '../../stores/targets-slice'
import { inZone } from '../../lib/schedule-text'
import { ReportExportForm } from './ReportExportForm'
import { LoadFailed } from '../../components/LoadFailed'

const FORMAT_TEXT = { pdf: 'PDF', bundle: 'signed bundle' } as const

export function ReportExports() {
  const loaded = useStore(reportExportSelectors.reportExports)
  const load = useStore((s) => s.loadReportExports)
  const run = useStore((s) => s.runReportExport)
  const remove = useStore((s) => s.removeReportExport)
  const targets = useStore(targetSelectors.targets)
  const names = useMemo(() => new Map(targets.map((t) => [t.id, t.name])), [targets])
  // 'new', an export being edited, or nothing.
  const [form, setForm] = useState<'new' | ReportScheduleView | null>(null)
  useEffect(() => {
    void load()
  }, [load])
  const list = loaded.data ?? []
  const scope = (r: ReportScheduleView) =>
    [...r.targetIds.map((id) => names.get(id) ?? id), ...r.groups.map((g) => `group ${g}`)].join(', ') ||
    'every target'

  return (
    <section aria-labelledby="exports-h" aria-busy={loaded.state === 'loading'}>
      <div className="toolbar">
        <h2 id="exports-h">Report exports</h2>
        <button type="button" className="button" onClick={() => setForm(form === 'new' ? null : 'new')}>
          {form === 'new' ? 'Cancel' : 'Add report export'}
        </button>
      </div>
      <p className="muted small">
        The watch writes the report of a scope as a PDF and/or a signed evidence bundle, weekly or monthly,
        into a folder. A bundle is signed with the vault&apos;s key: the vault must be unlocked when it runs.
      </p>
      {loaded.state === 'error' && (
        <LoadFailed
          what="Could not load the report exports"
          error={loaded.error}
          onRetry={() => void load()}
        />
      )}
      {form === 'new' && <ReportExportForm onDone={() => setForm(null)} />}
      {list.length === 0 && loaded.state === 'ready' && form !== 'new' && (
        <p className="muted">No report export yet.</p>
      )}
      {list.length > 0 && (
        <table className="table report-exports-table" aria-label="Report exports">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">When</th>
              <th scope="col">Scope</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.name}
                  <div className="muted small">{r.formats.map((f) => FORMAT_TEXT[f]).join(' + ')}</div>
                  <div className="muted small" title="Destination folder">
                    → {r.folder}
                  </div>
                </td>
                <td>
                  {describeCalendar({ kind: r.cadence, times: [r.time], days: [r.day], timeZone: r.zone })}
                </td>
                <td className="small scope">{scope(r)}</td>
                <td className="small" data-testid="export-next">
                  {r.paused ? 'paused' : inZone(r.nextRunAt, r.zone)}
                </td>
                <td className="small">
                  {r.lastRunAt ? when(r.lastRunAt) : 'never'}
                  {r.lastFiles.length > 0 && <div className="muted">{r.lastFiles.join(', ')}</div>}
                  {r.lastError && <div className="field-error">{r.lastError}</div>}
                </td>
                <td className="row-actions">
                  <button type="button" className="button small" onClick={() => void run(r.id)}>
                    Export now
                  </button>
                  <button type="button" className="button small" onClick={() => setForm(r)}>
                    Edit
                  </button>
                  <button type="button" className="button small danger" onClick={() => void remove(r.id)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {form && form !== 'new' && (
        <ReportExportForm key={form.id} editing={form} onDone={() => setForm(null)} />
      )}
    </section>
  )
}
