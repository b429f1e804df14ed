// A scan's commit on SQLite: a realistic OS scan (355 rule results, each with its evidence checks, and an ARF
// artefact already gzipped as the scan room hands it over) stored by ScansRepo.commit — results, evidence,
// current status and drift in one transaction — beside the same rows written with bare better-sqlite3
// statements prepared once.
import { it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { openDatabase } from '../src-main/core/store/db'
import { sqliteSql } from '../src-main/core/store/sql/sqlite'
import { ScansRepo } from '../src-main/core/store/scans'
import type { RuleResult, ScanOutcome } from '../src-main/core/model/scan'
import { median, report, timeCpu } from './report'

const RULES = 355
const SCANS = 40

function outcome(n: number): ScanOutcome {
  const results: RuleResult[] = []
  for (let i = 0; i < RULES; i++) {
    // Every scan flips a few rules, so the commit records drift as a watch's does.
    const fail = (i + n) % 7 === 0
    results.push({
      ruleId: `xccdf_org.ssgproject.content_rule_synthetic_${String(i).padStart(4, '0')}`,
      status: fail ? 'fail' : 'pass',
      severity: ['high', 'medium', 'low'][i % 3]!,
      title: `Ensure synthetic setting ${i} is configured`,
      actual: fail ? `value ${i} found` : '',
      expected: `value ${i}`,
      message: '',
      idents: [{ system: 'https://ncp.nist.gov/cce', id: `CCE-${80000 + i}-1` }],
      evidence: [
        {
          subject: `/etc/synthetic/${i}.conf`,
          setting: `Setting${i}`,
          found: [`Setting${i} ${fail ? 'no' : 'yes'}`],
          foundCount: 1,
          missing: '',
          expected: 'yes',
          holds: !fail,
          text: `/etc/synthetic/${i}.conf: Setting${i} ${fail ? 'no' : 'yes'}; expected yes`,
        },
      ],
    })
  }
  const arf = Buffer.from(
    results
      .map((r) => `<rule-result idref="${r.ruleId}"><result>${r.status}</result></rule-result>\n`)
      .join('') + `<!-- scan ${n} -->`,
  )
  return { results, evidence: [{ mediaType: 'application/xml', name: 'arf.xml', bytes: arf }], info: {} }
}

it(`scan commit: ${SCANS} scans of ${RULES} results with evidence`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'))
  const db = openDatabase(join(dir, 'store.db'))
  const now = new Date().toISOString()
  db.prepare(
    `INSERT INTO targets (id, name, kind, host, settings, created_at, updated_at) VALUES ('t1', 'host', 'local', '', '{}', ?, ?)`,
  ).run(now, now)
  const scans = new ScansRepo(sqliteSql(db))
  const outcomes = Array.from({ length: SCANS }, (_, n) => outcome(n))
  const gz = outcomes.map((o) => o.evidence.map((e) => gzipSync(e.bytes)))
  const ours: { ms: number; cpuMs: number }[] = []
  for (let n = 0; n < SCANS; n++) {
    const at = new Date(Date.UTC(2030, 0, 1) + n * 60_000).toISOString()
    scans.begin({
      id: `s${n}`,
      targetId: 't1',
      trigger: 'schedule',
      profileId: 'p',
      tailoringId: null,
      startedAt: at,
    })
    ours.push(await timeCpu(() => scans.commit(`s${n}`, outcomes[n]!, at, gz[n])))
  }

  // The same rows with statements prepared once, in one transaction per scan.
  const ins = db.prepare(
    `INSERT INTO results (scan_id, rule_id, status, severity, title, actual, expected, message, idents, evidence_items)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const bare: { ms: number; cpuMs: number }[] = []
  for (let n = 0; n < SCANS; n++) {
    const at = new Date(Date.UTC(2031, 0, 1) + n * 60_000).toISOString()
    scans.begin({
      id: `b${n}`,
      targetId: 't1',
      trigger: 'schedule',
      profileId: 'p',
      tailoringId: null,
      startedAt: at,
    })
    bare.push(
      await timeCpu(() =>
        db.transaction(() => {
          for (const r of outcomes[n]!.results)
            ins.run(
              `b${n}`,
              r.ruleId,
              r.status,
              r.severity,
              r.title,
              r.actual,
              r.expected,
              r.message,
              JSON.stringify(r.idents),
              JSON.stringify(r.evidence),
            )
        })(),
      ),
    )
  }
  db.close()
  rmSync(dir, { recursive: true, force: true })
  // CPU time beside wall time: on a shared machine the wall figure carries other processes' load.
  report('scan-commit', [
    {
      figure: `ScansRepo.commit of ${RULES} results with evidence, wall (median of ${SCANS})`,
      ms: median(ours.map((t) => t.ms)),
      baselineMs: median(bare.map((t) => t.ms)),
      baseline: 'bare prepared INSERTs of the results only',
    },
    {
      figure: `ScansRepo.commit of ${RULES} results with evidence, CPU (median of ${SCANS})`,
      ms: median(ours.map((t) => t.cpuMs)),
      baselineMs: median(bare.map((t) => t.cpuMs)),
      baseline: 'bare prepared INSERTs of the results only',
    },
  ])
}, 300_000)
