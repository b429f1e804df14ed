// The renderer's one API client, typed by the contract. It speaks to the preload bridge in the desktop app
// and to the token-guarded HTTP server in serve mode; pages never know which.
import {
  BRIDGE_KEY,
  type ApiError,
  type Channel,
  type Envelope,
  type EventName,
  type EventPayload,
  type PreloadBridge,
  type Req,
  type Res,
} from '../../src-preload/contract'

export interface Transport {
  kind: 'desktop' | 'http'
  invoke(channel: Channel, req: unknown): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

/** A failed call: `issues` name the form fields at fault (paths like "target.port"). */
export class ApiCallError extends Error {
  readonly code: ApiError['code']
  readonly issues: ApiError['issues']
  constructor(err: ApiError) {
    super(err.message)
    this.code = err.code
    this.issues = err.issues
  }
}

export interface Api {
  transport: Transport['kind']
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

export function createApi(transport: Transport): Api {
  return {
    transport: transport.kind,
    async invoke(channel, req) {
      const env = await transport.invoke(channel, req)
      if (!env.ok) throw new ApiCallError(env.error)
      return env.data as never
    },
    on(event, listener) {
      return transport.on(event, listener as (p: unknown) => void)
    },
  }
}

export function bridgeTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'desktop',
    invoke: (channel, req) => bridge.invoke(channel, req) as Promise<Envelope<unknown>>,
    on: (event, listener) => bridge.on(event, listener),
  }
}

const TOKEN_KEY = 'driftwatch.token'

/**
 * Serve mode: the token arrives once in the address (#token=... as printed in the terminal), is kept for this
 * tab, and leaves the URL. A browser started by `serve --open` gets #code=... instead, traded once for the
 * token; the code leaves the address before the trade, so a reload cannot present it a second time.
 */
export async function takeToken(
  loc: Location,
  storage: Storage,
  history: History,
  post: typeof fetch = fetch,
): Promise<string | null> {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(loc.hash)
  const code = /(?:^#|&)code=([A-Za-z0-9_-]+)/.exec(loc.hash)?.[1]
  if (m?.[1] || code) history.replaceState(null, '', loc.pathname + '#/')
  if (m?.[1]) storage.setItem(TOKEN_KEY, m[1])
  else if (code) {
    try {
      const res = await post('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      })
      const env = (await res.json()) as Envelope<{ token: string }>
      if (env.ok) storage.setItem(TOKEN_KEY, env.data.token)
    } catch {
      // unreachable server: the first API call says so
    }
  }
  return storage.getItem(TOKEN_KEY)
}

export function httpTransport(token: string | null | Promise<string | null>, base = ''): Transport {
  const headersReady = Promise.resolve(token).then((t) => ({
    Authorization: `Bearer ${t ?? ''}`,
    'Content-Type': 'application/json',
  }))
  const listeners = new Map<EventName, Set<(p: unknown) => void>>()
  let streaming = false

  const failure = (code: ApiError['code'], message: string): Envelope<never> => ({
    ok: false,
    error: { code, message, issues: [] },
  })

  async function stream() {
    // EventSource cannot send the Authorization header, so read the event stream with fetch.
    for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        const res = await fetch(`${base}/api/events`, { headers: await headersReady })
        if (res.status === 401) return
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        delay = 500
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end: number
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatchFrame(buffer.slice(0, end))
            buffer = buffer.slice(end + 2)
          }
        }
      } catch {
        // server restarting or gone: retry with backoff
      }
      await new Promise((r) => setTimeout(r, delay))
    }
  }

  function dispatchFrame(frame: string) {
    let name = ''
    let data = ''
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) name = line.slice(7)
      else if (line.startsWith('data: ')) data += line.slice(6)
    }
    const set = listeners.get(name as EventName)
    if (!set || !data) return
    const payload: unknown = JSON.parse(data)
    for (const l of set) l(payload)
  }

  return {
    kind: 'http',
    async invoke(channel, req) {
      let res: Response
      try {
        res = await fetch(`${base}/api/${channel}`, {
          method: 'POST',
          headers: await headersReady,
          body: JSON.stringify(req ?? {}),
        })
      } catch {
        return failure('unavailable', 'Driftwatch is not reachable; is "driftwatch serve" still running?')
      }
      try {
        return (await res.json()) as Envelope<unknown>
      } catch {
        return failure('internal', `Unexpected answer from the server (HTTP ${res.status})`)
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      set.add(listener)
      listeners.set(event, set)
      if (!streaming) {
        streaming = true
        void stream()
      }
      return () => set.delete(listener)
    },
  }
}

function pickTransport(): Transport {
  const bridge = (globalThis as unknown as Record<string, PreloadBridge | undefined>)[BRIDGE_KEY]
  if (bridge) return bridgeTransport(bridge)
  return httpTransport(takeToken(window.location, window.sessionStorage, window.history))
}

export const api: Api = createApi(pickTransport())
