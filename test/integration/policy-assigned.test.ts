// A target's assigned tailoring is its policy, with real oscap on this computer: a tailoring made with the CLI
// (a rule outside its profile, a Value set) is assigned with the CLI, and `driftwatch scan TARGET`, a schedule
// and a group scan naming no policy all run it; each stored scan records profile, tailoring (name and the
// SHA-256 of the file oscap ran) and trigger; a change of the tailoring between scans is marked on the drift
// timeline and raises no drift event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { ScansRepo } from '../../src-main/core/store/scans'
import { parseArf } from '../../src-main/core/scap/arf'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { openDataStore } from '../helpers/data-store'
import { importContentFile } from '../helpers/files'
import { ensureBuilt, runCli } from '../helpers/cli'

const SSG = 'xccdf_org.ssgproject.content_'
const ANSSI = `${SSG}profile_anssi_np_nt28_average`
const RULE = `${SSG}rule_accounts_password_minlen_login_defs`
const VALUE = `${SSG}value_var_accounts_password_minlen_login_defs`
// Fails on Debian (PASS_MAX_DAYS 99999): added by a later edit, it would be "new failing" drift were it not
// the policy's doing.
const MAX_AGE = `${SSG}rule_accounts_maximum_age_login_defs`
const NAME = 'ANSSI made headless'
const tmp = useTmpDirs('all')
let dataDir: string
let core: Core
let sha256: string
let targetId: string
const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir])
const fileSha = (xml: string) => createHash('sha256').update(xml).digest('hex')

beforeAll(async () => {
  ensureBuilt()
  const dir = tmp.make('dw-policy-')
  dataDir = join(dir, 'data')
  const ds = await widenedDebian11Datastream(dir)
  core = createCore({ face: 'desktop', dataDir })
  sha256 = (await importContentFile(core, ds)).sha256
  targetId = (
    await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop', groups: ['lab'] } })
  ).id
  await call(core, 'targets.create', {
    target: { kind: 'postgres', name: 'billing-db', host: '127.0.0.1', port: 5432, user: 'ro', groups: [] },
  })
}, 300_000)

afterAll(() => core?.close())

async function arfOf(evidence: string | null) {
  const db = openDataStore(dataDir)
  try {
    const arf = new ScansRepo(db).evidence(evidence ?? '')
    if (!arf) throw new Error('the scan kept no ARF')
    return parseArf(arf.bytes)
  } finally {
    db.close()
  }
}

describe('driftwatch tailoring new|set|show|diff|assign', () => {
  it('makes a tailoring that adds a rule and sets its Value, and refuses bad edits naming the flag', async () => {
    const made = await cli(
      'tailoring',
      'new',
      NAME,
      '--content',
      sha256.slice(0, 12),
      '--profile',
      'anssi_np_nt28_average',
      '--select',
      'accounts_password_minlen_login_defs',
      '--value',
      'var_accounts_password_minlen_login_defs=17',
    )
    expect(made.code, made.stderr).toBe(0)
    expect(made.stdout).toContain(`Created "${NAME}": 2 changes to anssi_np_nt28_average`)

    const diff = await cli('tailoring', 'diff', NAME, '--json')
    expect(diff.code, diff.stderr).toBe(0)
    expect(JSON.parse(diff.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'select', id: RULE, from: 'not selected', to: 'selected' }),
        expect.objectContaining({ kind: 'value', id: VALUE, from: '15', to: '17' }),
      ]),
    )

    const unknownRule = await cli('tailoring', 'set', NAME, '--select', 'no_such_rule')
    expect(unknownRule.code).toBe(64)
    expect(unknownRule.stderr).toMatch(/--select no_such_rule: no rule with that id/)
    const unknownValue = await cli('tailoring', 'set', NAME, '--value', 'var_nothing=3')
    expect(unknownValue.code).toBe(64)
    expect(unknownValue.stderr).toMatch(/--value var_nothing=3: no Value with the id var_nothing/)
    const badValue = await cli(
      'tailoring',
      'set',
      NAME,
      '--value',
      'var_accounts_password_minlen_login_defs=long',
    )
    expect(badValue.code).toBe(1)
    expect(badValue.stderr).toMatch(/--value var_accounts_password_minlen_login_defs: .*number/i)
    const badLevel = await cli(
      'tailoring',
      'set',
      NAME,
      '--severity',
      'accounts_password_minlen_login_defs=urgent',
    )
    expect(badLevel.code).toBe(64)
    expect(badLevel.stderr).toMatch(/the level must be one of unknown, info, low, medium, high/)
    // Nothing was lost to the refused edits.
    const { tailorings } = await call(core, 'tailorings.list', {})
    expect(tailorings.find((t) => t.name === NAME)?.diff).toHaveLength(2)

    const toDb = await cli('tailoring', 'assign', NAME, '--target', 'billing-db')
    expect(toDb.code).toBe(1)
    expect(toDb.stderr).toMatch(/billing-db \(PostgreSQL\) takes no tailoring/)
    const assigned = await cli('tailoring', 'assign', NAME, '--target', 'laptop')
    expect(assigned.code, assigned.stderr).toBe(0)
    const shown = await cli('tailoring', 'show', NAME)
    expect(shown.stdout).toMatch(/assigned {2}laptop\n/)
    expect(shown.stdout).toMatch(/value {4}var_accounts_password_minlen_login_defs: 15 → 17/)
  }, 120_000)
})

