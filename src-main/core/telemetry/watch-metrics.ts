// What `driftwatch watch --metrics` exposes: counters kept from the core's events in this process (scans by
// kind and outcome with their durations, drift by type, GitHub requests saved by ETags), gauges read from the
// store at scrape time (rules by status per target, the run queue, the alert outbox), and the process itself.
// Labels carry target names and kinds only: never a host, a URL, a user name or an error text.
import type { TelemetryRepo } from '../store/telemetry'
import type { ScansRepo } from '../store/scans'
import type { TargetsRepo } from '../store/targets'
import type { Clock } from '../ports'
import type { Scheduler } from '../watch/scheduler'
import type { Kpis } from '../watch/kpis'
import { Histogram, render, type Family, type HistogramFamily, type Labels } from './exposition'

/** Seconds: a SQL scan takes well under one, an SSH/OpenSCAP scan or a 1,000-repository organisation minutes. */
export const SCAN_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800] as const

export interface WatchMetricsDeps {
  store: TelemetryRepo
  targets: TargetsRepo
  scans: ScansRepo
  clock: Clock
  /** The core's own events (scan.finished, drift.detected). */
  listen(l: (name: string, payload: unknown) => void): () => void
  /** MTTD and MTTR over the stored drift (core/watch/kpis.ts readKpis), read at scrape time. */
  kpis?(): Kpis
}

/** Process figures the self-monitor measures (RSS is read at scrape time). */
export interface ProcessFigures {
  loopLagP99Ms: number
  loopLagMaxMs: number
}

type Key = string
const key = (labels: Labels): Key => JSON.stringify(labels)

export class Counter {
  readonly values = new Map<Key, { labels: Labels; value: number }>()
  add(labels: Labels, by = 1): void {
    const k = key(labels)
    const e = this.values.get(k)
    if (e) e.value += by
    else this.values.set(k, { labels, value: by })
  }
  samples() {
    return [...this.values.values()].map((e) => ({ labels: e.labels, value: e.value }))
  }
}

export class WatchMetrics {
  private readonly scansTotal = new Counter()
  private readonly durations = new Map<Key, { labels: Labels; hist: Histogram }>()
  private readonly driftTotal = new Counter()
  private readonly etagSaved = new Counter()
  private readonly rateRemaining = new Map<string, number>()
  private lastSuccessAt = 0
  private readonly startedAt: number
  private readonly off: () => void
  /** Self-monitoring alerts by condition and outcome (the self-monitor adds to it). */
  readonly selfAlerts = new Counter()
  /** Set by whoever runs the watch in this process (the scheduler and the loop figures exist then). */
  scheduler: Scheduler | null = null
  process: ProcessFigures = { loopLagP99Ms: 0, loopLagMaxMs: 0 }

  constructor(private readonly d: WatchMetricsDeps) {
    this.startedAt = d.clock.now().getTime()
    this.off = d.listen((name, payload) => {
      try {
        if (name === 'scan.finished') this.scanFinished(payload as { scanId: string; state: string })
        else if (name === 'drift.detected') {
          for (const [type, n] of Object.entries((payload as { types: Record<string, number> }).types))
            this.driftTotal.add({ type }, n)
        }
      } catch {
        // A figure that cannot be read (a target removed meanwhile) is skipped, never the event.
      }
    })
  }

  close(): void {
    this.off()
  }

  private scanFinished(p: { scanId: string; state: string }): void {
    const scan = this.d.scans.get(p.scanId)
    if (!scan) return
    const t = this.d.targets.get(scan.targetId)
    const kind = t?.kind ?? 'unknown'
    this.scansTotal.add({ kind, outcome: p.state })
    const end = scan.finishedAt ? Date.parse(scan.finishedAt) : this.d.clock.now().getTime()
    const seconds = Math.max(0, (end - Date.parse(scan.startedAt)) / 1000)
    const labels = { kind, outcome: p.state }
    const k = key(labels)
    let h = this.durations.get(k)
    if (!h) this.durations.set(k, (h = { labels, hist: new Histogram(SCAN_BUCKETS) }))
    h.hist.observe(seconds)
    if (p.state === 'done') this.lastSuccessAt = end
    // Kinds that talk to a rate-limited API say so in the scan's info (no branch on the kind here).
    const name = t?.name ?? scan.targetId
    const remaining = Number(scan.info.rateLimitRemaining)
    if (scan.info.rateLimitRemaining && Number.isFinite(remaining)) this.rateRemaining.set(name, remaining)
    const saved = Number(scan.info.notModified)
    if (scan.info.notModified !== undefined && Number.isFinite(saved))
      this.etagSaved.add({ target: name }, saved)
  }

