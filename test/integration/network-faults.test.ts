// Network faults between Driftwatch and its scan targets: a TCP proxy (test/services/tcp-proxy.ts) in front of
// real sshd, PostgreSQL and MariaDB servers adds latency, resets the connection mid-stream or stalls it. A slow
// network still scans; a cut or a stall fails the scan within the configured timeouts with an error naming the
// target, and stores nothing of it. No retry: a SQL scan reads one snapshot in one read-only transaction, and an
// SSH scan re-run would upload and evaluate again; a person (or the watch's backoff) starts the next scan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createCore, DB_FILE, type Core, type NetworkTimeouts } from '../../src-main/core/app'
import type { Res } from '../../src-preload/contract'
import {
  startMariadb,
  startPostgres,
  startSshd,
  stopAll,
  widenedDebian11Datastream,
  type MariadbService,
  type PgService,
  type SshdService,
} from '../services/lib'
import { startTcpProxy, type TcpProxy } from '../services/tcp-proxy'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { importContentFile } from '../helpers/files'

// Short limits so the faults show fast, but keepalives long enough (2 s of silence) that a machine busy with
// oscap on both ends of the loopback does not read as a dead peer during the latency scan.
const NET: Required<NetworkTimeouts> = { connectMs: 1500, keepaliveMs: 500, queryMs: 800, statementMs: 1000 }
const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'

const tmp = useTmpDirs('all')
let core: Core
let pgSvc: PgService
let mariadb: MariadbService
let sshd: SshdService
let sha256: string
const proxies: TcpProxy[] = []

beforeAll(async () => {
  const dir = tmp.make('dw-net-faults-')
  ;[pgSvc, mariadb, sshd] = await Promise.all([
    startPostgres({ name: 'net-faults' }),
    startMariadb({ name: 'net-faults' }),
    startSshd({ name: 'net-faults' }),
  ])
  core = createCore({
    face: 'cli',
    dataDir: join(dir, 'data'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
    network: NET,
  })
  sha256 = (await importContentFile(core, await widenedDebian11Datastream(dir))).sha256
  await call(core, 'vault.init', { passphrase: 'network faults passphrase' })
}, 120_000)

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()))
  core?.close()
  await stopAll()
})

async function proxyTo(port: number): Promise<TcpProxy> {
  const p = await startTcpProxy({ port })
  proxies.push(p)
  return p
}

/** Starts a scan, waits for its end, and gives its results and how long it took. */
async function scan(
  targetId: string,
  extra: { sha256?: string; profileId?: string; trustHostKey?: string } = {},
) {
  const t0 = performance.now()
  const { scanId } = await call(core, 'scan.start', { targetId, ...extra })
  await core.idle()
  const ms = performance.now() - t0
  return { ...(await call(core, 'scan.results', { scanId })), ms }
}

/** Collects the scan.leftover messages until off(), which returns them. */
function leftovers() {
  const said: string[] = []
  const stop = core.subscribe((name, p) => {
    if (name === 'scan.leftover') said.push((p as { message: string }).message)
  })
  return {
    off: () => (stop(), said),
  }
}

/** What the store holds of a scan, read from the SQLite file itself. */
function stored(scanId: string) {
  const db = new Database(join(core.dataDir, DB_FILE), { readonly: true })
  try {
    const count = (sql: string) => (db.prepare(sql).get(scanId) as { n: number }).n
    return {
      results: count('SELECT count(*) AS n FROM results WHERE scan_id = ?'),
      current: count('SELECT count(*) AS n FROM current_status WHERE scan_id = ?'),
      drift: count('SELECT count(*) AS n FROM drift_events WHERE scan_id = ?'),
    }
  } finally {
    db.close()
  }
}

function expectFailedAndEmpty(r: Res<'scan.results'>) {
  expect(r.scan.state).toBe('failed')
  expect(r.results).toEqual([])
  expect(r.scan.evidence).toBeNull()
  expect(stored(r.scan.id)).toEqual({ results: 0, current: 0, drift: 0 })
}

