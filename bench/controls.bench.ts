// The Controls page's query at estate scale: 100 targets × 1,500 rules mapped to NIST 800-53 controls, a scan a
// day for 365 days (scan rows for every day; results for the last RESULT_DAYS days, 2 unless
// CONTROLS_BENCH_RESULT_DAYS says more — the query reads current status, never the history), answered through
// the contract (validation, catalog, status per control, families, matrix) beside the bare SQL join it runs.
import { it } from 'vitest'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, DB_FILE } from '../src-main/core/app'
import { nistCatalog } from '../src-main/core/controls/catalog'
import type { Res } from '../src-preload/contract'
import { report, time } from './report'

const TARGETS = 100
const RULES = 1_500
const DAYS = 365
const RESULT_DAYS = Number(process.env.CONTROLS_BENCH_RESULT_DAYS ?? 2)
const STATUSES = ['pass', 'pass', 'pass', 'fail', 'notapplicable'] as const

it(`controls: ${TARGETS} targets × ${RULES} rules × ${DAYS} days`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-controls-'))
  const dataDir = join(dir, 'core')
  let core = createCore({ dataDir, face: 'cli' })
  const targetIds: string[] = []
  for (let i = 0; i < TARGETS; i++) {
    const env = await core.invoke('targets.create', {
      target: { kind: 'ssh', name: `host-${i}`, host: `10.1.0.${i}`, user: 'auditor' },
    })
    if (!env.ok) throw new Error(env.error.message)
    targetIds.push((env.data as Res<'targets.create'>).id)
  }
  core.close()

  // History written straight into the store's file, as a year of daily scans would have left it.
  const db = new Database(join(dataDir, DB_FILE))
  db.pragma('journal_mode = WAL')
  const controls = nistCatalog().controls.map((c) => c.id)
  const ruleId = (r: number) => `xccdf_org.bench_rule_${r}`
  const fill = db.transaction(() => {
    const map = db.prepare(
      `INSERT OR IGNORE INTO rule_controls (source, rule_id, framework, control_id, family, label)
       VALUES ('content:bench', ?, 'nist-800-53', ?, ?, '')`,
    )
    for (let r = 0; r < RULES; r++)
      for (let k = 0; k < 1 + (r % 3); k++) {
        const c = controls[(r * 7 + k * 131) % controls.length]!
        map.run(ruleId(r), c, c.slice(0, 2))
      }
    db.prepare(
      `INSERT INTO control_sources (source, digest, mapped_at) VALUES ('content:bench', 'bench', '2030-01-01')`,
    ).run()
    const scan = db.prepare(
      `INSERT INTO scans (id, target_id, trigger, state, profile_id, started_at, finished_at, counts)
       VALUES (?, ?, 'schedule', 'done', 'bench', ?, ?, '{}')`,
    )
    const result = db.prepare(
      `INSERT INTO results (scan_id, rule_id, status, severity, title, actual, expected)
       VALUES (?, ?, ?, 'medium', ?, '', '')`,
    )
    const current = db.prepare(
      `INSERT INTO current_status (target_id, rule_id, status, actual, scan_id, since) VALUES (?, ?, ?, '', ?, ?)`,
    )
    for (let t = 0; t < TARGETS; t++)
      for (let d = 0; d < DAYS; d++) {
        const id = `s-${t}-${d}`
        const at = new Date(Date.UTC(2030, 0, 1) + d * 86_400_000).toISOString()
        scan.run(id, targetIds[t], at, at)
        if (d < DAYS - RESULT_DAYS) continue
        for (let r = 0; r < RULES; r++) {
          const status = STATUSES[(r + t + (d === DAYS - 1 ? 0 : d)) % STATUSES.length]!
          result.run(id, ruleId(r), status, `Rule ${r}`)
          if (d === DAYS - 1) current.run(targetIds[t], ruleId(r), status, id, at)
        }
      }
  })
  fill()
  const counts = db
    .prepare('SELECT (SELECT count(*) FROM scans) AS scans, (SELECT count(*) FROM results) AS results')
    .get() as { scans: number; results: number }
  db.close()
  console.log(`store: ${counts.scans} scans, ${counts.results} results, ${TARGETS * RULES} current statuses`)

  core = createCore({ dataDir, face: 'cli' })
  const ask = async () => {
    const env = await core.invoke('controls.status', { framework: 'nist-800-53', baseline: 'moderate' })
    if (!env.ok) throw new Error(env.error.message)
    return env.data as Res<'controls.status'>
  }
  const first = await time(ask)
  const runs: number[] = []
  for (let i = 0; i < 5; i++) runs.push(await time(ask))
  const answer = await ask()
  core.close()

  const raw = new Database(join(dataDir, DB_FILE), { readonly: true })
  const bare = raw.prepare(
    `SELECT cs.target_id, m.control_id, sum(cs.status = 'pass'), sum(cs.status = 'fail'), count(*)
     FROM current_status cs JOIN rule_controls m ON m.rule_id = cs.rule_id AND m.framework = 'nist-800-53'
     GROUP BY cs.target_id, m.control_id`,
  )
  const bareRuns: number[] = []
  for (let i = 0; i < 5; i++) bareRuns.push(await time(() => bare.all()))
  raw.close()
  rmSync(dir, { recursive: true, force: true })

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const t = answer.totals
  console.log(
    `answer: ${answer.controls.length} MODERATE controls, ${t.satisfied} satisfied, ${t['not-satisfied']} not satisfied, ${t.partly} partly, ${t['not-assessed']} not assessed; ${answer.matrix.length} matrix cells`,
  )
  report('controls', [
    {
      figure: `controls.status (MODERATE, all ${TARGETS} targets) again, no scan since: median of 5`,
      ms: median(runs),
      baselineMs: median(bareRuns),
      baseline: 'bare SQL join of current_status and rule_controls, grouped by target and control',
    },
    {
      figure: 'first controls.status after start (maps the packs, counts every target: the query itself)',
      ms: first,
      baselineMs: median(bareRuns),
      baseline: 'same bare SQL',
    },
  ])
})