  /** The exposition text for one scrape. */
  render(): string {
    const now = this.d.clock.now().getTime()
    const names = new Map(this.d.targets.list().map((t) => [t.id, t]))
    const rules = this.d.store.rulesByStatus()
    const runs = this.d.store.runs()
    const nowIso = new Date(now).toISOString()
    const queued = runs.filter((r) => r.status !== 'running' && r.nextRunAt <= nowIso).length
    const runsBy = new Map<string, number>()
    for (const r of runs) runsBy.set(r.status, (runsBy.get(r.status) ?? 0) + 1)
    const out = this.d.store.outbox()
    const hb = this.scheduler?.heartbeat
    const families: (Family | HistogramFamily)[] = [
      {
        name: 'driftwatch_scans_total',
        help: 'Scans finished by this process, by target kind and outcome.',
        type: 'counter',
        samples: this.scansTotal.samples(),
      },
      {
        name: 'driftwatch_scan_duration_seconds',
        help: 'How long scans took, from start to commit, by target kind and outcome.',
        type: 'histogram',
        buckets: SCAN_BUCKETS,
        series: [...this.durations.values()],
      },
      {
        name: 'driftwatch_rules',
        help: "Rules by their current status on each target (the target's latest results).",
        type: 'gauge',
        samples: rules.map((r) => ({
          labels: {
            target: names.get(r.targetId)?.name ?? r.targetId,
            kind: names.get(r.targetId)?.kind ?? '',
            status: r.status,
          },
          value: r.n,
        })),
      },
      {
        name: 'driftwatch_drift_events_total',
        help: 'Drift events recorded while this process ran, by type.',
        type: 'counter',
        samples: this.driftTotal.samples(),
      },
      ...this.kpiFamilies(names),
      {
        name: 'driftwatch_alert_messages_total',
        help: 'Alert messages in the outbox that were sent, or given up on after their retries (all processes).',
        type: 'counter',
        samples: [
          { labels: { outcome: 'sent' }, value: out.sent },
          { labels: { outcome: 'failed' }, value: out.failed },
        ],
      },
      {
        name: 'driftwatch_alert_send_failures_total',
        help: 'Failed attempts to send an alert message (each retry counts).',
        type: 'counter',
        samples: [{ value: out.failedAttempts }],
      },
      {
        name: 'driftwatch_alert_messages_throttled',
        help: "Alert messages held back now by their channel's throttle.",
        type: 'gauge',
        samples: [{ value: out.throttled }],
      },
      {
        name: 'driftwatch_alert_outbox_pending',
        help: 'Alert messages waiting to be sent (throttled, retrying or waiting for the vault).',
        type: 'gauge',
        samples: [{ value: out.pending }],
      },
      {
        name: 'driftwatch_self_alerts_total',
        help: 'Self-monitoring alerts (memory ceiling, stalled event loop) by condition and outcome.',
        type: 'counter',
        samples: this.selfAlerts.samples(),
      },
      {
        name: 'driftwatch_github_rate_limit_remaining',
        help: 'GitHub API rate-limit points left, as the last scan of each target saw them.',
        type: 'gauge',
        samples: [...this.rateRemaining].map(([target, value]) => ({ labels: { target }, value })),
      },
      {
        name: 'driftwatch_github_requests_saved_total',
        help: 'GitHub requests answered 304 Not Modified thanks to a stored ETag (no rate-limit point spent).',
        type: 'counter',
        samples: this.etagSaved.samples(),
      },
      {
        name: 'driftwatch_watch_queue_depth',
        help: 'Scheduled runs due now and not yet started (held by a limit, a lane, the vault or a backoff).',
        type: 'gauge',
        samples: [{ value: queued }],
      },
      {
        name: 'driftwatch_watch_runs',
        help: 'Scheduled runs (schedule × target) by state.',
        type: 'gauge',
        samples: [...runsBy].map(([status, value]) => ({ labels: { status }, value })),
      },
      {
        name: 'driftwatch_watch_scans_running',
        help: 'Scans the watch in this process is running now.',
        type: 'gauge',
        samples: [{ value: this.scheduler?.running.size ?? 0 }],
      },
      {
        name: 'driftwatch_watch_last_cycle_timestamp_seconds',
        help: 'When the scheduler last looked at the runs without an error (Unix time; 0 before the first).',
        type: 'gauge',
        samples: [{ value: (hb?.okAt ?? 0) / 1000 }],
      },
      {
        name: 'driftwatch_watch_last_successful_scan_timestamp_seconds',
        help: 'When a scan last finished successfully in this process (Unix time; 0 before the first).',
        type: 'gauge',
        samples: [{ value: this.lastSuccessAt / 1000 }],
      },
      {
        name: 'driftwatch_process_resident_memory_bytes',
        help: 'Resident set size of this process.',
        type: 'gauge',
        samples: [{ value: process.memoryUsage.rss() }],
      },
      {
        name: 'driftwatch_event_loop_lag_seconds',
        help: "Event-loop delay over the self-monitor's last window, 99th percentile and maximum.",
        type: 'gauge',
        samples: [
          { labels: { quantile: '0.99' }, value: this.process.loopLagP99Ms / 1000 },
          { labels: { quantile: '1' }, value: this.process.loopLagMaxMs / 1000 },
        ],
      },
      {
        name: 'driftwatch_process_start_time_seconds',
        help: 'When this process started its metrics (Unix time).',
        type: 'gauge',
        samples: [{ value: this.startedAt / 1000 }],
      },
    ]
    return render(families)
  }

