// One kind, one place: a kind defined only in this file (an "echo" service reached over TCP), given to
// createCore, is listed, added, tested and scanned through the contract — the dispatcher and serve's HTTP —
// with no other file touched. If any room still branched on the built-in kinds, one of these steps would fail.
import { describe, expect, it } from 'vitest'
import { createServer, connect, type Server } from 'node:net'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { defineKind } from '../../../src-main/core/scanners/kind'
import { startServer } from '../../../src-main/server/http'
import { nullLogger } from '../../../src-main/core/ports'
import { call, callError, useCores } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { apiClient } from '../../helpers/http'
import type { Core } from '../../../src-main/core/app'

const tmp = useTmpDirs()

/** A real TCP service on 127.0.0.1 that answers each line with "ok <line>" (or "no" when told to fail). */
async function echoService(
  answer: (line: string) => string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((socket) => {
    socket.on('data', (d) => socket.end(answer(d.toString().trim()) + '\n'))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  return { port, close: () => new Promise((r) => server.close(() => r())) }
}

const ask = (port: number, line: string) =>
  new Promise<string>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(line + '\n'))
    let got = ''
    s.on('data', (d) => (got += d.toString()))
    s.on('end', () => resolve(got.trim()))
    s.on('error', reject)
  })

const echoFields = z.object({
  port: z.coerce
    .number({ error: 'Port must be a number' })
    .int()
    .min(1)
    .max(65535, 'Port must be between 1 and 65535'),
  greeting: z.string().trim().min(1, 'Greeting is required').max(40),
})

/** The extra kind: everything Driftwatch needs to know about it, in one descriptor. */
const echoKind = defineKind({
  kind: 'echo',
  label: 'Echo service',
  shortLabel: 'Echo',
  description: 'A line service on this computer that repeats what it hears.',
  fields: echoFields,
  form: [
    { name: 'port', label: 'Port', input: 'port', required: true },
    { name: 'greeting', label: 'Greeting', input: 'text', required: true, placeholder: 'hello' },
  ],
  address: (t) => `echo://127.0.0.1:${t.port}`,
  bindingAddress: (t) => `127.0.0.1:${t.port}`,
  policy: {
    content: false,
    tailoring: false,
    rulePack: 'none',
    defaultPack: null,
    hostKey: false,
    testConnection: true,
  },
  credentials: [],
  test: async (t) => {
    const reply = await ask(t.port, 'ping').catch((e: Error) => `error ${e.message}`)
    const ok = reply === 'ok ping'
    return {
      status: ok ? 'ok' : 'failed',
      message: ok ? 'The echo service answered' : `Unexpected answer: ${reply}`,
      steps: [{ step: 'connect', ok, detail: reply }],
    }
  },
  scanner: () => ({
    plan: (_t, req) => ({ profileId: req.profileId ?? 'echo-basics', tailoringId: null }),
    async scan(target, _plan, ctx) {
      const t = target as typeof target & z.output<typeof echoFields>
      ctx.progress({ phase: 'connect', message: `Asking 127.0.0.1:${t.port}` })
      const reply = await ask(t.port, t.greeting)
      return {
        results: [
          {
            ruleId: 'echo-repeats',
            status: reply === `ok ${t.greeting}` ? 'pass' : 'fail',
            severity: 'medium',
            title: 'The service repeats the greeting',
            actual: reply,
            expected: `ok ${t.greeting}`,
            message: '',
            idents: [],
          },
        ],
        evidence: [{ mediaType: 'text/plain', name: 'reply.txt', bytes: Buffer.from(reply) }],
        info: {},
      }
    },
  }),
  report: { method: 'Echo probe', subject: (t) => `127.0.0.1:${t.port}` },
})

const cores = useCores()

