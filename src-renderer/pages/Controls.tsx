// The Controls page: pick a framework (and a NIST baseline) and targets; every control's status across them,
// counts and a chart per family, the controls of a family with a drill-down to the rule results behind one,
// and the estate matrix (targets × families) with CSV downloads.
import { useEffect, useMemo, useState } from 'react'
import { CONTROL_STATUSES, FRAMEWORK_IDS, type ControlStatus, type Req } from '../../src-preload/contract'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { controlsSelectors } from '../stores/controls-slice'
import { ControlsChart, STATUS_LABELS } from '../components/ControlsChart'
import { EmptyState } from '../components/EmptyState'
import { ControlDetail } from './controls/ControlDetail'
import { EstateMatrix } from './controls/EstateMatrix'

const FRAMEWORK_LABELS: Record<(typeof FRAMEWORK_IDS)[number], string> = {
  'nist-800-53': 'NIST SP 800-53 Rev. 5',
  cis: 'CIS Benchmarks',
  'pci-dss': 'PCI DSS',
}

export const StatusPill = ({ status }: { status: ControlStatus }) => (
  <span className={`status control-${status}`}>{STATUS_LABELS[status]}</span>
)

export function ControlsPage() {
  const targets = useStore(targetSelectors.targets)
  const loaded = useStore(controlsSelectors.status)
  const load = useStore((s) => s.loadControls)
  const saveCsv = useStore((s) => s.saveControlsCsv)
  const [framework, setFramework] = useState<(typeof FRAMEWORK_IDS)[number]>('nist-800-53')
  const [baseline, setBaseline] = useState<'low' | 'moderate' | 'high' | ''>('moderate')
  const [targetId, setTargetId] = useState('')
  const [family, setFamily] = useState('')
  const [status, setStatus] = useState<ControlStatus | ''>('')
  const [controlId, setControlId] = useState('')

  const req = useMemo<Req<'controls.status'>>(
    () => ({
      framework,
      ...(framework === 'nist-800-53' && baseline ? { baseline } : {}),
      ...(targetId ? { targetIds: [targetId] } : {}),
    }),
    [framework, baseline, targetId],
  )
  useEffect(() => {
    void load(req)
  }, [req, load])
  const data = loaded.data
  const shown = useMemo(
    () =>
      (data?.controls ?? []).filter(
        (c) => (!family || c.family === family) && (!status || c.status === status),
      ),
    [data, family, status],
  )

  if (targets.length === 0)
    return (
      <>
        <header className="page-head">
          <h1>Controls</h1>
        </header>
        <EmptyState
          title="No targets yet"
          body="Controls are read from scan results: add a target and scan it to see which controls its rules satisfy."
          action={{ label: 'Add a target', href: '#/targets/new' }}
        />
      </>
    )

  return (
    <>
      <header className="page-head">
        <h1>Controls</h1>
      </header>
      <div className="toolbar" role="search">
        <label>
          <span className="sr-only">Framework</span>
          <select
            aria-label="Framework"
            value={framework}
            onChange={(e) => {
              setFramework(e.target.value as typeof framework)
              setFamily('')
              setControlId('')
            }}
          >
            {FRAMEWORK_IDS.map((f) => (
              <option key={f} value={f}>
                {FRAMEWORK_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
        {framework === 'nist-800-53' && (
          <label>
            <span className="sr-only">Baseline</span>
            <select
              aria-label="Baseline"
              value={baseline}
              onChange={(e) => setBaseline(e.target.value as typeof baseline)}
            >
              <option value="low">LOW baseline</option>
              <option value="moderate">MODERATE baseline</option>
              <option value="high">HIGH baseline</option>
              <option value="">Whole catalog</option>
            </select>
          </label>
        )}
        <label>
          <span className="sr-only">Targets</span>
          <select aria-label="Targets" value={targetId} onChange={(e) => setTargetId(e.target.value)}>
            <option value="">All targets</option>
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" aria-live="polite">
          {loaded.state === 'loading' ? 'Loading…' : ''}
        </span>
      </div>
      {loaded.state === 'error' && (
        <p className="banner error" role="alert">
          Could not read the controls: {loaded.error}
        </p>
      )}
      {data && (
        <>
          <section aria-labelledby="totals-h" className="panel-lite">
            <div className="toolbar">
              <h2 id="totals-h">
                {data.controls.length} controls
                {data.baseline ? ` in the ${data.baseline.toUpperCase()} baseline` : ''}
              </h2>
              <fieldset className="chips" aria-label="Status">
                {CONTROL_STATUSES.map((s) => (
                  <label key={s} className={`chip ${status === s ? 'on' : ''}`}>
                    <input
                      type="checkbox"
                      checked={status === s}
                      onChange={() => setStatus(status === s ? '' : s)}
                    />
                    {STATUS_LABELS[s]} <strong data-total={s}>{data.totals[s]}</strong>
                  </label>
                ))}
              </fieldset>
            </div>
            <ControlsChart families={data.families} onPick={(f) => setFamily(f === family ? '' : f)} />
          </section>
          <div className="controls-split">
            <section aria-labelledby="controls-h">
              <div className="toolbar">
                <h2 id="controls-h">
                  {family
                    ? `${family.toUpperCase()} — ${data.families.find((f) => f.id === family)?.title ?? ''}`
                    : 'All families'}
                </h2>
                <label>
                  <span className="sr-only">Family</span>
                  <select aria-label="Family" value={family} onChange={(e) => setFamily(e.target.value)}>
                    <option value="">All families</option>
                    {data.families.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.id.toUpperCase()} {f.title === f.id.toUpperCase() ? '' : f.title}
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  className="button"
                  onClick={() => void saveCsv({ ...req, table: 'controls' })}
                >
                  Controls CSV
                </button>
              </div>
              <table className="table" aria-label="Controls">
                <thead>
                  <tr>
                    <th>Control</th>
                    <th>Title</th>
                    <th>Status</th>
                    <th title="Targets where it is satisfied, excepted or attested">Targets met</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((c) => (
                    <tr
                      key={c.id}
                      className={c.id === controlId ? 'selected' : ''}
                      onClick={() => setControlId(c.id)}
                      style={{ cursor: 'pointer' }}
                    >
                      <td>
                        <button type="button" className="link" onClick={() => setControlId(c.id)}>
                          {c.label}
                        </button>
                      </td>
                      <td>
                        {c.title || <span className="muted">{c.inCatalog ? '' : 'not in the catalog'}</span>}
                      </td>
                      <td>
                        <StatusPill status={c.status} />
                      </td>
                      <td className="num">
                        {c.assessedTargets ? `${c.satisfied} of ${c.assessedTargets}` : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {shown.length === 0 && <p className="muted">No control matches.</p>}
            </section>
            {controlId && (
              <ControlDetail
                framework={framework}
                controlId={controlId}
                targetIds={req.targetIds}
                onClose={() => setControlId('')}
              />
            )}
          </div>
          <EstateMatrix
            data={data}
            onCsv={() => void saveCsv({ ...req, table: 'matrix' })}
            onPick={setFamily}
          />
        </>
      )}
    </>
  )
}
