// Covers serve mode over real HTTP: the token, Host and Origin guards, no CORS, loopback-only listening,
// request validation and size limits, static files with their security headers and no path traversal,
// Server-Sent Events, and the token never reaching a log — in-process and through the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { jsonLogger } from '../../src-main/core/ports'
import { CSP, startServer, type RunningServer } from '../../src-main/server/http'
import { abortedUpload, apiClient, http, openEvents, type ApiClient, type HttpAnswer } from '../helpers/http'
import { ensureBuilt, runCli, serveEntry, startServeCli, type ServeProcess } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs('all')
const INDEX =
  '<!doctype html><html><head><title>Driftwatch</title></head><body><div id="root"></div></body></html>\n'
const MAX_BODY = 4 * 1024 * 1024

/** This machine's own non-loopback addresses (link-local IPv6 needs a scope and is left out). */
const ownAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80:'))
  .map((a) => a!.address)

function tryConnect(address: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 3000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve('timeout')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)))
  })
}

const noCors = (res: HttpAnswer) => {
  for (const name of Object.keys(res.headers)) expect(name).not.toMatch(/^access-control-/)
}

describe('serve mode in-process', () => {
  let core: Core
  let server: RunningServer
  let api: ApiClient
  let rendererDir: string
  const logLines: string[] = []

  beforeAll(async () => {
    const root = tmp.make('driftwatch-serve-')
    rendererDir = join(root, 'renderer')
    mkdirSync(join(rendererDir, 'assets'), { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), INDEX)
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("driftwatch")\n')
    // A sibling whose name starts with the renderer dir's: a prefix check alone would let it through.
    mkdirSync(join(root, 'renderer-private'))
    writeFileSync(join(root, 'renderer-private', 'secret.txt'), 'TOP SECRET')
    writeFileSync(join(root, 'secret.txt'), 'TOP SECRET')
    const logger = jsonLogger((line) => logLines.push(line))
    core = createCore({ dataDir: join(root, 'data'), face: 'serve', logger })
    server = await startServer({ core, rendererDir, logger })
    api = apiClient(server.port, server.token)
  })

  afterAll(async () => {
    await server?.close()
    core?.close()
  })

  const json = (over: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...over })

  describe('where it listens', () => {
    it('binds 127.0.0.1 only and prints an address carrying the token after "#"', () => {
      const addr = server.server.address()
      expect(addr).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: server.port })
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`)
      expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    })

    it('refuses connections on IPv6 loopback', async () => {
      expect(await tryConnect('::1', server.port)).not.toBe('connected')
    })

    it.skipIf(ownAddresses.length === 0)(
      "refuses connections on this machine's other addresses",
      async () => {
        for (const address of ownAddresses) {
          expect(await tryConnect(address, server.port), address).not.toBe('connected')
        }
      },
    )
  })

  describe('the access token', () => {
    it('refuses an API call without a token with 401', async () => {
      const res = await http({
        port: server.port,
        method: 'POST',
        path: '/api/targets.list',
        headers: json(),
        body: '{}',
      })
      expect(res.status).toBe(401)
      expect(res.json()).toEqual({
        ok: false,
        error: { code: 'unauthorized', message: 'Missing or wrong access token', issues: [] },
      })
    })

    it('refuses a wrong token of the same length, a truncated one, and one in the query string', async () => {
      const wrong = server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A')
      for (const auth of [
        `Bearer ${wrong}`,
        `Bearer ${server.token.slice(0, 10)}`,
        server.token,
        'Bearer ',
      ]) {
        const res = await api.post('targets.list', {}, { authorization: auth })
        expect(res.status, auth).toBe(401)
      }
      const res = await http({
        port: server.port,
        method: 'POST',
        path: `/api/targets.list?token=${server.token}`,
        headers: json(),
        body: '{}',
      })
      expect(res.status).toBe(401)
    })

    it('answers a call with the right token with 200 and the envelope', async () => {
      const res = await api.post('targets.list', {})
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(res.headers['cache-control']).toBe('no-store')
      expect(res.json()).toEqual({ ok: true, data: { targets: [], total: 0 } })
    })
  })

  describe('the Host header (DNS rebinding)', () => {
    it.each([
      'evil.example:PORT',
      '127.0.0.1:OTHER',
      'localhost',
      '127.0.0.1',
      '[::1]:PORT',
      'LOCALHOST.evil:PORT',
    ])('refuses Host %s with 403 even with the right token', async (pattern) => {
      const value = pattern.replace('PORT', String(server.port)).replace('OTHER', String(server.port + 1))
      const res = await api.post('targets.list', {}, { host: value })
      expect(res.status).toBe(403)
      expect(res.json()).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: 'Host not allowed' },
      })
      const page = await http({ port: server.port, path: '/', headers: { host: value } })
      expect(page.status).toBe(403)
      expect(page.text).not.toContain('<div id="root">')
    })

    it('refuses a request with no Host header', async () => {
      // Node's HTTP/1.1 parser answers 400 before our 403 check; either way the page is not served.
      const res = await http({ port: server.port, path: '/', noHost: true })
      expect([400, 403]).toContain(res.status)
      expect(res.text).not.toContain('<div id="root">')
    })

    it('accepts localhost:PORT as well as 127.0.0.1:PORT', async () => {
      const res = await api.post('targets.list', {}, { host: `localhost:${server.port}` })
      expect(res.status).toBe(200)
    })
  })

  describe('cross-origin requests', () => {
    it('refuses a cross-site POST without a token, and sends no CORS header', async () => {
      const res = await http({
        port: server.port,
        method: 'POST',
        path: '/api/targets.create',
        headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
        body: JSON.stringify({ target: { kind: 'local', name: 'planted' } }),
      })
      expect([401, 403]).toContain(res.status)
      noCors(res)
      expect((await api.post('targets.list', {})).json()).toMatchObject({ data: { total: 0 } })
    })

    it('refuses another origin even with the token, and an opaque "null" origin', async () => {
      for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null']) {
        const res = await api.post('targets.list', {}, { origin })
        expect(res.status, origin).toBe(403)
        expect(res.json()).toMatchObject({ error: { message: 'Cross-origin requests are not allowed' } })
        noCors(res)
      }
    })

    it('accepts its own origin', async () => {
      expect((await api.post('targets.list', {}, { origin: `http://127.0.0.1:${server.port}` })).status).toBe(
        200,
      )
      expect((await api.post('targets.list', {}, { origin: `http://localhost:${server.port}` })).status).toBe(
        200,
      )
    })

    it('does not grant a CORS preflight', async () => {
      const preflights: Record<string, string>[] = [
        { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
        { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      ]
      for (const headers of preflights) {
        const res = await http({ port: server.port, method: 'OPTIONS', path: '/api/targets.list', headers })
        expect(res.status).toBeGreaterThanOrEqual(400)
        noCors(res)
      }
    })
  })

  describe('request validation', () => {
    it('answers malformed JSON with 400 and a validation envelope', async () => {
      // An empty body is an empty request, not malformed JSON.
      const empty = await api.post('targets.list', undefined)
      expect(empty.status).toBe(200)
      const bad = await http({
        port: server.port,
        method: 'POST',
        path: '/api/targets.list',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: '{"query": "web',
      })
      expect(bad.status).toBe(400)
      expect(bad.json()).toEqual({
        ok: false,
        error: { code: 'validation', message: 'Request body is not valid JSON', issues: [] },
      })
    })

    it('answers a body that is not JSON-typed with 415', async () => {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const res = await api.post('targets.list', {}, { 'content-type': type })
        expect(res.status, type).toBe(415)
        expect(res.json()).toMatchObject({ error: { code: 'validation' } })
      }
    })

    it('answers an unknown channel with 400, and a bad percent-escape in it too', async () => {
      const res = await api.post('targets.explode', {})
      expect(res.status).toBe(400)
      expect(res.json()).toEqual({
        ok: false,
        error: { code: 'validation', message: 'Unknown channel "targets.explode"', issues: [] },
      })
      expect((await api.post('%E0%A4%A', {})).status).toBe(400)
    })

    it('answers a GET on an API channel with 405', async () => {
      const res = await http({
        port: server.port,
        path: '/api/targets.list',
        headers: { authorization: `Bearer ${server.token}` },
      })
      expect(res.status).toBe(405)
    })

    it('maps error codes to statuses: field errors 400, not found 404, name conflict 409', async () => {
      const port = await api.post('targets.create', {
        target: { kind: 'ssh', name: 's', host: 'h', user: 'u', port: 0 },
      })
      expect(port.status).toBe(400)
      expect(port.json()).toMatchObject({ error: { issues: [{ path: 'target.port' }] } })
      expect((await api.post('targets.get', { id: 'nope' })).status).toBe(404)
      const first = await api.post('targets.create', { target: { kind: 'local', name: 'http-dup' } })
      expect(first.status).toBe(200)
      expect((await api.post('targets.create', { target: { kind: 'local', name: 'HTTP-DUP' } })).status).toBe(
        409,
      )
    })

    it('answers a body over 4 MB with a 413 the client can read, then serves the next call', async () => {
      const big = Buffer.alloc(MAX_BODY + 1, 0x20)
      const res = await http({
        port: server.port,
        method: 'POST',
        path: '/api/targets.list',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: big,
      })
      expect(res.status).toBe(413)
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'validation' } })
      // fetch is what the UI uses: it must see the 413, not a network error.
      const viaFetch = await fetch(`http://127.0.0.1:${server.port}/api/targets.list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: Buffer.alloc(8 * 1024 * 1024, 0x20),
      })
      expect(viaFetch.status).toBe(413)
      expect((await api.post('targets.list', {})).status).toBe(200)
    })

    it('reads a body of exactly 4 MB and validates it instead', async () => {
      const head = '{"query":"'
      const body = head + 'a'.repeat(MAX_BODY - head.length - 2) + '"}'
      expect(Buffer.byteLength(body)).toBe(MAX_BODY)
      const res = await http({
        port: server.port,
        method: 'POST',
        path: '/api/targets.list',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body,
      })
      expect(res.status).toBe(400)
      expect(res.json()).toMatchObject({ error: { issues: [{ path: 'query' }] } })
      expect(res.text.length).toBeLessThan(1000)
    })
  })

  describe('static files', () => {
    it('serves index.html at / with the CSP and the framing and referrer headers', async () => {
      for (const path of ['/', '/index.html']) {
        const res = await http({ port: server.port, path })
        expect(res.status).toBe(200)
        expect(res.text).toBe(INDEX)
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
        expect(res.headers['content-security-policy']).toBe(CSP)
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'")
        expect(res.headers['x-frame-options']).toBe('DENY')
        expect(res.headers['referrer-policy']).toBe('no-referrer')
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['cache-control']).toBe('no-store')
        noCors(res)
      }
    })

    it('serves assets with their type, and answers a missing file with 404', async () => {
      const js = await http({ port: server.port, path: '/assets/app.js' })
      expect(js.status).toBe(200)
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
      expect((await http({ port: server.port, path: '/assets/nope.js' })).status).toBe(404)
      expect((await http({ port: server.port, path: '/assets' })).status).toBe(404)
    })

    it.each([
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2frenderer-private%2fsecret.txt',
      '/../renderer-private/secret.txt',
      '//etc/passwd',
      '/%2Fetc%2Fpasswd',
      '/..%5csecret.txt',
      '/index.html%00.js',
      '/%E0%A4%A',
    ])('answers %s with 404 and nothing from outside the UI folder', async (path) => {
      const res = await http({ port: server.port, path })
      expect(res.status).toBe(404)
      expect(res.text).not.toContain('TOP SECRET')
      expect(res.text).not.toContain('root:')
    })

    it('refuses methods other than GET and HEAD', async () => {
      expect((await http({ port: server.port, method: 'PUT', path: '/index.html', body: 'x' })).status).toBe(
        405,
      )
      expect((await http({ port: server.port, method: 'HEAD', path: '/' })).status).toBe(200)
    })
  })

  describe('events', () => {
    it("streams a 'targets.changed' event to a client holding the token, after a create", async () => {
      const stream = await openEvents(server.port, { authorization: `Bearer ${server.token}` })
      try {
        expect(stream.status).toBe(200)
        expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8')
        noCors({ status: 200, headers: stream.headers, text: '', json: () => null })
        const created = (
          await api.post('targets.create', { target: { kind: 'local', name: 'sse-box' } })
        ).json() as {
          data: { id: string }
        }
        expect(await stream.next('targets.changed')).toEqual({
          event: 'targets.changed',
          data: { ids: [created.data.id], reason: 'created' },
        })
        await api.post('targets.remove', { id: created.data.id })
        expect((await stream.next('targets.changed')).data).toEqual({
          ids: [created.data.id],
          reason: 'removed',
        })
      } finally {
        stream.close()
      }
    })

    it('refuses the event stream without the token, or from another origin', async () => {
      const anonymous = await http({ port: server.port, path: '/api/events' })
      expect(anonymous.status).toBe(401)
      const crossSite = await http({
        port: server.port,
        path: '/api/events',
        headers: { authorization: `Bearer ${server.token}`, origin: 'https://evil.example' },
      })
      expect(crossSite.status).toBe(403)
    })
  })

  describe('logs', () => {
    it('never write the token, even when a request carrying it fails', async () => {
      const headers = {
        authorization: `Bearer ${server.token}`,
        'content-type': 'application/json',
        'content-length': '100',
      }
      await abortedUpload(server.port, `/api/targets.list?token=${server.token}`, headers)
      await expect.poll(() => logLines.join(''), { timeout: 5000 }).toContain('serve request failed')
      expect(logLines.length).toBeGreaterThan(0)
      for (const line of logLines) expect(line).not.toContain(server.token)
    })
  })
})

describe('serve mode through the built CLI', () => {
  let serve: ServeProcess
  let api: ApiClient
  let dataDir: string
  let bin: string

  beforeAll(async () => {
    ensureBuilt()
    const entry = serveEntry(tmp.make('driftwatch-stage-'))
    if (entry.staged)
      console.warn('out/renderer is not built: serving a stand-in index.html from a staged copy')
    bin = entry.bin
    dataDir = tmp.make('driftwatch-serve-cli-')
    serve = await startServeCli(bin, dataDir)
    api = apiClient(serve.port, serve.token)
  })

  afterAll(async () => {
    await serve?.stop()
  })

  it('prints an address on 127.0.0.1 with a token, which the API accepts', async () => {
    expect(serve.url).toBe(`http://127.0.0.1:${serve.port}/#token=${serve.token}`)
    const res = await api.post('app.info', {})
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({ ok: true, data: { name: 'Driftwatch', face: 'serve', dataDir } })
  })

  it('refuses the API without the token or with a foreign Host; serves the page with its CSP', async () => {
    const anonymous = await http({
      port: serve.port,
      method: 'POST',
      path: '/api/app.info',
      headers: { 'content-type': 'application/json' },
    })
    expect(anonymous.status).toBe(401)
    expect((await api.post('app.info', {}, { host: `evil.example:${serve.port}` })).status).toBe(403)
    const page = await http({ port: serve.port, path: '/' })
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toBe(CSP)
    expect(page.headers['x-frame-options']).toBe('DENY')
  })

  it.skipIf(ownAddresses.length === 0)("is not reachable on this machine's other addresses", async () => {
    for (const address of ownAddresses)
      expect(await tryConnect(address, serve.port), address).not.toBe('connected')
  })

  it('streams events, keeps what was created, stops on SIGTERM, keeps the token out of stderr', async () => {
    const stream = await openEvents(serve.port, { authorization: `Bearer ${serve.token}` })
    const created = await api.post('targets.create', {
      target: { kind: 'ssh', name: 'via-serve', host: '10.0.0.9', user: 'auditor' },
    })
    expect(created.status).toBe(200)
    expect((await stream.next('targets.changed')).data).toMatchObject({ reason: 'created' })
    stream.close()

    const headers = {
      authorization: `Bearer ${serve.token}`,
      'content-type': 'application/json',
      'content-length': '100',
    }
    await abortedUpload(serve.port, `/api/targets.list?token=${serve.token}`, headers)
    await expect.poll(() => serve.output().stderr, { timeout: 5000 }).toContain('serve request failed')

    const exit = await serve.stop()
    expect(exit.code).toBe(0)
    expect(exit.stderr).not.toContain(serve.token)
    expect(exit.stdout).toContain('Press Ctrl+C to stop')

    const list = await runCli(['targets', 'list', '--json', '--data-dir', dataDir])
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'via-serve', host: '10.0.0.9', port: 22 }])
  })
})
