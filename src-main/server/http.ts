// Serve mode: the renderer and the contract over HTTP + Server-Sent Events, on 127.0.0.1 only.
// Guarded by a random per-run token (Authorization header, never a cookie), a Host-header check against
// DNS rebinding, an Origin check, and no CORS: a web page on another origin can neither call nor read it.
// A browser opened by `serve --open` gets a one-time code instead of the token (see oneTimeUrl).
// Files move as bytes, never as paths: exports are fetched from /api/download/ID as attachments, imports are
// uploaded to /api/upload (size-limited) and named to the channel that consumes them by the id returned.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { Core } from '../core/app'
import type { Logger } from '../core/ports'
import { MAX_UPLOAD_BYTES, STAGED_ID, safeFileName } from '../core/files/staging'

export const LOOPBACK = '127.0.0.1'
const MAX_BODY = 4 * 1024 * 1024
/** Where a browser trades its one-time code for the session token. */
export const SESSION_PATH = '/api/session'
const CODE_TTL_MS = 30_000
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}
// Same policy as the desktop window: only our own scripts and styles, API calls only back to us.
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export interface ServeOptions {
  core: Core
  rendererDir: string
  port?: number
  token?: string
  logger: Logger
  /** How long a one-time code from oneTimeUrl() can be exchanged (default 30 s; tests shorten it). */
  codeTtlMs?: number
  /**
   * A one-time code was presented a second time while still fresh: someone else on this computer may have
   * read it (a browser's command line is visible to every local user) and traded it first. The session token
   * has been replaced; this is told the new address so the person at the terminal can carry on.
   */
  onTokenReplaced?: (url: string) => void
}

export interface RunningServer {
  server: Server
  port: number
  /** The current session token (replaced if a one-time code is presented twice). */
  readonly token: string
  /** The address with the session token after "#", for the terminal that started the server. */
  readonly url: string
  /**
   * An address for a browser launched by us, whose command line any local user can read: it carries a
   * one-time code (after "#") that the page trades once, within codeTtlMs, for the session token.
   */
  oneTimeUrl(): string
  close(): Promise<void>
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  let token = opts.token ?? randomBytes(32).toString('base64url')
  let tokenBuf = Buffer.from(token)
  const clients = new Set<ServerResponse>()
  let port = opts.port ?? 0
  const codeTtlMs = opts.codeTtlMs ?? CODE_TTL_MS
  // Codes by their SHA-256 (a lookup by hash leaks no timing about the code itself), until they expire.
  const codes = new Map<string, { expires: number; used: boolean }>()
  const codeKey = (code: string) => createHash('sha256').update(code).digest('hex')
  const tokenUrl = () => `http://${LOOPBACK}:${port}/#token=${token}`

