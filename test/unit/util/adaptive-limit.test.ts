// The group scan's lanes as they adapt: they start at the CPU count, grow while the event loop keeps up and hosts
// wait in the queue, shrink when the loop lags, lend a slow host's lane to the next host, and stop starting hosts
// on cancel. A fake clock and fake samples drive it, so every step is exact.
import { describe, expect, it } from 'vitest'
import { AdaptiveLimit, runAdaptive } from '../../../src-main/core/util/adaptive-limit'

function fakeClock() {
  let t = 1_000
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

/** Scans that end when the test says so, and the periodic sampler as a function the test calls. */
function harness(count: number) {
  const ends = new Map<number, () => void>()
  const started: number[] = []
  let tick: (() => void) | undefined
  let stopped = false
  const fn = (i: number) =>
    new Promise<void>((resolve) => {
      started.push(i)
      ends.set(i, resolve)
    })
  const every = (_ms: number, f: () => void) => {
    tick = f
    return () => void (stopped = true)
  }
  const flush = () => new Promise((r) => setImmediate(r))
  const end = async (i: number) => {
    ends.get(i)!()
    await flush()
  }
  const items = Array.from({ length: count }, (_, i) => i)
  return { items, fn, every, started, end, flush, tick: () => tick!(), stopped: () => stopped }
}

describe('AdaptiveLimit', () => {
  it('starts at the CPU count, within its bounds', () => {
    const c = fakeClock()
    expect(new AdaptiveLimit({ initial: 8, max: 16 }, c.now).limit).toBe(8)
    expect(new AdaptiveLimit({ initial: 8, max: 3 }, c.now).limit).toBe(3)
    expect(new AdaptiveLimit({ initial: 0, max: 3 }, c.now).limit).toBe(1)
  })

  it('grows one lane per round of scans ended while hosts wait and the loop keeps up, up to its ceiling', () => {
    const c = fakeClock()
    const l = new AdaptiveLimit({ initial: 2, max: 4 }, c.now)
    const cycle = (id: string) => {
      l.started(id)
      c.advance(1_000)
      l.ended(id, 10)
    }
    cycle('a')
    expect(l.limit).toBe(2)
    cycle('b')
    expect(l.limit).toBe(3)
    for (const id of ['c', 'd', 'e']) cycle(id)
    expect(l.limit).toBe(4)
    for (const id of ['f', 'g', 'h', 'i', 'j']) cycle(id)
    expect(l.limit).toBe(4)
    expect(l.history.map((h) => [h.reason, h.limit])).toEqual([
      ['start', 2],
      ['grow', 3],
      ['grow', 4],
    ])
  })

  it('does not grow when nothing waits, or while the event loop lags', () => {
    const c = fakeClock()
    const l = new AdaptiveLimit({ initial: 2, max: 8 }, c.now)
    for (const id of ['a', 'b', 'c']) {
      l.started(id)
      l.ended(id, 0)
    }
    expect(l.limit).toBe(2)
    l.lag(60)
    for (const id of ['d', 'e', 'f']) {
      l.started(id)
      l.ended(id, 5)
    }
    expect(l.limit).toBe(2)
  })

  it('shrinks by a fraction when the event loop lags two samples running, once per cool-down, never under its floor', () => {
    const c = fakeClock()
    const l = new AdaptiveLimit({ initial: 8, max: 8, cooldownMs: 2_000 }, c.now)
    // One long task (a commit) is one slow sample: not the computer falling behind.
    l.lag(900)
    l.lag(5)
    l.lag(900)
    expect(l.limit).toBe(8)
    l.lag(250)
    expect(l.limit).toBe(5)
    c.advance(500)
    l.lag(250)
    expect(l.limit).toBe(5)
    c.advance(2_000)
    l.lag(250)
    expect(l.limit).toBe(3)
    for (let i = 0; i < 5; i++) {
      c.advance(2_000)
      l.lag(500)
    }
    expect(l.limit).toBe(1)
    expect(l.history.filter((h) => h.reason === 'lag').map((h) => h.limit)).toEqual([5, 3, 2, 1])
  })

  it("lends a host's lane once it runs far longer than the ended scans, but never past the ceiling", () => {
    const c = fakeClock()
    const l = new AdaptiveLimit({ initial: 2, max: 3, slowFactor: 3, slowMinMs: 5_000 }, c.now)
    l.started('quick')
    l.started('slow')
    c.advance(2_000)
    l.ended('quick', 0)
    l.started('next')
    expect(l.canStart()).toBe(false)
    // The median scan took 2 s; "slow" past max(5 s, 3 × 2 s) = 6 s is waiting on its host.
    c.advance(4_100)
    expect(l.canStart()).toBe(true)
    l.started('lent')
    expect(l.inFlight).toBe(3)
    c.advance(60_000)
    // Every one is now "slow", but the ceiling holds.
    expect(l.canStart()).toBe(false)
  })
})

describe('runAdaptive', () => {
  it('keeps the lanes full in item order and ends when every call has ended', async () => {
    const c = fakeClock()
    const h = harness(5)
    const l = new AdaptiveLimit({ initial: 2, max: 2 }, c.now)
    let done = false
    const run = runAdaptive(h.items, h.fn, { limiter: l, every: h.every }).then(() => (done = true))
    await h.flush()
    expect(h.started).toEqual([0, 1])
    await h.end(1)
    expect(h.started).toEqual([0, 1, 2])
    await h.end(2)
    await h.end(3)
    expect(h.started).toEqual([0, 1, 2, 3, 4])
    await h.end(0)
    await h.end(4)
    await run
    expect(done).toBe(true)
    expect(h.stopped()).toBe(true)
  })

  it('starts no host while the event loop lags and lanes are full, and starts them as the lag clears', async () => {
    const c = fakeClock()
    const h = harness(6)
    let lag = 300
    const l = new AdaptiveLimit({ initial: 4, max: 4, cooldownMs: 0 }, c.now)
    const run = runAdaptive(h.items, h.fn, { limiter: l, every: h.every, lag: () => lag })
    await h.flush()
    expect(h.started).toEqual([0, 1, 2, 3])
    h.tick()
    h.tick()
    expect(l.limit).toBe(2)
    await h.end(0)
    await h.end(1)
    // Two still run, the limit is two: nobody new.
    expect(h.started).toEqual([0, 1, 2, 3])
    await h.end(2)
    expect(h.started).toEqual([0, 1, 2, 3, 4])
    lag = 5
    h.tick()
    await h.end(3)
    await h.end(4)
    await h.end(5)
    await run
    expect(h.started).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('gives a slow host’s lane to the next host when the sampler sees it has turned slow', async () => {
    const c = fakeClock()
    const h = harness(4)
    const l = new AdaptiveLimit({ initial: 2, max: 3, slowMinMs: 1_000 }, c.now)
    const run = runAdaptive(h.items, h.fn, { limiter: l, every: h.every })
    await h.flush()
    c.advance(200)
    await h.end(1)
    expect(h.started).toEqual([0, 1, 2])
    c.advance(1_000)
    h.tick()
    await h.flush()
    // Host 0 has run 1.2 s against a median of 0.2 s: host 3 starts beside it and host 2.
    expect(h.started).toEqual([0, 1, 2, 3])
    expect(l.history.at(-1)?.reason).toBe('slow-host')
    for (const i of [0, 2, 3]) await h.end(i)
    await run
  })

  it('on cancel starts no queued item and waits for the running ones', async () => {
    const c = fakeClock()
    const h = harness(6)
    const ac = new AbortController()
    const l = new AdaptiveLimit({ initial: 2, max: 2 }, c.now)
    let done = false
    const run = runAdaptive(h.items, h.fn, { limiter: l, every: h.every, signal: ac.signal }).then(
      () => (done = true),
    )
    await h.flush()
    ac.abort()
    await h.end(0)
    expect(h.started).toEqual([0, 1])
    expect(done).toBe(false)
    await h.end(1)
    await run
    expect(h.started).toEqual([0, 1])
  })

  it('goes on past a call that throws', async () => {
    const c = fakeClock()
    const seen: number[] = []
    await runAdaptive(
      [0, 1, 2],
      async (i) => {
        seen.push(i)
        if (i === 0) throw new Error('boom')
      },
      { limiter: new AdaptiveLimit({ initial: 1, max: 1 }, c.now), every: () => () => undefined },
    )
    expect(seen).toEqual([0, 1, 2])
  })
})
