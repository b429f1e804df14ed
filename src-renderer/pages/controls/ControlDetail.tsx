// One control's drill-down: its statement, then each target's status with the rule results behind it (status,
// what was found and expected, and the evidence in words).
import { useEffect } from 'react'
import type { FRAMEWORK_IDS } from '../../../src-preload/contract'
import { useStore } from '../../stores'
import { controlsSelectors } from '../../stores/controls-slice'
import { StatusPill } from '../Controls'

const JUDGEMENT_LABELS = {
  excepted: 'excepted (an exception is in force)',
  'attested-passed': 'attested as passed',
  'attested-failed': 'attested as failed',
} as const

export function ControlDetail(props: {
  framework: (typeof FRAMEWORK_IDS)[number]
  controlId: string
  targetIds?: string[]
  onClose(): void
}) {
  const { framework, controlId, targetIds } = props
  const loaded = useStore(controlsSelectors.detail)
  const load = useStore((s) => s.loadControl)
  const key = JSON.stringify(targetIds ?? [])
  useEffect(() => {
    void load({ framework, controlId, ...(targetIds ? { targetIds } : {}) })
    // targetIds is compared by value through key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [framework, controlId, key, load])
  const d = loaded.data
  return (
    <section aria-labelledby="control-h" className="panel-lite control-detail">
      <div className="toolbar">
        <h2 id="control-h">{d ? `${d.control.label} ${d.control.title}` : controlId}</h2>
        <button type="button" className="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {loaded.state === 'error' && (
        <p className="banner error" role="alert">
          Could not read {controlId}: {loaded.error}
        </p>
      )}
      {!d && loaded.state !== 'error' && <p className="muted">Loading…</p>}
      {d && (
        <>
          <p>
            <StatusPill status={d.control.status} />{' '}
            {d.control.assessedTargets
              ? `${d.control.satisfied} of ${d.control.assessedTargets} targets meet it (satisfied, excepted or attested)`
              : 'No rule result on these targets maps to it: the tools cannot show it, an auditor must.'}
          </p>
          {d.statement && <pre className="statement">{d.statement}</pre>}
          {d.targets.map((t) => (
            <div key={t.targetId} className="control-target">
              <h3>
                <a href={`#/targets/${encodeURIComponent(t.targetId)}`}>{t.name}</a>{' '}
                <StatusPill status={t.status} />
              </h3>
              <table className="table" aria-label={`Rules on ${t.name}`}>
                <thead>
                  <tr>
                    <th>Rule</th>
                    <th>Result</th>
                    <th>Found</th>
                    <th>Expected</th>
                  </tr>
                </thead>
                <tbody>
                  {t.rules.map((r) => (
                    <tr key={r.ruleId} data-rule={r.ruleId}>
                      <td>
                        {r.title}
                        {r.evidence && <div className="muted small pre">{r.evidence}</div>}
                      </td>
                      <td>
                        <span className={`status status-${r.status}`}>{r.status}</span>
                        {r.judgement && (
                          <span className="muted small" data-judgement={r.judgement}>
                            {' '}
                            {JUDGEMENT_LABELS[r.judgement]}
                          </span>
                        )}
                      </td>
                      <td>{r.actual}</td>
                      <td>{r.expected}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </>
      )}
    </section>
  )
}