  /**
   * Mean time to detect and to resolve, per target and over all of them, with the definitions of the Drift
   * page and the report (core/watch/kpis.ts). A mean with nothing to average (no detection after an earlier
   * scan, nothing resolved yet) has no sample rather than a made-up 0.
   */
  private kpiFamilies(names: Map<string, { name: string; kind: string }>): Family[] {
    if (!this.d.kpis) return []
    const k = this.d.kpis()
    const per = (pick: (f: Kpis['overall']) => number | null) =>
      k.targets
        .filter((t) => pick(t) !== null && names.has(t.targetId))
        .map((t) => ({
          labels: { target: names.get(t.targetId)!.name, kind: names.get(t.targetId)!.kind },
          value: pick(t)!,
        }))
    const all = (v: number | null) => (v === null ? [] : [{ value: v }])
    return [
      {
        name: 'driftwatch_mttd_seconds',
        help: 'Mean time to detect, per target: from the end of the last scan that saw a rule pass to the end of the scan that saw it fail.',
        type: 'gauge',
        samples: per((f) => f.mttdSeconds),
      },
      {
        name: 'driftwatch_mttd_overall_seconds',
        help: 'Mean time to detect over every target.',
        type: 'gauge',
        samples: all(k.overall.mttdSeconds),
      },
      {
        name: 'driftwatch_mttr_seconds',
        help: 'Mean time to resolve, per target: from the scan that saw a regression to the first later scan that saw it fixed.',
        type: 'gauge',
        samples: per((f) => f.mttrSeconds),
      },
      {
        name: 'driftwatch_mttr_overall_seconds',
        help: 'Mean time to resolve over every target.',
        type: 'gauge',
        samples: all(k.overall.mttrSeconds),
      },
      {
        name: 'driftwatch_regressions_open',
        help: 'Regressions not fixed yet (left out of MTTR), over every target.',
        type: 'gauge',
        samples: [{ value: k.overall.open }],
      },
    ]
  }
}