async function scanToEnd(core: Core, targetId: string) {
  const { scanId } = await call(core, 'scan.start', { targetId })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

describe('a kind registered by a test, through the dispatcher', () => {
  it('is listed with its form and policy, next to the built-in kinds', async () => {
    const core = cores.open({ kinds: [echoKind] })
    const { kinds } = await call(core, 'kinds.list', {})
    expect(kinds.map((k) => k.kind)).toEqual(['local', 'ssh', 'postgres', 'mysql', 'github', 'echo'])
    const echo = kinds.find((k) => k.kind === 'echo')!
    expect(echo.label).toBe('Echo service')
    expect(echo.fields.map((f) => f.name)).toEqual(['port', 'greeting'])
    expect(echo.policy).toMatchObject({ content: false, rulePack: 'none', testConnection: true })
    // A core without it does not know it, and says which kinds it does know.
    const err = await callError(cores.open(), 'targets.create', {
      target: { kind: 'echo', name: 'e', port: 7, greeting: 'hi' },
    })
    expect(err.issues).toEqual([
      {
        path: 'target.kind',
        message: 'Unknown target kind "echo": expected one of local, ssh, postgres, mysql, github',
      },
    ])
  })

  it('is added with its own fields checked by its schema, and read back with its address', async () => {
    const core = cores.open({ kinds: [echoKind] })
    const bad = await callError(core, 'targets.create', {
      target: { kind: 'echo', name: '', port: 70000, greeting: '' },
    })
    expect(bad.issues).toEqual(
      expect.arrayContaining([
        { path: 'target.name', message: 'Name is required' },
        { path: 'target.port', message: 'Port must be between 1 and 65535' },
        { path: 'target.greeting', message: 'Greeting is required' },
      ]),
    )
    const t = await call(core, 'targets.create', {
      target: { kind: 'echo', name: 'echo-1', port: '7007', greeting: 'hello', stray: 'dropped' },
    })
    expect(t).toMatchObject({ kind: 'echo', name: 'echo-1', port: 7007, greeting: 'hello' })
    expect(t.address).toBe('echo://127.0.0.1:7007')
    expect(t).not.toHaveProperty('stray')
    const { targets } = await call(core, 'targets.list', { kind: 'echo' })
    expect(targets.map((x) => x.address)).toEqual(['echo://127.0.0.1:7007'])
  })

  it('is tested and scanned against a real service, and its results and evidence are stored', async () => {
    const svc = await echoService((line) => `ok ${line}`)
    try {
      const core = cores.open({ kinds: [echoKind] })
      const t = await call(core, 'targets.create', {
        target: { kind: 'echo', name: 'echo-1', port: svc.port, greeting: 'hello' },
      })
      const test = await call(core, 'targets.testConnection', { id: t.id })
      expect(test).toMatchObject({ status: 'ok', message: 'The echo service answered' })

      const { scan, results } = await scanToEnd(core, t.id)
      expect(scan).toMatchObject({ state: 'done', score: 100, profileId: 'echo-basics' })
      expect(results).toEqual([
        expect.objectContaining({ ruleId: 'echo-repeats', status: 'pass', actual: 'ok hello' }),
      ])
      expect(scan.evidence).toMatch(/^[0-9a-f]{64}$/)
      const latest = await call(core, 'scans.latest', {})
      expect(latest.scans.map((s) => s.targetId)).toContain(t.id)
    } finally {
      await svc.close()
    }
  })

  it('fails its test and its rule when the service answers wrongly', async () => {
    const svc = await echoService(() => 'no')
    try {
      const core = cores.open({ kinds: [echoKind] })
      const t = await call(core, 'targets.create', {
        target: { kind: 'echo', name: 'echo-1', port: svc.port, greeting: 'hello' },
      })
      expect(await call(core, 'targets.testConnection', { id: t.id })).toMatchObject({ status: 'failed' })
      const { results } = await scanToEnd(core, t.id)
      expect(results[0]).toMatchObject({ status: 'fail', actual: 'no', expected: 'ok hello' })
    } finally {
      await svc.close()
    }
  })
})

describe('a kind registered by a test, over serve HTTP', () => {
  it('is listed, added, tested and scanned with the token, as the browser UI would', async () => {
    const svc = await echoService((line) => `ok ${line}`)
    const root = tmp.make('driftwatch-kind-serve-')
    const rendererDir = join(root, 'renderer')
    mkdirSync(rendererDir, { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Driftwatch</title>\n')
    const core = cores.open({ kinds: [echoKind], face: 'serve', dataDir: join(root, 'data') })
    const server = await startServer({ core, rendererDir, logger: nullLogger })
    try {
      const api = apiClient(server.port, server.token)
      const post = async (channel: string, body: unknown) => {
        const res = await api.post(channel, body)
        expect(res.status, `${channel}: ${res.text}`).toBe(200)
        return (res.json() as { data: Record<string, unknown> }).data
      }
      const listed = (await post('kinds.list', {})) as { kinds: { kind: string }[] }
      expect(listed.kinds.map((k) => k.kind)).toContain('echo')
      const t = (await post('targets.create', {
        target: { kind: 'echo', name: 'echo-http', port: svc.port, greeting: 'over http' },
      })) as { id: string; address: string }
      expect(t.address).toBe(`echo://127.0.0.1:${svc.port}`)
      expect(await post('targets.testConnection', { id: t.id })).toMatchObject({ status: 'ok' })
      const { scanId } = (await post('scan.start', { targetId: t.id })) as { scanId: string }
      await core.idle()
      const done = (await post('scan.results', { scanId })) as { scan: { state: string }; results: unknown[] }
      expect(done.scan.state).toBe('done')
      expect(done.results).toEqual([expect.objectContaining({ ruleId: 'echo-repeats', status: 'pass' })])
    } finally {
      await server.close()
      await svc.close()
    }
  })
})
