// `driftwatch watch --metrics` as a real process against a real PostgreSQL 15: a scheduled scan runs, /metrics
// is scraped and read strictly as the Prometheus text format (HELP and TYPE, cumulative buckets, le="+Inf"),
// and /healthz answers 503 with the reason while the vault is locked and a target that needs its credential
// waits, then 200 once the passphrase file appears and the vault opens. A non-loopback address is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore } from '../../src-main/core/app'
import { openDatabase } from '../../src-main/core/store/db'
import { startPostgres, type PgService } from '../services/lib'
import { ensureBuilt, runCli } from '../helpers/cli'
import { call } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'
import { startWatchDaemon, type Daemon } from '../helpers/daemon'
import { parseExposition, value } from '../helpers/prometheus'
import { vaultWithPostgresTarget } from '../helpers/vault-target'
import { FLOOR_KDF } from '../helpers/vault-cost'

const PASS = 'metrics-e2e passphrase 77'
const tmp = useTmpDirs('all')
let pgs: PgService
let dataDir: string

function startWatch(args: string[]): Daemon {
  return startWatchDaemon(dataDir, args, { DRIFTWATCH_VAULT_PASSPHRASE: '' })
}

const metricsUrl = async (d: Daemon) =>
  String((await d.waitLog((l) => l.msg === 'metrics listening')).metrics).replace(/\/metrics$/, '')

const makeDue = () => {
  const db = openDatabase(join(dataDir, 'driftwatch.db'))
  db.prepare('UPDATE schedule_runs SET next_run_at = ?').run(new Date().toISOString())
  db.close()
}

beforeAll(async () => {
  ensureBuilt()
  pgs = await startPostgres({ name: 'metrics' })
  dataDir = join(tmp.make('dw-watch-metrics-'), 'data')
  const core = createCore({ face: 'cli', dataDir, unsafeKdfForTests: FLOOR_KDF })
  try {
    const t = await vaultWithPostgresTarget(core, pgs, { passphrase: PASS, targetName: 'billing "eu"\\pg' })
    await call(core, 'watch.schedules.save', { targetId: t.targetId, intervalMinutes: 60 })
  } finally {
    core.close()
  }
}, 120_000)

afterAll(async () => {
  await pgs?.stop()
})

