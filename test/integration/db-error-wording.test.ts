// Database errors that point at the right cause, against real PostgreSQL 15, MariaDB 10.11 and sshd: no
// credential chosen says so (not "wrong password"); a server without TLS names the TLS option as the form labels
// it; a database target pointed at the SSH port says the server did not answer as that database; and on a
// server with TLS off the TLS version/cipher rules are not applicable, with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src-main/core/app'
import type { Res, Target } from '../../src-preload/contract'
import {
  startMariadb,
  startPostgres,
  startSshd,
  stopAll,
  type MariadbService,
  type PgService,
  type SshdService,
} from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'

const tmp = useTmpDirs('all')
let pgStock: PgService
let maria: MariadbService
let pgWeakTls: PgService
let mariaWeakTls: MariadbService
let sshd: SshdService
let core: Core

async function target(
  kind: 'postgres' | 'mysql',
  svc: { host: string; port: number; user?: string; database?: string; password?: string },
  opts: { port?: number; tls?: string; credential?: boolean; caFile?: string } = {},
): Promise<Target> {
  const cred =
    opts.credential === false
      ? null
      : await call(core, 'credentials.create', {
          credential: {
            kind: 'db-password',
            name: `${kind} ${opts.port ?? svc.port} ${opts.tls ?? ''} ${Math.random()}`,
            secret: { password: svc.password ?? 'x' },
          },
        })
  return call(core, 'targets.create', {
    target: {
      kind,
      name: `${kind} ${Math.random().toString(36).slice(2, 8)}`,
      host: svc.host,
      port: opts.port ?? svc.port,
      database: svc.database ?? '',
      user: svc.user ?? 'postgres',
      credentialId: cred?.id ?? null,
      tls: opts.tls ?? 'disable',
      caFile: opts.caFile ?? '',
    },
  })
}

const test = (t: Target) => call(core, 'targets.testConnection', { id: t.id })
async function scan(t: Target): Promise<Res<'scan.results'>> {
  const { scanId } = await call(core, 'scan.start', { targetId: t.id })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

beforeAll(async () => {
  ;[pgStock, maria, sshd, pgWeakTls, mariaWeakTls] = await Promise.all([
    startPostgres({ name: 'wording-pg' }),
    startMariadb({ name: 'wording-maria' }),
    startSshd({ name: 'wording-sshd' }),
    // TLS on, with the weak settings the TLS rules exist to catch.
    startPostgres({
      name: 'wording-pg-weak-tls',
      hardened: true,
      config: [
        "ssl_min_protocol_version = 'TLSv1'",
        "ssl_ciphers = 'HIGH:MEDIUM:+3DES:!aNULL'",
        'ssl_prefer_server_ciphers = off',
      ],
    }),
    startMariadb({ name: 'wording-maria-weak-tls', hardened: true, args: ['--tls-version=TLSv1.1,TLSv1.2'] }),
  ])
  core = createCore({
    face: 'cli',
    dataDir: tmp.make('dw-wording-'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await call(core, 'vault.init', { passphrase: 'error wording passphrase' })
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

describe('database errors name the cause', () => {
  it('no credential chosen: says so, for PostgreSQL and MariaDB, on Test connection and in the scan', async () => {
    for (const [kind, svc] of [
      ['postgres', pgStock],
      ['mysql', maria],
    ] as const) {
      const t = await target(kind, svc, { credential: false })
      const report = await test(t)
      expect(report.status).toBe('failed')
      expect(report.message).toMatch(/^No credential chosen for this target/)
      expect(report.message).not.toMatch(/wrong password/)
      const r = await scan(t)
      expect(r.scan.state).toBe('failed')
      expect(r.scan.error).toMatch(/^No credential chosen for this target/)
    }
  })

  it('a server without TLS names the option as the form labels it ("Disabled")', async () => {
    for (const [kind, svc] of [
      ['postgres', pgStock],
      ['mysql', maria],
    ] as const) {
      const report = await test(await target(kind, svc, { tls: 'require' }))
      expect(report.status).toBe('failed')
      expect(report.message).toBe(
        `The server at ${svc.host}:${svc.port} does not offer TLS. Turn TLS on at the server, or set TLS to ` +
          '"Disabled" in the target form if a connection in clear is acceptable',
      )
    }
  })

  it('a database target pointed at the SSH port says the server did not answer as that database', async () => {
    const at = `${sshd.host}:${sshd.port}`
    const pgReport = await test(await target('postgres', pgStock, { port: sshd.port }))
    expect(pgReport.message).toBe(
      `The server at ${at} did not answer as PostgreSQL (is this the right port?)`,
    )
    const myReport = await test(await target('mysql', maria, { port: sshd.port }))
    expect(myReport.message).toBe(
      `The server at ${at} did not answer as MySQL/MariaDB (is this the right port?)`,
    )
    const r = await scan(await target('postgres', pgStock, { port: sshd.port }))
    expect(r.scan.error).toBe(`The server at ${at} did not answer as PostgreSQL (is this the right port?)`)
  }, 60_000)

  it('with TLS off on the server, the TLS version and cipher rules are not applicable, saying why', async () => {
    const pg = await scan(await target('postgres', pgStock))
    expect(pg.scan.state).toBe('done')
    const byId = new Map(pg.results.map((x) => [x.ruleId, x]))
    expect(byId.get('pg-ssl')?.status).toBe('fail')
    for (const id of ['pg-ssl-min-protocol', 'pg-ssl-ciphers', 'pg-ssl-prefer-server-ciphers']) {
      expect(byId.get(id)?.status, id).toBe('notapplicable')
      expect(byId.get(id)?.message).toMatch(/^TLS is off on this server \(ssl = off\)/)
    }
    const my = await scan(await target('mysql', maria))
    expect(my.scan.state).toBe('done')
    const myById = new Map(my.results.map((x) => [x.ruleId, x]))
    expect(myById.get('my-have-ssl')?.status).toBe('fail')
    expect(myById.get('my-tls-version')?.status).toBe('notapplicable')
    expect(myById.get('my-tls-version')?.message).toMatch(/^TLS is off on this server/)
  }, 60_000)

  it('with TLS on and weak settings, the same rules are evaluated and fail', async () => {
    const pg = await scan(
      await target('postgres', pgWeakTls, { tls: 'verify-full', caFile: pgWeakTls.caCertPath }),
    )
    expect(pg.scan.state, pg.scan.error).toBe('done')
    const byId = new Map(pg.results.map((x) => [x.ruleId, x]))
    expect(byId.get('pg-ssl')?.status).toBe('pass')
    expect(byId.get('pg-ssl-min-protocol')).toMatchObject({ status: 'fail', actual: 'TLSv1' })
    expect(byId.get('pg-ssl-ciphers')).toMatchObject({ status: 'fail', actual: 'HIGH:MEDIUM:+3DES:!aNULL' })
    expect(byId.get('pg-ssl-prefer-server-ciphers')).toMatchObject({ status: 'fail', actual: 'off' })
    const my = await scan(
      await target('mysql', mariaWeakTls, { tls: 'verify-full', caFile: mariaWeakTls.caCertPath }),
    )
    expect(my.scan.state, my.scan.error).toBe('done')
    const myById = new Map(my.results.map((x) => [x.ruleId, x]))
    expect(myById.get('my-have-ssl')?.status).toBe('pass')
    expect(myById.get('my-tls-version')).toMatchObject({ status: 'fail', actual: 'TLSv1.1, TLSv1.2' })
  }, 60_000)
})
