// The Reports page: build a report (scope, time window, drift, engagement details), see it live as it will
// print, and export it as PDF, evidence JSON, OSCAL, HDF, CSV or a signed evidence bundle.
import { lazy, Suspense, useEffect, useState } from 'react'
import { EXPORT_FORMATS, type ExportFormat } from '../../src-preload/contract'
import { api } from '../api/client'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { reportSelectors } from '../stores/reports-slice'
import { auditSelectors } from '../stores/audit-slice'
import { EmptyState } from '../components/EmptyState'
import { Field } from '../components/Field'
import { ScanPicker } from './reports/ScanPicker'
import { CompareAppendix } from './reports/CompareAppendix'
import '../report/report.css'
import { LoadFailed } from '../components/LoadFailed'

// The report view (and its trend chart) loads when a preview is first shown.
const ReportView = lazy(() => import('../report/ReportView').then((m) => ({ default: m.ReportView })))

const FORMAT_LABELS: Record<ExportFormat, string> = {
  pdf: 'PDF',
  json: 'Evidence JSON',
  oscal: 'OSCAL',
  hdf: 'HDF (Heimdall)',
  csv: 'CSV',
  bundle: 'Signed bundle',
  ckl: 'STIG checklist (CKL)',
  cklb: 'STIG checklist (CKLB)',
}
const PREVIEW_FINDINGS = 150
const AUDIT_ENTRIES = 12

export function ReportsPage() {
  const targets = useStore(targetSelectors.targets)
  const loaded = useStore(targetSelectors.loaded)
  const groups = useStore((s) => s.labels.groups)
  const latest = useStore((s) => s.latest)
  // The profiles and rule packs the targets were last scanned with: what a report can be narrowed to.
  const profiles = [...new Set(Object.values(latest).map((s) => s.profileId))].filter(Boolean).sort()
  const scope = useStore(reportSelectors.scope)
  const preview = useStore(reportSelectors.preview)
  const exporting = useStore(reportSelectors.exporting)
  const exportStarted = useStore(reportSelectors.exportStarted)
  const lastExport = useStore(reportSelectors.lastExport)
  const exportError = useStore(reportSelectors.exportError)
  const setScope = useStore((s) => s.setReportScope)
  const loadPreview = useStore((s) => s.loadPreview)
  const exportReport = useStore((s) => s.exportReport)

  useEffect(() => {
    void loadPreview()
  }, [loadPreview])

  if (loaded && targets.length === 0)
    return (
      <>
        <header className="page-head">
          <h1>Reports</h1>
        </header>
        <EmptyState
          title="Nothing to report yet"
          body="Reports are built from scans. Add a target and scan it, then come back to export the evidence."
          action={{ label: 'Add a target', href: '#/targets/new' }}
        />
      </>
    )

  const toggle = (list: string[], v: string) =>
    list.includes(v) ? list.filter((x) => x !== v) : [...list, v]
  const eng = scope.engagement
  const setEng = (patch: Partial<typeof eng>) => setScope({ engagement: { ...eng, ...patch } })

  return (
    <>
      <header className="page-head">
        <h1>Reports</h1>
      </header>
      <div className="report-builder">
        <form className="form report-form" onSubmit={(e) => e.preventDefault()} aria-label="Report builder">
          <fieldset className="report-fieldset">
            <legend>Scope</legend>
            <p className="hint">Nothing ticked means every target.</p>
            {groups.length > 0 && (
              <div className="report-checks" role="group" aria-label="Groups">
                {groups.map((g) => (
                  <label key={g} className="check">
                    <input
                      type="checkbox"
                      checked={scope.groups.includes(g)}
                      onChange={() => setScope({ groups: toggle(scope.groups, g) })}
                    />
                    Group {g}
                  </label>
                ))}
              </div>
            )}
            <div className="report-checks" role="group" aria-label="Targets">
              {targets.map((t) => (
                <label key={t.id} className="check">
                  <input
                    type="checkbox"
                    checked={scope.targetIds.includes(t.id)}
                    onChange={() => setScope({ targetIds: toggle(scope.targetIds, t.id) })}
                  />
                  {t.name}
                </label>
              ))}
            </div>
            {profiles.length > 1 && (
              <div className="report-checks" role="group" aria-label="Profiles">
                {profiles.map((p) => (
                  <label key={p} className="check" title={p}>
                    <input
                      type="checkbox"
                      checked={scope.profileIds.includes(p)}
                      onChange={() => setScope({ profileIds: toggle(scope.profileIds, p) })}
                    />
                    Profile {p.replace(/^xccdf_org\.ssgproject\.content_profile_/, '')}
                  </label>
                ))}
              </div>
            )}
          </fieldset>
          <ScanPicker
            model={preview.model}
            scanIds={scope.scanIds}
            onChange={(scanIds) => setScope({ scanIds })}
          />
          <CompareAppendix value={scope.compare} onChange={(compare) => setScope({ compare })} />
          <fieldset className="report-fieldset">
            <legend>Time window</legend>
            <div className="grid">
              <Field label="From">
                {({ id }) => (
                  <input
                    id={id}
                    type="date"
                    value={scope.from}
                    onChange={(e) => setScope({ from: e.target.value })}
                  />
                )}
              </Field>
              <Field label="To">
                {({ id }) => (
                  <input
                    id={id}
                    type="date"
                    value={scope.to}
                    onChange={(e) => setScope({ to: e.target.value })}
                  />
                )}
              </Field>
            </div>
            <label className="check">
              <input
                type="checkbox"
                checked={scope.includeDrift}
                onChange={(e) => setScope({ includeDrift: e.target.checked })}
              />
              Include drift events
            </label>
          </fieldset>
          <fieldset className="report-fieldset">
            <legend>Engagement</legend>
            <Field label="Engagement name">
              {({ id }) => (
                <input
                  id={id}
                  value={eng.name}
                  maxLength={200}
                  onChange={(e) => setEng({ name: e.target.value })}
                />
              )}
            </Field>
            <Field label="Auditor">
              {({ id }) => (
                <input
                  id={id}
                  value={eng.auditor}
                  maxLength={200}
                  onChange={(e) => setEng({ auditor: e.target.value })}
                />
              )}
            </Field>
            <Field label="Organisation">
              {({ id }) => (
                <input
                  id={id}
                  value={eng.organisation}
                  maxLength={200}
                  onChange={(e) => setEng({ organisation: e.target.value })}
                />
              )}
            </Field>
            <Field label="Notes">
              {({ id }) => (
                <textarea
                  id={id}
                  rows={3}
                  value={eng.notes}
                  maxLength={10_000}
                  onChange={(e) => setEng({ notes: e.target.value })}
                />
              )}
            </Field>
          </fieldset>
          <fieldset className="report-fieldset">
            <legend>Export</legend>
            <div className="report-exports">
              {EXPORT_FORMATS.map((f) => (
                <button
                  key={f}
                  type="button"
                  className={`button${f === 'pdf' || f === 'bundle' ? ' primary' : ''}`}
                  disabled={exporting !== null || preview.state !== 'ready'}
                  onClick={() => void exportReport(f)}
                >
                  {exporting === f ? 'Exporting…' : FORMAT_LABELS[f]}
                </button>
              ))}
            </div>
            {preview.model && (
              <p className="muted small">
                Exports render report <span className="mono">{preview.model.reportId.slice(0, 8)}</span>,
                exactly as previewed: scans that finish meanwhile wait for the next preview.
              </p>
            )}
            {exporting && <ExportProgress format={exporting} started={exportStarted} />}
            {exportError && (
              <p className="banner error" role="alert">
                {exportError}
                {/vault/.test(exportError) && (
                  <>
                    {' '}
                    <a href="#/vault">Open the vault</a>
                  </>
                )}
              </p>
            )}
            {lastExport && !exportError && (
              <p className="report-saved" role="status">
                {lastExport.saved
                  ? `${api.transport === 'http' ? 'Downloaded' : 'Saved'} ${FORMAT_LABELS[lastExport.format]} as `
                  : `${FORMAT_LABELS[lastExport.format]} not saved (the dialog was closed): `}
                <span className="mono">{lastExport.savedAs}</span> (
                {Math.max(1, Math.round(lastExport.bytes / 1024))} KB)
                {lastExport.format === 'pdf' || lastExport.format === 'bundle'
                  ? `, printed by ${lastExport.engine}`
                  : ''}
                .
                <br />
                <span className="muted small mono">SHA-256 {lastExport.sha256}</span>
              </p>
            )}
          </fieldset>
          <AuditLogPanel refresh={lastExport?.sha256 ?? ''} />
        </form>
        <section className="report-preview-pane" aria-label="Preview" aria-busy={preview.state === 'loading'}>
          {preview.state === 'error' ? (
            <EmptyState title="Nothing to preview" body={preview.error} />
          ) : preview.model ? (
            <div className="report-preview">
              <Suspense fallback={<p className="muted">Preparing the preview…</p>}>
                <ReportView model={preview.model} maxFindings={PREVIEW_FINDINGS} />
              </Suspense>
            </div>
          ) : (
            <p className="muted">Preparing the preview…</p>
          )}
        </section>
      </div>
    </>
  )
}

