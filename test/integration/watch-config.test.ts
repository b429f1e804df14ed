// Configuration as code end to end, as one real process from an empty data folder and a driftwatch.yml (the SCAP
// datastream named in the file, beside it, pinned to its SHA-256): `apply --dry-run` prints the plan and stores
// nothing; `watch --config driftwatch.yml` imports the content and sets up the vault, credentials, a PostgreSQL, a MariaDB, an SSH host (its host key pinned by
// the file), a GitHub organisation (the GitHub test server), a rule pack, a tailoring, a signed webhook and
// their schedules from the file, and scans every one. Then a real drift (ALTER SYSTEM) and a SIGHUP with the
// file edited to add a schedule: the same process (no restart) adds it, scans, and the receiver gets one
// signed webhook, /metrics counts the scans per kind, the regression, the alert, and (after the fix) MTTD and
// MTTR; `driftwatch drift list --json` lists it. A SIGHUP with a broken file is logged and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import pg from 'pg'
import { openDatabase } from '../../src-main/core/store/db'
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
import { ALL_SCOPES, hardenedRepo, startGithubServer } from '../services/github-server'
import { BIN, ensureBuilt, runCli } from '../helpers/cli'
import { laneStoreEnv } from '../helpers/store-lane'
import { useTmpDirs } from '../helpers/tmp-dir'
import { signatureValid, startReceiver, type Receiver } from '../helpers/receiver'
import { parseExposition, value } from '../helpers/prometheus'

const PASS = 'watch-config passphrase 52'
const KEY = 'config-hmac-key-4d1e'
const GH_TOKEN = 'gh-config-token-1'
const RULE = 'pg-log-connections'
const tmp = useTmpDirs('all')
let pgs: PgService
let maria: MariadbService
let sshd: SshdService
let github: Awaited<ReturnType<typeof startGithubServer>>
let rx: Receiver
let contentSha: string
let contentFile: string
let contentProfiles: number
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
content:
  - name: debian11
    file: ${basename(contentFile)}
    sha256: ${contentSha}
credentials:
  - name: pg-admin
    kind: db-password
    username: ${pgs.user}
    secret:
      password: \${PG_PASSWORD}
  - { name: maria, kind: db-password, secret: { password: { env: MARIA_PASSWORD } } }
  - { name: gh, kind: github-token, secret: { token: { env: GH_TOKEN } } }
  - { name: root-key, kind: ssh-key, secret: { privateKey: { file: ${sshd.privateKeyPath} } } }
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
  - { name: shop-db, kind: mysql, host: ${maria.host}, port: ${maria.port}, user: ${maria.user}, tls: disable, credentialId: maria, policy: { pack: mysql-cis } }
  - name: web-1
    kind: ssh
    host: ${sshd.host}
    port: ${sshd.port}
    user: root
    credentialId: root-key
    hostKey: ${sshd.hostPublicKey}
    policy: { tailoring: linux-standard }
  - { name: acme, kind: github, org: acme, apiBaseUrl: "${github.url}", credentialId: gh }
policies:
  - name: linux-standard
    content: debian11
    profile: xccdf_org.ssgproject.content_profile_standard
schedules:
  - target: billing-pg
    every: 1d
  - { target: shop-db, every: 1d }
  - { target: web-1, every: 1d }
  - { target: acme, every: 1d }
${extraSchedule}alerts:
  - name: soc
    kind: webhook
    url: ${rx.url}/hook
    secret: \${HOOK_KEY}
