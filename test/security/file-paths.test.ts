// Issue 15 item 2: no API caller can make Driftwatch write or read a file by path. The contract carries no
// filesystem path (a request naming one is refused, by the dispatcher and over HTTP, and the file is left
// alone); serve mode hands exports over as attachments and takes imports as uploads; a discovered datastream
// is chosen by the id the server listed, not a path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { z } from 'zod'
import { createCore, type Core } from '../../src-main/core/app'
import { startServer, type RunningServer } from '../../src-main/server/http'
import { nullLogger } from '../../src-main/core/ports'
import { CHANNELS, contract } from '../../src-preload/contract'
import { call, callError } from '../helpers/core'
import { seedSyntheticStore } from '../helpers/report-store'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs('all')
const DATASTREAM = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
const SOME_ID = 'A'.repeat(32)

let core: Core
let server: RunningServer
let victim: string
let contentDir: string

/** Every file under a folder, relative, except the database itself. */
const filesIn = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((n) => !/^driftwatch\.db(-wal|-shm)?$/.test(n))
    .sort()

beforeAll(async () => {
  contentDir = tmp.make('dw-sec-content-')
  writeFileSync(join(contentDir, 'ssg-debian11-ds.xml'), readFileSync(DATASTREAM))
  process.env.DRIFTWATCH_SCAP_CONTENT_DIR = contentDir
  core = createCore({ face: 'serve', dataDir: tmp.make('dw-sec-paths-') })
  await seedSyntheticStore(core, { targets: 2, rules: 20, scans: 1 })
  const rendererDir = tmp.make('dw-sec-renderer-')
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Driftwatch</title>\n')
  server = await startServer({ core, rendererDir, logger: nullLogger })
  // What an attacker would like to overwrite (think ~/.bashrc) or read.
  victim = join(tmp.make('dw-sec-victim-'), '.bashrc')
  writeFileSync(victim, 'echo original\n')
}, 60_000)

afterAll(async () => {
  delete process.env.DRIFTWATCH_SCAP_CONTENT_DIR
  await server?.close()
  core?.close()
})

