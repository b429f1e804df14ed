// The exceptions' expiry watch: a week before an exception ends, a notice (desktop notification, the Watch
// page); on the day, each failure it covered counts as failing again, recorded as "exception expired" drift and
// alerted through the alert outbox like a regression. Runs on the clock and timers ports, so tests move time.
import type { Clock, Logger, Notifier, Timers } from '../ports'
import type { AlertsRepo } from '../store/alerts'
import type { DriftEventRow } from '../store/drift'
import type { ExceptionRow, JudgementRepo } from '../store/judgement'
import type { TargetsRepo } from '../store/targets'
import { inScope, NOTICE_MS, ruleMatcher } from './apply'

export interface ExpiryDeps {
  judgement: JudgementRepo
  alerts: AlertsRepo
  targets: TargetsRepo
  clock: Clock
  timers: Timers
  notifier: Notifier
  logger: Logger
  /** Tells the faces and the alert sender (drift.detected), as a committed scan's drift does. */
  onDrift(targetId: string, scanId: string, events: DriftEventRow[]): void
}

/** Looks at least this often, so an exception added by another process is watched too. */
const MAX_WAIT_MS = 6 * 60 * 60_000

export class ExpiryWatch {
  private timer: unknown = null
  private running = false

  constructor(private readonly d: ExpiryDeps) {}

  start(): void {
    if (this.running) return
    this.running = true
    this.sweep()
  }

  stop(): void {
    this.running = false
    if (this.timer !== null) this.d.timers.clearTimeout(this.timer)
    this.timer = null
  }

  /** Acts on every notice and expiry that is due, then waits for the next one. Returns the drift recorded. */
  sweep(): DriftEventRow[] {
    const now = this.d.clock.now()
    const iso = now.toISOString()
    const recorded: DriftEventRow[] = []
    try {
      for (const e of this.d.judgement.dueForNotice(new Date(now.getTime() + NOTICE_MS).toISOString()))
        if (e.expiresAt > iso) this.notice(e, now)
      for (const e of this.d.judgement.dueForExpiry(iso)) recorded.push(...this.expire(e, iso))
    } catch (err) {
      this.d.logger.log('error', 'exception expiry check failed', { error: String(err) })
    }
    this.arm(now)
    return recorded
  }

  private arm(now: Date): void {
    if (!this.running) return
    if (this.timer !== null) this.d.timers.clearTimeout(this.timer)
    const next = this.d.judgement.nextExpiry()
    let wait = MAX_WAIT_MS
    if (next) {
      const t = Date.parse(next)
      const notice = t - NOTICE_MS
      const due = notice > now.getTime() ? notice : t
      wait = Math.max(1000, Math.min(MAX_WAIT_MS, due - now.getTime()))
    }
    this.timer = this.d.timers.setTimeout(() => {
      this.timer = null
      this.sweep()
    }, wait)
  }

  private notice(e: ExceptionRow, now: Date): void {
    this.d.judgement.markNotice(e.id, now.toISOString())
    const days = Math.max(1, Math.ceil((Date.parse(e.expiresAt) - now.getTime()) / 86_400_000))
    this.d.notifier.notify({
      title: `An exception expires in ${days} day${days === 1 ? '' : 's'}`,
      body: `${e.rulePattern} (approved by ${e.approvedBy}) ends on ${e.expiresAt.slice(0, 10)}: renew it or fix the rule`,
      link: '#/watch',
    })
    this.d.logger.log('info', 'exception expires soon', { exception: e.id, expiresAt: e.expiresAt })
  }

  /** The failures the exception covered in each target's latest scan now count as failing again. */
  private expire(e: ExceptionRow, at: string): DriftEventRow[] {
    const m = ruleMatcher(e.rulePattern)
    const targets = new Map(this.d.targets.list().map((t) => [t.id, t]))
    const failing = this.d.judgement.latestScans().flatMap(({ targetId, scanId }) => {
      const t = targets.get(targetId)
      if (!t || !inScope(e, t)) return []
      return this.d.judgement
        .resultsWithStatus(scanId, 'fail')
        .filter((r) => m(r.ruleId))
        .map((r) => ({
          targetId,
          scanId,
          finding: {
            type: 'exception-expired' as const,
            ruleId: r.ruleId,
            severity: r.severity || 'unknown',
            title: r.title || r.ruleId,
            fromStatus: 'excepted',
            toStatus: 'fail',
            fromActual: r.actual,
            toActual: r.actual,
            fromScore: null,
            toScore: null,
          },
        }))
    })
    const events = this.d.judgement.recordExpiry(e.id, at, failing, (evs) => {
      const byTarget = new Map<string, DriftEventRow[]>()
      for (const ev of evs) byTarget.set(ev.targetId, [...(byTarget.get(ev.targetId) ?? []), ev])
      for (const [targetId, list] of byTarget) this.d.alerts.recordUnscanned(targetId, list, at)
    })
    this.d.logger.log('warn', 'exception expired', {
      exception: e.id,
      rulePattern: e.rulePattern,
      failing: events.length,
    })
    const byScan = new Map<string, DriftEventRow[]>()
    for (const ev of events) byScan.set(ev.scanId, [...(byScan.get(ev.scanId) ?? []), ev])
    for (const [scanId, list] of byScan) this.d.onDrift(list[0]!.targetId, scanId, list)
    return events
  }
}
