// Sends the delivery outbox: each pending message goes to its channel with the channel's secret from the vault,
// failures are retried with exponential backoff (full jitter, capped) and every attempt lands in the delivery log.
import { randomUUID } from 'node:crypto'
import type { AlertsRepo, DeliveryRow } from '../../store/alerts'
import type { TargetsRepo } from '../../store/targets'
import type { Clock, Logger, Timers } from '../../ports'
import type { Vault } from '../../vault/vault'
import { channelFor } from './index'
import { withHeaderSecrets } from './headers'
import { SendError } from './channel'
import { buildMessage } from './message'
import { backoffDelay } from '../../util/backoff'

export interface DispatcherOptions {
  alerts: AlertsRepo
  targets: TargetsRepo
  vault: Vault
  clock: Clock
  timers: Timers
  logger: Logger
  random?: () => number
  /** First retry waits up to this long; each further one doubles it, up to maxDelayMs. */
  baseDelayMs?: number
  maxDelayMs?: number
  maxAttempts?: number
  /** Per attempt. */
  timeoutMs?: number
  onDelivered?(d: DeliveryRow, ok: boolean, error: string): void
  /**
   * Whether this process may send the outbox now: a watching process (the lease holder, or with many watchers
   * each of them, every message claimed by one), so a process that only shows the UI never sends.
   */
  mayDeliver?(): boolean
  /** Masks secrets the vault handed out; errors are stored in the delivery log through it. */
  redact?(text: string): string
  /** This sender's id: due messages are claimed under it, so with many senders each goes out once. */
  worker?: string
}

/** How long a claimed message is this sender's: longer than an attempt (timeoutMs) and its bookkeeping. */
export const DELIVERY_CLAIM_MS = 120_000

export const VAULT_WAIT_MS = 60_000
export const VAULT_WAIT = 'Waiting for the vault to be unlocked'

export class AlertDispatcher {
  private timer: unknown = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private readonly abort = new AbortController()

  private readonly worker: string

  constructor(private readonly o: DispatcherOptions) {
    this.worker = o.worker ?? randomUUID()
  }

  /** Sends whatever is due now (soon after a scan commits), then waits for the next retry. */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.drain().finally(() => {
      this.running = null
      if (this.again && !this.stopped) {
        this.again = false
        this.kick()
      } else this.arm()
    })
  }

  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  stop(): void {
    this.stopped = true
    this.abort.abort()
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer)
    this.timer = null
  }

  /** The vault was unlocked: what waited for it goes now. */
  vaultUnlocked(): void {
    this.o.alerts.wake(VAULT_WAIT, this.o.clock.now().toISOString())
    this.kick()
  }

  /** Sends one delivery now, whatever its schedule (for "send test"); returns how it ended. */
  async sendNow(id: number): Promise<DeliveryRow> {
    const d = this.o.alerts.delivery(id)
    if (d) await this.deliver(d)
    return this.o.alerts.delivery(id)!
  }

  private arm(): void {
    if (this.stopped || (this.o.mayDeliver && !this.o.mayDeliver())) return
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer)
    this.timer = null
    const next = this.o.alerts.nextDue()
    if (!next) return
    const wait = Math.max(0, Date.parse(next) - this.o.clock.now().getTime())
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null
      this.kick()
    }, wait)
  }

  private async drain(): Promise<void> {
    if (this.o.mayDeliver && !this.o.mayDeliver()) return
    for (;;) {
      const now = this.o.clock.now()
      // A few at a time, each claimed for this sender: another sender draining the same outbox passes them over.
      const batch = this.o.alerts.claimDue(
        this.worker,
        now.toISOString(),
        new Date(now.getTime() + DELIVERY_CLAIM_MS).toISOString(),
        10,
      )
      if (batch.length === 0) return
      for (const d of batch) {
        if (this.stopped) return
        // A claim that lapsed meanwhile (this process stalled) may have gone to another sender: not sent twice.
        if (!this.o.alerts.holdsDelivery(d.id, this.worker, this.o.clock.now().toISOString())) continue
        await this.deliver(d)
      }
    }
  }

  private async deliver(d: DeliveryRow): Promise<void> {
    const { alerts, vault, clock, logger } = this.o
    const channel = alerts.channel(d.channelId)
    const impl = channel && channelFor(channel.kind)
    if (!channel || !impl) return
    const now = () => clock.now().toISOString()
    let secret: string | undefined
    if (channel.credentialId) {
      if (vault.state() !== 'unlocked') {
        alerts.postpone(
          d.id,
          'Waiting for the vault to be unlocked',
          new Date(clock.now().getTime() + VAULT_WAIT_MS).toISOString(),
        )
        return
      }
      try {
        // Copied out of the vault's Buffers, which are zeroed when the callback returns.
        secret = await vault.withSecret(channel.credentialId, null, (s) =>
          (s.secret ?? s.token ?? s.password)?.toString('utf8'),
        )
      } catch (err) {
        this.fail(d, `The channel's secret could not be read: ${(err as Error).message}`, false)
        return
      }
    } else if (impl.needsSecret) {
      this.fail(d, `${channel.name} has no secret in the vault`, false)
      return
    }
    const target = d.targetId ? this.o.targets.get(d.targetId) : undefined
    const msg = buildMessage({
      deliveryId: d.id,
      test: d.test,
      target: target ? { id: target.id, name: target.name, kind: target.kind } : null,
      scanId: d.scanId,
      at: d.createdAt,
      events: alerts.events(d.eventIds),
    })
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.timeoutMs ?? 15_000)])
    try {
      const parsed = impl.config.parse(channel.config) as Record<string, unknown>
      await impl.send(await withHeaderSecrets(vault, parsed), secret, msg, signal)
      alerts.markSent(d.id, now())
      logger.log('info', 'alert sent', { channel: channel.name, delivery: d.id, events: d.eventIds.length })
      this.o.onDelivered?.(d, true, '')
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError((err as Error).message ?? String(err), true)
      this.fail(d, e.message, e.retryable, e.retryAfterMs)
    }
  }

  private fail(d: DeliveryRow, error: string, retryable: boolean, retryAfterMs = 0): void {
    const { alerts, clock, logger } = this.o
    const attempts = d.attempts + 1
    const max = this.o.maxAttempts ?? 6
    let retryAt: string | null = null
    if (retryable && attempts < max && !this.stopped) {
      const policy = { baseMs: this.o.baseDelayMs ?? 30_000, capMs: this.o.maxDelayMs ?? 30 * 60_000 }
      // At least a second, and no sooner than the receiver asked (a 429's Retry-After).
      const wait = backoffDelay(attempts - 1, policy, this.o.random, Math.max(1000, retryAfterMs))
      retryAt = new Date(clock.now().getTime() + wait).toISOString()
    }
    if (this.stopped && retryable) retryAt = d.nextAttemptAt
    // A receiver may echo what it was sent (a Slack URL is the secret itself): the log never keeps it.
    const shown = this.o.redact ? this.o.redact(error) : error
    alerts.markFailed(d.id, shown, retryAt)
    logger.log('warn', 'alert not sent', { delivery: d.id, error: shown, retryAt })
    this.o.onDelivered?.(d, false, error)
  }
}
