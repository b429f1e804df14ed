// The main event loop's delay, read as a p99 per sample period: how long a UI request or an IPC message would
// have waited. The adaptive group-scan limit backs off when it grows.
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface LagSampler {
  /** The p99 delay (ms) since the last read, then starts a new period. */
  read(): number
  stop(): void
}

export function eventLoopLag(resolutionMs = 10): LagSampler {
  const h = monitorEventLoopDelay({ resolution: resolutionMs })
  h.enable()
  return {
    read() {
      // The histogram counts the timer's own resolution as delay: what is above it is the loop's.
      const p99 = h.count > 0 ? Math.max(0, h.percentile(99) / 1e6 - resolutionMs) : 0
      h.reset()
      return p99
    },
    stop: () => h.disable(),
  }
}

/** Calls `f` every `ms` without keeping the process alive; returns the stop. */
export function every(ms: number, f: () => void): () => void {
  const t = setInterval(f, ms)
  t.unref()
  return () => clearInterval(t)
}