const api = (channel: string, body: unknown, token = server.token) =>
  fetch(`http://127.0.0.1:${server.port}/api/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })

/** Every request that names a file by path, one per channel that reads or writes files. */
const withPath = (): [string, Record<string, unknown>][] => [
  ['reports.export', { scope: {}, format: 'json', path: victim }],
  ['reports.verify', { uploadId: SOME_ID, path: victim }],
  ['content.import', { path: victim }],
  ['content.import', { discovered: 'ssg-debian11-ds.xml', path: victim }],
  ['tailorings.import', { xml: '<x/>', name: 'n', sha256: 'a'.repeat(64), path: victim }],
  ['tailorings.export', { id: 'x', path: victim }],
  ['rules.import', { text: 'id: x', path: victim }],
  ['rules.export', { id: 'postgres-cis', path: victim }],
  ['scan.remediation', { scanId: 'x', type: 'bash', path: victim }],
  ['knownHosts.import', { text: 'h ssh-ed25519 AAAA', path: victim }],
]

describe('the contract carries no filesystem path', () => {
  it('names no path-like field in any request schema', () => {
    // Walks each request schema's object keys (through defaults, optionals, arrays and unions).
    const keys = (s: z.ZodType, at: string): string[] => {
      const def = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def
      const out: string[] = []
      if (def.shape)
        for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodType>))
          out.push(`${at}.${k}`, ...keys(v, `${at}.${k}`))
      for (const inner of ['innerType', 'element', 'in', 'out'] as const)
        if (def[inner]) out.push(...keys(def[inner] as z.ZodType, at))
      if (Array.isArray(def.options)) for (const o of def.options as z.ZodType[]) out.push(...keys(o, at))
      return out
    }
    const all = CHANNELS.flatMap((c) => keys(contract[c].request, c))
    expect(all).toContain('reports.export.format')
    expect(all.filter((k) => /(path|dir|folder|out|dest)$/i.test(k))).toEqual([])
  })

  it('refuses a request that names a path, through the dispatcher, and the file stays as it was', async () => {
    for (const [channel, req] of withPath()) {
      const err = await callError(core, channel, req)
      expect(err.code, channel).toBe('validation')
      expect(err.issues, channel).toContainEqual({ path: '', message: 'Unrecognized key: "path"' })
    }
    expect(readFileSync(victim, 'utf8')).toBe('echo original\n')
  })

  it('refuses the same requests over HTTP in serve mode with 400, writing nothing', async () => {
    for (const [channel, req] of withPath()) {
      const res = await api(channel, req)
      expect(res.status, channel).toBe(400)
      const body = (await res.json()) as { ok: boolean; error: { code: string; issues: unknown[] } }
      expect(body.ok).toBe(false)
      expect(body.error.issues, channel).toContainEqual({ path: '', message: 'Unrecognized key: "path"' })
    }
    expect(readFileSync(victim, 'utf8')).toBe('echo original\n')
  })
})

describe('serve mode: exports are downloads, imports are uploads', () => {
  it('hands an export over as an attachment with its name and bytes, once, and keeps no copy', async () => {
    const before = filesIn(core.dataDir)
    for (const format of ['json', 'csv'] as const) {
      const res = await api('reports.export', { scope: { engagement: { name: 'Q3 audit' } }, format })
      expect(res.status).toBe(200)
      const { data } = (await res.json()) as {
        data: { download: string; fileName: string; mediaType: string; sha256: string; bytes: number }
      }
      expect(data.fileName).toMatch(new RegExp(`^q3-audit-\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{8}\\.${format}$`))
      const url = `http://127.0.0.1:${server.port}/api/download/${data.download}`
      // Token-guarded like every other API path.
      expect((await fetch(url)).status).toBe(401)
      expect((await fetch(url, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401)
      const got = await fetch(url, { headers: { Authorization: `Bearer ${server.token}` } })
      expect(got.status).toBe(200)
      expect(got.headers.get('content-disposition')).toBe(
        `attachment; filename="${data.fileName}"; filename*=UTF-8''${data.fileName}`,
      )
      expect(got.headers.get('content-type')).toBe(data.mediaType)
      expect(got.headers.get('x-content-type-options')).toBe('nosniff')
      const bytes = Buffer.from(await got.arrayBuffer())
      expect(bytes.length).toBe(data.bytes)
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(data.sha256)
      if (format === 'json') expect(JSON.parse(bytes.toString('utf8')).engagement.name).toBe('Q3 audit')
      else expect(bytes.toString('utf8').split('\r\n')[0]).toMatch(/^target,/)
      // Each download id is good once.
      const again = await fetch(url, { headers: { Authorization: `Bearer ${server.token}` } })
      expect(again.status).toBe(404)
    }
    expect(existsSync(join(core.dataDir, 'exports'))).toBe(false)
    expect(filesIn(core.dataDir)).toEqual(before)
    const bogus = await fetch(`http://127.0.0.1:${server.port}/api/download/..%2F..%2Fetc%2Fpasswd`, {
      headers: { Authorization: `Bearer ${server.token}` },
    })
    expect(bogus.status).toBe(404)
  })

  it('imports an uploaded datastream by the id the upload returned, once', async () => {
    const upload = (body: Buffer, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${server.port}/api/upload`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${server.token}`,
          'Content-Type': 'application/octet-stream',
          'X-File-Name': encodeURIComponent('../../my ssg-debian11-ds.xml'),
          ...headers,
        },
        body: new Uint8Array(body),
      })
    // Not byte-identical to the discovered copy, so each import below stores its own content.
    const bytes = Buffer.concat([readFileSync(DATASTREAM), Buffer.from('<!-- uploaded -->\n')])
    expect((await upload(bytes, { Authorization: 'Bearer nope' })).status).toBe(401)
    expect((await upload(bytes, { 'Content-Type': 'application/json' })).status).toBe(415)
    expect((await upload(Buffer.alloc(0))).status).toBe(400)
    const res = await upload(bytes)
    expect(res.status).toBe(200)
    const { data } = (await res.json()) as { data: { uploadId: string; fileName: string; bytes: number } }
    // Only the last segment of the name is kept: a name, never a path.
    expect(data).toMatchObject({ fileName: 'my ssg-debian11-ds.xml', bytes: bytes.length })
    const imported = await api('content.import', { uploadId: data.uploadId })
    expect(imported.status).toBe(200)
    const summary = ((await imported.json()) as { data: { fileName: string; sha256: string } }).data
    expect(summary.fileName).toBe('my ssg-debian11-ds.xml')
    expect(summary.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    const twice = await api('content.import', { uploadId: data.uploadId })
    expect(twice.status).toBe(404)
  }, 60_000)

  it('imports discovered content only by an id the listing offered', async () => {
    const { dir, files } = await call(core, 'content.discover', {})
    expect(dir).toBe(contentDir)
    expect(files.map((f) => f.id)).toEqual(['ssg-debian11-ds.xml'])
    expect(JSON.stringify(files)).not.toContain(contentDir)
    for (const discovered of ['../../../etc/passwd', victim, 'ssg-nothere-ds.xml', '.'])
      expect((await callError(core, 'content.import', { discovered })).message).toBe(
        'That datastream is not among the discovered content',
      )
    const c = await call(core, 'content.import', { discovered: files[0]!.id })
    expect(c.sourcePath).toBe(join(contentDir, 'ssg-debian11-ds.xml'))
    expect((await call(core, 'content.discover', {})).files[0]!.importedSha256).toBe(c.sha256)
  }, 60_000)

  it('verifies a bundle only as an uploaded file, and says so when the upload is gone', async () => {
    const err = await callError(core, 'reports.verify', { uploadId: SOME_ID })
    expect(err).toMatchObject({ code: 'not_found' })
    expect(err.message).toMatch(/choose the bundle again/)
  })
})