describe.each(['postgres', 'mysql'] as const)('%s behind a faulty network', (kind) => {
  let proxy: TcpProxy
  let targetId: string
  let name: string
  /** Bytes a whole scan moves through the proxy, measured by the first (slow) scan. */
  let perScan = 0

  beforeAll(async () => {
    const svc = kind === 'postgres' ? pgSvc : mariadb
    proxy = await proxyTo(svc.port)
    name = `${kind} behind proxy`
    const cred = await call(core, 'credentials.create', {
      credential: { kind: 'db-password', name: `${kind} proxy password`, secret: { password: svc.password } },
    })
    targetId = (
      await call(core, 'targets.create', {
        target: {
          kind,
          name,
          host: '127.0.0.1',
          port: proxy.port,
          database: svc.database,
          user: svc.user,
          credentialId: cred.id,
          tls: 'disable',
          caFile: '',
        },
      })
    ).id
  })

  it('scans through 5 ms of latency each way, with the same results as without', async () => {
    proxy.latency(5)
    const before = proxy.bytes
    const slow = await scan(targetId)
    perScan = proxy.bytes - before
    proxy.latency(0)
    expect(slow.scan.state, slow.scan.error).toBe('done')
    expect(slow.results.length).toBeGreaterThan(10)
    const fast = await scan(targetId)
    expect(fast.scan.state).toBe('done')
    const statuses = (r: Res<'scan.results'>) => r.results.map((x) => `${x.ruleId}=${x.status}`)
    expect(statuses(slow)).toEqual(statuses(fast))
    console.log(
      `${kind}: ${slow.results.length} rules, ${perScan} bytes; ${Math.round(slow.ms)} ms with latency, ${Math.round(fast.ms)} ms without`,
    )
  })

  it('a reset mid-scan fails the scan at once, naming the target, and stores none of it', async () => {
    expect(perScan).toBeGreaterThan(0)
    proxy.resetAfter(Math.floor(perScan * 0.6))
    const r = await scan(targetId)
    expectFailedAndEmpty(r)
    expect(r.scan.error).toContain(`127.0.0.1:${proxy.port}`)
    expect(r.scan.error).toMatch(/lost|cut|reset|terminated/i)
    expect(r.ms).toBeLessThan(NET.connectMs)
    console.log(`${kind} reset: ${Math.round(r.ms)} ms: ${r.scan.error}`)
    // The next scan, on a healthy network, works again: no stuck state left behind.
    expect((await scan(targetId)).scan.state).toBe('done')
  })

  it('a peer that stalls mid-scan fails the scan after statement + answer timeouts, not never', async () => {
    proxy.stallAfter(Math.floor(perScan * 0.6))
    try {
      const r = await scan(targetId)
      expectFailedAndEmpty(r)
      expect(r.scan.error).toContain(`127.0.0.1:${proxy.port}`)
      expect(r.scan.error).toContain(
        `stopped answering: no reply within ${(NET.statementMs + NET.queryMs) / 1000} s`,
      )
      expect(r.ms).toBeGreaterThanOrEqual(NET.statementMs + NET.queryMs - 50)
      expect(r.ms).toBeLessThan(NET.statementMs + NET.queryMs + 1500)
      console.log(`${kind} stall mid-scan: ${Math.round(r.ms)} ms: ${r.scan.error}`)
    } finally {
      proxy.stall(false)
      proxy.resetAll()
    }
  })

  it('a peer that stalls before login fails within the connect timeout', async () => {
    proxy.stall(true)
    try {
      const r = await scan(targetId)
      expectFailedAndEmpty(r)
      expect(r.scan.error).toContain(`127.0.0.1:${proxy.port}`)
      expect(r.ms).toBeGreaterThanOrEqual(NET.connectMs - 50)
      expect(r.ms).toBeLessThan(NET.connectMs + NET.queryMs + 1500)
      console.log(`${kind} stall at connect: ${Math.round(r.ms)} ms: ${r.scan.error}`)
    } finally {
      proxy.stall(false)
      proxy.resetAll()
    }
  })
})

