// What every export says an OS rule examined, from real scans: this computer scanned locally with a tailoring
// (a tightened password-age Value) and over SSH through a test sshd, and a stock MariaDB with mysql-cis. A failed
// rule's evidence names the file, the value found there (read from the file by this test) and the value
// expected, in the app, the PDF, HDF, OSCAL, CSV and JSON; no export carries raw XCCDF; remediation is the
// benchmark's own shell fix (read from the datastream here); database findings carry their pack's words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import {
  startMariadb,
  startSshd,
  stopAll,
  widenedDebian11Datastream,
  type MariadbService,
  type SshdService,
} from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { exportReportTo, importContentFile } from '../helpers/files'
import { ensureBuilt } from '../helpers/cli'
import { rootKeyTarget } from '../helpers/ssh-target'
import { evidenceErrors, heimdallOpen, oscalErrors } from '../helpers/report-schemas'

const P = 'xccdf_org.ssgproject.content_'
const PROFILE = `${P}profile_standard`
const RULE = `${P}rule_accounts_maximum_age_login_defs`
const VALUE = `${P}value_var_accounts_maximum_age_login_defs`
const SHOTS = '/tmp/shots-i18-evidence'
const tmp = useTmpDirs('all')
let core: Core
let sshd: SshdService
let maria: MariadbService
let ds: string
let dir: string
let ids: { laptop: string; web: string; db: string }
/** PASS_MAX_DAYS as /etc/login.defs on this computer sets it: what both scans must report finding. */
let maxDays: string
const out: Record<'json' | 'oscal' | 'hdf' | 'csv' | 'pdf', string> = {
  json: '',
  oscal: '',
  hdf: '',
  csv: '',
  pdf: '',
}
let pdfPath: string

beforeAll(async () => {
  ensureBuilt()
  dir = tmp.make('dw-reports-evidence-')
  mkdirSync(SHOTS, { recursive: true })
  maxDays = /^\s*PASS_MAX_DAYS\s+(\d+)/m.exec(readFileSync('/etc/login.defs', 'utf8'))?.[1] ?? ''
  expect(Number(maxDays), 'this computer allows passwords older than 45 days').toBeGreaterThan(45)
  ;[ds, sshd, maria] = await Promise.all([
    widenedDebian11Datastream(dir),
    startSshd({ name: 'evidence' }),
    startMariadb({ name: 'evidence' }),
  ])
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'report evidence passphrase' })
  const sha256 = (await importContentFile(core, ds)).sha256
  const laptop = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })).id
  const web = await rootKeyTarget(core, sshd, 'web-1')
  const cred = await call(core, 'credentials.create', {
    credential: { kind: 'db-password', name: 'maria password', secret: { password: maria.password } },
  })
  const db = (
    await call(core, 'targets.create', {
      target: {
        kind: 'mysql',
        name: 'shop-db',
        host: maria.host,
        port: maria.port,
        database: '',
        user: maria.user,
        credentialId: cred.id,
        tls: 'disable',
        caFile: '',
      },
    })
  ).id
  ids = { laptop, web, db }
  // The tailoring selects the rule and tightens its Value: the evidence's "expected" must follow it.
  const tailoring = await call(core, 'tailorings.save', {
    name: 'ACME Debian baseline 2026',
    sha256,
    baseProfileId: PROFILE,
    changes: { selects: { [RULE]: true }, setValues: { [VALUE]: '45' } },
    targets: [laptop, web],
  })
  await call(core, 'scan.start', { targetId: laptop, sha256, profileId: PROFILE, tailoringId: tailoring.id })
  await call(core, 'scan.start', {
    targetId: web,
    sha256,
    profileId: PROFILE,
    tailoringId: tailoring.id,
    trustHostKey: sshd.hostKeyFingerprintSha256,
  })
  await call(core, 'scan.start', { targetId: db })
  await core.idle()
  for (const format of ['json', 'oscal', 'hdf', 'csv', 'pdf'] as const) {
    const res = await exportReportTo(
      core,
      { scope: { engagement: { name: 'ACME evidence review' } }, format },
      join(dir, `report.${format}`),
    )
    if (format === 'pdf') pdfPath = res.path
    out[format] =
      format === 'pdf'
        ? execFileSync('pdftotext', ['-layout', res.path, '-'], { encoding: 'utf8' })
        : readFileSync(res.path, 'utf8')
  }
}, 600_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

