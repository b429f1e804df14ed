// A synchronous request to a worker thread: post a message, block this thread until the worker answers it.
//
// Each request carries a number; the worker posts its reply with that number and then writes the number into
// a shared flag, and the caller waits until the flag holds its own number. Waiting for "the flag changed"
// instead is not enough: Atomics.wait also returns on a wake-up the worker sent for the previous request
// (posted, flag set, caller already gone on, then the notify lands), and a caller that then read the port
// found nothing, and the next caller took this one's reply: every answer after it belonged to the statement
// before (seen as a settings row without its value on a PostgreSQL store, issue 23).
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

export type Numbered<M> = M & { seq: number }

export class SyncChannel {
  private seq = 0

  /** `flag` is one Int32 in a SharedArrayBuffer, shared with the worker, which starts at 0. */
  constructor(
    private readonly flag: Int32Array,
    private readonly port: MessagePort,
  ) {}

  /** Posts `msg` and returns its reply, or undefined when none came within `timeoutMs`. */
  request<M extends object, R>(msg: M, timeoutMs: number): R | undefined {
    const seq = (this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1)
    this.port.postMessage({ ...msg, seq } satisfies Numbered<M>)
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const at = Atomics.load(this.flag, 0)
      if (at === seq) break
      const left = deadline - performance.now()
      if (left <= 0) return undefined
      // Sleeps only while the flag still holds `at`: a reply set in between is not missed.
      Atomics.wait(this.flag, 0, at, left)
    }
    // The reply was posted before the flag was set, so it is on the port; any reply to a request given up on
    // (timed out) is older and passed over.
    for (;;) {
      const got = receiveMessageOnPort(this.port)
      if (!got) throw new Error(`The worker set request ${seq} answered but posted no reply`)
      if ((got.message as Numbered<R>).seq === seq) return got.message as R
    }
  }
}
