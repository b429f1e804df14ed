// A rule a tailoring adds outside its profile, with real oscap on this computer: made through the contract
// (as the UI does) and imported with the CLI, it is evaluated, its Value is editable and reaches the ARF, and
// remediation of the tailored scan runs with the tailoring (contract and CLI), or says why it cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { ScansRepo } from '../../src-main/core/store/scans'
import { parseArf } from '../../src-main/core/scap/arf'
import { generateFix, RemediationError } from '../../src-main/core/scanners/ssh-oscap/remediation'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { openDataStore } from '../helpers/data-store'
import { importContentFile } from '../helpers/files'
import { runCli } from '../helpers/cli'

const SSG = 'xccdf_org.ssgproject.content_'
const ANSSI = `${SSG}profile_anssi_np_nt28_average`
const RULE = `${SSG}rule_accounts_password_minlen_login_defs`
const VALUE = `${SSG}value_var_accounts_password_minlen_login_defs`
// A second added rule: SSG's Debian 11 content has no shell fix for the one above, it has one for this.
const MAX_AGE = `${SSG}rule_accounts_maximum_age_login_defs`
const MAX_AGE_VALUE = `${SSG}value_var_accounts_maximum_age_login_defs`
const fixSets = (days: string) => new RegExp(`var_accounts_maximum_age_login_defs=['"]?${days}['"]?\\n`)
const tmp = useTmpDirs('all')
let dir: string
let dataDir: string
let ds: string
let core: Core
let sha256: string
let targetId: string

beforeAll(async () => {
  dir = tmp.make('dw-tailoring-added-')
  dataDir = join(dir, 'data')
  ds = await widenedDebian11Datastream(dir)
  core = createCore({ face: 'cli', dataDir })
  sha256 = (await importContentFile(core, ds)).sha256
  targetId = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop', groups: [] } }))
    .id
}, 60_000)

afterAll(() => core?.close())

