// /healthz: whether the watch in this process is doing its job. Healthy while the scheduler's heartbeat is
// fresh; each reason it is not is said in words (the vault locked while targets that need it wait, a store
// that refuses writes, a heartbeat gone stale).
import type { Clock } from '../ports'
import type { Scheduler } from '../watch/scheduler'
import { MAX_SLEEP_MS } from '../watch/scheduler'

/** The scheduler looks at the runs at least every MAX_SLEEP_MS; two missed looks and some slack is stale. */
export const DEFAULT_STALE_MS = 2 * MAX_SLEEP_MS + 30_000

export interface HealthDeps {
  clock: Clock
  scheduler: Pick<Scheduler, 'heartbeat'>
  /** Runs waiting because the vault is locked (targets whose credential is in it). */
  vaultWaiting(): number
  staleMs?: number
}

export interface Health {
  ok: boolean
  reasons: string[]
  heartbeatAgeSeconds: number | null
}

/** SQLite result codes that mean the store cannot be written (read-only, full, I/O error, gone). */
const UNWRITABLE = /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|CORRUPT|NOTADB)/

export function health(d: HealthDeps): Health {
  const now = d.clock.now().getTime()
  const hb = d.scheduler.heartbeat
  const reasons: string[] = []
  const age = hb.at ? Math.max(0, now - hb.at) : null
  const staleMs = d.staleMs ?? DEFAULT_STALE_MS
  if (age === null) reasons.push('the scheduler has not started')
  else if (age > staleMs)
    reasons.push(
      `heartbeat stale: the scheduler last looked at its runs ${Math.round(age / 1000)} s ago (limit ${Math.round(staleMs / 1000)} s)`,
    )
  if (hb.error)
    reasons.push(
      UNWRITABLE.test(hb.code)
        ? `store unwritable: ${hb.error}`
        : `the scheduler's last look at its runs failed: ${hb.error}`,
    )
  let waiting = 0
  try {
    waiting = d.vaultWaiting()
  } catch (err) {
    reasons.push(`store unreadable: ${String(err)}`)
  }
  if (waiting > 0)
    reasons.push(
      `vault locked: ${waiting} scheduled run${waiting === 1 ? '' : 's'} of targets that need a credential ${waiting === 1 ? 'is' : 'are'} waiting`,
    )
  return { ok: reasons.length === 0, reasons, heartbeatAgeSeconds: age === null ? null : age / 1000 }
}
