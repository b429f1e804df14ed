// Observing the watch: the exposition's escaping and histograms, /healthz's reasons (a stale heartbeat, a
// store that refuses writes, the vault), and the self-monitor's alerts through a real webhook channel, logged
// and throttled.
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { Histogram, render } from '../../../src-main/core/telemetry/exposition'
import { health } from '../../../src-main/core/telemetry/health'
import { SelfMonitor } from '../../../src-main/core/telemetry/self-monitor'
import { Scheduler } from '../../../src-main/core/watch/scheduler'
import { WatchRepo } from '../../../src-main/core/store/watch'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import { TargetsRepo } from '../../../src-main/core/store/targets'
import { jsonLogger } from '../../../src-main/core/ports'
import { call, useCores } from '../../helpers/core'
import { fakeTime, scriptedScanner } from '../../helpers/watch'
import { parseExposition, value } from '../../helpers/prometheus'
import { signatureValid, startReceiver } from '../../helpers/receiver'
import { useTmpDirs } from '../../helpers/tmp-dir'

const cores = useCores()
const tmp = useTmpDirs()

describe('the exposition', () => {
  it('escapes label values and keeps histogram buckets cumulative up to le="+Inf"', () => {
    const h = new Histogram([1, 5])
    for (const v of [0.5, 0.7, 3, 9]) h.observe(v)
    const text = render([
      {
        name: 'x_total',
        help: 'A counter\\with a\nline feed',
        type: 'counter',
        samples: [{ labels: { target: 'a "b"\\c\nd' }, value: 3 }],
      },
      {
        name: 'x_seconds',
        help: 'H',
        type: 'histogram',
        buckets: [1, 5],
        series: [{ labels: { kind: 'k' }, hist: h }],
      },
    ])
    expect(text).toContain('# HELP x_total A counter\\\\with a\\nline feed\n')
    expect(text).toContain('x_total{target="a \\"b\\"\\\\c\\nd"} 3\n')
    expect(text).toContain(
      'x_seconds_bucket{kind="k",le="1"} 2\nx_seconds_bucket{kind="k",le="5"} 3\nx_seconds_bucket{kind="k",le="+Inf"} 4\n' +
        'x_seconds_sum{kind="k"} 13.2\nx_seconds_count{kind="k"} 4\n',
    )
    const m = parseExposition(text)
    expect(value(m, 'x_total', { target: 'a "b"\\c\nd' })).toBe(3)
  })
})

describe('/healthz', () => {
  it('goes stale when the scheduler stops looking, and says the vault is locked while credentialed runs wait', async () => {
    const time = fakeTime()
    const scanner = scriptedScanner(time)
    const core = cores.open({
      clock: time,
      timers: time,
      scanners: [scanner],
      unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
    })
    await call(core, 'vault.init', { passphrase: 'observe passphrase 1' })
    const cred = await call(core, 'credentials.create', {
      credential: { kind: 'db-password', name: 'c', username: 'u', secret: { password: 'pw-observe-1' } },
    })
    const t = await call(core, 'targets.create', {
      target: {
        kind: 'postgres',
        name: 'db',
        host: '127.0.0.1',
        user: 'u',
        tls: 'disable',
        credentialId: cred.id,
      },
    })
    const check = () =>
      health({
        clock: time,
        scheduler: core.watch.scheduler,
        vaultWaiting: () =>
          core.vault.state() === 'unlocked'
            ? 0
            : core.watch.status().runs.filter((r) => r.status === 'vault_locked').length,
      })
    expect(check()).toMatchObject({ ok: false, reasons: ['the scheduler has not started'] })
    core.watch.start()
    await time.advance(0)
    expect(check()).toEqual({ ok: true, reasons: [], heartbeatAgeSeconds: 0 })

    await call(core, 'vault.lock', {})
    await call(core, 'watch.schedules.save', { targetId: t.id, intervalMinutes: 5 })
    await time.advance(1000)
    expect(check().reasons).toEqual([
      'vault locked: 1 scheduled run of targets that need a credential is waiting',
    ])
    await call(core, 'vault.unlock', { passphrase: 'observe passphrase 1' })
    await time.advance(1000)
    expect(check()).toMatchObject({ ok: true })

    core.watch.scheduler.stop()
    await time.advance(4 * 60_000)
    expect(check()).toMatchObject({
      ok: false,
      reasons: [
        expect.stringMatching(
          /^heartbeat stale: the scheduler last looked at its runs 24\d s ago \(limit 150 s\)$/,
        ),
      ],
    })
  })

  it('says the store is unwritable when the scheduler cannot write its lease', () => {
    const dir = tmp.make('dw-observe-ro-')
    // A real store, then opened read-only: the scheduler's lease write fails as on a read-only disk.
    cores.open({ dataDir: dir }).close()
    const db = new Database(join(dir, 'driftwatch.db'), { readonly: true })
    try {
      const time = fakeTime()
      const scheduler = new Scheduler({
        repo: new WatchRepo(sqliteSql(db)),
        targets: new TargetsRepo(sqliteSql(db)),
        clock: time,
        timers: time,
        logger: jsonLogger(() => undefined),
        startScan: () => ({ scanId: 'x' }),
        isScanning: () => false,
        vaultLocked: () => false,
      })
      scheduler.start()
      const h = health({ clock: time, scheduler, vaultWaiting: () => 0 })
      expect(h.ok).toBe(false)
      expect(h.reasons).toEqual([
        expect.stringMatching(/^store unwritable: SqliteError: attempt to write a readonly database/),
      ])
      scheduler.stop()
    } finally {
      db.close()
    }
  })
})

