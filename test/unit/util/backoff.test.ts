// The one backoff: capped exponential with full jitter, floored by a server's Retry-After (seconds or a date).
import { describe, expect, it } from 'vitest'
import { backoffDelay, retryAfterMs } from '../../../src-main/core/util/backoff'

describe('backoffDelay', () => {
  const p = { baseMs: 100, capMs: 1000 }

  it('doubles the ceiling per retry up to the cap, and waits a random time below it', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, p, () => 0.999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ])
    expect(backoffDelay(3, p, () => 0)).toBe(0)
    expect(backoffDelay(3, p, () => 0.5)).toBe(400)
  })

  it('never waits less than the floor (a Retry-After, a minimum)', () => {
    expect(backoffDelay(0, p, () => 0.1, 5000)).toBe(5000)
    expect(backoffDelay(4, p, () => 0.999, 500)).toBe(999)
  })

  it('spreads retries that start together (jitter), all within the ceiling', () => {
    const waits = Array.from({ length: 200 }, () => backoffDelay(2, p))
    expect(new Set(waits).size).toBeGreaterThan(50)
    expect(Math.max(...waits)).toBeLessThan(400)
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0)
  })
})

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-02T10:00:00Z')

  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('120', now)).toBe(120_000)
    expect(retryAfterMs(7, now)).toBe(7000)
    expect(retryAfterMs('Wed, 02 Dec 2026 10:00:30 GMT', now)).toBe(30_000)
  })

  it('is 0 for nothing, nonsense, a negative number or a date already past, so a bad header never blocks', () => {
    for (const v of [undefined, null, '', 'soon', '-5', '1.5', 'Wed, 02 Dec 2026 09:00:00 GMT'])
      expect(retryAfterMs(v, now), String(v)).toBe(0)
  })
})