describe('driftwatch watch --metrics', () => {
  it('serves a strictly well-formed exposition with the scan, its duration and the rules by status', async () => {
    const passFile = join(dataDir, '..', 'pass-ok')
    writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 })
    const d = startWatch(['--metrics', '127.0.0.1:0', '--passphrase-file', passFile])
    try {
      const base = await metricsUrl(d)
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      await d.waitLog((l) => l.msg === 'scan finished' && l.state === 'done')
      const res = await fetch(`${base}/metrics`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
      const text = await res.text()
      const m = parseExposition(text)

      expect(m.get('driftwatch_scans_total')?.type).toBe('counter')
      expect(value(m, 'driftwatch_scans_total', { kind: 'postgres', outcome: 'done' })).toBe(1)
      const dur = m.get('driftwatch_scan_duration_seconds')!
      expect(dur.type).toBe('histogram')
      const labels = { kind: 'postgres', outcome: 'done' }
      expect(
        value(
          m,
          'driftwatch_scan_duration_seconds',
          { ...labels, le: '+Inf' },
          'driftwatch_scan_duration_seconds_bucket',
        ),
      ).toBe(1)
      expect(
        value(m, 'driftwatch_scan_duration_seconds', labels, 'driftwatch_scan_duration_seconds_sum'),
      ).toBeGreaterThan(0)
      // The target's name comes back intact through the label escaping ("…" and \ in it).
      const name = 'billing "eu"\\pg'
      const pass = value(m, 'driftwatch_rules', { target: name, status: 'pass' }) ?? 0
      const fail = value(m, 'driftwatch_rules', { target: name, status: 'fail' }) ?? 0
      expect(pass + fail).toBeGreaterThan(5)
      expect(text).toContain('target="billing \\"eu\\"\\\\pg"')
      expect(value(m, 'driftwatch_watch_queue_depth')).toBe(0)
      expect(value(m, 'driftwatch_watch_last_cycle_timestamp_seconds')).toBeGreaterThan(
        Date.now() / 1000 - 120,
      )
      expect(value(m, 'driftwatch_watch_last_successful_scan_timestamp_seconds')).toBeGreaterThan(
        Date.now() / 1000 - 120,
      )
      expect(value(m, 'driftwatch_process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024)
      expect(m.get('driftwatch_event_loop_lag_seconds')?.type).toBe('gauge')
      for (const f of [
        'driftwatch_alert_messages_total',
        'driftwatch_drift_events_total',
        'driftwatch_github_requests_saved_total',
      ])
        expect(m.get(f)?.type).toBe('counter')
      // No secret and no address of the target in the figures.
      expect(text).not.toContain(pgs.password)
      expect(text).not.toContain(`:${pgs.port}`)
      expect(text).not.toContain(PASS)

      const h = await fetch(`${base}/healthz`)
      expect(h.status).toBe(200)
      expect(await h.json()).toMatchObject({ status: 'ok', reasons: [] })
      expect((await fetch(`${base}/nothing`)).status).toBe(404)
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405)
    } finally {
      expect(await d.stop()).toBe(0)
    }
  }, 90_000)

  it('/healthz is 503 while the vault is locked with a credentialed target waiting, 200 after unlock', async () => {
    makeDue()
    const passFile = join(dataDir, '..', 'pass-later')
    const d = startWatch(['--metrics', '127.0.0.1:0', '--passphrase-file', passFile])
    try {
      const base = await metricsUrl(d)
      await d.waitLog((l) => l.msg === 'vault passphrase file not found; waiting for it')
      let body: { status: string; reasons: string[] } = { status: '', reasons: [] }
      await expect
        .poll(
          async () => {
            const r = await fetch(`${base}/healthz`)
            body = (await r.json()) as typeof body
            return r.status
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBe(503)
      expect(body.status).toBe('unhealthy')
      expect(body.reasons).toEqual([
        'vault locked: 1 scheduled run of targets that need a credential is waiting',
      ])
      const m = parseExposition(await (await fetch(`${base}/metrics`)).text())
      expect(value(m, 'driftwatch_watch_runs', { status: 'vault_locked' })).toBe(1)
      expect(value(m, 'driftwatch_watch_queue_depth')).toBe(1)

      // The secret is provisioned: the daemon reads it, unlocks, scans, and is healthy again.
      writeFileSync(passFile, PASS, { mode: 0o600 })
      await d.waitLog((l) => l.msg === 'vault unlocked from the passphrase file')
      await d.waitLog((l) => l.msg === 'scan finished' && l.state === 'done')
      await expect
        .poll(async () => (await fetch(`${base}/healthz`)).status, { timeout: 10_000, interval: 100 })
        .toBe(200)
      const after = parseExposition(await (await fetch(`${base}/metrics`)).text())
      expect(value(after, 'driftwatch_watch_runs', { status: 'vault_locked' })).toBeUndefined()
      expect(value(after, 'driftwatch_scans_total', { kind: 'postgres', outcome: 'done' })).toBe(1)
    } finally {
      expect(await d.stop()).toBe(0)
    }
  }, 90_000)

  it('refuses an address beyond loopback unless told, and a malformed one, naming the flag', async () => {
    const open = await runCli(['watch', '--metrics', '0.0.0.0:9464', '--data-dir', dataDir])
    expect(open.code).toBe(64)
    expect(open.stderr).toContain('--metrics 0.0.0.0:9464 would answer beyond this computer')
    expect(open.stderr).toContain('--metrics-public')
    const named = await runCli(['watch', '--metrics', 'metrics.example.com:9464', '--data-dir', dataDir])
    expect(named.code).toBe(64)
    expect(named.stderr).toContain('--metrics needs an IP address, not the host name "metrics.example.com"')
    const bare = await runCli(['watch', '--metrics', '9464', '--data-dir', dataDir])
    expect(bare.code).toBe(64)
    expect(bare.stderr).toContain('--metrics takes HOST:PORT')
    const rss = await runCli(['watch', '--once', '--max-rss', 'lots', '--data-dir', dataDir])
    expect(rss.code).toBe(64)
    expect(rss.stderr).toContain('--max-rss must be a number from 16 to 1048576, not "lots"')
  }, 60_000)
})