describe('the self-monitor', () => {
  it('logs and alerts a memory ceiling passed and a stalled loop through the channels, at most once an hour each', async () => {
    const rx = await startReceiver()
    try {
      const time = fakeTime()
      const core = cores.open({ clock: time, timers: time, unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
      await call(core, 'vault.init', { passphrase: 'observe passphrase 2' })
      await call(core, 'alerts.channels.save', {
        kind: 'webhook',
        name: 'ops',
        config: { url: `${rx.url}/ops` },
        secret: 'ops-hmac-key-1',
      })
      const lines: Record<string, unknown>[] = []
      const monitor = new SelfMonitor({
        clock: time,
        logger: jsonLogger((l) => lines.push(JSON.parse(l) as Record<string, unknown>), time),
        metrics: core.metrics,
        send: (title, text) => core.watch.alertSystem(title, text),
        maxRssBytes: 200 * 1024 * 1024,
        stallMs: 2000,
      })
      const MB = 1024 * 1024
      monitor.check({ rss: 150 * MB, lagP99Ms: 12, lagMaxMs: 40 })
      await monitor.idle()
      expect(rx.received).toHaveLength(0)
      expect(lines).toHaveLength(0)

      monitor.check({ rss: 260 * MB, lagP99Ms: 30, lagMaxMs: 6500 })
      await monitor.idle()
      expect(lines.map((l) => [l.level, l.msg, l.condition])).toEqual([
        ['warn', 'Driftwatch watch uses 260 MB of memory', 'memory'],
        ['warn', 'Driftwatch watch stalled for 6.5 s', 'event-loop-stall'],
      ])
      expect(rx.received).toHaveLength(2)
      expect(rx.received.every((r) => signatureValid('ops-hmac-key-1', r))).toBe(true)
      const bodies = rx.received.map(
        (r) => JSON.parse(r.body) as { type: string; title: string; target: null },
      )
      expect(bodies.map((b) => [b.type, b.title, b.target])).toEqual([
        ['driftwatch.health', 'Driftwatch watch uses 260 MB of memory', null],
        ['driftwatch.health', 'Driftwatch watch stalled for 6.5 s', null],
      ])

      // Still over the ceiling ten minutes later: logged again, not sent again.
      await time.advance(10 * 60_000)
      monitor.check({ rss: 270 * MB, lagP99Ms: 1, lagMaxMs: 5 })
      await monitor.idle()
      expect(lines).toHaveLength(3)
      expect(rx.received).toHaveLength(2)
      // An hour after the first: sent again (the vault auto-locked meanwhile; its secret is needed).
      await time.advance(60 * 60_000)
      await call(core, 'vault.unlock', { passphrase: 'observe passphrase 2' })
      monitor.check({ rss: 270 * MB, lagP99Ms: 1, lagMaxMs: 5 })
      await monitor.idle()
      expect(rx.received).toHaveLength(3)

      const m = parseExposition(core.metrics.render())
      expect(value(m, 'driftwatch_self_alerts_total', { condition: 'memory', outcome: 'sent' })).toBe(2)
      expect(value(m, 'driftwatch_self_alerts_total', { condition: 'memory', outcome: 'throttled' })).toBe(1)
      expect(
        value(m, 'driftwatch_self_alerts_total', { condition: 'event-loop-stall', outcome: 'sent' }),
      ).toBe(1)
      expect(value(m, 'driftwatch_event_loop_lag_seconds', { quantile: '0.99' })).toBe(0.001)
      expect(value(m, 'driftwatch_event_loop_lag_seconds', { quantile: '1' })).toBe(0.005)
    } finally {
      await rx.close()
    }
  })
})
