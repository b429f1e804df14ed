// For watch tests: a fake clock with timers that fire as the test moves time, and a scripted scanner whose
// results, failures and duration the test decides (the real scanners are covered by their own tests).
import type { Clock, Timers } from '../../src-main/core/ports'
import type { RuleResult, ScanOutcome, Scanner } from '../../src-main/core/scanners/scanner'
import type { Target } from '../../src-preload/contract'

export interface FakeTime extends Clock, Timers {
  /** Moves time forward by `ms`, firing each timer at its moment and letting the work it starts settle. */
  advance(ms: number): Promise<void>
  /**
   * Moves time forward without firing the timers on the way (a computer waking from sleep, the wall clock
   * jumping): the next `advance` fires each overdue timer once, at the new time.
   */
  jump(ms: number): void
  /** Lets promises and immediates settle without moving time. */
  settle(): Promise<void>
  iso(): string
  pending(): number
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
}

export function fakeTime(start = '2030-01-07T00:00:00.000Z'): FakeTime {
  let t = Date.parse(start)
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => new Date(t),
    iso: () => new Date(t).toISOString(),
    setTimeout(fn, ms) {
      const id = ++seq
      timers.set(id, { at: t + Math.max(0, ms), fn })
      return id
    },
    clearTimeout(h) {
      timers.delete(h as number)
    },
    pending: () => timers.size,
    jump(ms) {
      t += Math.max(0, ms)
    },
    async settle() {
      await flush()
    },
    async advance(ms) {
      const end = t + ms
      await flush()
      for (;;) {
        let next: [number, { at: number; fn: () => void }] | undefined
        for (const e of timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e
        if (!next) break
        timers.delete(next[0])
        t = Math.max(t, next[1].at)
        next[1].fn()
        await flush()
      }
      t = end
      await flush()
    },
  }
}

export const rule = (
  ruleId: string,
  status: RuleResult['status'],
  actual = '',
  severity = 'medium',
): RuleResult => ({
  ruleId,
  status,
  severity,
  title: `Rule ${ruleId}`,
  actual,
  expected: '',
  message: '',
  idents: [],
})

export interface Script {
  /** What each target's next scan returns (by target name); an Error makes the scan fail with it. */
  results: Map<string, RuleResult[] | Error>
  /** Every scan started, in order: target name and when (fake ISO time). */
  started: { target: string; at: string; scanId?: string }[]
  /** While set for a target, its scans wait until the promise resolves. */
  gates: Map<string, Promise<void>>
}

/** A scanner for database kinds that returns what the test scripted (default: one passing rule). */
export function scriptedScanner(
  clock: Clock,
  kinds: string[] = ['postgres', 'mysql'],
): Scanner & { script: Script } {
  const script: Script = { results: new Map(), started: [], gates: new Map() }
  return {
    kinds,
    script,
    plan: (_t, req) => ({ profileId: req.profileId ?? 'scripted', tailoringId: null }),
    async scan(target: Target, _plan, ctx): Promise<ScanOutcome> {
      script.started.push({ target: target.name, at: clock.now().toISOString() })
      ctx.progress({ phase: 'connect', message: 'scripted' })
      const gate = script.gates.get(target.name)
      if (gate)
        await Promise.race([
          gate,
          new Promise((_, reject) =>
            ctx.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true }),
          ),
        ])
      const r = script.results.get(target.name) ?? [rule('r1', 'pass')]
      if (r instanceof Error) throw r
      ctx.progress({
        phase: 'rule',
        ruleId: r[0]?.ruleId ?? '',
        status: 'pass',
        done: r.length,
        total: r.length,
      })
      return {
        results: r,
        evidence: [{ mediaType: 'application/json', name: 'r.json', bytes: Buffer.from(JSON.stringify(r)) }],
        info: {},
      }
    },
  }
}

/** A promise and its resolve, for scans a test holds open (Node 20 has no Promise.withResolvers). */
export function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}