describe('the assigned tailoring is what every scan runs', () => {
  let firstSha = ''

  it('`driftwatch scan TARGET` runs it: the added rule is scanned and its Value reaches the ARF', async () => {
    const scanned = await cli('scan', 'laptop')
    expect([0, 2], scanned.stderr).toContain(scanned.code)
    const [scan] = (await call(core, 'scans.list', { targetId })).scans
    const tailoring = (await call(core, 'tailorings.list', {})).tailorings.find((t) => t.name === NAME)!
    const { xml } = await call(core, 'tailorings.export', { id: tailoring.id })
    expect(scan).toMatchObject({
      state: 'done',
      trigger: 'cli',
      profileId: ANSSI,
      tailoringId: tailoring.id,
      tailoringName: NAME,
      tailoringSha256: fileSha(xml),
    })
    firstSha = scan!.tailoringSha256!
    const { results } = await call(core, 'scan.results', { scanId: scan!.id })
    expect(results.find((r) => r.ruleId === RULE)?.status).toMatch(/^(pass|fail)$/)
    expect((await arfOf(scan!.evidence)).testResult.setValues[VALUE]).toBe('17')
  }, 120_000)

  it('a schedule naming no policy runs it; a tailoring edit between scans marks the timeline, no drift', async () => {
    const edited = await cli('tailoring', 'set', NAME, '--select', 'accounts_maximum_age_login_defs')
    expect(edited.code, edited.stderr).toBe(0)
    core.watch.start()
    const schedule = await call(core, 'watch.schedules.save', { targetId, intervalMinutes: 1440 })
    expect(schedule).not.toHaveProperty('tailoringId')
    await call(core, 'watch.runNow', { scheduleId: schedule.id })
    await expect.poll(async () => (await call(core, 'scans.list', { targetId })).scans.length).toBe(2)
    await core.idle()
    core.watch.stop()
    const [scan] = (await call(core, 'scans.list', { targetId })).scans
    expect(scan).toMatchObject({ state: 'done', trigger: 'schedule', profileId: ANSSI, tailoringName: NAME })
    expect(scan!.tailoringSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(scan!.tailoringSha256).not.toBe(firstSha)
    const { results } = await call(core, 'scan.results', { scanId: scan!.id })
    expect(results.find((r) => r.ruleId === MAX_AGE)?.status).toBe('fail')

    const { points } = await call(core, 'drift.timeline', { targetId })
    expect(points.map((p) => p.policyChange)).toEqual([
      undefined,
      `Policy changed: anssi_np_nt28_average + tailoring "${NAME}" was edited (rules, Values or variables)`,
    ])
    expect(points[1]!.events).toEqual({})
    expect((await call(core, 'drift.events', { targetId })).total).toBe(0)
  }, 120_000)

  it('a group scan naming no policy runs it, recorded as a group scan with no policy change', async () => {
    const r = await call(core, 'scan.startGroup', { group: 'lab' })
    expect(r.queued.map((q) => q.name)).toEqual(['laptop'])
    await expect.poll(async () => (await call(core, 'scans.list', { targetId })).scans.length).toBe(3)
    await core.idle()
    const [latest, before] = (await call(core, 'scans.list', { targetId })).scans
    expect(latest).toMatchObject({ state: 'done', trigger: 'group', tailoringName: NAME })
    expect(latest!.tailoringSha256).toBe(before!.tailoringSha256)
    const { points } = await call(core, 'drift.timeline', { targetId })
    expect(points[2]!.policyChange).toBeUndefined()
  }, 120_000)
})
