// A synthetic store for report tests and benchmarks: targets made through the core, and finished scans with
// as many results and as much evidence as a case needs, committed by the real ScansRepo on the same SQLite file.
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { Core } from '../../src-main/core/app'
import { DB_FILE } from '../../src-main/core/app'
import { openDatabase } from '../../src-main/core/store/db'
import { sqliteSql } from '../../src-main/core/store/sql/sqlite'
import { ScansRepo } from '../../src-main/core/store/scans'
import type { RuleResult, RuleStatus } from '../../src-main/core/scanners/scanner'
import { call } from './core'

export interface SyntheticOptions {
  targets: number
  /** Rule results per scan; every `failEvery`-th fails (1 = all fail). */
  rules: number
  failEvery?: number
  /** Scans per target (older ones make the trend). */
  scans?: number
  /** Approximate size of each scan's evidence artefact. */
  evidenceBytes?: number
  start?: string
}

const SEVERITIES = ['high', 'medium', 'low', 'unknown']

export const syntheticRuleId = (i: number) =>
  `xccdf_org.example.content_rule_synthetic_${String(i).padStart(5, '0')}`

/** An ARF-shaped artefact holding a rule-result per rule, padded with varied text to the size asked for. */
function artefact(results: RuleResult[], size: number, seed: string): Buffer {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<!-- ${seed} -->\n<arf:asset-report-collection xmlns:arf="urn:x">\n`,
  ]
  for (const r of results)
    parts.push(
      `<rule-result idref="${r.ruleId}" severity="${r.severity}"><result>${r.status}</result>` +
        `<check system="http://oval.mitre.org/XMLSchema/oval-definitions-5"><check-content-ref name="oval:${r.ruleId}:def:1"/></check></rule-result>\n`,
    )
  let len = parts.reduce((a, p) => a + p.length, 0)
  let n = 0
  while (len < size) {
    // Hashes make the padding realistic to compress (like item ids and checksums in a real ARF), not all zeros.
    const line = `<item n="${n}" sha256="${createHash('sha256').update(`${seed}|${n}`).digest('hex')}">value ${n % 977}</item>\n`
    parts.push(line)
    len += line.length
    n++
  }
  parts.push('</arf:asset-report-collection>\n')
  return Buffer.from(parts.join(''))
}

export async function seedSyntheticStore(
  core: Core,
  opts: SyntheticOptions,
): Promise<{ targetIds: string[]; findings: number }> {
  const targetIds: string[] = []
  for (let t = 0; t < opts.targets; t++) {
    const kind = t % 2 === 0 ? 'local' : 'ssh'
    const target =
      kind === 'local'
        ? { kind: 'local' as const, name: `host-${String(t).padStart(3, '0')}`, groups: ['synthetic'] }
        : {
            kind: 'ssh' as const,
            name: `host-${String(t).padStart(3, '0')}`,
            host: `10.0.0.${t}`,
            user: 'audit',
            groups: ['synthetic'],
          }
    targetIds.push((await call(core, 'targets.create', { target })).id)
  }
  const db = openDatabase(join(core.dataDir, DB_FILE))
  const scans = new ScansRepo(sqliteSql(db))
  const start = Date.parse(opts.start ?? '2030-01-01T00:00:00.000Z')
  let findings = 0
  try {
    targetIds.forEach((targetId, t) => {
      const count = opts.scans ?? 1
      for (let s = 0; s < count; s++) {
        const at = new Date(start + (s * 86_400 + t * 60) * 1000).toISOString()
        const id = `scan-${t}-${s}`
        scans.begin({
          id,
          targetId,
          trigger: 'manual',
          profileId: 'xccdf_org.example.content_profile_synthetic',
          tailoringId: null,
          startedAt: at,
        })
        const results: RuleResult[] = Array.from({ length: opts.rules }, (_, i) => {
          // Later scans fix a few more rules, so the trend moves.
          const status: RuleStatus =
            i % (opts.failEvery ?? 3) === 0 && i >= s * 2 ? 'fail' : i % 11 === 5 ? 'notapplicable' : 'pass'
          return {
            ruleId: syntheticRuleId(i),
            status,
            severity: SEVERITIES[i % SEVERITIES.length]!,
            title: `Synthetic rule ${i}: setting ${i} is configured`,
            actual: status === 'fail' ? `setting_${i}=off` : '',
            expected: status === 'fail' ? `setting_${i}=on` : '',
            message: '',
            idents: [{ system: 'https://nvd.nist.gov/cce', id: `CCE-${10000 + i}-0` }],
          }
        })
        if (s === count - 1) findings += results.filter((r) => r.status === 'fail').length
        scans.commit(
          id,
          {
            results,
            evidence: [
              {
                mediaType: 'application/xml+arf',
                name: 'arf.xml',
                bytes: artefact(results, opts.evidenceBytes ?? 4096, id),
              },
            ],
            info: { content: '' },
          },
          new Date(Date.parse(at) + 90_000).toISOString(),
        )
      }
    })
  } finally {
    db.close()
  }
  return { targetIds, findings }
}
