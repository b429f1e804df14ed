// The monitoring KPIs' arithmetic, shared by the core (Drift page, CLI, /metrics) and the report view (PDF):
// mean time to detect and to resolve from a list of drift events. Definitions in src-main/core/watch/kpis.ts
// and README "Monitoring KPIs".

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

/** The KPIs of a report (the frozen model): a regression's previous scan is the one before it in its target's trend. */
export function reportKpis(model: {
  targets: { id: string; trend: { scanId: string; at: string }[] }[]
  drift: { events: { targetId: string; ruleId: string; type: string; scanId: string; at: string }[] }
}): Kpis {
  const trends = new Map(model.targets.map((t) => [t.id, t.trend]))
  return computeKpis(
    model.drift.events.map((e) => {
      const trend = trends.get(e.targetId) ?? []
      const i = trend.findIndex((p) => p.scanId === e.scanId)
      return {
        targetId: e.targetId,
        ruleId: e.ruleId,
        type: e.type,
        at: e.at,
        prevAt: trend[i - 1]?.at ?? null,
      }
    }),
  )
}
