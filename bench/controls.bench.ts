// The Controls page's query at estate scale: 100 targets × 1,500 rules mapped to NIST 800-53 controls, a scan a
// day for 365 days (scan rows for every day; results for the last RESULT_DAYS days, 2 unless
// CONTROLS_BENCH_RESULT_DAYS says more — the query reads current status, never the history), answered through
// the contract (validation, catalog, status per control, families, matrix) beside the bare SQL join of current
// status and mappings that the stored per-target counts (target_control_counts, kept at scan commit) replace.
import { it } from 'vitest'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { createCore, DB_FILE, type Core } from '../src-main/core/app'
import { openDatabase } from '../src-main/core/store/db'
import { ControlsRepo } from '../src-main/core/store/controls'
import { sqliteSql } from '../src-main/core/store/sql/sqlite'
import { nistCatalog } from '../src-main/core/controls/catalog'
import type { Res } from '../src-preload/contract'
import { median, medianOf, pairLine, report, time, timeCpu } from './report'

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

  // What the store holds after a year of scans: the packs mapped (the first Controls call does it), and each
  // target's counts stored by its last scan commit (ScansRepo's onCommitted hook: ControlsRepo.recount).
  core = createCore({ dataDir, face: 'cli' })
  const frameworks = await core.invoke('controls.frameworks', {})
  if (!frameworks.ok) throw new Error(frameworks.error.message)
  core.close()
  const store = openDatabase(join(dataDir, DB_FILE))
  const repo = new ControlsRepo(sqliteSql(store))
  const recounts: number[] = []
  for (const id of targetIds) recounts.push(await time(() => repo.recount(id)))
  store.close()

  const ask = async (c: Core) => {
    const env = await c.invoke('controls.status', { framework: 'nist-800-53', baseline: 'moderate' })
    if (!env.ok) throw new Error(env.error.message)
    return env.data as Res<'controls.status'>
  }
  // Cold: the store freshly opened (SQLite's page cache empty) and the Controls code never run in this process,
  // as when an auditor starts Driftwatch and opens the page.
  core = createCore({ dataDir, face: 'cli' })
  const cold = await timeCpu(() => ask(core))
  const runs: { ms: number; cpuMs: number }[] = []
  for (let i = 0; i < 5; i++) runs.push(await timeCpu(() => ask(core)))
  const answer = await ask(core)
  core.close()

  // The mappings changed (a benchmark imported, a pack updated): every target's counts are made again, once.
  const touch = new Database(join(dataDir, DB_FILE))
  touch.prepare(`UPDATE control_sources SET digest = 'changed' WHERE source = 'content:bench'`).run()
  touch.close()
  core = createCore({ dataDir, face: 'cli' })
  const remap = await timeCpu(() => ask(core))
  core.close()

  const raw = new Database(join(dataDir, DB_FILE), { readonly: true })
  const bare = raw.prepare(
    `SELECT cs.target_id, m.control_id, sum(cs.status = 'pass'), sum(cs.status = 'fail'), count(*)
     FROM current_status cs JOIN rule_controls m ON m.rule_id = cs.rule_id AND m.framework = 'nist-800-53'
     GROUP BY cs.target_id, m.control_id`,
  )
  const bareCold = await timeCpu(() => bare.all())
  const bareRuns: { ms: number; cpuMs: number }[] = []
  for (let i = 0; i < 5; i++) bareRuns.push(await timeCpu(() => bare.all()))
  raw.close()
  rmSync(dir, { recursive: true, force: true })

  const bareWarm = medianOf(bareRuns)
  const t = answer.totals
  console.log(
    `answer: ${answer.controls.length} MODERATE controls, ${t.satisfied} satisfied, ${t['not-satisfied']} not satisfied, ${t.partly} partly, ${t['not-assessed']} not assessed; ${answer.matrix.length} matrix cells`,
  )
  console.log(`uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`)
  console.log(
    `added to each scan commit (recount one target, every framework): median ${median(recounts).toFixed(1)} ms`,
  )
  const BARE = 'bare SQL join of current_status and rule_controls, grouped by target and control'
  console.log(
    [
      pairLine(
        'controls.status cold (fresh store, first call in the process)',
        cold,
        `${BARE}, first run`,
        bareCold,
        1,
      ),
      pairLine(
        'controls.status again, no scan since (median of 5)',
        medianOf(runs),
        `${BARE}, median of 5`,
        bareWarm,
        1,
      ),
      pairLine(
        'controls.status after the mappings changed (recounts all 100 targets, once)',
        remap,
        BARE,
        bareWarm,
        3,
      ),
    ].join('\n'),
  )
  report('controls', [
    {
      figure: 'controls.status cold, store freshly opened (MODERATE, all 100 targets)',
      ms: cold.ms,
      baselineMs: bareCold.ms,
      baseline: `${BARE}, first run`,
    },
    {
      figure: 'controls.status again, no scan since: median of 5',
      ms: medianOf(runs).ms,
      baselineMs: bareWarm.ms,
      baseline: BARE,
    },
    {
      figure: 'controls.status after the mappings changed (recounts every target)',
      ms: remap.ms,
      baselineMs: bareWarm.ms,
      baseline: BARE,
    },
  ])
})
