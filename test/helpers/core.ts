// A real core on a real SQLite file in a temp dir, closed after each test; a clock the test moves by hand.
import { afterEach } from 'vitest'
import { createCore, type Core, type CoreOptions } from '../../src-main/core/app'
import type { Clock, CoreEventListener } from '../../src-main/core/ports'
import type { ApiError, Channel, EventName, EventPayload, Req, Res } from '../../src-preload/contract'
import { useTmpDirs } from './tmp-dir'

export interface FakeClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void
}

export function fakeClock(start = '2030-01-01T00:00:00.000Z'): FakeClock {
  let t = Date.parse(start)
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms
    },
  }
}

export interface Cores {
  /** A core on a new temp data dir (or on `dataDir`, to reopen an existing store). */
  open(opts?: Partial<CoreOptions>): Core
}

export function useCores(): Cores {
  const cores: Core[] = []
  const tmp = useTmpDirs()
  // Registered after the temp-dir hook, so it runs first (after-hooks run in reverse): close, then delete.
  afterEach(async () => {
    await Promise.all(cores.splice(0).map((c) => c.close()))
  })
  return {
    open(opts = {}) {
      const core = createCore({ face: 'cli', dataDir: opts.dataDir ?? tmp.make('driftwatch-core-'), ...opts })
      cores.push(core)
      return core
    },
  }
}

export type RecordedEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName]

/** Subscribes to the core and keeps every event it pushes, in order. */
export function recordEvents(core: Core): RecordedEvent[] {
  const seen: RecordedEvent[] = []
  const listener: CoreEventListener = (name, payload) => {
    seen.push({ name, payload } as RecordedEvent)
  }
  core.subscribe(listener)
  return seen
}

/** Calls a channel with a well-typed request and returns its data; a failed call fails the test. */
export async function call<C extends Channel>(core: Core, channel: C, req: Req<C>): Promise<Res<C>> {
  const env = await core.invoke(channel, req)
  if (!env.ok) throw new Error(`${channel} failed: ${JSON.stringify(env.error)}`)
  return env.data as Res<C>
}

/** Calls a channel with any payload and returns the error it must answer with; success fails the test. */
export async function callError(
  core: Pick<Core, 'invoke'>,
  channel: unknown,
  payload: unknown,
): Promise<ApiError> {
  const env = await core.invoke(channel, payload)
  if (env.ok) throw new Error(`expected ${String(channel)} to fail, got ${JSON.stringify(env.data)}`)
  return env.error
}
