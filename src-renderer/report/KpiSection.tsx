// The report's monitoring KPIs, under its drift events: mean time to detect and to resolve over the scans in
// the report (the same arithmetic as the Drift page and `driftwatch drift kpis`, read from the frozen model).
import type { ReportModel } from '../../src-preload/contract'
import { reportKpis } from '../../src-preload/kpis'
import { formatDuration } from '../../src-preload/durations'
import { KpiTable } from '../components/KpiTable'

export function KpiSection({ model, targetName }: { model: ReportModel; targetName: Map<string, string> }) {
  if (!model.scope.includeDrift || !model.drift.available) return null
  const k = reportKpis(model)
  return (
    <div className="report-kpis">
      <h3>Time to detect and resolve</h3>
      <p>
        Mean time to detect: <strong>{formatDuration(k.overall.mttdSeconds)}</strong> (from the last scan that
        saw a rule pass to the scan that saw it fail; {k.overall.detections} regressions). Mean time to
        resolve: <strong>{formatDuration(k.overall.mttrSeconds)}</strong> (from the regression to the scan
        that saw it fixed; {k.overall.resolved} resolved, {k.overall.open} still open).
      </p>
      {k.targets.length > 1 && <KpiTable targets={k.targets} names={targetName} className="report-table" />}
    </div>
  )
}
