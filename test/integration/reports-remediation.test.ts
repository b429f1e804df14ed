// What the exports tell a client about each finding, from real scans: this computer with oscap and the
// widened Debian 11 datastream, and a stock PostgreSQL 15 with the postgres-cis pack. An OS finding's
// remediation is the benchmark's own fix (not its description); a database finding carries the pack's
// remediation, rationale and references in JSON, OSCAL, HDF, CSV and the PDF; references read by scheme.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import type { Res } from '../../src-preload/contract'
import { startPostgres, stopAll, widenedDebian11Datastream, type PgService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { exportReportTo, importContentFile } from '../helpers/files'
import { ensureBuilt, ROOT } from '../helpers/cli'
import { evidenceErrors, heimdallOpen, oscalErrors } from '../helpers/report-schemas'
import { CSV_COLUMNS } from '../../src-main/core/reports/csv'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const FIXABLE_RULES = ['coredump_disable_backtraces', 'coredump_disable_storage'].map(
  (r) => `xccdf_org.ssgproject.content_rule_${r}`,
)
const SHOTS = join(ROOT, 'test-results', 'screenshots')
const tmp = useTmpDirs('all')
let core: Core
let pgServer: PgService
let dir: string
let sha256: string
let laptopId: string
let dbId: string

type Result = {
  ruleId: string
  targetId: string
  status: string
  description: string
  remediation: string
  rationale: string
  references: { system: string; id: string }[]
  idents: { system: string; id: string }[]
}
const exported: Record<'json' | 'oscal' | 'hdf' | 'csv' | 'pdf', string> = {
  json: '',
  oscal: '',
  hdf: '',
  csv: '',
  pdf: '',
}

beforeAll(async () => {
  ensureBuilt()
  dir = tmp.make('dw-reports-fix-')
  const [ds, pgs] = await Promise.all([widenedDebian11Datastream(dir), startPostgres({ name: 'report-fix' })])
  pgServer = pgs
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'report remediation passphrase' })
  sha256 = (await importContentFile(core, ds)).sha256
  laptopId = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })).id
  const cred = await call(core, 'credentials.create', {
    credential: { kind: 'db-password', name: 'pg password', secret: { password: pgServer.password } },
  })
  dbId = (
    await call(core, 'targets.create', {
      target: {
        kind: 'postgres',
        name: 'orders-db',
        host: pgServer.host,
        port: pgServer.port,
        database: pgServer.database,
        user: pgServer.user,
        credentialId: cred.id,
        tls: 'disable',
        caFile: '',
      },
    })
  ).id
  // The standard profile fails only a rule without a fix here; systemd-coredump's two rules (shell fixes,
  // NIST references) fail on a stock Debian, container or not.
  const tailoring = await call(core, 'tailorings.save', {
    name: 'With core dumps',
    sha256,
    baseProfileId: PROFILE,
    changes: { selects: Object.fromEntries(FIXABLE_RULES.map((r) => [r, true])) },
    targets: [laptopId],
  })
  await call(core, 'scan.start', {
    targetId: laptopId,
    sha256,
    profileId: PROFILE,
    tailoringId: tailoring.id,
  })
  await call(core, 'scan.start', { targetId: dbId })
  await core.idle()
  for (const format of ['json', 'oscal', 'hdf', 'csv', 'pdf'] as const) {
    const scope = { engagement: { name: 'ACME remediation review' } }
    const res = await exportReportTo(core, { scope, format }, join(dir, `report.${format}`))
    exported[format] =
      format === 'pdf'
        ? execFileSync('pdftotext', ['-layout', res.path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ')
        : readFileSync(res.path, 'utf8')
  }
}, 600_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

/** RFC 4180 as csv.ts writes it, back into rows of cells (formula guard removed). */
type CsvRow = Record<(typeof CSV_COLUMNS)[number], string>
function parseCsv(text: string): CsvRow[] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  const [head, ...body] = rows
  expect(head).toEqual([...CSV_COLUMNS])
  return body.map(
    (r) =>
      Object.fromEntries(
        head!.map((h, i) => [h, /^'[=+\-@\t\r]/.test(r[i]!) ? r[i]!.slice(1) : r[i]!]),
      ) as CsvRow,
  )
}

const jsonResults = () => (JSON.parse(exported.json) as { results: Result[] }).results
type HdfControl = {
  id: string
  desc: string
  descriptions: { label: string; data: string }[]
  tags: { references: string[]; idents: string[] }
}
const hdfControl = (ruleId: string) =>
  (JSON.parse(exported.hdf) as { profiles: { controls: HdfControl[] }[] }).profiles[0]!.controls.find(
    (c) => c.id === ruleId,
  )!
const hdfText = (c: HdfControl, label: string) => c.descriptions.find((d) => d.label === label)?.data

describe('an OS finding: remediation is the benchmark fix', () => {
  let finding: Result
  let rule: Res<'content.rule'>
  let fix: string

  it('JSON carries the shell fix as remediation, the description beside it', async () => {
    expect(evidenceErrors(JSON.parse(exported.json))).toEqual([])
    const failed = jsonResults().filter((r) => r.targetId === laptopId && r.status === 'fail')
    expect(failed.length).toBeGreaterThan(0)
    for (const f of failed) {
      const r = await call(core, 'content.rule', { sha256, ruleId: f.ruleId })
      const bash = r.fixes.find((x) => x.system === 'bash')
      if (bash && r.references.some((x) => x.system === 'NIST-800-53')) {
        ;[finding, rule, fix] = [f, r, bash.text]
        break
      }
    }
    expect(finding, 'a failed rule with a shell fix and NIST references').toBeDefined()
    expect(finding.remediation).toBe(fix)
    expect(finding.remediation).not.toBe(rule.description)
    expect(finding.description).toBe(rule.description)
    expect(finding.rationale).toBe(rule.rationale)
  })

  it('CSV and HDF fix fields hold that fix, not the description', () => {
    const row = parseCsv(exported.csv).find((r) => r.rule_id === finding.ruleId && r.target === 'laptop')!
    expect(row.remediation).toBe(fix)
    expect(row.remediation).not.toBe(row.description)
    expect(row.description).toBe(rule.description)
    const c = hdfControl(finding.ruleId)
    expect(hdfText(c, 'fix')).toBe(fix)
    expect(c.desc).toBe(rule.description)
    expect(hdfText(c, 'rationale')).toBe(rule.rationale)
  })

  it('CSV and PDF name each reference with its scheme', () => {
    const row = parseCsv(exported.csv).find((r) => r.rule_id === finding.ruleId)!
    // Debian's SSG content carries no CCE identifiers; its references name NIST SP 800-53, PCI DSS, ANSSI, …
    const nist = rule.references.find((x) => x.system === 'NIST-800-53')!
    expect(row.references.split('; ')).toContain(`NIST SP 800-53: ${nist.id}`)
    expect(row.references).not.toMatch(/(^|; )NIST-800-53/)
    expect(exported.pdf).toContain(`NIST SP 800-53: ${nist.id}`)
    // Every reference of the finding is printed with its scheme.
    expect(exported.pdf).toMatch(/REFERENCES (NIST SP 800-53|PCI DSS|CIS|ANSSI|DISA|ISO|COBIT|NERC|HIPAA)/)
  })
})

describe('a database finding: remediation, rationale and references in every format', () => {
  let finding: Result
  let rule: Res<'rules.rule'>
  let refLabel: string

  it('JSON carries the pack rule as the app shows it', async () => {
    finding = jsonResults().find((r) => r.targetId === dbId && r.status === 'fail')!
    expect(finding, 'the stock server fails a postgres-cis rule').toBeDefined()
    rule = await call(core, 'rules.rule', { packId: 'postgres-cis', ruleId: finding.ruleId })
    expect(rule.remediation).not.toBe('')
    expect(rule.rationale).not.toBe('')
    expect(rule.references.length).toBeGreaterThan(0)
    expect(finding.remediation).toBe(rule.remediation)
    expect(finding.rationale).toBe(rule.rationale)
    expect(finding.references).toEqual(rule.references)
    expect(finding.description).toBe(rule.description)
    refLabel = `${rule.references[0]!.system}: ${rule.references[0]!.id}`
    expect(refLabel).toMatch(/^CIS PostgreSQL 15: \d/)
  })

  it("OSCAL (valid against NIST's schema) puts them on the finding", () => {
    const doc = JSON.parse(exported.oscal)
    expect(oscalErrors(doc)).toEqual([])
    const findings = doc['assessment-results'].results.flatMap(
      (r: { findings?: unknown[] }) => r.findings ?? [],
    ) as {
      target: { 'target-id': string }
      description: string
      remarks: string
      props: { name: string; value: string }[]
    }[]
    const f = findings.find((x) => x.target['target-id'] === finding.ruleId)!
    expect(f.description).toBe(rule.description)
    expect(f.remarks).toContain(`Remediation:\n${rule.remediation}`)
    expect(f.remarks).toContain(`Rationale: ${rule.rationale}`)
    expect(f.props.filter((p) => p.name === 'reference').map((p) => p.value)).toContain(refLabel)
  })

  it('HDF (read by inspecjs) has fix, rationale and references', () => {
    heimdallOpen(exported.hdf)
    const c = hdfControl(finding.ruleId)
    expect(hdfText(c, 'fix')).toBe(rule.remediation)
    expect(hdfText(c, 'rationale')).toBe(rule.rationale)
    expect(c.tags.references).toContain(refLabel)
  })

  it('CSV has remediation, rationale and scheme-labelled references columns', () => {
    const row = parseCsv(exported.csv).find((r) => r.rule_id === finding.ruleId && r.target === 'orders-db')!
    expect(row.remediation).toBe(rule.remediation)
    expect(row.rationale).toBe(rule.rationale)
    expect(row.references.split('; ')).toContain(refLabel)
  })

  it('the PDF prints them under the finding, and its findings page renders', () => {
    const flat = (s: string) => s.replace(/\s+/g, ' ')
    expect(exported.pdf).toContain(flat(rule.remediation))
    expect(exported.pdf).toContain(flat(rule.rationale))
    expect(exported.pdf).toContain(refLabel)
    // The section labels print in capitals (report.css).
    expect(exported.pdf).toContain(`REMEDIATION ${flat(rule.remediation)} RATIONALE ${flat(rule.rationale)}`)
    expect(exported.pdf).toContain(`REFERENCES ${refLabel}`)
    mkdirSync(SHOTS, { recursive: true })
    const pdf = join(dir, 'report.pdf')
    const page = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
      .split('\f')
      .findIndex((p) => p.includes(refLabel))
    expect(page).toBeGreaterThanOrEqual(0)
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '80',
      '-f',
      String(page + 1),
      '-l',
      String(page + 1),
      '-singlefile',
      pdf,
      join(SHOTS, 'report-findings-remediation'),
    ])
  })
})
