// Canary sweep for the vault: secrets carrying unique canary strings go through every flow — stored, used
// in real connection attempts against PostgreSQL, driven into error paths, and targets exported — and then
// no file in the data dir, no log line and no HTTP, SSE or IPC answer may contain any of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { jsonLogger } from '../../src-main/core/ports'
import { bindIpc } from '../../src-main/electron/ipc'
import { setAppOrigin } from '../../src-main/electron/security'
import { startServer, type RunningServer } from '../../src-main/server/http'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { apiClient, openEvents, type SseStream } from '../helpers/http'
import { fakeIpcMain } from '../helpers/ipc'
import { runCli, ensureBuilt, ROOT } from '../helpers/cli'
import { ed25519KeyPair } from '../helpers/ssh-keys'

const tag = randomBytes(6).toString('hex')
const CANARY = {
  passphrase: `canary-vault-passphrase-${tag}`,
  dbPassword: `canary-db-password-${tag}`,
  keyPassphrase: `canary-key-passphrase-${tag}`,
  sudo: `canary-sudo-${tag}`,
  token: `ghp_canary${tag}TOKEN`,
  wrongPassphrase: `canary-wrong-passphrase-${tag}`,
}
const key = ed25519KeyPair({
  passphrase: CANARY.keyPassphrase,
  cipher: 'aes256-ctr',
  rounds: 16,
})

let dataDir: string
let core: Core
let server: RunningServer
let pgStock: PgService
let events: SseStream
const logs: string[] = []
const answers: string[] = []

beforeAll(async () => {
  ensureBuilt()
  dataDir = mkdtempSync(join(tmpdir(), 'dw-canary-'))
  pgStock = await startPostgres({ name: 'canary' })
  core = createCore({ face: 'serve', dataDir, logger: jsonLogger((l) => logs.push(l)) })
  server = await startServer({
    core,
    rendererDir: join(ROOT, 'out/renderer'),
    logger: jsonLogger((l) => logs.push(l)),
  })
  events = await openEvents(server.port, { authorization: `Bearer ${server.token}` })
}, 120_000)

afterAll(async () => {
  events?.close()
  await server?.close()
  core?.close()
  await stopAll()
  rmSync(dataDir, { recursive: true, force: true })
})

const api = () => apiClient(server.port, server.token)
async function post(channel: string, payload: unknown) {
  const r = await api().post(channel, payload)
  answers.push(r.text)
  return r.json() as {
    ok: boolean
    data?: Record<string, unknown>
    error?: { code: string; message: string }
  }
}

describe('no secret leaves the vault', () => {
  it('goes through every flow', async () => {
    expect((await post('vault.init', { passphrase: CANARY.passphrase })).ok).toBe(true)
    const mk = async (credential: unknown) => {
      const r = await post('credentials.create', { credential })
      expect(r.ok, JSON.stringify(r.error)).toBe(true)
      return r.data!.id as string
    }
    const dbCred = await mk({
      kind: 'db-password',
      name: 'pg wrong',
      username: 'postgres',
      secret: { password: CANARY.dbPassword },
    })
    await mk({
      kind: 'ssh-key',
      name: 'root key',
      secret: { privateKey: key.private, passphrase: CANARY.keyPassphrase },
    })
    await mk({ kind: 'sudo-password', name: 'sudo', secret: { password: CANARY.sudo } })
    const tokenCred = await mk({ kind: 'github-token', name: 'gh', secret: { token: CANARY.token } })

    // Used in a real connection attempt: PostgreSQL refuses the canary password.
    const target = await post('targets.create', {
      target: {
        kind: 'postgres',
        name: 'pg',
        host: '127.0.0.1',
        port: pgStock.port,
        user: 'postgres',
        tls: 'disable',
        credentialId: dbCred,
      },
    })
    expect(target.ok).toBe(true)
    const tested = await post('targets.testConnection', { id: target.data!.id })
    expect(tested.data!.status).toBe('failed')
    expect(String(tested.data!.message)).toMatch(/refused user postgres/)

    // Rotation, then the vault locked: the attempt waits with a clear status instead of failing silently.
    expect(
      (await post('credentials.update', { id: dbCred, secret: { password: `${CANARY.dbPassword}-2` } })).ok,
    ).toBe(true)
    expect((await post('vault.lock', {})).ok).toBe(true)
    const locked = await post('targets.testConnection', { id: target.data!.id })
    expect(locked.data).toMatchObject({
      status: 'vault_locked',
      message: 'The vault is locked: unlock it to use pg wrong',
    })

    // Error paths: a wrong passphrase, a bad secret, a duplicate name, a malformed payload.
    const wrong = await post('vault.unlock', { passphrase: CANARY.wrongPassphrase })
    expect(wrong.error?.message).toMatch(/wrong passphrase/i)
    expect((await post('vault.unlock', { passphrase: CANARY.passphrase })).ok).toBe(true)
    const badKey = await post('credentials.create', {
      credential: {
        kind: 'ssh-key',
        name: 'bad',
        secret: { privateKey: `not a key ${CANARY.keyPassphrase}` },
      },
    })
    expect(badKey.ok).toBe(false)
    const dup = await post('credentials.create', {
      credential: { kind: 'github-token', name: 'gh', secret: { token: CANARY.token } },
    })
    expect(dup.ok).toBe(false)
    const malformed = await post('credentials.update', {
      id: tokenCred,
      secret: { token: 42, canary: CANARY.token },
    })
    expect(malformed.ok).toBe(false)

    // The same flows over IPC, as the desktop app makes them.
    setAppOrigin('app://driftwatch')
    const ipc = fakeIpcMain()
    bindIpc(ipc, core)
    const frame = { url: 'app://driftwatch/index.html', parent: null }
    for (const [channel, payload] of [
      ['dw:credentials.list', {}],
      ['dw:vault.unlock', { passphrase: CANARY.wrongPassphrase }],
      ['dw:targets.testConnection', { id: target.data!.id }],
      ['dw:targets.list', {}],
    ] as const)
      answers.push(JSON.stringify(await ipc.invoke(channel, payload, frame)))

    // Export of targets, through the CLI on the same data dir.
    const exported = await runCli(['targets', 'list', '--json', '--data-dir', dataDir])
    expect(exported.code).toBe(0)
    answers.push(exported.stdout, exported.stderr)
    expect((await post('credentials.list', {})).ok).toBe(true)
  }, 120_000)

  it('leaves no canary in any file of the data dir, any log, or any answer', async () => {
    core.close()
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (statSync(p).isDirectory()) walk(p)
        else files.push(p)
      }
    }
    walk(dataDir)
    expect(files.some((f) => f.endsWith('driftwatch.db'))).toBe(true)
    const sse = events.raw()
    expect(answers.length).toBeGreaterThan(15)
    expect(sse.length).toBeGreaterThan(3)
    for (const value of Object.values(CANARY)) {
      for (const f of files)
        expect(readFileSync(f).includes(Buffer.from(value)), `${value} in ${f}`).toBe(false)
      for (const l of logs) expect(l).not.toContain(value)
      for (const a of [...answers, ...sse]) expect(a).not.toContain(value)
    }
  })
})
