// The CLI for everything the Watch and Drift pages do (issue 21), run as a person runs it against a real
// PostgreSQL 15 and a webhook receiver on 127.0.0.1: schedules (add, edit, run, remove; report exports writing a
// PDF and a bundle to a folder), drift list in JSON and CSV with its filters, the KPIs, alert channels (add with
// the secret from the environment, test, remove), alerts (list, ack), settings (get, set); global options before
// or after the command; --json answers and JSON errors; the documented exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createCore } from '../../src-main/core/app'
import { startPostgres, type PgService } from '../services/lib'
import { ensureBuilt, runCli, type CliResult } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'
import { signatureValid, startReceiver, type Receiver } from '../helpers/receiver'
import { setLogConnections } from '../helpers/pg-settings'
import { vaultWithPostgresTarget } from '../helpers/vault-target'
import { FLOOR_KDF } from '../helpers/vault-cost'

const PASS = 'cli-watch passphrase 7'
const KEY = 'cli-hmac-key-31f0'
const tmp = useTmpDirs('all')
let pgs: PgService
let rx: Receiver
let dir: string

const GW = 'gateway-secret-9c2e71'
const env = { DRIFTWATCH_VAULT_PASSPHRASE: PASS, HOOK_KEY: KEY, GW_KEY: GW }
/** `driftwatch --data-dir DIR --json ...args` (global options before the command). */
const before = (...args: string[]) => runCli(['--data-dir', dir, '--json', ...args], { env })
/** `driftwatch ...args --data-dir DIR --json` (after it). */
const after = (...args: string[]) => runCli([...args, '--data-dir', dir, '--json'], { env })
const ok = (r: CliResult) => {
  expect(r.stderr, r.stdout).not.toMatch(/"level":"error"/)
  expect(r.code, r.stderr + r.stdout).toBe(0)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON answer the test reads field by field
  return JSON.parse(r.stdout) as Record<string, any>
}
const failed = (r: CliResult, code: number) => {
  expect(r.code, r.stderr + r.stdout).toBe(code)
  return (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error
}

/** Adds a webhook channel with a Host header, which HTTP sets from the URL (refused, named by its flag). */
const hostHeaderChannel = () => [
  ...['alerts', 'channels', 'add', '--kind', 'webhook', '--name', 'y', '--url', rx.url],
  ...['--secret-env', 'HOOK_KEY', '--header', 'Host=evil.example'],
]
/** Removes a schedule or channel and checks the answer says so. */
const remove = async (...args: string[]) => expect(ok(await after(...args))).toEqual({ removed: true })

beforeAll(async () => {
  ensureBuilt()
  ;[pgs, rx] = await Promise.all([startPostgres({ name: 'cli-watch' }), startReceiver()])
  await setLogConnections(pgs, 'on')
  dir = join(tmp.make('dw-cli-watch-'), 'data')
  const core = createCore({ face: 'cli', dataDir: dir, unsafeKdfForTests: FLOOR_KDF })
  try {
    await vaultWithPostgresTarget(core, pgs, { passphrase: PASS, credentialName: 'pg' })
  } finally {
    core.close()
  }
}, 300_000)

afterAll(async () => {
  await rx?.close()
  await pgs?.stop()
})

describe('driftwatch schedules, drift, alerts and settings against PostgreSQL', () => {
  let scheduleId = ''

  it('adds, lists, edits and runs a scan schedule, global options before or after the command', async () => {
    const added = ok(await before('schedules', 'add', '--target', 'billing-pg', '--every', '60'))
    expect(added).toMatchObject({ kind: 'interval', intervalMinutes: 60, group: null, paused: false })
    scheduleId = added.id as string
    const listed = ok(await after('schedules', 'list'))
    expect(listed.schedules).toEqual([expect.objectContaining({ id: scheduleId, intervalMinutes: 60 })])
    expect(listed.reports).toEqual([])

    const edited = ok(await after('schedules', 'edit', scheduleId, '--daily', '02:30,14:00', '--priority'))
    expect(edited).toMatchObject({
      id: scheduleId,
      kind: 'daily',
      dailyTimes: ['02:30', '14:00'],
      priority: true,
    })

    // No process watches this folder: the command scans here and waits (the vault opened from the environment).
    const run = ok(await before('schedules', 'run', scheduleId))
    expect(run).toMatchObject({ ranBy: 'here', started: [{ name: 'billing-pg' }], skipped: [] })
    expect(run.finished).toEqual([expect.objectContaining({ state: 'done' })])
  }, 120_000)

  it('lists the drift a real change made, as JSON and CSV, with filters, and its KPIs', async () => {
    await setLogConnections(pgs, 'off')
    const run = ok(await after('schedules', 'run', scheduleId))
    expect(run.finished).toEqual([expect.objectContaining({ state: 'done' })])

    const all = ok(await after('drift', 'list', '--target', 'billing-pg'))
    const regressions = (all.events as { type: string; ruleId: string }[]).filter(
      (e) => e.type === 'regression',
    )
    expect(regressions).toEqual([
      expect.objectContaining({ ruleId: 'pg-log-connections', fromStatus: 'pass', toStatus: 'fail' }),
    ])
    const csv = await runCli(['drift', 'list', '--type', 'regression', '--csv', '--data-dir', dir])
    expect(csv.code).toBe(0)
    const lines = csv.stdout.trim().split('\n')
    expect(lines[0]).toBe('id,at,target,rule,type,severity,from,to,scan,previous_scan')
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/,billing-pg,pg-log-connections,regression,\w+,pass,fail,/),
    ])
    expect(ok(await before('drift', 'list', '--since', '2999-01-01')).events).toEqual([])

    const kpis = ok(await before('drift', 'kpis'))
    expect(kpis.overall).toMatchObject({ detections: 1, resolved: 0, open: 1, mttrSeconds: null })
    expect((kpis.overall as { mttdSeconds: number }).mttdSeconds).toBeGreaterThanOrEqual(0)
    const text = await runCli(['drift', 'kpis', '--data-dir', dir])
    expect(text.stdout).toMatch(/^Overall\s+MTTD \S+.*MTTR —\s+1 regressions, 0 resolved, 1 open$/m)
    expect(text.stdout).toMatch(/^billing-pg\s+MTTD/m)

    // Wrong usage: exit 64, and with --json the error is JSON on stdout.
    const bad = failed(await after('drift', 'list', '--type', 'bogus'), 64)
    expect(bad).toMatchObject({
      code: 'validation',
      message: expect.stringContaining('unknown drift type "bogus"'),
    })
    expect(failed(await after('drift', 'list', '--target', 'nope'), 1)).toMatchObject({ code: 'not_found' })
  }, 120_000)

  it('adds a webhook channel with its secret from the environment, tests it, acknowledges the alert', async () => {
    const ch = ok(
      await after(
        'alerts',
        'channels',
        'add',
        '--kind',
        'webhook',
        '--name',
        'SOC',
        '--url',
        `${rx.url}/hook`,
        '--secret-env',
        'HOOK_KEY',
        '--header',
        'X-Team=security',
        '--header-env',
        'X-Api-Key=GW_KEY',
        '--checks',
        'pg-*,branch-protection',
        '--exclude-checks',
        'pg-ssl',
        '--min-severity',
        'medium',
      ),
    )
    expect(ch).toMatchObject({
      kind: 'webhook',
      name: 'SOC',
      enabled: true,
      credentialId: expect.any(String),
      config: {
        headers: { 'X-Team': 'security', 'X-Api-Key': { vault: expect.any(String) } },
        checks: ['pg-*', 'branch-protection'],
        minSeverity: 'medium',
      },
    })
    expect(JSON.stringify(ch)).not.toContain(KEY)
    expect(JSON.stringify(ch)).not.toContain(GW)
    expect(ok(await before('alerts', 'channels', 'list')).channels).toEqual([
      expect.objectContaining({ name: 'SOC' }),
    ])
    // For people: each channel's headers (a secret one by name, never its value) and its filter.
    const listed = await runCli(['alerts', 'channels', 'list', '--data-dir', dir], { env })
    expect(listed.code, listed.stderr).toBe(0)
    const pad = ' '.repeat(String(ch.id).length + 2)
    expect(listed.stdout).toBe(
      `${String(ch.id)}  webhook      SOC                      enabled · secret in the vault\n` +
        `${pad}headers: X-Team: security, X-Api-Key (secret)\n` +
        `${pad}filters: checks pg-*, branch-protection · excludeChecks pg-ssl · minSeverity medium\n`,
    )
    expect(listed.stdout).not.toContain(GW)

    const sent = ok(await before('alerts', 'channels', 'test', 'SOC'))
    expect(sent).toMatchObject({ state: 'sent', test: true })
    const got = rx.received.at(-1)!
    expect(got.path).toBe('/hook')
    expect(signatureValid(KEY, got)).toBe(true)
    expect(got.headers).toMatchObject({ 'x-team': 'security', 'x-api-key': GW })

    const open = ok(await after('alerts', 'list', '--state', 'open')).alerts as {
      id: number
      ruleId: string
    }[]
    expect(open).toEqual([expect.objectContaining({ ruleId: 'pg-log-connections' })])
    expect(ok(await after('alerts', 'ack', String(open[0]!.id)))).toMatchObject({ state: 'acknowledged' })
    expect(failed(await after('alerts', 'ack', String(open[0]!.id)), 1)).toEqual({
      code: 'conflict',
      message: 'That alert is acknowledged already',
      issues: [],
    })
    expect(
      failed(
        await after('alerts', 'channels', 'add', '--kind', 'webhook', '--name', 'x', '--url', 'ftp://x'),
        1,
      ),
    ).toMatchObject({
      code: 'validation',
    })
    // A forbidden header is named by its flag.
    const host = await after(...hostHeaderChannel())
    const refusal = failed(host, 1) as { code: string; message: string; issues: unknown[] }
    expect(refusal).toMatchObject({
      code: 'validation',
      issues: [
        { path: 'config.headers.Host', message: 'The header Host cannot be set: HTTP sets it from the URL' },
      ],
    })
    // Without --json the message names the flag.
    const text = await runCli([...hostHeaderChannel(), '--data-dir', dir], { env })
    expect(text.code).toBe(1)
    expect(text.stderr).toContain('--header: The header Host cannot be set: HTTP sets it from the URL')
    await remove('alerts', 'channels', 'remove', 'SOC')
    expect(failed(await after('alerts', 'channels', 'test', 'SOC'), 1)).toMatchObject({ code: 'not_found' })
  }, 120_000)

  it('gets and sets the watch settings, refusing out-of-range values and unknown keys', async () => {
    const set = ok(await before('settings', 'set', 'concurrency=4', 'thresholds.major=7.5', 'perKind.ssh=2'))
    expect(set).toMatchObject({ concurrency: 4, thresholds: { major: 7.5 }, perKind: { ssh: 2 } })
    expect(ok(await after('settings', 'get', 'concurrency'))).toEqual({ concurrency: 4 })
    const all = ok(await after('settings', 'get'))
    expect(all).toMatchObject({ concurrency: 4, dataDir: dir, face: 'cli' })
    expect(failed(await after('settings', 'set', 'concurrency=99'), 1)).toMatchObject({
      code: 'validation',
      message: expect.stringContaining('At most 32 scans at a time'),
    })
    expect(failed(await after('settings', 'set', 'colour=red'), 64).message).toContain(
      'unknown setting "colour"',
    )
  })

  it('adds a weekly report export to a folder and runs it: a PDF and a signed bundle land there', async () => {
    const folder = join(tmp.make('dw-cli-reports-'), 'weekly')
    const added = ok(
      await before(
        'schedules',
        'add',
        '--report',
        'weekly',
        '--name',
        'Weekly audit',
        '--day',
        'mon',
        '--at',
        '07:15',
        '--folder',
        folder,
      ),
    )
    expect(added).toMatchObject({
      cadence: 'weekly',
      day: 1,
      time: '07:15',
      formats: ['pdf', 'bundle'],
      folder,
    })
    expect(ok(await after('schedules', 'list')).reports).toEqual([expect.objectContaining({ id: added.id })])
    const run = ok(await after('schedules', 'run', added.id as string))
    expect(run.lastError).toBe('')
    expect(readdirSync(folder).sort()).toEqual((run.lastFiles as string[]).slice().sort())
    expect(
      readdirSync(folder)
        .map((f) => f.slice(-4))
        .sort(),
    ).toEqual(['.pdf', '.zip'])
    const edited = ok(
      await after('schedules', 'edit', added.id as string, '--report', 'monthly', '--day', '3'),
    )
    expect(edited).toMatchObject({ cadence: 'monthly', day: 3, folder })
    expect(
      failed(await after('schedules', 'add', '--report', 'weekly', '--name', 'x', '--day', '9'), 1),
    ).toMatchObject({
      code: 'validation',
      message: expect.stringContaining('--day: Days of the week are 0 (Sunday) to 6 (Saturday), not 9'),
    })
    await remove('schedules', 'remove', added.id as string)
    await remove('schedules', 'remove', scheduleId)
    expect(failed(await after('schedules', 'remove', scheduleId), 1)).toMatchObject({ code: 'not_found' })
  }, 180_000)

  it('answers wrong usage with exit 64 and a JSON error, wherever --json is', async () => {
    expect(failed(await before('schedules', 'frobnicate'), 64).code).toBe('validation')
    expect(failed(await runCli(['--json', 'nosuch']), 64).message).toBe('unknown command "nosuch"')
    expect(failed(await after('schedules', 'list', '--colour'), 64).message).toContain(
      "Unknown option '--colour'",
    )
    const help = await runCli(['--help'])
    expect(help.stdout).toMatch(/schedules list\|add\|edit\|remove\|run/)
    expect(help.stdout).toContain('Exit codes: 0 success · 1 error')
    const watch = await runCli(['watch', '--help'])
    expect(watch.stdout).not.toContain('are set up on the Watch page')
    expect(watch.stdout).toContain('driftwatch schedules')
    // The existing scans command answers JSON with the global options first too.
    expect(ok(await before('scans', 'list', 'billing-pg')).scans).toHaveLength(2)
  }, 120_000)
})
