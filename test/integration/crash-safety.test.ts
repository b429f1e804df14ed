// Crash safety of the store: a child process commits large scans in a loop through the real ScansRepo and is
// killed with SIGKILL at random moments, 200 times. After that the SQLite file must pass integrity_check, hold
// no half-stored scan (a 'done' scan has all its results, current_status and drift point only at done scans,
// no other scan has results), and the next start marks the scans left running as interrupted.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { rolldown } from 'rolldown'
import { createCore, DB_FILE } from '../../src-main/core/app'
import { openDatabase } from '../../src-main/core/store/db'
import { call } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'

const KILLS = 200
const RULES = 2000
const tmp = useTmpDirs('all')
let dir: string
let childJs: string
const live = new Set<ChildProcess>()
// A test cut short by its timeout leaves no child committing in the background.
afterAll(() => {
  for (const child of live) child.kill('SIGKILL')
})

beforeAll(async () => {
  dir = tmp.make('dw-crash-')
  // Bundled once, better-sqlite3 left outside, so each of the 200 children starts in tens of milliseconds.
  childJs = join(dir, 'crash-child.cjs')
  const bundle = await rolldown({
    input: join(import.meta.dirname, '../helpers/crash-child.ts'),
    platform: 'node',
    external: ['better-sqlite3', /^node:/],
    logLevel: 'silent',
  })
  // CommonJS, so NODE_PATH finds better-sqlite3 in the project's node_modules from a temp dir.
  await bundle.write({ file: childJs, format: 'cjs' })
  await bundle.close()
})

/** Kills the child delayMs after it is ready, or, with afterCommit, delayMs after its first whole commit. */
function runAndKill(file: string, targetId: string, delayMs: number, afterCommit = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childJs, file, targetId, String(RULES)], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: join(import.meta.dirname, '../../node_modules') },
    })
    live.add(child)
    let err = ''
    let killedAt = 0
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    let out = ''
    let armed = false
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (armed || !out.includes(afterCommit ? 'committed\n' : 'ready\n')) return
      armed = true
      setTimeout(() => {
        killedAt = Date.now()
        child.kill('SIGKILL')
      }, delayMs)
    })
    child.on('exit', (code, signal) => {
      live.delete(child)
      if (signal === 'SIGKILL') resolve(killedAt)
      else reject(new Error(`child exited with ${code}: ${err}`))
    })
  })
}

it(`survives ${KILLS} kill -9 during scan commits with no half-stored scan`, async () => {
  const dataDir = join(dir, 'data')
  const setup = createCore({ face: 'cli', dataDir })
  const target = await call(setup, 'targets.create', { target: { kind: 'local', name: 'crash target' } })
  setup.close()
  const file = join(dataDir, DB_FILE)

  const t0 = performance.now()
  // A 2,000-rule commit with drift takes 50-100 ms on a quiet machine, so most kills (0-80 ms after the child
  // is ready) land before or inside its first commit. Every fourth child is killed 0-100 ms after its first
  // whole commit, however long that took on a busy machine, so that some kills land between or inside later
  // commits and some scans are whole.
  for (let i = 0; i < KILLS; i++)
    await runAndKill(file, target.id, Math.floor(Math.random() * (i % 4 === 0 ? 100 : 80)), i % 4 === 0)
  const ms = performance.now() - t0

  const db = openDatabase(file)
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    const states = Object.fromEntries(
      (
        db.prepare('SELECT state, count(*) AS n FROM scans GROUP BY state').all() as {
          state: string
          n: number
        }[]
      ).map((r) => [r.state, r.n]),
    )
    // Most kills land mid-scan (the child spends its time building and committing): those rows stay 'running'.
    expect(states.done ?? 0).toBeGreaterThan(0)
    expect(states.running ?? 0).toBeGreaterThan(KILLS / 4)
    // Every done scan is whole: all its results, counts that match them, its evidence.
    const partial = db
      .prepare(
        `SELECT s.id FROM scans s WHERE s.state = 'done' AND (
           (SELECT count(*) FROM results r WHERE r.scan_id = s.id) <> ? OR
           (SELECT sum(value) FROM json_each(s.counts)) <> ? OR
           s.evidence IS NULL OR NOT EXISTS (SELECT 1 FROM evidence e WHERE e.sha256 = s.evidence))`,
      )
      .all(RULES, RULES)
    expect(partial).toEqual([])
    // Nothing of an unfinished scan anywhere.
    const orphans = (sql: string) => (db.prepare(sql).get() as { n: number }).n
    expect(
      orphans(`SELECT count(*) AS n FROM results r JOIN scans s ON s.id = r.scan_id WHERE s.state <> 'done'`),
    ).toBe(0)
    expect(
      orphans(
        `SELECT count(*) AS n FROM current_status c JOIN scans s ON s.id = c.scan_id WHERE s.state <> 'done'`,
      ),
    ).toBe(0)
    expect(
      orphans(
        `SELECT count(*) AS n FROM drift_events d JOIN scans s ON s.id = d.scan_id WHERE s.state <> 'done'`,
      ),
    ).toBe(0)
    // current_status is the last done scan's view: it names the latest done scan for every non-error rule.
    const latest = db
      .prepare(`SELECT id FROM scans WHERE state = 'done' ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get() as { id: string }
    const mismatched = orphans(
      `SELECT count(*) AS n FROM results r JOIN current_status c ON c.target_id = '${target.id}' AND c.rule_id = r.rule_id
       WHERE r.scan_id = '${latest.id}' AND r.status NOT IN ('error') AND (c.scan_id <> r.scan_id OR c.status <> r.status)`,
    )
    expect(mismatched).toBe(0)
    // Every done scan after the first recorded its drift (random statuses always change some rules).
    expect(
      orphans(
        `SELECT count(*) AS n FROM scans s WHERE s.state = 'done' AND NOT EXISTS (SELECT 1 FROM drift_events d WHERE d.scan_id = s.id)`,
      ),
    ).toBeLessThanOrEqual(1)
    console.log(`${KILLS} kills in ${Math.round(ms)} ms; scans by state: ${JSON.stringify(states)}`)
  } finally {
    db.close()
  }

  // The next start marks every scan left running as interrupted, with a reason a person can read.
  const again = createCore({ face: 'cli', dataDir })
  try {
    const { scans } = await call(again, 'scans.list', { targetId: target.id })
    expect(scans.filter((s) => s.state === 'running')).toEqual([])
    const interrupted = scans.filter((s) => s.state === 'interrupted')
    expect(interrupted.length).toBeGreaterThan(0)
    expect(interrupted[0]!.error).toBe('Driftwatch stopped during this scan')
  } finally {
    again.close()
  }
}, 300_000)