/** A long export (a PDF of thousands of findings) shows it is working, and for how long. */
function ExportProgress({ format, started }: { format: ExportFormat; started: number }) {
  const [now, setNow] = useState(started)
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [])
  return (
    <div className="export-progress" role="status">
      <progress aria-label={`Exporting ${FORMAT_LABELS[format]}`} />
      <span className="muted small">
        Exporting {FORMAT_LABELS[format]}… {Math.round((now - started) / 1000)} s
      </span>
    </div>
  )
}

/** The latest audit entries and whether the chain is whole: what an auditor can point to about this data. */
function AuditLogPanel({ refresh }: { refresh: string }) {
  const loaded = useStore(auditSelectors.log)
  const load = useStore((s) => s.loadAuditLog)
  useEffect(() => {
    void load(AUDIT_ENTRIES)
  }, [refresh, load])
  const log = loaded.data
  if (!log)
    return loaded.state === 'error' ? (
      <LoadFailed
        className="report-audit"
        what="Could not read the audit log"
        error={loaded.error}
        onRetry={() => void load(AUDIT_ENTRIES)}
      />
    ) : (
      <p className="muted small report-audit">Reading the audit log…</p>
    )
  return (
    <details className="panel-lite report-audit">
      <summary>Audit log {log.intact ? '· chain intact' : '· TAMPERED'}</summary>
      {!log.intact && (
        <p className="banner error" role="alert">
          {log.problems.join('; ')}
        </p>
      )}
      <ol className="report-audit-list">
        {log.entries.map((e) => (
          <li key={e.seq}>
            <span className="muted small">
              #{e.seq} {e.at.replace('T', ' ').slice(0, 19)}
            </span>{' '}
            {e.action} <span className="muted small">({e.by})</span>
          </li>
        ))}
      </ol>
    </details>
  )
}
