// The renderer's one API client, typed by the contract. It speaks to the preload bridge in the desktop app
// and to the token-guarded HTTP server in serve mode; pages never know which. Files move as bytes: an export
// is saved by main's save dialog or downloaded as an attachment, an import is picked in main's open dialog or
// uploaded from the browser's file chooser; no path is ever sent.
import type {
  ApiError,
  Channel,
  Envelope,
  EventName,
  EventPayload,
  PreloadBridge,
  Req,
  Res,
} from '../../src-preload/contract'
import type { FileBridge, Picked, PickKind, Saved } from '../../src-preload/files'
import { BRIDGE_KEY, FILES_KEY } from '../../src-preload/bridge-keys'

/** An export staged by the core (what reports.export returns). */
export interface DownloadRef {
  download: string
  fileName: string
}

export interface Transport {
  kind: 'desktop' | 'http'
  invoke(channel: Channel, req: unknown): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
  /** Tells whether pushed events are arriving: false when the stream dropped, true once it is back. */
  onStream(listener: (up: boolean) => void): () => void
  saveDownload(d: DownloadRef): Promise<Envelope<Saved>>
  saveText(fileName: string, mediaType: string, text: string): Promise<Envelope<Saved>>
  pickFile(kind: PickKind): Promise<Envelope<Picked | null>>
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
  /**
   * Whether pushed events are arriving. The desktop bridge never drops them; in serve mode the event stream
   * can (the server restarting, a laptop sleeping): false then, and true once it is back, when what the events
   * would have said must be read again.
   */
  onStream(listener: (up: boolean) => void): () => void
  /** Saves an export: the save dialog in the desktop app, a download in the browser. */
  saveDownload(d: DownloadRef): Promise<Saved>
  /** Saves text the page holds (a tailoring, a fix script, a rule pack) the same way. */
  saveText(fileName: string, mediaType: string, text: string): Promise<Saved>
  /** Lets the person choose a file to import; null when they cancel. */
  pickFile(kind: PickKind): Promise<Picked | null>
}

const unwrap = async <T>(p: Promise<Envelope<T>>): Promise<T> => {
  const env = await p
  if (!env.ok) throw new ApiCallError(env.error)
  return env.data
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
    onStream: (listener) => transport.onStream(listener),
    saveDownload: (d) => unwrap(transport.saveDownload(d)),
    saveText: (fileName, mediaType, text) => unwrap(transport.saveText(fileName, mediaType, text)),
    pickFile: (kind) => unwrap(transport.pickFile(kind)),
  }
}

export function bridgeTransport(bridge: PreloadBridge, files: FileBridge): Transport {
  return {
    kind: 'desktop',
    invoke: (channel, req) => bridge.invoke(channel, req) as Promise<Envelope<unknown>>,
    on: (event, listener) => bridge.on(event, listener),
    onStream: () => () => undefined,
    saveDownload: (d) => files.saveDownload(d.download),
    saveText: (fileName, _mediaType, text) => files.saveText(fileName, text),
    pickFile: (kind) => files.pickFile(kind),
  }
}

/** Hands bytes to the browser as a download under the given name. */
function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

const ACCEPT: Record<PickKind, string> = {
  datastream: '.xml,application/xml,text/xml',
  bundle: '.zip,application/zip',
}

/** The browser's file chooser; resolves with the chosen file, or null when the person cancels. */
function chooseFile(kind: PickKind): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = ACCEPT[kind]
    input.hidden = true
    input.dataset.pick = kind
    document.body.append(input)
    const done = (f: File | null) => {
      input.remove()
      resolve(f)
    }
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true })
    input.addEventListener('cancel', () => done(null), { once: true })
    input.click()
  })
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
  const streamListeners = new Set<(up: boolean) => void>()
  let streaming = false
  /** The stream's last state told to listeners: undefined before it first opened. */
  let up: boolean | undefined
  const tell = (now: boolean) => {
    if (up === now || (up === undefined && !now)) return
    up = now
    for (const l of streamListeners) l(now)
  }

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
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        delay = 500
        tell(true)
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
      tell(false)
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

  const auth = async () => ({ Authorization: (await headersReady).Authorization })
  /** A non-JSON answer (an attachment) on success, the usual envelope on failure. */
  const errorOf = async (res: Response): Promise<Envelope<never>> => {
    try {
      return (await res.json()) as Envelope<never>
    } catch {
      return failure('internal', `Unexpected answer from the server (HTTP ${res.status})`)
    }
  }

  return {
    kind: 'http',
    async saveDownload(d) {
      let res: Response
      try {
        res = await fetch(`${base}/api/download/${encodeURIComponent(d.download)}`, { headers: await auth() })
      } catch {
        return failure('unavailable', 'Driftwatch is not reachable; is "driftwatch serve" still running?')
      }
      if (!res.ok) return errorOf(res)
      saveBlob(await res.blob(), d.fileName)
      return { ok: true, data: { saved: true, fileName: d.fileName } }
    },
    async saveText(fileName, mediaType, text) {
      saveBlob(new Blob([text], { type: mediaType }), fileName)
      return { ok: true, data: { saved: true, fileName } }
    },
    async pickFile(kind) {
      const file = await chooseFile(kind)
      if (!file) return { ok: true, data: null }
      try {
        const res = await fetch(`${base}/api/upload`, {
          method: 'POST',
          headers: {
            ...(await auth()),
            'Content-Type': 'application/octet-stream',
            'X-File-Name': encodeURIComponent(file.name),
          },
          body: file,
        })
        return (await res.json()) as Envelope<Picked>
      } catch {
        return failure('unavailable', 'The file could not be uploaded; is "driftwatch serve" still running?')
      }
    },
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
    onStream(listener) {
      streamListeners.add(listener)
      return () => streamListeners.delete(listener)
    },
  }
}

function pickTransport(): Transport {
  const g = globalThis as unknown as Record<string, unknown>
  const bridge = g[BRIDGE_KEY] as PreloadBridge | undefined
  const files = g[FILES_KEY] as FileBridge | undefined
  if (bridge && files) return bridgeTransport(bridge, files)
  return httpTransport(takeToken(window.location, window.sessionStorage, window.history))
}

export const api: Api = createApi(pickTransport())
