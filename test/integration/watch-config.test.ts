// Configuration as code end to end, as real processes on an empty data folder: `apply --dry-run` prints the
// plan and stores nothing; `watch --config driftwatch.yml` sets up the vault, credential, PostgreSQL target, rule
// pack, webhook channel and schedule from the file and scans; a real drift (ALTER SYSTEM) then a SIGHUP with the
// file edited to add a schedule: the same process (no restart) adds it, scans, and the receiver gets one signed
// webhook, the daemon's /metrics counts it and `driftwatch drift list --json` lists it. A SIGHUP with a broken
// file is logged and changes nothing. Last, the same from a file
// naming PostgreSQL, MariaDB, an SSH host, the GitHub test server and the webhook receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase } from '../../src-main/core/store/db'
import { startMariadb, startPostgres, startSshd, stopAll, type PgService } from '../services/lib'
import { ALL_SCOPES, hardenedRepo, startGithubServer } from '../services/github-server'
import { BIN, ensureBuilt, runCli } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'
import { signatureValid, startReceiver, type Receiver } from '../helpers/receiver'

const PASS = 'watch-config passphrase 52'
const KEY = 'config-hmac-key-4d1e'
const RULE = 'pg-log-connections'
const tmp = useTmpDirs('all')
let pgs: PgService
let rx: Receiver
let dir: string
let dataDir: string
let file: string

const admin = async (sql: string[]) => {
  const c = new pg.Client({
    host: pgs.host,
    port: pgs.port,
    user: pgs.user,
    password: pgs.password,
    database: 'postgres',
  })
  await c.connect()
  try {
    for (const q of sql) await c.query(q)
  } finally {
    await c.end()
  }
}
const setLogConnections = (v: 'on' | 'off') =>
  admin([`ALTER SYSTEM SET log_connections = ${v}`, 'SELECT pg_reload_conf()'])

const config = (extraSchedule = '') => `version: 1
credentials:
  - name: pg-admin
    kind: db-password
    username: ${pgs.user}
    secret:
      password: \${PG_PASSWORD}
targets:
  - name: billing-pg
    kind: postgres
    host: ${pgs.host}
    port: ${pgs.port}
    user: ${pgs.user}
    tls: disable
    credentialId: pg-admin
    groups: [prod]
    policy: { pack: postgres-cis }
schedules:
  - target: billing-pg
    every: 1d
${extraSchedule}alerts:
  - name: soc
    kind: webhook
    url: ${rx.url}/hook
    secret: \${HOOK_KEY}
`

const ENV = { DRIFTWATCH_VAULT_PASSPHRASE: PASS, PG_PASSWORD: '', HOOK_KEY: KEY }

interface Daemon {
  child: ChildProcess
  logs: Record<string, unknown>[]
  waitLog(
    pred: (l: Record<string, unknown>) => boolean,
    after?: number,
    ms?: number,
  ): Promise<Record<string, unknown>>
  exited: Promise<number | null>
}

function startWatch(
  where = { file, dataDir },
  env: NodeJS.ProcessEnv = { ...ENV, PG_PASSWORD: pgs.password },
  extra: string[] = [],
): Daemon {
  const args = [BIN, 'watch', '--config', where.file, '--data-dir', where.dataDir, ...extra]
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Record<string, unknown>[] = []
  let buf = ''
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    buf += s
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        logs.push({ msg: line })
      }
    }
  })
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  return {
    child,
    logs,
    exited,
    async waitLog(pred, after = 0, ms = 60_000) {
      const until = Date.now() + ms
      for (;;) {
        const seen = logs.slice(after).find(pred)
        if (seen) return seen
        if (Date.now() > until)
          throw new Error(
            `no such log line within ${ms} ms:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`,
          )
        await new Promise((r) => setTimeout(r, 50))
      }
    },
  }
}

