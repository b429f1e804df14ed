// The watch watching itself: every few seconds it reads the process's resident memory and the event loop's
// delay (perf_hooks), hands them to /metrics, and when memory passes the set ceiling or the loop stalled, says
// so in the log and through the alert channels, at most once per condition per throttle period.
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks'
import type { Clock, Logger } from '../ports'
import type { WatchMetrics } from './watch-metrics'

export interface SelfMonitorOptions {
  clock: Clock
  logger: Logger
  metrics: Pick<WatchMetrics, 'process' | 'selfAlerts'>
  /** Sends a message about this process to the alert channels. */
  send(title: string, text: string): Promise<{ sent: number; failed: number }>
  /** Resident memory ceiling in bytes; 0 = none. */
  maxRssBytes: number
  /** A loop delay longer than this is a stall. */
  stallMs: number
  intervalMs?: number
  /** At most one alert per condition in this long. */
  throttleMs?: number
  rss?(): number
}

export const DEFAULT_STALL_MS = 5_000
const MB = 1024 * 1024

export interface Sample {
  rss: number
  lagP99Ms: number
  lagMaxMs: number
}

export class SelfMonitor {
  private interval: NodeJS.Timeout | null = null
  private histogram: IntervalHistogram | null = null
  private lastCheck = 0
  private readonly lastAlert = new Map<string, number>()
  /** Alerts being sent now (tests and shutdown wait on them). */
  readonly pending = new Set<Promise<unknown>>()

  constructor(private readonly o: SelfMonitorOptions) {}

  start(): void {
    if (this.interval) return
    this.histogram = monitorEventLoopDelay({ resolution: 20 })
    this.histogram.enable()
    this.lastCheck = performance.now()
    const every = this.o.intervalMs ?? 10_000
    this.interval = setInterval(() => {
      const h = this.histogram!
      // The interval's own lateness catches a stall the histogram's sampling timer saw only as one sample.
      const late = Math.max(0, performance.now() - this.lastCheck - every)
      this.lastCheck = performance.now()
      const sample = {
        rss: (this.o.rss ?? process.memoryUsage.rss)(),
        lagP99Ms: h.count ? h.percentile(99) / 1e6 : 0,
        lagMaxMs: Math.max(h.count ? h.max / 1e6 : 0, late),
      }
      h.reset()
      this.check(sample)
    }, every)
    this.interval.unref()
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval)
    this.interval = null
    this.histogram?.disable()
    this.histogram = null
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending])
  }

  /** One look: the figures go to /metrics; a ceiling passed or a stall is logged and alerted. */
  check(s: Sample): void {
    this.o.metrics.process = { loopLagP99Ms: s.lagP99Ms, loopLagMaxMs: s.lagMaxMs }
    if (this.o.maxRssBytes > 0 && s.rss > this.o.maxRssBytes)
      this.raise(
        'memory',
        `Driftwatch watch uses ${(s.rss / MB).toFixed(0)} MB of memory`,
        `Resident memory ${(s.rss / MB).toFixed(1)} MB is above the ceiling of ${(this.o.maxRssBytes / MB).toFixed(0)} MB (pid ${process.pid}).`,
        { rssMb: Math.round(s.rss / MB), ceilingMb: Math.round(this.o.maxRssBytes / MB) },
      )
    if (s.lagMaxMs > this.o.stallMs)
      this.raise(
        'event-loop-stall',
        `Driftwatch watch stalled for ${(s.lagMaxMs / 1000).toFixed(1)} s`,
        `The event loop was blocked for ${(s.lagMaxMs / 1000).toFixed(1)} s (limit ${(this.o.stallMs / 1000).toFixed(1)} s; pid ${process.pid}); scans, alerts and /healthz waited meanwhile.`,
        { stalledMs: Math.round(s.lagMaxMs), limitMs: this.o.stallMs },
      )
  }

  private raise(condition: string, title: string, text: string, fields: Record<string, unknown>): void {
    this.o.logger.log('warn', title, { condition, ...fields })
    const now = this.o.clock.now().getTime()
    const last = this.lastAlert.get(condition)
    if (last !== undefined && now - last < (this.o.throttleMs ?? 60 * 60_000)) {
      this.o.metrics.selfAlerts.add({ condition, outcome: 'throttled' })
      return
    }
    this.lastAlert.set(condition, now)
    const p = this.o
      .send(title, text)
      .then(({ sent, failed }) => {
        if (sent) this.o.metrics.selfAlerts.add({ condition, outcome: 'sent' }, sent)
        if (failed) this.o.metrics.selfAlerts.add({ condition, outcome: 'failed' }, failed)
      })
      .catch(() => this.o.metrics.selfAlerts.add({ condition, outcome: 'failed' }))
      .finally(() => this.pending.delete(p))
    this.pending.add(p)
  }
}
