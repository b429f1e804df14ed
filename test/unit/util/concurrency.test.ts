// The one concurrency helper: never more than `limit` calls at once, results in item order, and a failure stops
// new work, waits for what is running, and is what the caller sees.
import { describe, expect, it } from 'vitest'
import { mapLimit } from '../../../src-main/core/util/concurrency'

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('mapLimit', () => {
  it('runs at most `limit` at once, keeps every lane busy, and returns results in item order', async () => {
    let running = 0
    let peak = 0
    const started: number[] = []
    const out = await mapLimit([30, 5, 5, 5, 20, 1, 1], 3, async (ms, i) => {
      started.push(i)
      peak = Math.max(peak, ++running)
      await tick(ms)
      running--
      return ms * 10
    })
    expect(peak).toBe(3)
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(out).toEqual([300, 50, 50, 50, 200, 10, 10])
  })

  it('starts a next item as soon as a lane frees, not when the whole batch ends', async () => {
    const order: string[] = []
    await mapLimit(['slow', 'fast', 'next'], 2, async (name) => {
      order.push(`start ${name}`)
      await tick(name === 'slow' ? 40 : 5)
      order.push(`end ${name}`)
    })
    expect(order.indexOf('start next')).toBeLessThan(order.indexOf('end slow'))
  })

  it('after a failure starts nothing new, lets the running ones finish, then rejects with the first failure', async () => {
    const started: number[] = []
    const finished: number[] = []
    const run = mapLimit([0, 1, 2, 3, 4, 5], 3, async (i) => {
      started.push(i)
      await tick(i === 1 ? 5 : 20)
      if (i === 1) throw new Error('item 1 failed')
      if (i === 2) throw new Error('item 2 failed too')
      finished.push(i)
    })
    await expect(run).rejects.toThrow('item 1 failed')
    expect(started).toEqual([0, 1, 2])
    // Item 0 was running when 1 failed: it ended before mapLimit returned.
    expect(finished).toEqual([0])
  })

  it('does nothing for no items, and refuses a limit below 1', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([])
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow(/at least 1/)
  })
})
