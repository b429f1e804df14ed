// Messages about Driftwatch itself (the self-monitor's memory ceiling, a stalled event loop), sent at once to
// every enabled channel with the channel's secret from the vault. Not kept in the outbox: they describe this
// process now, and the self-monitor throttles them.
import { randomInt } from 'node:crypto'
import type { AlertsRepo } from '../../store/alerts'
import type { Clock, Logger } from '../../ports'
import type { Vault } from '../../vault/vault'
import { channelFor } from './index'
import { withHeaderSecrets } from './headers'
import type { AlertMessage } from './message'

export interface SystemAlertDeps {
  alerts: Pick<AlertsRepo, 'channels'>
  vault: Pick<Vault, 'state' | 'withSecret'>
  clock: Clock
  logger: Logger
  redact?(text: string): string
  timeoutMs?: number
}

/** Sends title and text to every enabled channel; resolves to how many took it and how many did not. */
export async function sendSystemAlert(
  d: SystemAlertDeps,
  title: string,
  text: string,
): Promise<{ sent: number; failed: number }> {
  let sent = 0
  let failed = 0
  const at = d.clock.now().toISOString()
  const msg: AlertMessage = {
    // Not an outbox row: a number a receiver deduplicating by delivery id will not have seen.
    deliveryId: -randomInt(1, 2 ** 47),
    test: false,
    health: true,
    target: null,
    scanId: null,
    at,
    title,
    text: `${title}\n${text}\nAt ${at}`,
    events: [],
  }
  for (const c of d.alerts.channels().filter((x) => x.enabled)) {
    const impl = channelFor(c.kind)
    if (!impl) continue
    try {
      let secret: string | undefined
      if (c.credentialId) {
        if (d.vault.state() !== 'unlocked') throw new Error('the vault is locked')
        secret = await d.vault.withSecret(c.credentialId, null, (s) =>
          (s.secret ?? s.token ?? s.password)?.toString('utf8'),
        )
      }
      const config = await withHeaderSecrets(d.vault, impl.config.parse(c.config) as Record<string, unknown>)
      await impl.send(config, secret, msg, AbortSignal.timeout(d.timeoutMs ?? 15_000))
      sent++
    } catch (err) {
      failed++
      const error = String((err as Error).message ?? err)
      d.logger.log('warn', 'self-monitoring alert not sent', {
        channel: c.name,
        error: d.redact ? d.redact(error) : error,
      })
    }
  }
  return { sent, failed }
}
