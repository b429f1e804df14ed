// The small interfaces through which the core reaches the outside world, with plain Node implementations.
// The Electron shell, the CLI and tests each hand createCore the ones they need.
import type { EventName, EventPayload } from '../../src-preload/contract'

export interface Clock {
  now(): Date
}
export const systemClock: Clock = { now: () => new Date() }

/** Timers behind a port, so auto-lock and schedules run on a fake clock in tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}
export const systemTimers: Timers = {
  // unref: a pending auto-lock must not keep a CLI process alive.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
}

export interface Notification {
  title: string
  body: string
  /** What to open when the person clicks it, e.g. "#/drift/123". */
  link?: string
}
export interface Notifier {
  notify(n: Notification): void
}
export const silentNotifier: Notifier = { notify: () => undefined }

export type CoreEventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void
}

/**
 * JSON lines, one per event, to any writable sink (a file stream, stderr, or an array in tests); `debug` lines
 * (how a group scan's lanes adapted, say) only when asked for.
 */
export function jsonLogger(
  write: (line: string) => void,
  clock: Clock = systemClock,
  opts: { debug?: boolean } = {},
): Logger {
  return {
    log(level, msg, fields) {
      if (level === 'debug' && !opts.debug) return
      write(JSON.stringify({ time: clock.now().toISOString(), level, msg, ...fields }) + '\n')
    },
  }
}
export const nullLogger: Logger = { log: () => undefined }
