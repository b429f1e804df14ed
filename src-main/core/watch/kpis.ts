// The monitoring KPIs, read from drift events: mean time to detect (MTTD) and mean time to resolve (MTTR), per
// target and overall. Pure: the Drift page, the PDF report, `driftwatch drift kpis` and /metrics all call
// computeKpis (through readKpis or the drift.kpis channel), so every face shows the same figures.
//
// Definitions (README "Monitoring KPIs"):
// - A detection is a `regression` event (a rule that passed in the target's previous scan fails in this one).
//   Its time to detect is the time from the end of that previous scan, the last one that saw the rule pass, to
//   the end of the scan that saw it fail: the longest the change can have gone unseen. MTTD is their mean.
// - A resolution pairs a regression with the first later `fixed` event of the same target and rule. Its time to
//   resolve is from the regression's scan to the fixing scan. MTTR is their mean; regressions not yet fixed are
//   counted as open and left out of the mean.

import { computeKpis, type KpiEvent, type Kpis } from '../../../src-preload/kpis'

export { computeKpis, type KpiEvent, type KpiFigures, type Kpis } from '../../../src-preload/kpis'

/** Where the events come from: the store (DriftRepo). */
export interface KpiSource {
  kpiEvents(f: { targetId?: string; from?: string; to?: string }): KpiEvent[]
}

/** The KPIs over the stored drift (a target's, or every target's; optionally from/to an ISO time). */
export function readKpis(source: KpiSource, f: { targetId?: string; from?: string; to?: string } = {}): Kpis {
  return computeKpis(source.kpiEvents(f))
}