describe('sshd behind a faulty network', () => {
  let proxy: TcpProxy
  let targetId: string
  let perScan = 0
  const where = () => `root@127.0.0.1:${proxy.port}`

  beforeAll(async () => {
    proxy = await proxyTo(sshd.port)
    const key = await call(core, 'credentials.create', {
      credential: {
        kind: 'ssh-key',
        name: 'proxy root key',
        secret: { privateKey: readFileSync(sshd.privateKeyPath, 'utf8') },
      },
    })
    targetId = (
      await call(core, 'targets.create', {
        target: {
          kind: 'ssh',
          name: 'ssh behind proxy',
          host: '127.0.0.1',
          port: proxy.port,
          user: 'root',
          credentialId: key.id,
        },
      })
    ).id
  })

  it('scans through 10 ms of latency each way', async () => {
    proxy.latency(10)
    const before = proxy.bytes
    const r = await scan(targetId, {
      sha256,
      profileId: PROFILE,
      trustHostKey: sshd.hostKeyFingerprintSha256,
    })
    perScan = proxy.bytes - before
    proxy.latency(0)
    expect(r.scan.state, r.scan.error).toBe('done')
    expect(r.results.filter((x) => x.status === 'pass').length).toBeGreaterThan(0)
    console.log(`ssh: ${r.results.length} rules, ${perScan} bytes, ${Math.round(r.ms)} ms with latency`)
  }, 30_000)

  it('a reset during the upload fails the scan naming the host, and stores nothing', async () => {
    // A third into the scan's bytes is inside the datastream upload.
    proxy.resetAfter(Math.floor(perScan / 3))
    const left = leftovers()
    const r = await scan(targetId, { sha256, profileId: PROFILE })
    expectFailedAndEmpty(r)
    expect(r.scan.error).toContain(where())
    expect(r.scan.error).toMatch(/cut|closed|reset/i)
    // The network is back for the login that removes the partial upload: nothing is left, nothing said.
    expect(left.off()).toEqual([])
    console.log(`ssh reset: ${Math.round(r.ms)} ms: ${r.scan.error}`)
  }, 20_000)

  it('a peer that stalls mid-scan is dropped after the keepalives go unanswered', async () => {
    proxy.stallAfter(Math.floor(perScan / 3))
    const left = leftovers()
    try {
      const r = await scan(targetId, { sha256, profileId: PROFILE })
      expectFailedAndEmpty(r)
      expect(r.scan.error).toContain(where())
      expect(r.scan.error).toContain(
        `stopped answering (no reply to SSH keepalives within ${(4 * NET.keepaliveMs) / 1000} s)`,
      )
      // The keepalive limit, then one login attempt to clean up that the stall also refuses (connect timeout).
      expect(r.ms).toBeLessThan(4 * NET.keepaliveMs + NET.connectMs + 3000)
      console.log(`ssh stall mid-scan: ${Math.round(r.ms)} ms: ${r.scan.error}`)
      // That login failing leaves the partial upload there, and the scan says so: the folder and the host.
      const said = left.off()
      expect(said).toHaveLength(1)
      const dir = /^Could not remove (\/tmp\/driftwatch\.\w+) on /.exec(said[0]!)?.[1]
      expect(said[0]).toContain(` on ${where()} after the scan`)
      expect(dir && existsSync(dir)).toBe(true)
      // This machine is the host: tidy it.
      if (dir) rmSync(dir, { recursive: true, force: true })
    } finally {
      left.off()
      proxy.stall(false)
      proxy.resetAll()
    }
  }, 20_000)

  it('a peer that stalls before login fails within the connect timeout', async () => {
    proxy.stall(true)
    try {
      const r = await scan(targetId, { sha256, profileId: PROFILE })
      expectFailedAndEmpty(r)
      expect(r.scan.error).toContain(`127.0.0.1:${proxy.port}`)
      expect(r.ms).toBeGreaterThanOrEqual(NET.connectMs - 50)
      expect(r.ms).toBeLessThan(NET.connectMs + 1500)
      console.log(`ssh stall at connect: ${Math.round(r.ms)} ms: ${r.scan.error}`)
    } finally {
      proxy.stall(false)
      proxy.resetAll()
    }
  }, 20_000)
})