const flat = (s: string) => s.replace(/\s+/g, ' ')
const sentence = () => `/etc/login.defs: PASS_MAX_DAYS ${maxDays}; expected ≤ 45`

describe('a failed OS rule says what it found, where, and what was expected', () => {
  it('in the app: the rule detail of both scans (local and SSH) carries it as data and words', async () => {
    for (const targetId of [ids.laptop, ids.web]) {
      const [scan] = (await call(core, 'scans.list', { targetId })).scans
      expect(scan?.state, targetId).toBe('done')
      const { results } = await call(core, 'scan.results', { scanId: scan!.id })
      const r = results.find((x) => x.ruleId === RULE)!
      expect(r.status).toBe('fail')
      expect(r.evidence[0]).toMatchObject({
        subject: '/etc/login.defs',
        setting: 'PASS_MAX_DAYS',
        found: [`PASS_MAX_DAYS ${maxDays}`],
        expected: '≤ 45',
        holds: false,
        text: sentence(),
      })
      // Passed rules say what they found too.
      expect(results.filter((x) => x.status === 'pass' && x.evidence.length > 0).length).toBeGreaterThan(10)
    }
  })

  it('in JSON (valid against its schema) and CSV', () => {
    const doc = JSON.parse(out.json)
    expect(evidenceErrors(doc)).toEqual([])
    const rows = doc.results.filter((r: { ruleId: string }) => r.ruleId === RULE)
    expect(rows).toHaveLength(2)
    for (const r of rows) expect(r.evidenceExcerpt).toBe(sentence())
    const line = out.csv.split('\r\n').find((l) => l.includes(RULE) && l.startsWith('laptop,'))!
    expect(line).toContain(sentence())
  })

  it('in HDF (read by inspecjs): code_desc and message', () => {
    heimdallOpen(out.hdf)
    const c = JSON.parse(out.hdf).profiles[0].controls.find((x: { id: string }) => x.id === RULE)
    expect(c.results).toHaveLength(2)
    for (const r of c.results) {
      expect(r.status).toBe('failed')
      expect(r.code_desc).toContain(sentence())
      expect(r.message).toContain(sentence())
    }
  })

  it("in OSCAL (valid against NIST's schema): the observation and its relevant evidence", () => {
    const doc = JSON.parse(out.oscal)
    expect(oscalErrors(doc)).toEqual([])
    const obs = doc['assessment-results'].results
      .flatMap((r: { observations?: unknown[] }) => r.observations ?? [])
      .filter((o: { props: { name: string; value: string }[] }) =>
        o.props.some((p) => p.name === 'rule-id' && p.value === RULE),
      ) as { description: string; 'relevant-evidence': { description: string }[] }[]
    expect(obs).toHaveLength(2)
    for (const o of obs) {
      expect(o.description).toContain(sentence())
      expect(o['relevant-evidence'][0]!.description).toContain(sentence())
    }
  })

  it('in the PDF, under the finding', () => {
    expect(flat(out.pdf)).toContain(flat(sentence()))
  })

  it('no export carries raw XCCDF or OVAL markup', () => {
    for (const [format, text] of Object.entries(out)) {
      expect(text, format).not.toContain('<rule-result')
      expect(text, format).not.toContain('check-content-ref')
      expect(text, format).not.toContain('oval:ssg-')
    }
  })
})