async function scan(tailoringId?: string) {
  const { scanId } = await call(core, 'scan.start', { targetId, sha256, profileId: ANSSI, tailoringId })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

/** The TestResult of a stored scan's ARF evidence. */
async function arfOf(evidence: string | null) {
  const db = openDataStore(dataDir)
  try {
    const arf = new ScansRepo(db).evidence(evidence ?? '')
    if (!arf) throw new Error('the scan kept no ARF')
    return { bytes: arf.bytes, ...(await parseArf(arf.bytes)) }
  } finally {
    db.close()
  }
}

const evaluate = (profile: string, tailoringFile: string) => {
  const arf = join(dir, `eval-${Date.now()}.xml`)
  try {
    execFileSync(
      'oscap',
      ['xccdf', 'eval', '--profile', profile, '--tailoring-file', tailoringFile, '--results-arf', arf, ds],
      { stdio: 'ignore' },
    )
  } catch (err) {
    if ((err as { status?: number }).status !== 2) throw err
  }
  const xml = readFileSync(arf, 'utf8')
  return new RegExp(`<rule-result [^>]*idref="${RULE}"[\\s\\S]*?<result>(\\w+)</result>`).exec(xml)?.[1]
}

describe('a rule added by a tailoring', () => {
  let scanId = ''
  let tailoringId = ''

  it('lists its Value once the rule is ticked, saves a custom value, and scans the rule with it', async () => {
    const profile = await call(core, 'content.profile', { sha256, profileId: ANSSI })
    expect(profile.rules.find((r) => r.id === RULE)?.selectedInProfile).toBe(false)
    expect(profile.values.map((v) => v.id)).not.toContain(VALUE)
    const other = profile.otherValues.find((v) => v.id === VALUE)
    expect(other?.usedBy.map((r) => r.id)).toContain(RULE)
    expect(other?.profileValue).toBe('15')

    const baseline = await scan()
    expect(baseline.results.map((r) => r.ruleId)).not.toContain(RULE)

    const saved = await call(core, 'tailorings.save', {
      name: 'ANSSI with password length',
      sha256,
      baseProfileId: ANSSI,
      changes: {
        selects: { [RULE]: true, [MAX_AGE]: true },
        setValues: { [VALUE]: '17', [MAX_AGE_VALUE]: '45' },
        refineValues: {},
        refineRules: {},
      },
      targets: [],
      groups: [],
    })
    tailoringId = saved.id
    const tailored = await scan(tailoringId)
    scanId = tailored.scan.id
    expect(tailored.scan.state).toBe('done')
    const added = tailored.results.find((r) => r.ruleId === RULE)
    expect(added?.status).toMatch(/^(pass|fail)$/)
    // Only the added rules join: selecting their groups brings in no other rule.
    expect(tailored.results.map((r) => r.ruleId).sort()).toEqual(
      [...baseline.results.map((r) => r.ruleId), RULE, MAX_AGE].sort(),
    )
    const arf = await arfOf(tailored.scan.evidence)
    expect(arf.testResult.setValues[VALUE]).toBe('17')

    // The exported file, run by oscap itself, evaluates the rule too.
    const { xml } = await call(core, 'tailorings.export', { id: tailoringId })
    expect(xml).toMatch(/<xccdf:select idref="xccdf_org\.ssgproject\.content_group_[^"]+" selected="true"\/>/)
    const file = join(dir, 'exported.xml')
    writeFileSync(file, xml)
    expect(evaluate(saved.profileId, file)).toMatch(/^(pass|fail)$/)
  }, 120_000)

  it('remediates the tailored scan with its tailoring: the script carries the tailored Value', async () => {
    const { results } = await call(core, 'scan.results', { scanId })
    // Debian's login.defs says PASS_MAX_DAYS 99999, so the rule fails and gets a fix.
    expect(results.find((r) => r.ruleId === MAX_AGE)?.status).toBe('fail')
    const fix = await call(core, 'scan.remediation', { scanId, type: 'bash' })
    expect(fix.script).toMatch(fixSets('45'))

    const out = join(dir, 'fix.sh')
    const r = await runCli([
      'remediation',
      'laptop',
      '--scan',
      scanId,
      '--type',
      'bash',
      '--out',
      out,
      '--data-dir',
      dataDir,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(fixSets('45'))
  }, 120_000)

  it('imported and scanned with the CLI (a file without its groups), it is evaluated and remediated', async () => {
    const file = join(dir, 'hand-made.xml')
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>
<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_org.example_tailoring_cli">
  <xccdf:version time="2026-01-01T00:00:00Z">1</xccdf:version>
  <xccdf:Profile id="${ANSSI}_cli" extends="${ANSSI}">
    <xccdf:title override="false"/>
    <xccdf:select idref="${RULE}" selected="true"/>
    <xccdf:select idref="${MAX_AGE}" selected="true"/>
    <xccdf:set-value idref="${VALUE}">19</xccdf:set-value>
    <xccdf:set-value idref="${MAX_AGE_VALUE}">50</xccdf:set-value>
  </xccdf:Profile>
</xccdf:Tailoring>
`,
    )
    const cli = (args: string[]) => runCli([...args, '--data-dir', dataDir])
    const imported = await cli([
      'tailoring',
      'import',
      file,
      '--name',
      'cli-minlen',
      '--content',
      sha256.slice(0, 12),
    ])
    expect(imported.code, imported.stderr).toBe(0)
    const scanned = await cli([
      'scan',
      'laptop',
      '--content',
      sha256.slice(0, 12),
      '--profile',
      ANSSI,
      '--tailoring',
      'cli-minlen',
    ])
    expect([0, 2], scanned.stderr).toContain(scanned.code)
    const { scans } = await call(core, 'scans.list', { targetId })
    const latest = scans[0]!
    expect(latest.tailoringId).not.toBeNull()
    const { results } = await call(core, 'scan.results', { scanId: latest.id })
    expect(results.find((r) => r.ruleId === RULE)?.status).toMatch(/^(pass|fail)$/)
    expect((await arfOf(latest.evidence)).testResult.setValues[VALUE]).toBe('19')
    const out = join(dir, 'cli-fix.sh')
    const fixed = await cli(['remediation', 'laptop', '--type', 'bash', '--out', out])
    expect(fixed.code, fixed.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(fixSets('50'))
  }, 120_000)

  it('says why remediation cannot run once the tailoring is gone, in the contract and the CLI', async () => {
    await call(core, 'tailorings.remove', { id: tailoringId })
    const env = await core.invoke('scan.remediation', { scanId, type: 'bash' })
    expect(env.ok).toBe(false)
    expect(!env.ok && env.error).toMatchObject({ code: 'not_found' })
    expect(!env.ok && env.error.message).toMatch(/ran with a tailoring that has since been deleted/)
    const r = await runCli([
      'remediation',
      'laptop',
      '--scan',
      scanId,
      '--type',
      'bash',
      '--data-dir',
      dataDir,
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /driftwatch remediation: This scan ran with a tailoring that has since been deleted/,
    )
  }, 60_000)

  it("passes oscap's own reason on when it cannot use the tailoring", async () => {
    const { evidence } = (await call(core, 'scan.results', { scanId })).scan
    const arf = await arfOf(evidence)
    const err = await generateFix(arf.bytes, arf.testResult.id, 'bash', {
      tailoring: '<not-a-tailoring/>',
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(RemediationError)
    expect((err as Error).message).toMatch(/^oscap could not generate the bash remediation \(exit 1\): \S/)
  }, 60_000)
})
