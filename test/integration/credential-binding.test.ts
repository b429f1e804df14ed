// Covers issue 15 items 3 and 6 against a real PostgreSQL and the built CLI: a credential is bound to the
// address it was first used at, so a moved target (or another target elsewhere) cannot use it until the
// passphrase confirms (audited), through the dispatcher and the CLI; a cleartext password login without TLS, or
// over TLS whose certificate was not checked, is refused before the password leaves; `driftwatch vault lock` locks a running `driftwatch serve`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { createServer, connect, type Server } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { createCore, DB_FILE, type Core } from '../../src-main/core/app'
import type { Req } from '../../src-preload/contract'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { call, callError } from '../helpers/core'
import { apiClient } from '../helpers/http'
import { ensureBuilt, runCli, serveEntry, startServeCli } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'
import { FLOOR_KDF } from '../helpers/vault-cost'

const FAST_KDF = { N: 2 ** 10, r: 8, p: 1 }
const PASS = 'binding test passphrase one'
const tmp = useTmpDirs('all')

/** A TCP relay to PostgreSQL that keeps every byte the client sent: what a server at a new address would get. */
interface Recorder {
  port: number
  connections(): number
  fromClient(): string
  close(): Promise<void>
}
async function recordingProxy(to: number): Promise<Recorder> {
  const chunks: Buffer[] = []
  let n = 0
  const open = new Set<{ destroy(): void }>()
  const server: Server = createServer((client) => {
    n++
    const upstream = connect({ host: '127.0.0.1', port: to })
    open.add(client).add(upstream)
    client.on('data', (c: Buffer) => chunks.push(Buffer.from(c)))
    client.pipe(upstream).pipe(client)
    const end = () => (client.destroy(), upstream.destroy())
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as { port: number }).port,
    connections: () => n,
    fromClient: () => Buffer.concat(chunks).toString('latin1'),
    // Relayed sessions still open (an idle pooled connection) would keep close() waiting for them to end.
    close: () =>
      new Promise((r) => {
        server.close(() => r())
        for (const s of open) s.destroy()
      }),
  }
}

let pgs: PgService
let proxy: Recorder

beforeAll(async () => {
  ensureBuilt()
  pgs = await startPostgres({ name: 'binding' })
  proxy = await recordingProxy(pgs.port)
}, 180_000)

afterAll(async () => {
  await proxy?.close()
  await stopAll()
})

const pgTarget = (name: string, credentialId: string, port: number, extra: object = {}) =>
  ({
    kind: 'postgres',
    name,
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    tls: 'disable',
    credentialId,
    ...extra,
  }) as Req<'targets.create'>['target']

async function setup(core: Core, credName: string) {
  if ((await call(core, 'vault.status', {})).state === 'uninitialised')
    await call(core, 'vault.init', { passphrase: PASS })
  const cred = await call(core, 'credentials.create', {
    credential: {
      kind: 'db-password',
      name: credName,
      username: 'postgres',
      notes: '',
      secret: { password: pgs.password },
    },
  })
  return cred
}

function auditRows(dataDir: string) {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true })
  try {
    return db.prepare('SELECT at, actor, action, subject, details FROM audit_log ORDER BY seq').all() as {
      at: string
      actor: string
      action: string
      subject: string
      details: string
    }[]
  } finally {
    db.close()
  }
}

async function scanError(core: Core, targetId: string): Promise<string> {
  const finished = new Promise<string>((resolve) => {
    const off = core.subscribe((name, payload) => {
      const p = payload as { targetId?: string; error?: string; state?: string }
      if (name === 'scan.finished' && p.targetId === targetId) {
        off()
        resolve(`${p.state}: ${p.error}`)
      }
    })
  })
  await call(core, 'scan.start', { targetId })
  return finished
}