  const authorised = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? ''
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '')
    return given.length === tokenBuf.length && timingSafeEqual(given, tokenBuf)
  }
  const allowedHosts = () => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`])

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.logger.log('error', 'serve request failed', { path: pathOf(req), error: String(err) })
      if (!res.headersSent)
        send(res, 500, { ok: false, error: { code: 'internal', message: 'Internal error', issues: [] } })
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = pathOf(req)
    // DNS rebinding: a hostile page that made evil.example resolve to 127.0.0.1 still sends its own Host.
    if (!allowedHosts().has(req.headers.host ?? ''))
      return sendError(res, 403, 'forbidden', 'Host not allowed')
    const origin = req.headers.origin
    if (
      origin !== undefined &&
      origin !== `http://${LOOPBACK}:${port}` &&
      origin !== `http://localhost:${port}`
    )
      return sendError(res, 403, 'forbidden', 'Cross-origin requests are not allowed')

    if (path === SESSION_PATH && req.method === 'POST') return exchangeCode(req, res)
    if (path.startsWith('/api/')) {
      if (!authorised(req)) return sendError(res, 401, 'unauthorized', 'Missing or wrong access token')
      if (path === '/api/events' && req.method === 'GET') return openEventStream(req, res)
      if (path.startsWith('/api/download/') && req.method === 'GET')
        return sendDownload(path.slice('/api/download/'.length), res)
      if (req.method !== 'POST') return sendError(res, 405, 'validation', 'Use POST for API calls')
      if (path === '/api/upload') return receiveUpload(req, res)
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return sendError(res, 415, 'validation', 'API calls must send Content-Type: application/json')
      const body = await readBody(req)
      if (body === undefined) {
        // The rest of the upload is drained and the connection closed, so the client reads this answer.
        res.setHeader('Connection', 'close')
        return sendError(res, 413, 'validation', `Request body is larger than ${MAX_BODY} bytes`)
      }
      let payload: unknown
      try {
        payload = body.length ? JSON.parse(body) : {}
      } catch {
        return sendError(res, 400, 'validation', 'Request body is not valid JSON')
      }
      const channel = decodePath(path.slice('/api/'.length))
      if (channel === undefined) return sendError(res, 400, 'validation', 'Malformed channel name')
      const envelope = await opts.core.invoke(channel, payload)
      const status = envelope.ok ? 200 : statusFor(envelope.error.code)
      return send(res, status, envelope)
    }

    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, 405, 'validation', 'Method not allowed')
    return serveStatic(path, res)
  }

  /** A one-time code for the session token: once, while fresh; a second try replaces the token. */
  async function exchangeCode(req: IncomingMessage, res: ServerResponse) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return sendError(res, 415, 'validation', 'Send the code as JSON: {"code": "..."}')
    const body = await readBody(req)
    let code: unknown
    try {
      code = (JSON.parse(body ?? '') as { code?: unknown }).code
    } catch {
      code = undefined
    }
    if (typeof code !== 'string' || code.length === 0 || code.length > 200)
      return sendError(res, 400, 'validation', 'Send the code as JSON: {"code": "..."}')
    const now = Date.now()
    for (const [k, c] of codes) if (c.expires <= now) codes.delete(k)
    const entry = codes.get(codeKey(code))
    if (!entry) return sendError(res, 401, 'unauthorized', 'This one-time code is unknown or has expired')
    if (entry.used) {
      replaceToken()
      return sendError(
        res,
        401,
        'unauthorized',
        'This one-time code was already used; the access token was replaced — use the new address in the terminal',
      )
    }
    entry.used = true
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    res.end(JSON.stringify({ ok: true, data: { token } }))
  }

  /** Whoever traded the code first (maybe not the person's browser) loses the token with every stream on it. */
  function replaceToken() {
    token = randomBytes(32).toString('base64url')
    tokenBuf = Buffer.from(token)
    for (const c of clients) c.end()
    clients.clear()
    opts.logger.log('warn', 'a one-time code was presented twice: the session token was replaced', {})
    opts.onTokenReplaced?.(tokenUrl())
  }

  function sendDownload(id: string, res: ServerResponse) {
    const file = STAGED_ID.test(id) ? opts.core.downloads.take(id) : undefined
    if (!file)
      return sendError(res, 404, 'not_found', 'That export is gone (each downloads once): export it again')
    res.writeHead(200, {
      'Content-Type': file.mediaType,
      'Content-Length': file.bytes.length,
      'Content-Disposition': contentDisposition(file.fileName),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    })
    res.end(file.bytes)
  }

  async function receiveUpload(req: IncomingMessage, res: ServerResponse) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/octet-stream'))
      return sendError(res, 415, 'validation', 'Uploads must send Content-Type: application/octet-stream')
    const fileName = safeFileName(decodePath(String(req.headers['x-file-name'] ?? '')) ?? '')
    const bytes = await readRaw(req, MAX_UPLOAD_BYTES)
    if (bytes === undefined) {
      res.setHeader('Connection', 'close')
      return sendError(
        res,
        413,
        'validation',
        `Files of at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB can be uploaded`,
      )
    }
    if (bytes.length === 0) return sendError(res, 400, 'validation', 'The file is empty')
    const uploadId = opts.core.uploads.put({ fileName, mediaType: 'application/octet-stream', bytes })
    return send(res, 200, { ok: true, data: { uploadId, fileName, bytes: bytes.length } })
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    clients.add(res)
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000)
    req.on('close', () => {
      clearInterval(ping)
      clients.delete(res)
    })
  }

  const unsubscribe = opts.core.subscribe((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const c of clients) c.write(frame)
  })

  async function serveStatic(path: string, res: ServerResponse) {
    const rel = path === '/' ? 'index.html' : decodePath(path.slice(1))
    if (rel === undefined) return sendError(res, 404, 'not_found', 'Not found')
    const file = normalize(join(opts.rendererDir, rel))
    if (!file.startsWith(normalize(opts.rendererDir) + sep))
      return sendError(res, 404, 'not_found', 'Not found')
    let data: Buffer
    try {
      data = await readFile(file)
    } catch {
      return sendError(res, 404, 'not_found', 'Not found')
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      // The page URL carries the token; never leak it to another site.
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': rel === 'index.html' ? 'no-store' : 'no-cache',
    })
    res.end(data)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address()
  port = typeof addr === 'object' && addr ? addr.port : port

  return {
    server,
    port,
    get token() {
      return token
    },
    get url() {
      return tokenUrl()
    },
    oneTimeUrl() {
      const code = randomBytes(32).toString('base64url')
      codes.set(codeKey(code), { expires: Date.now() + codeTtlMs, used: false })
      return `http://${LOOPBACK}:${port}/#code=${code}`
    },
    async close() {
      unsubscribe()
      for (const c of clients) c.end()
      clients.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    },
  }
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/'
}

/** A bad percent-escape (e.g. "%E0%A4%A") is the client's mistake, not an internal error. */
function decodePath(s: string): string | undefined {
  try {
    return decodeURIComponent(s)
  } catch {
    return undefined
  }
}

/** The body as text, or undefined once it passes MAX_BODY (the rest is read and dropped, not kept). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  return (await readRaw(req, MAX_BODY))?.toString('utf8')
}

/** The body's bytes, or undefined once it passes `max` (the rest is read and dropped, not kept). */
function readRaw(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > max) {
        // Destroying the request here would reset the socket before the 413 is written.
        chunks.length = 0
        resolve(undefined)
      } else chunks.push(c)
    })
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** RFC 6266: an ASCII fallback for old clients, and the exact name in UTF-8 for the rest. */
export function contentDisposition(fileName: string): string {
  const name = safeFileName(fileName)
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\%]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

function statusFor(code: string): number {
  switch (code) {
    case 'validation':
      return 400
    case 'not_found':
      return 404
    case 'conflict':
      return 409
    case 'unauthorized':
      return 401
    case 'forbidden':
      return 403
    case 'unavailable':
      return 503
    default:
      return 500
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(JSON.stringify(body))
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  send(res, status, { ok: false, error: { code, message, issues: [] } })
}
