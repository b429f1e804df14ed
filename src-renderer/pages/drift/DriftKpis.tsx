// The Drift page's monitoring KPIs: mean time to detect (from the last scan that saw a rule pass to the scan
// that saw it fail) and mean time to resolve (from that regression to its fix), overall and per target.
import { useEffect } from 'react'
import { formatDuration } from '../../../src-preload/durations'
import { useStore } from '../../stores'
import { driftSelectors } from '../../stores/drift-slice'
import { KpiTable } from '../../components/KpiTable'

export function DriftKpis({ names, version }: { names: Map<string, string>; version: number }) {
  const kpis = useStore(driftSelectors.kpis)
  const load = useStore((s) => s.loadDriftKpis)
  useEffect(() => {
    void load()
  }, [version, load])
  const data = kpis.data
  return (
    <section aria-labelledby="kpis-h" className="panel-lite">
      <h2 id="kpis-h">Time to detect and resolve</h2>
      {kpis.state === 'error' ? (
        <p className="banner error" role="alert">
          Could not read the KPIs: {kpis.error}
        </p>
      ) : !data ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <dl className="facts kpis">
            <dt>Mean time to detect</dt>
            <dd data-testid="mttd">{formatDuration(data.overall.mttdSeconds)}</dd>
            <dt>Mean time to resolve</dt>
            <dd data-testid="mttr">{formatDuration(data.overall.mttrSeconds)}</dd>
            <dt>Regressions</dt>
            <dd>
              {data.overall.detections} · {data.overall.resolved} resolved · {data.overall.open} open
            </dd>
          </dl>
          {data.targets.length > 0 && (
            <KpiTable
              targets={data.targets}
              names={names}
              className="table compact"
              label="Time to detect and resolve by target"
            />
          )}
          <p className="muted small">
            Detect: from the last scan that saw a rule pass to the scan that saw it fail. Resolve: from that
            scan to the one that saw it fixed.
          </p>
        </>
      )}
    </section>
  )
}
