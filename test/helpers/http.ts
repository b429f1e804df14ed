// Raw HTTP for the serve-mode tests: node:http so a test controls every header (Host included), and a small
// Server-Sent Events reader. Traffic goes only to the address given, which the tests keep on this machine.
import { request, type IncomingHttpHeaders } from 'node:http'

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json(): unknown
}

export interface HttpCall {
  port: number
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Send no Host header at all (node:http adds one unless told not to). */
  noHost?: boolean
  address?: string
}

export function http(opts: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.address ?? '127.0.0.1',
        port: opts.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
        setHost: !opts.noHost,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) })
        })
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

export interface ApiClient {
  /** POSTs a JSON payload to /api/<channel> with the token (unless overridden in headers). */
  post(channel: string, payload: unknown, headers?: Record<string, string>): Promise<HttpAnswer>
}

export function apiClient(port: number, token: string): ApiClient {
  return {
    post: (channel, payload, headers = {}) =>
      http({
        port,
        method: 'POST',
        path: `/api/${channel}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(payload),
      }),
  }
}

export interface SseEvent {
  event: string
  data: unknown
}

export interface SseStream {
  status: number
  headers: IncomingHttpHeaders
  /** Resolves with the first event named `name` not yet taken (waits up to `ms`). */
  next(name: string, ms?: number): Promise<SseEvent>
  /** Every raw frame received so far, taken or not (for sweeps that read everything that was sent). */
  raw(): string[]
  close(): void
}

/** Opens GET /api/events and parses frames as they arrive. */
export function openEvents(port: number, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events', headers, agent: false }, (res) => {
      const events: SseEvent[] = []
      const frames: string[] = []
      const waiters: (() => void)[] = []
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          frames.push(frame)
          let event = ''
          let data = ''
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7)
            else if (line.startsWith('data: ')) data += line.slice(6)
          }
          if (event) events.push({ event, data: data ? JSON.parse(data) : undefined })
        }
        for (const w of waiters.splice(0)) w()
      })
      res.on('error', () => undefined)
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        next(name, ms = 5000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no "${name}" event within ${ms} ms`)), ms)
            const look = () => {
              const i = events.findIndex((e) => e.event === name)
              if (i >= 0) {
                clearTimeout(timer)
                ok(events.splice(i, 1)[0] as SseEvent)
              } else waiters.push(look)
            }
            look()
          })
        },
        raw: () => [...frames],
        close: () => req.destroy(),
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** Starts a POST, sends part of its body, then drops the connection: the server sees an aborted upload. */
export function abortedUpload(port: number, path: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent: false })
    req.on('error', () => resolve())
    req.on('close', () => resolve())
    req.write('{"query": "half')
    setTimeout(() => req.destroy(), 50)
  })
}