`

const DAILY = '  - target: billing-pg\n    daily: ["03:00"]\n'

const env0 = (): NodeJS.ProcessEnv => ({
  DRIFTWATCH_VAULT_PASSPHRASE: PASS,
  PG_PASSWORD: pgs.password,
  MARIA_PASSWORD: maria.password,
  GH_TOKEN,
  HOOK_KEY: KEY,
})

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
  env: NodeJS.ProcessEnv = env0(),
  extra: string[] = [],
): Daemon {
  const args = ['watch', '--config', where.file, '--data-dir', where.dataDir, ...extra]
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...laneStoreEnv(args), ...env },
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
        db
          .prepare(
            'SELECT t.kind, s.state FROM scans s JOIN targets t ON t.id = s.target_id ORDER BY t.kind, s.started_at',
          )
          .all() as { kind: string; state: string }[]
      ).map((s) => `${s.kind} ${s.state}`),
      regressions: db
        .prepare(`SELECT rule_id, from_status, to_status FROM drift_events WHERE type = 'regression'`)
        .all(),
      pins: db.prepare('SELECT host, port, fingerprint FROM known_hosts').all(),
      content: db.prepare('SELECT sha256 FROM content').all(),
    }
  } finally {
    db.close()
  }
}

/** MTTD and MTTR of the one regression, straight from the rows (the README's definitions). */
function kpiRows() {
  const db = openDatabase(join(dataDir, 'driftwatch.db'))
  try {
    const ms = (sql: string) => (db.prepare(sql).get() as { v: number } | undefined)?.v ?? NaN
    const reg = `(SELECT e.at FROM drift_events e WHERE e.type = 'regression')`
    return {
      mttd: ms(
        `SELECT (julianday(e.at) - julianday(p.finished_at)) * 86400000 AS v FROM drift_events e
         JOIN scans p ON p.id = e.prev_scan_id WHERE e.type = 'regression'`,
      ),
      mttr: ms(
        `SELECT (julianday(e.at) - julianday(${reg})) * 86400000 AS v FROM drift_events e
         WHERE e.type = 'fixed' AND e.rule_id = '${RULE}'`,
      ),
    }
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  ensureBuilt()
  dir = tmp.make('dw-watch-config-')
  dataDir = join(dir, 'data')
  file = join(dir, 'driftwatch.yml')
  // The datastream is written beside the file (widened while the servers start); the data folder stays empty.
  const content = widenedDebian11Datastream(dir).then((datastream) => {
    contentFile = datastream
    const raw = readFileSync(datastream)
    // Its profiles counted in the raw XML, independently of the reader the plan uses.
    contentProfiles = raw.toString('utf8').split('<xccdf-1.2:Profile ').length - 1
    return createHash('sha256').update(raw).digest('hex')
  })
  ;[pgs, maria, sshd, github, rx, contentSha] = await Promise.all([
    startPostgres({ name: 'watchcfg' }),
    startMariadb({ name: 'watchcfg' }),
    startSshd({ name: 'watchcfg' }),
    startGithubServer({
      orgs: [{ login: 'acme' }],
      repos: [hardenedRepo('acme/hardened'), { fullName: 'acme/bare' }],
      tokens: { [GH_TOKEN]: ALL_SCOPES },
    }),
    startReceiver(),
    content,
  ])
  await setLogConnections('on')
  writeFileSync(file, config())
}, 180_000)

afterAll(async () => {
  await Promise.all([rx?.close(), github?.close()])
  await stopAll()
})

describe('watch --config: PostgreSQL, MariaDB, an SSH host, GitHub and a webhook in one process', () => {
  it('apply --dry-run prints the plan and stores nothing', async () => {
    expect(existsSync(dataDir)).toBe(false)
    const r = await runCli(['apply', '-f', file, '--dry-run', '--data-dir', dataDir], { env: env0() })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      [
        `Plan for ${file}:`,
        `  + content debian11 (${basename(contentFile)}, sha256 ${contentSha.slice(0, 12)}…, ${contentProfiles} profiles)`,
        '  + credential pg-admin (db-password)',
        '  + credential maria (db-password)',
        '  + credential gh (github-token)',
        '  + credential root-key (ssh-key)',
        '  + target billing-pg (postgres)',
        '  + target shop-db (mysql)',
        '  + target web-1 (ssh)',
        '  + target acme (github)',
        `  + host key web-1 (${sshd.host}:${sshd.port} ssh-ed25519 ${sshd.hostKeyFingerprintSha256})`,
        '  + policy linux-standard (tailoring of xccdf_org.ssgproject.content_profile_standard)',
        '  ~ policy billing-pg rule pack (none → postgres-cis)',
        '  ~ policy shop-db rule pack (none → mysql-cis)',
        '  + alert channel soc (webhook)',
        '  + schedule billing-pg every 1d',
        '  + schedule shop-db every 1d',
        '  + schedule web-1 every 1d',
        '  + schedule acme every 1d',
        '16 to add, 2 to change, 0 to remove, 0 unchanged.',
        'Dry run: nothing applied.',
        '',
      ].join('\n'),
    )
    expect(facts()).toMatchObject({ schedules: [], scans: [], pins: [], content: [] })
  }, 60_000)

  it('applies the file and scans every kind; a drift sends a signed webhook and counts in /metrics; SIGHUP adds a schedule without a restart; MTTD and MTTR follow the fix', async () => {
    const w = startWatch(undefined, undefined, ['--metrics', '127.0.0.1:0'])
    const metricsAt = String((await w.waitLog((l) => l.msg === 'metrics listening')).metrics)
    const applied = await w.waitLog((l) => l.msg === 'config applied')
    expect(String(applied.plan)).toContain(
      `+ host key web-1 (${sshd.host}:${sshd.port} ssh-ed25519 ${sshd.hostKeyFingerprintSha256})`,
    )
    // Four schedules, four scans done: the SSH host too, with no one to confirm its key (the file pinned it).
    await expect
      .poll(() => w.logs.filter((l) => l.msg === 'scan finished' && l.state === 'done').length, {
        timeout: 120_000,
        interval: 100,
      })
      .toBe(4)
    expect(facts()).toMatchObject({
      schedules: [{ kind: 'interval' }, { kind: 'interval' }, { kind: 'interval' }, { kind: 'interval' }],
      scans: ['github done', 'mysql done', 'postgres done', 'ssh done'],
      regressions: [],
      pins: [{ host: sshd.host, port: sshd.port, fingerprint: sshd.hostKeyFingerprintSha256 }],
    })
    expect(rx.received).toEqual([])

    // Someone turns connection logging off; the file gains a schedule; the running watch is told.
    await setLogConnections('off')
    writeFileSync(file, config(DAILY))
    const mark = w.logs.length
    w.child.kill('SIGHUP')
    const reloaded = await w.waitLog((l) => l.msg === 'config reloaded', mark)
    expect(reloaded.changes).toBe(1)
    expect(String(reloaded.plan)).toContain('+ schedule billing-pg daily at 03:00')
    // The content is already there: named as kept, not imported again.
    expect(String(reloaded.plan)).toContain(
      `= content debian11 (${basename(contentFile)}, sha256 ${contentSha.slice(0, 12)}…, imported)`,
    )
    expect(facts().content).toEqual([{ sha256: contentSha }])
    // The new schedule's first run is due now: it scans, finds the regression, and the webhook goes out.
    await w.waitLog((l) => l.msg === 'drift detected', mark)
    await w.waitLog((l) => l.msg === 'alert sent', mark)
    expect(facts()).toMatchObject({
      schedules: [{}, {}, {}, {}, { kind: 'daily', daily_times: '["03:00"]' }],
      regressions: [{ rule_id: RULE, from_status: 'pass', to_status: 'fail' }],
    })
    expect(rx.received).toHaveLength(1)
    expect(signatureValid(KEY, rx.received[0]!)).toBe(true)
    expect(signatureValid('another key', rx.received[0]!)).toBe(false)
    expect(JSON.parse(rx.received[0]!.body)).toMatchObject({ target: { name: 'billing-pg' } })

    // Fixed again, and one more schedule in the file (due at once, SIGHUP again): a fix, so an MTTR.
    await setLogConnections('on')
    writeFileSync(file, config(`${DAILY}  - target: billing-pg\n    every: 2d\n`))
    const mark2 = w.logs.length
    w.child.kill('SIGHUP')
    expect((await w.waitLog((l) => l.msg === 'config reloaded', mark2)).changes).toBe(1)
    await w.waitLog((l) => l.msg === 'scan finished' && l.state === 'done', mark2)

    // The daemon's figures, scraped while it runs and read strictly as the exposition format.
    const m = parseExposition(await (await fetch(metricsAt)).text())
    for (const [kind, n] of [
      ['postgres', 3],
      ['mysql', 1],
      ['ssh', 1],
      ['github', 1],
    ] as const)
      expect(value(m, 'driftwatch_scans_total', { kind, outcome: 'done' }), kind).toBe(n)
    expect(value(m, 'driftwatch_drift_events_total', { type: 'regression' })).toBe(1)
    expect(value(m, 'driftwatch_drift_events_total', { type: 'fixed' })).toBe(1)
    expect(value(m, 'driftwatch_alert_messages_total', { outcome: 'sent' })).toBe(1)
    expect(value(m, 'driftwatch_rules', { target: 'web-1', kind: 'ssh', status: 'pass' })).toBeGreaterThan(0)
    const k = kpiRows()
    expect(m.get('driftwatch_mttd_seconds')?.type).toBe('gauge')
    expect(value(m, 'driftwatch_mttd_seconds', { target: 'billing-pg', kind: 'postgres' })).toBe(
      Math.round(k.mttd / 1000),
    )
    expect(value(m, 'driftwatch_mttd_overall_seconds')).toBe(Math.round(k.mttd / 1000))
    expect(value(m, 'driftwatch_mttr_seconds', { target: 'billing-pg', kind: 'postgres' })).toBe(
      Math.round(k.mttr / 1000),
    )
    expect(value(m, 'driftwatch_mttr_overall_seconds')).toBe(Math.round(k.mttr / 1000))
    expect(value(m, 'driftwatch_regressions_open')).toBe(0)
    // Targets with no regression have no mean to show.
    expect(value(m, 'driftwatch_mttd_seconds', { target: 'web-1' })).toBeUndefined()

    // A broken edit: refused whole, logged, and the watch keeps its setup.
    const broken = config(`${DAILY}  - target: billing-pg\n    every: 0m\n`)
    writeFileSync(file, broken)
    const line = broken.split('\n').indexOf('    every: 0m') + 1
    const mark3 = w.logs.length
    w.child.kill('SIGHUP')
    const refused = await w.waitLog(
      (l) => l.msg === 'config not reloaded: the watch keeps its current setup',
      mark3,
    )
    expect(String(refused.error)).toContain(`${file}:${line}: schedules[5].every: This schedule never fires`)
    expect(facts().schedules).toHaveLength(6)

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
  }, 240_000)
})
