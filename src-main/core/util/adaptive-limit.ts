// How many scans of a group run at once, decided as they run: it starts from the computer's CPU count, grows by one
// lane per round of scans that end while the event loop keeps up (additive increase), shrinks by a fraction when
// the event loop lags (multiplicative decrease: the UI and every other request wait on that loop), and lends the
// lane of a host far slower than the others to the next host in the queue (a slow host waits on its own CPU or
// network, not on ours). Pure: time and the event-loop delay come in as numbers, so tests drive it with a fake clock.

export interface AdaptiveLimitOptions {
  /** Lanes at the start: the CPU count. */
  initial: number
  /** Never more scans in flight than this, lent lanes included. */
  max: number
  /** Never fewer lanes than this. */
  min?: number
  /** Event-loop delay p99 (ms) above which the limit shrinks. */
  lagHighMs?: number
  /** Event-loop delay p99 (ms) under which an ended scan may grow the limit. */
  lagLowMs?: number
  /** A scan running this many times the median of the ended ones is waiting on its host: its lane is lent. */
  slowFactor?: number
  /** …and running at least this long (a few quick scans say little about what is slow). */
  slowMinMs?: number
  /** At most one decrease per this long, so one lag spike is not counted once per sample. */
  cooldownMs?: number
  /** The fraction kept on a decrease. */
  decrease?: number
}

export interface LimitChange {
  /** Milliseconds since the limiter was made. */
  atMs: number
  limit: number
  inFlight: number
  reason: 'start' | 'grow' | 'lag' | 'slow-host'
}

export class AdaptiveLimit {
  private value: number
  private readonly o: Required<AdaptiveLimitOptions>
  private readonly startedAt = new Map<string, number>()
  private readonly durations: number[] = []
  private lastLag = 0
  private lastDecrease = -Infinity
  private lent = 0
  private readonly t0: number
  /** Every change of the limit or of the lanes lent, for a person (or a bench) to read how it adapted. */
  readonly history: LimitChange[] = []

  constructor(
    opts: AdaptiveLimitOptions,
    private readonly now: () => number,
  ) {
    const min = Math.max(1, Math.floor(opts.min ?? 1))
    const max = Math.max(min, Math.floor(opts.max))
    this.o = {
      min,
      max,
      initial: opts.initial,
      lagHighMs: opts.lagHighMs ?? 100,
      lagLowMs: opts.lagLowMs ?? 40,
      slowFactor: opts.slowFactor ?? 3,
      slowMinMs: opts.slowMinMs ?? 5_000,
      cooldownMs: opts.cooldownMs ?? 2_000,
      decrease: opts.decrease ?? 0.7,
    }
    this.value = clamp(Math.floor(opts.initial), min, max)
    this.t0 = now()
    this.record('start')
  }

  /** The lanes for scans that use this computer (lent lanes aside). */
  get limit(): number {
    return Math.floor(this.value)
  }

  get inFlight(): number {
    return this.startedAt.size
  }

  /** Whether one more scan may start now. */
  canStart(): boolean {
    return this.inFlight < this.o.max && this.inFlight - this.slowCount() < this.limit
  }

  started(id: string): void {
    this.startedAt.set(id, this.now())
  }

  /** A scan ended; `waiting` is how many are still queued (growing only helps when some wait). */
  ended(id: string, waiting: number): void {
    const at = this.startedAt.get(id)
    if (at === undefined) return
    this.startedAt.delete(id)
    this.durations.push(this.now() - at)
    if (waiting > 0 && this.lastLag < this.o.lagLowMs && this.limit < this.o.max) {
      const before = this.limit
      // One more lane per `limit` scans ended: a round trip of the whole pool, as TCP grows its window.
      this.value = Math.min(this.o.max, this.value + 1 / this.limit)
      if (this.limit !== before) this.record('grow')
    }
    this.noteLent()
  }

  /**
   * The event loop's delay p99 over the last sample period. Two periods in a row over the bar shrink the limit:
   * one long task (a commit) is not the computer falling behind.
   */
  lag(p99Ms: number): void {
    const sustained = p99Ms > this.o.lagHighMs && this.lastLag > this.o.lagHighMs
    this.lastLag = p99Ms
    const now = this.now()
    if (sustained && now - this.lastDecrease >= this.o.cooldownMs && this.value > this.o.min) {
      this.value = Math.max(this.o.min, Math.floor(this.value * this.o.decrease))
      this.lastDecrease = now
      this.record('lag')
    }
    this.noteLent()
  }

  /** Scans running far longer than the others: they wait on their host, so their lanes go to the queue. */
  private slowCount(): number {
    if (this.durations.length === 0) return 0
    const bar = Math.max(this.o.slowMinMs, this.o.slowFactor * median(this.durations))
    const now = this.now()
    let n = 0
    for (const at of this.startedAt.values()) if (now - at > bar) n++
    return n
  }

  /** Called each sample period: notes hosts that have turned slow since the last call. */
  noteLent(): void {
    const lent = this.slowCount()
    if (lent > this.lent) this.record('slow-host')
    this.lent = lent
  }

  private record(reason: LimitChange['reason']): void {
    this.history.push({ atMs: this.now() - this.t0, limit: this.limit, inFlight: this.inFlight, reason })
  }
}

/**
 * Runs `fn` over `items` with the limiter deciding how many at once, in item order. `every` calls its function
 * periodically (lag samples, and a host turning slow frees a lane with no scan ending); `lag` reads the event
 * loop's delay p99 since the last call. After `signal` aborts nothing more starts; the calls already running are
 * the caller's to abort (it owns them) and are waited for. A call's failure is the caller's to handle: `fn`
 * should not throw, and if it does the others go on.
 */
export async function runAdaptive<T>(
  items: readonly T[],
  fn: (item: T) => Promise<void>,
  opts: {
    limiter: AdaptiveLimit
    every: (ms: number, f: () => void) => () => void
    lag?: () => number
    sampleMs?: number
    signal?: AbortSignal
  },
): Promise<void> {
  const { limiter, signal } = opts
  let next = 0
  let seq = 0
  const running = new Set<Promise<void>>()
  let wake: (() => void) | undefined
  const pump = () => {
    while (!signal?.aborted && next < items.length && limiter.canStart()) {
      const id = String(seq++)
      const item = items[next++]!
      limiter.started(id)
      const p: Promise<void> = Promise.resolve()
        .then(() => fn(item))
        .catch(() => undefined)
        .finally(() => {
          running.delete(p)
          limiter.ended(id, signal?.aborted ? 0 : items.length - next)
          wake?.()
        })
      running.add(p)
    }
  }
  const stop = opts.every(opts.sampleMs ?? 500, () => {
    if (opts.lag) limiter.lag(opts.lag())
    else limiter.noteLent()
    wake?.()
  })
  const onAbort = () => wake?.()
  signal?.addEventListener('abort', onAbort)
  try {
    pump()
    while (running.size > 0 || (!signal?.aborted && next < items.length)) {
      await new Promise<void>((resolve) => (wake = resolve))
      wake = undefined
      pump()
    }
  } finally {
    stop()
    signal?.removeEventListener('abort', onAbort)
  }
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n))

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
