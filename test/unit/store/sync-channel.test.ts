// The PostgreSQL store's synchronous door to its connection thread (sync-channel.ts): every statement gets
// its own answer, also when the worker's wake-up for one answer lands while the caller already waits for
// the next one (a worker thread paused between setting the flag and waking the caller, as a busy machine
// does). Before the numbered flag, that late wake-up made a statement read an empty port and every later
// statement take the answer of the one before it.
import { afterEach, expect, it } from 'vitest'
import { MessageChannel, Worker } from 'node:worker_threads'
import { SyncChannel } from '../../../src-main/core/store/sql/sync-channel'

// Answers { n } with { n: n * 2 }. After setting the flag it waits `lateMs` before waking the caller, so the
// caller (which sees the flag set and goes on) is already waiting for its next answer when this wake-up lands.
const ECHO = String.raw`
const { workerData } = require('node:worker_threads')
const { flag, port, lateMs } = workerData
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
port.on('message', (msg) => {
  if (msg.hang) return
  port.postMessage({ seq: msg.seq, n: msg.n * 2 })
  Atomics.store(flag, 0, msg.seq)
  pause(lateMs)
  Atomics.notify(flag, 0)
})
`

const workers: Worker[] = []
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()))
})

function echo(lateMs: number): SyncChannel {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  const { port1, port2 } = new MessageChannel()
  const worker = new Worker(ECHO, {
    eval: true,
    workerData: { flag, port: port2, lateMs },
    transferList: [port2],
  })
  workers.push(worker)
  return new SyncChannel(flag, port1)
}

it('gives each request its own answer when the wake-up for the previous one lands late', () => {
  const channel = echo(5)
  const answers = Array.from({ length: 200 }, (_, n) =>
    channel.request<{ n: number }, { n: number }>({ n }, 5_000),
  )
  expect(answers.map((a) => a?.n)).toEqual(Array.from({ length: 200 }, (_, n) => n * 2))
})

it('returns nothing when no answer comes in time, and the next request still gets its own answer', () => {
  const channel = echo(0)
  const t0 = performance.now()
  expect(channel.request({ hang: true, n: 1 }, 300)).toBeUndefined()
  expect(performance.now() - t0).toBeGreaterThanOrEqual(290)
  expect(channel.request<{ n: number }, { n: number }>({ n: 21 }, 5_000)?.n).toBe(42)
})
