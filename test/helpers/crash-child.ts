// Child process for the crash-safety test: opens the real store and commits large synthetic scans in a loop
// (ScansRepo.commit, which records drift too) until the parent kills it with SIGKILL at a random moment.
import { randomUUID } from 'node:crypto'
import { openDatabase } from '../../src-main/core/store/db'
import { sqliteSql } from '../../src-main/core/store/sql/sqlite'
import { ScansRepo } from '../../src-main/core/store/scans'
import type { RuleResult } from '../../src-main/core/scanners/scanner'

const [file, targetId, rulesArg] = process.argv.slice(2)
const RULES = Number(rulesArg ?? 2000)
const db = openDatabase(file!)
const scans = new ScansRepo(sqliteSql(db))
const statuses = ['pass', 'fail', 'error', 'notapplicable'] as const
// A child whose test runner is gone (a timed-out or killed test) stops instead of writing on for ever.
const parent = process.ppid
process.stdout.write('ready\n')
for (let n = 0; ; n++) {
  if (process.ppid !== parent) process.exit(0)
  const id = randomUUID()
  const at = new Date(Date.now() + n).toISOString()
  scans.begin({
    id,
    targetId: targetId!,
    trigger: 'schedule',
    profileId: 'crash',
    tailoringId: null,
    startedAt: at,
  })
  // Each scan flips a random share of rules, so every commit writes current_status and drift events.
  const results: RuleResult[] = Array.from({ length: RULES }, (_, i) => ({
    ruleId: `rule-${i}`,
    status: statuses[Math.floor(Math.random() * statuses.length)]!,
    severity: 'medium',
    title: `Rule ${i}`,
    actual: String(Math.random()),
    expected: 'x',
    message: '',
    idents: [],
  }))
  const evidence = Buffer.from(JSON.stringify(results))
  scans.commit(
    id,
    { results, evidence: [{ mediaType: 'application/json', name: 'e.json', bytes: evidence }], info: {} },
    at,
  )
  // The parent kills some children only after a whole commit, so that some kills land between commits.
  process.stdout.write('committed\n')
}
