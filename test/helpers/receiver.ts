// A real HTTP server on 127.0.0.1 that records what alert channels send it (webhooks, Slack, a replayed GitHub
// API), answering each request with what the test scripts; checks webhook signatures the way a receiver would.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'

export interface Received {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Receiver {
  url: string
  port: number
  received: Received[]
  /** Answers for the next requests, in order; after them, `fallback`. */
  answers: { status: number; body?: string; headers?: Record<string, string> }[]
  fallback: { status: number; body?: string; headers?: Record<string, string> }
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
  const r: Omit<Receiver, 'url' | 'port' | 'close'> = {
    received: [],
    answers: [],
    fallback: { status: 200, body: 'ok' },
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      r.received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      })
      const a = r.answers.shift() ?? r.fallback
      res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers })
      res.end(a.body ?? '')
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as AddressInfo).port
  return Object.assign(r, {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }) as Receiver
}

/** What a webhook receiver does: recompute HMAC-SHA256 over the raw body and compare in constant time. */
export function signatureValid(key: string, r: Received): boolean {
  const header = String(r.headers['x-driftwatch-signature-256'] ?? '')
  const expected = `sha256=${createHmac('sha256', key).update(r.body, 'utf8').digest('hex')}`
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected))
}