function facts(folder = dataDir) {
  const db = openDatabase(join(folder, 'driftwatch.db'))
  try {
    return {
      schedules: db.prepare('SELECT kind, daily_times FROM schedules ORDER BY created_at').all(),
      scans: (
        db.prepare('SELECT state FROM scans ORDER BY started_at, rowid').all() as { state: string }[]
      ).map((s) => s.state),
      regressions: db
        .prepare(`SELECT rule_id, from_status, to_status FROM drift_events WHERE type = 'regression'`)
        .all(),
    }
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  ensureBuilt()
  ;[pgs, rx] = await Promise.all([startPostgres({ name: 'watchcfg' }), startReceiver()])
  await setLogConnections('on')
  dir = tmp.make('dw-watch-config-')
  dataDir = join(dir, 'data')
  file = join(dir, 'driftwatch.yml')
  writeFileSync(file, config())
}, 180_000)

afterAll(async () => {
  await rx?.close()
  await stopAll()
})

describe('watch --config against PostgreSQL', () => {
  it('apply --dry-run prints the plan and stores nothing', async () => {
    const r = await runCli(['apply', '-f', file, '--dry-run', '--data-dir', dataDir], {
      env: { ...ENV, PG_PASSWORD: pgs.password },
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      [
        `Plan for ${file}:`,
        '  + credential pg-admin (db-password)',
        '  + target billing-pg (postgres)',
        '  ~ policy billing-pg rule pack (none → postgres-cis)',
        '  + alert channel soc (webhook)',
        '  + schedule billing-pg every 1d',
        '4 to add, 1 to change, 0 to remove, 0 unchanged.',
        'Dry run: nothing applied.',
        '',
      ].join('\n'),
    )
    expect(facts()).toMatchObject({ schedules: [], scans: [] })
  }, 60_000)

  it('applies the file, scans, and on SIGHUP adds a schedule without a restart; the drift sends a signed webhook, counts in /metrics and lists in drift list --json', async () => {
    const w = startWatch(undefined, undefined, ['--metrics', '127.0.0.1:0'])
    const metricsAt = String((await w.waitLog((l) => l.msg === 'metrics listening')).metrics)
    const applied = await w.waitLog((l) => l.msg === 'config applied')
    expect(applied.changes).toBe(5)
    await w.waitLog((l) => l.msg === 'scan finished' && l.state === 'done')
    expect(facts()).toMatchObject({ schedules: [{ kind: 'interval' }], scans: ['done'], regressions: [] })

    // Someone turns connection logging off; the file gains a schedule; the running watch is told.
    await setLogConnections('off')
    writeFileSync(file, config('  - target: billing-pg\n    daily: ["03:00"]\n'))
    const mark = w.logs.length
    w.child.kill('SIGHUP')
    const reloaded = await w.waitLog((l) => l.msg === 'config reloaded', mark)
    expect(reloaded.changes).toBe(1)
    expect(String(reloaded.plan)).toContain('+ schedule billing-pg daily at 03:00')
    // The new schedule's first run is due now: it scans, finds the regression, and the webhook goes out.
    await w.waitLog((l) => l.msg === 'drift detected', mark)
    await w.waitLog((l) => l.msg === 'alert sent', mark)
    expect(facts()).toMatchObject({
      schedules: [{ kind: 'interval' }, { kind: 'daily', daily_times: '["03:00"]' }],
      scans: ['done', 'done'],
      regressions: [{ rule_id: RULE, from_status: 'pass', to_status: 'fail' }],
    })
    expect(rx.received).toHaveLength(1)
    expect(signatureValid(KEY, rx.received[0]!)).toBe(true)
    expect(JSON.parse(rx.received[0]!.body)).toMatchObject({ target: { name: 'billing-pg' } })
    // The daemon's counters, scraped while it runs.
    const metrics = await (await fetch(metricsAt)).text()
    expect(metrics).toMatch(/^driftwatch_scans_total\{kind="postgres",outcome="done"\} 2$/m)
    expect(metrics).toMatch(/^driftwatch_drift_events_total\{type="regression"\} 1$/m)
    expect(metrics).toMatch(/^driftwatch_alert_messages_total\{outcome="sent"\} 1$/m)
    expect(metrics).toMatch(
      /^driftwatch_rules\{target="billing-pg",kind="postgres",status="fail"\} [1-9]\d*$/m,
    )

    // A broken edit: refused whole, logged, and the watch keeps its setup.
    writeFileSync(file, config('  - target: billing-pg\n    every: 0m\n'))
    const mark2 = w.logs.length
    w.child.kill('SIGHUP')
    const refused = await w.waitLog(
      (l) => l.msg === 'config not reloaded: the watch keeps its current setup',
      mark2,
    )
    expect(String(refused.error)).toContain(`${file}:22: schedules[1].every: This schedule never fires`)
    expect(facts().schedules).toHaveLength(2)

    expect(w.child.exitCode).toBeNull()
    w.child.kill('SIGTERM')
    expect(await w.exited).toBe(0)
    // The drift as a script reads it.
    const listed = await runCli(['drift', 'list', '--json', '--data-dir', dataDir])
    expect(listed.code).toBe(0)
    const events = (JSON.parse(listed.stdout) as { events: { type: string; ruleId: string }[] }).events
    expect(events.filter((e) => e.type === 'regression')).toEqual([
      expect.objectContaining({ ruleId: RULE, fromStatus: 'pass', toStatus: 'fail' }),
    ])
  }, 180_000)
})

describe('watch --config on an empty data folder with every kind of service', () => {
  it('sets up PostgreSQL, MariaDB, an SSH host, GitHub and a webhook from the file and scans them', async () => {
    const [maria, sshd, github] = await Promise.all([
      startMariadb({ name: 'watchcfg' }),
      startSshd({ name: 'watchcfg' }),
      startGithubServer({
        orgs: [{ login: 'acme' }],
        repos: [hardenedRepo('acme/hardened'), { fullName: 'acme/bare' }],
        tokens: { 'gh-config-token-1': ALL_SCOPES },
      }),
    ])
    try {
      const folder = tmp.make('dw-watch-fleet-')
      const fleetFile = join(folder, 'driftwatch.yml')
      writeFileSync(
        fleetFile,
        `credentials:
  - { name: pg, kind: db-password, secret: { password: { env: PG_PASSWORD } } }
  - { name: maria, kind: db-password, secret: { password: { env: MARIA_PASSWORD } } }
  - { name: gh, kind: github-token, secret: { token: { env: GH_TOKEN } } }
  - { name: root-key, kind: ssh-key, secret: { privateKey: { file: ${sshd.privateKeyPath} } } }
targets:
  - { name: billing-prod, kind: postgres, host: ${pgs.host}, port: ${pgs.port}, user: ${pgs.user}, tls: disable, credentialId: pg, policy: { pack: postgres-cis } }
  - { name: shop-prod, kind: mysql, host: ${maria.host}, port: ${maria.port}, user: ${maria.user}, tls: disable, credentialId: maria, policy: { pack: mysql-cis } }
  - { name: web-1, kind: ssh, host: ${sshd.host}, port: ${sshd.port}, user: root, credentialId: root-key, groups: [linux] }
  - { name: acme, kind: github, org: acme, apiBaseUrl: "${github.url}", credentialId: gh }
schedules:
  - { target: "*-prod", every: 1d }
  - { target: acme, every: 1d }
alerts:
  - { name: soc, kind: webhook, url: "${rx.url}/fleet", secret: { env: HOOK_KEY } }
watch:
  priority: ["*-prod"]
`,
      )
      const w = startWatch(
        { file: fleetFile, dataDir: join(folder, 'data') },
        {
          DRIFTWATCH_VAULT_PASSPHRASE: PASS,
          PG_PASSWORD: pgs.password,
          MARIA_PASSWORD: maria.password,
          GH_TOKEN: 'gh-config-token-1',
          HOOK_KEY: KEY,
        },
      )
      const applied = await w.waitLog((l) => l.msg === 'config applied')
      expect(String(applied.plan)).toContain('+ target web-1 (ssh)')
      // Three scheduled targets, three scans done (the SSH host is set up; it has no schedule here).
      await expect
        .poll(() => w.logs.filter((l) => l.msg === 'scan finished' && l.state === 'done').length, {
          timeout: 120_000,
        })
        .toBe(3)
      const f = facts(join(folder, 'data'))
      expect(f.schedules).toHaveLength(3)
      expect(f.scans).toEqual(['done', 'done', 'done'])
      w.child.kill('SIGTERM')
      expect(await w.exited).toBe(0)
    } finally {
      await github.close()
    }
  }, 300_000)
})
