// Test-only preload (`node --import ./test/helpers/fast-clock.mjs`): the process's time runs FAST_CLOCK_FACTOR
// times faster than the wall clock, from FAST_CLOCK_ORIGIN (or the moment it starts). Date (now and new Date()) and the timers
// (setTimeout, setInterval; their delays shortened by the factor) are sped up together, so a daemon's 1-minute
// schedules and its claim leases keep their proportions; the network and the databases run at their real speed.
// Only the main thread: the store's PostgreSQL worker thread keeps real time for its waits. Never shipped.
import { isMainThread } from 'node:worker_threads'

const factor = Number(process.env.FAST_CLOCK_FACTOR ?? '1')
if (isMainThread && Number.isFinite(factor) && factor > 1) {
  const RealDate = Date
  const realNow = RealDate.now.bind(RealDate)
  // Processes given the same FAST_CLOCK_ORIGIN (ms since the epoch) share one sped-up clock.
  const origin = Number(process.env.FAST_CLOCK_ORIGIN ?? '') || realNow()
  const now = () => origin + (realNow() - origin) * factor
  class FastDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now())
      else super(...args)
    }
    static now() {
      return Math.floor(now())
    }
  }
  globalThis.Date = FastDate
  const scale = (ms) => (typeof ms === 'number' && ms > 0 ? ms / factor : ms)
  const realSetTimeout = globalThis.setTimeout
  const realSetInterval = globalThis.setInterval
  globalThis.setTimeout = (fn, ms, ...rest) => realSetTimeout(fn, scale(ms), ...rest)
  globalThis.setInterval = (fn, ms, ...rest) => realSetInterval(fn, scale(ms), ...rest)
}
