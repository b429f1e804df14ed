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

/** One drift event as the KPIs need it (DriftRepo.kpiEvents). */
export interface KpiEvent {
  targetId: string
  ruleId: string
  type: string
  /** When the scan that recorded the event was stored (ISO). */
  at: string
  /** When the previous scan of the target, the one compared against, ended (ISO), if known. */
  prevAt: string | null
}

export interface KpiFigures {
  /** Regressions seen (detections). */
  detections: number
  /** Mean time to detect in seconds; null with no detection that has a previous scan. */
  mttdSeconds: number | null
  /** Regressions followed by their fix. */
  resolved: number
  /** Regressions not fixed yet. */
  open: number
  /** Mean time to resolve in seconds; null while nothing was resolved. */
  mttrSeconds: number | null
}

export interface Kpis {
  overall: KpiFigures
  targets: ({ targetId: string } & KpiFigures)[]
}

const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null)

interface Tally {
  detect: number[]
  detections: number
  resolve: number[]
  open: number
}

function figures(t: Tally): KpiFigures {
  return {
    detections: t.detections,
    mttdSeconds: mean(t.detect),
    resolved: t.resolve.length,
    open: t.open,
    mttrSeconds: mean(t.resolve),
  }
}

/** MTTD and MTTR per target (sorted by target id) and over all of them, from any order of events. */
export function computeKpis(events: readonly KpiEvent[]): Kpis {
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at))
  const perTarget = new Map<string, Tally>()
  const all: Tally = { detect: [], detections: 0, resolve: [], open: 0 }
  // The open regression of each target and rule, by when it was detected.
  const openSince = new Map<string, number>()
  const tally = (id: string) => {
    let t = perTarget.get(id)
    if (!t) perTarget.set(id, (t = { detect: [], detections: 0, resolve: [], open: 0 }))
    return t
  }
  for (const e of sorted) {
    const at = Date.parse(e.at)
    const key = `${e.targetId}\u0000${e.ruleId}`
    if (e.type === 'regression') {
      const t = tally(e.targetId)
      t.detections++
      all.detections++
      if (e.prevAt) {
        const s = Math.max(0, (at - Date.parse(e.prevAt)) / 1000)
        t.detect.push(s)
        all.detect.push(s)
      }
      if (!openSince.has(key)) openSince.set(key, at)
    } else if (e.type === 'fixed') {
      const since = openSince.get(key)
      if (since === undefined) continue
      openSince.delete(key)
      const s = Math.max(0, (at - since) / 1000)
      tally(e.targetId).resolve.push(s)
      all.resolve.push(s)
    }
  }
  for (const key of openSince.keys()) {
    tally(key.split('\u0000')[0]!).open++
    all.open++
  }
  return {
    overall: figures(all),
    targets: [...perTarget.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([targetId, t]) => ({ targetId, ...figures(t) })),
  }
}

/** Where the events come from: the store (DriftRepo). */
export interface KpiSource {
  kpiEvents(f: { targetId?: string; from?: string; to?: string }): KpiEvent[]
}

/** The KPIs over the stored drift (a target's, or every target's; optionally from/to an ISO time). */
export function readKpis(source: KpiSource, f: { targetId?: string; from?: string; to?: string } = {}): Kpis {
  return computeKpis(source.kpiEvents(f))
}