describe('remediation is the benchmark fix, not the description', () => {
  it("matches the datastream's shell fix read here, its Value placeholder read as the tailored value", () => {
    const xml = readFileSync(ds, 'utf8')
    const start = xml.indexOf(`id="${RULE}"`)
    const rule = xml.slice(start, xml.indexOf('</xccdf-1.2:Rule>', start))
    const fix =
      /<xccdf-1\.2:fix [^>]*system="urn:xccdf:fix:script:sh"[^>]*>([\s\S]*?)<\/xccdf-1\.2:fix>/.exec(
        rule,
      )![1]!
    const desc = /<xccdf-1\.2:description[^>]*>([\s\S]*?)<\/xccdf-1\.2:description>/.exec(rule)![1]!
    expect(fix).toContain(`<xccdf-1.2:sub idref="${VALUE}"`)
    // The tailoring set the Value to 45 (the scan's "expected ≤ 45" above says oscap ran with it).
    const expected = fix
      .replace(/<xccdf-1\.2:sub idref="([^"]+)"[^>]*\/>/g, (_, id: string) =>
        id === VALUE ? '45' : `[${id}]`,
      )
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
    const r = JSON.parse(out.json).results.find((x: { ruleId: string }) => x.ruleId === RULE)
    expect(r.remediation.trim()).toBe(expected.trim())
    expect(r.remediation).toContain("var_accounts_maximum_age_login_defs='45'")
    expect(r.remediation).not.toContain(`[${VALUE}]`)
    expect(r.remediation).toContain('PASS_MAX_DAYS')
    expect(flat(r.description)).not.toBe(flat(r.remediation))
    expect(flat(desc)).not.toContain('sed -i')
    // The description's "The profile requirement is …" names the value too.
    expect(r.description).toContain('The profile requirement is 45')
  })

  it('the PDF, CSV and HDF print the fix with the tailored value, never the placeholder', () => {
    for (const text of [out.pdf, out.csv, out.hdf]) {
      expect(flat(text)).toContain("var_accounts_maximum_age_login_defs='45'")
      expect(text.replace(/\s+/g, '')).not.toContain(`[${VALUE}]`)
    }
  })
})

describe('a MariaDB finding carries remediation, rationale and references in every format', () => {
  it('JSON, CSV, HDF, OSCAL and the PDF', async () => {
    const f = JSON.parse(out.json).results.find(
      (r: { targetId: string; status: string }) => r.targetId === ids.db && r.status === 'fail',
    )
    expect(f, 'a stock MariaDB fails a mysql-cis rule').toBeDefined()
    const rule = await call(core, 'rules.rule', { packId: 'mysql-cis', ruleId: f.ruleId })
    expect(rule.remediation).not.toBe('')
    expect(rule.rationale).not.toBe('')
    expect(f).toMatchObject({ remediation: rule.remediation, rationale: rule.rationale })
    const ref = `${rule.references[0]!.system}: ${rule.references[0]!.id}`
    const line = out.csv.split('\r\n').find((l) => l.includes(f.ruleId) && l.startsWith('shop-db,'))!
    for (const s of [rule.remediation, rule.rationale, ref])
      expect(flat(line)).toContain(flat(s).replace(/"/g, '""'))
    const c = JSON.parse(out.hdf).profiles[0].controls.find((x: { id: string }) => x.id === f.ruleId)
    expect(c.descriptions).toEqual(
      expect.arrayContaining([
        { label: 'fix', data: rule.remediation },
        { label: 'rationale', data: rule.rationale },
      ]),
    )
    expect(c.tags.references).toContain(ref)
    const oscal = JSON.parse(out.oscal)
    const finding = oscal['assessment-results'].results
      .flatMap((r: { findings?: unknown[] }) => r.findings ?? [])
      .find((x: { target: { 'target-id': string } }) => x.target['target-id'] === f.ruleId)
    expect(finding.remarks).toContain(rule.remediation)
    expect(finding.remarks).toContain(rule.rationale)
    expect(finding.props.map((p: { value: string }) => p.value)).toContain(ref)
    expect(flat(out.pdf)).toContain(flat(rule.rationale))
    expect(flat(out.pdf)).toContain(ref)
  })
})

describe('the findings page a client reads', () => {
  it('renders with the evidence sentence on it', () => {
    const pages = out.pdf.split('\f')
    const page = pages.findIndex((p) => flat(p).includes(flat(sentence())))
    expect(page).toBeGreaterThanOrEqual(0)
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '70',
      '-f',
      String(page + 1),
      '-l',
      String(page + 1),
      '-singlefile',
      pdfPath,
      join(SHOTS, 'findings-evidence'),
    ])
  })
})