describe('a credential bound to its address (dispatcher)', () => {
  let core: Core
  let dataDir: string
  beforeAll(() => {
    dataDir = tmp.make('dw-binding-')
    core = createCore({ face: 'serve', dataDir, unsafeKdfForTests: FAST_KDF })
  })
  afterAll(() => core?.close())

  it('refuses a moved target and a second target elsewhere until the passphrase confirms; audited', async () => {
    const cred = await setup(core, 'pg-admin')
    const t = await call(core, 'targets.create', { target: pgTarget('pg-main', cred.id, pgs.port) })
    expect((await call(core, 'targets.testConnection', { id: t.id })).status).toBe('ok')

    // Moved: same name, a port where another server (here a recorder in front of the real one) listens.
    await call(core, 'targets.update', { id: t.id, target: pgTarget('pg-main', cred.id, proxy.port) })
    const refused = await callError(core, 'targets.testConnection', { id: t.id })
    expect(refused.code).toBe('forbidden')
    expect(refused.message).toContain(
      `"pg-admin" is bound to 127.0.0.1:${pgs.port}; confirm to use it at 127.0.0.1:${proxy.port}`,
    )
    expect(refused.issues.map((i) => i.path)).toContain('rebindCredential')
    expect(await scanError(core, t.id)).toMatch(/^failed: .*confirm to use it at 127\.0\.0\.1:/)
    // Nothing went to the new address: not even a connection.
    expect(proxy.connections()).toBe(0)

    // Another target at another address is refused the same way.
    const other = await call(core, 'targets.create', {
      target: pgTarget('pg-other', cred.id, pgs.port, { host: 'localhost' }),
    })
    expect((await callError(core, 'targets.testConnection', { id: other.id })).message).toContain(
      'confirm to use it at localhost:',
    )

    const wrong = await callError(core, 'credentials.rebind', {
      targetId: t.id,
      passphrase: 'not the passphrase at all',
    })
    expect(wrong.code).toBe('unauthorized')
    expect((await callError(core, 'targets.testConnection', { id: t.id })).code).toBe('forbidden')

    const ok = await call(core, 'credentials.rebind', { targetId: t.id, passphrase: PASS })
    expect(ok).toEqual({
      address: `127.0.0.1:${proxy.port}`,
      credentials: [{ id: cred.id, name: 'pg-admin', from: [`127.0.0.1:${pgs.port}`] }],
    })
    expect((await call(core, 'targets.testConnection', { id: t.id })).status).toBe('ok')
    expect(proxy.connections()).toBeGreaterThan(0)

    const rows = auditRows(dataDir)
    const rebound = rows.find((r) => r.action === 'credential.rebound')
    expect(rebound).toMatchObject({ actor: 'serve', subject: t.id })
    expect(JSON.parse(rebound!.details)).toEqual({
      address: `127.0.0.1:${proxy.port}`,
      credentials: [{ id: cred.id, name: 'pg-admin', from: [`127.0.0.1:${pgs.port}`] }],
    })
    expect(rows.find((r) => r.action === 'vault.wrong-passphrase')).toMatchObject({ actor: 'serve' })
    expect(rows.find((r) => r.action === 'credential.created')).toMatchObject({ subject: cred.id })
    expect(JSON.stringify(rows)).not.toContain('not the passphrase at all')
  })

  it('refuses PostgreSQL cleartext password auth without TLS before sending the password; the opt-in connects', async () => {
    const admin = new pg.Client({
      host: '127.0.0.1',
      port: pgs.port,
      user: 'postgres',
      password: pgs.password,
      database: 'postgres',
    })
    await admin.connect()
    try {
      writeFileSync(
        join(pgs.dataDir, 'pg_hba.conf'),
        'local all all peer\nhost all all 127.0.0.1/32 password\n',
      )
      await admin.query('SELECT pg_reload_conf()')
      await new Promise((r) => setTimeout(r, 300))
      const cred = await setup(core, 'pg-cleartext')
      const t = await call(core, 'targets.create', { target: pgTarget('pg-clear', cred.id, proxy.port) })
      const before = proxy.connections()
      const r = await call(core, 'targets.testConnection', { id: t.id })
      expect(r.status).toBe('failed')
      expect(r.message).toContain(
        `The server at 127.0.0.1:${proxy.port} asked for the password in clear text without TLS; it was not sent`,
      )
      expect(proxy.connections()).toBeGreaterThan(before)
      expect(proxy.fromClient()).not.toContain(pgs.password)

      await call(core, 'targets.update', {
        id: t.id,
        target: pgTarget('pg-clear', cred.id, proxy.port, { allowCleartextPassword: true }),
      })
      const opted = await call(core, 'targets.testConnection', { id: t.id })
      expect(opted.status).toBe('ok')
      // The recorder sees what a server at that address gets: with the opt-in, the password itself.
      expect(proxy.fromClient()).toContain(pgs.password)
    } finally {
      writeFileSync(
        join(pgs.dataDir, 'pg_hba.conf'),
        'local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n',
      )
      await admin.query('SELECT pg_reload_conf()')
      await admin.end()
    }
  })

  it('refuses cleartext password auth over TLS mode require; verify-ca connects', async () => {
    // A TLS server that asks for the password in clear text: under "require" nothing says who that server is.
    const tlsPg = await startPostgres({
      name: 'binding-tls',
      hardened: true,
      hba: [
        'local all all peer',
        'hostssl all all 127.0.0.1/32 password',
        'hostnossl all all 0.0.0.0/0 reject',
      ],
    })
    const cred = await call(core, 'credentials.create', {
      credential: {
        kind: 'db-password',
        name: 'pg-tls-cleartext',
        username: 'postgres',
        notes: '',
        secret: { password: tlsPg.password },
      },
    })
    const t = await call(core, 'targets.create', {
      target: pgTarget('pg-tls-clear', cred.id, tlsPg.port, { tls: 'require' }),
    })
    const r = await call(core, 'targets.testConnection', { id: t.id })
    expect(r.status).toBe('failed')
    expect(r.message).toContain(
      `The server at 127.0.0.1:${tlsPg.port} asked for the password in clear text over TLS whose certificate ` +
        'was not checked; it was not sent',
    )
    expect(r.message).toContain('"Verify the CA"')

    await call(core, 'targets.update', {
      id: t.id,
      target: pgTarget('pg-tls-clear', cred.id, tlsPg.port, { tls: 'verify-ca', caFile: tlsPg.caCertPath }),
    })
    expect((await call(core, 'targets.testConnection', { id: t.id })).status).toBe('ok')

    await call(core, 'targets.update', {
      id: t.id,
      target: pgTarget('pg-tls-clear', cred.id, tlsPg.port, { tls: 'require', allowCleartextPassword: true }),
    })
    expect((await call(core, 'targets.testConnection', { id: t.id })).status).toBe('ok')
  }, 120_000)
})

describe('through the built CLI', () => {
  it('scan refuses a moved target until --rebind-credential, and the rebind is audited', async () => {
    const dataDir = tmp.make('dw-binding-cli-')
    // The CLI reads the vault as a user's: made at the lowest cost it accepts (helpers/vault-cost.ts).
    const core = createCore({ face: 'cli', dataDir, unsafeKdfForTests: FLOOR_KDF })
    let targetId: string
    try {
      const cred = await setup(core, 'pg-cli')
      const t = await call(core, 'targets.create', { target: pgTarget('pg-cli', cred.id, pgs.port) })
      targetId = t.id
      expect((await call(core, 'targets.testConnection', { id: t.id })).status).toBe('ok')
      await call(core, 'targets.update', { id: t.id, target: pgTarget('pg-cli', cred.id, proxy.port) })
    } finally {
      core.close()
    }
    const env = { DRIFTWATCH_VAULT_PASSPHRASE: PASS }
    const refused = await runCli(['scan', 'pg-cli', '--data-dir', dataDir], { env })
    expect(refused.code).toBe(1)
    expect(refused.stdout + refused.stderr).toContain(
      `is bound to 127.0.0.1:${pgs.port}; confirm to use it at 127.0.0.1:${proxy.port}`,
    )
    expect(refused.stdout + refused.stderr).toContain('--rebind-credential')

    const confirmed = await runCli(['scan', 'pg-cli', '--rebind-credential', '--data-dir', dataDir], { env })
    expect(confirmed.stderr).toContain(
      `Credential "pg-cli" may now be used at 127.0.0.1:${proxy.port} (was bound to 127.0.0.1:${pgs.port})`,
    )
    // 0 or 2: the scan ran (a stock PostgreSQL fails some CIS rules).
    expect([0, 2]).toContain(confirmed.code)
    const rebound = auditRows(dataDir).filter((r) => r.action === 'credential.rebound')
    expect(rebound).toHaveLength(1)
    expect(rebound[0]).toMatchObject({ actor: 'cli', subject: targetId! })
  }, 120_000)

  it('`driftwatch vault lock` locks a running serve, which then refuses secrets with "vault locked"', async () => {
    const dataDir = tmp.make('dw-lock-serve-')
    const core = createCore({ face: 'cli', dataDir, unsafeKdfForTests: FLOOR_KDF })
    let targetId: string
    try {
      const cred = await setup(core, 'pg-serve')
      targetId = (await call(core, 'targets.create', { target: pgTarget('pg-serve', cred.id, pgs.port) })).id
    } finally {
      core.close()
    }
    const serve = await startServeCli(serveEntry(tmp.make('dw-serve-stage-')).bin, dataDir)
    try {
      const api = apiClient(serve.port, serve.token)
      const unlocked = await api.post('vault.unlock', { passphrase: PASS })
      expect(unlocked.status).toBe(200)
      const before = (await api.post('targets.testConnection', { id: targetId! })).json() as {
        data: { status: string }
      }
      expect(before.data.status).toBe('ok')

      const lock = await runCli(['vault', 'lock', '--data-dir', dataDir])
      expect(lock.code).toBe(0)
      expect(lock.stdout).toMatch(/^Locked: this process; serve pid \d+ locked\./)

      const after = (await api.post('targets.testConnection', { id: targetId! })).json() as {
        data: { status: string; message: string }
      }
      expect(after.data.status).toBe('vault_locked')
      expect(after.data.message).toMatch(/vault is locked/i)
      const status = (await api.post('vault.status', {})).json() as { data: { state: string } }
      expect(status.data.state).toBe('locked')
    } finally {
      await serve.stop()
    }
  }, 120_000)
})
