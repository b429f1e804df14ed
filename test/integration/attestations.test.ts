// Manual attestations on a real oscap scan of this computer: a tailoring selects an SSG rule that has no
// automated check, so oscap reports it notchecked; it is attested, exported to HDF, and read back by inspecjs
// (Heimdall's reader) with the attestation applied; past its renewal it lapses to not checked with a warning.
// A SAF CLI attestation file (YAML) is imported and exported round trip, JSON and YAML; malformed files are
// refused with the entry and field at fault, storing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import YAML from 'yaml'
import { createCore, type Core } from '../../src-main/core/app'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call, callError, fakeClock, type FakeClock } from '../helpers/core'
import { importContentFile } from '../helpers/files'
import { heimdallOpen } from '../helpers/report-schemas'

const STANDARD = 'xccdf_org.ssgproject.content_profile_standard'
// In the Debian 11 datastream this rule has no OVAL check: selected, oscap can only say notchecked.
const NOCHECK = 'xccdf_org.ssgproject.content_rule_avahi_disable_publishing'
const MANUAL = 'pg-manual-restore-tested'
const DAY = 86_400_000
const tmp = useTmpDirs('all')
let clock: FakeClock
let core: Core
let targetId: string
let scanId: string

beforeAll(async () => {
  const dir = tmp.make('dw-attest-')
  clock = fakeClock(new Date().toISOString())
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), clock })
  const ds = await widenedDebian11Datastream(dir)
  const sha256 = (await importContentFile(core, ds)).sha256
  targetId = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })).id
  const tailoring = await call(core, 'tailorings.save', {
    name: 'Standard + avahi publishing',
    sha256,
    baseProfileId: STANDARD,
    changes: { selects: { [NOCHECK]: true }, setValues: {}, refineValues: {}, refineRules: {} },
  })
  scanId = (
    await call(core, 'scan.start', { targetId, sha256, profileId: STANDARD, tailoringId: tailoring.id })
  ).scanId
  await core.idle()
}, 300_000)

afterAll(() => core?.close())

const hdfOf = async () => {
  const r = await call(core, 'reports.export', { scope: { targetIds: [targetId] }, format: 'hdf' })
  const text = core.downloads.take(r.download)!.bytes.toString('utf8')
  const c = heimdallOpen(text).contains[0]!.contains.find((x) => x.data.id === NOCHECK)!
  return {
    status: c.hdf.status,
    data: c.data as { attestation_data?: object; results: { status: string }[] },
  }
}

describe('attestations', () => {
  it('an SSG rule oscap could not check is attested, and Heimdall’s reader applies it', async () => {
    const { results } = await call(core, 'scan.results', { scanId })
    expect(results.find((r) => r.ruleId === NOCHECK)?.status).toBe('notchecked')
    expect((await hdfOf()).status).toBe('Not Reviewed')

    const a = await call(core, 'attestations.save', {
      ruleId: NOCHECK,
      targetId,
      status: 'passed',
      explanation: 'avahi-daemon is not installed (dpkg -l shows none); checked on the console',
      attestedBy: 'Auditor Jane Doe',
      frequency: 'annually',
    })
    expect(a.lapsed).toBe(false)
    const j = await call(core, 'scan.judgement', { scanId })
    expect(j.results.find((r) => r.ruleId === NOCHECK)?.judgement).toMatchObject({
      kind: 'attested',
      status: 'passed',
    })
    expect(j.summary.attested).toBe(1)

    const hdf = await hdfOf()
    expect(hdf.status).toBe('Passed')
    expect(hdf.data.attestation_data).toEqual({
      control_id: NOCHECK,
      explanation: 'avahi-daemon is not installed (dpkg -l shows none); checked on the console',
      frequency: 'annually',
      status: 'passed',
      updated: a.attestedAt,
      updated_by: 'Auditor Jane Doe',
    })
    // The scanned segment stays; the attestation adds its own, as saf attest apply does.
    expect(hdf.data.results.map((r) => r.status)).toEqual(['skipped', 'passed'])
  })

  it('past its renewal date the attestation lapses back to not checked, with a warning', async () => {
    clock.advance(366 * DAY)
    const j = await call(core, 'scan.judgement', { scanId })
    expect(j.results.find((r) => r.ruleId === NOCHECK)?.judgement).toMatchObject({
      kind: 'attestation-lapsed',
      warning: expect.stringMatching(
        /^The attestation by Auditor Jane Doe lapsed on \d{4}-\d{2}-\d{2} \(renewed annually\)/,
      ),
    })
    expect(j.summary).toMatchObject({ attested: 0, lapsed: 1 })
    expect((await call(core, 'attestations.list', {})).attestations[0]!.lapsed).toBe(true)
    const hdf = await hdfOf()
    expect(hdf.status).toBe('Not Reviewed')
    expect(hdf.data.attestation_data).toBeUndefined()
  })

  it('imports and exports SAF CLI attestation files round trip, YAML and JSON', async () => {
    // As `saf attest create -t yml` writes it: a bare list, dates unquoted.
    const saf = `- control_id: ${NOCHECK}
  explanation: Checked again; avahi is still absent
  frequency: quarterly
  status: passed
  updated: 2026-11-30
  updated_by: Auditor Jane Doe
- control_id: ${MANUAL}
  explanation: Restore drill record seen
  frequency: 90d
  status: failed
  updated: "2026-11-28T09:30:00Z"
  updated_by: DBA Sam Ode
`
    const imported = await call(core, 'attestations.import', { text: saf, targetId: null })
    expect(imported.attestations.map((a) => [a.ruleId, a.status, a.attestedAt])).toEqual([
      [NOCHECK, 'passed', '2026-11-30T00:00:00.000Z'],
      [MANUAL, 'failed', '2026-11-28T09:30:00.000Z'],
    ])
    const json = JSON.parse((await call(core, 'attestations.export', { format: 'json' })).text)
    const yaml = YAML.parse((await call(core, 'attestations.export', { format: 'yaml' })).text)
    const want = [
      {
        control_id: MANUAL,
        explanation: 'Restore drill record seen',
        frequency: '90d',
        status: 'failed',
        updated: '2026-11-28T09:30:00.000Z',
        updated_by: 'DBA Sam Ode',
      },
      {
        control_id: NOCHECK,
        explanation: 'Checked again; avahi is still absent',
        frequency: 'quarterly',
        status: 'passed',
        updated: '2026-11-30T00:00:00.000Z',
        updated_by: 'Auditor Jane Doe',
      },
    ]
    // The file also holds the earlier laptop-only attestation of NOCHECK (annually, lapsed); the two imported
    // come out as they went in.
    type Saf = { updated_by: string; frequency: string }
    expect(json.filter((a: Saf) => a.frequency !== 'annually')).toEqual(want)
    expect(json.filter((a: Saf) => a.frequency === 'annually')).toHaveLength(1)
    expect(yaml).toEqual(json)

    // Read into another store: the same file comes out.
    const other = createCore({ face: 'cli', dataDir: tmp.make('dw-attest-other-'), clock })
    try {
      const exported = (await call(core, 'attestations.export', { format: 'yaml' })).text
      // The other store has no scan: only the pack's manual check is known there.
      const onlyManual = YAML.stringify(
        YAML.parse(exported).filter((a: { control_id: string }) => a.control_id === MANUAL),
      )
      await call(other, 'attestations.import', { text: onlyManual })
      expect(JSON.parse((await call(other, 'attestations.export', { format: 'json' })).text)).toEqual([
        want[0],
      ])
    } finally {
      other.close()
    }
  })

  it('refuses malformed attestation files with the entry at fault, storing nothing', async () => {
    const before = (await call(core, 'attestations.list', { includeRevoked: true })).attestations.length
    const audit = (await call(core, 'audit.list', {})).entries.length
    const entry = {
      control_id: MANUAL,
      explanation: 'x',
      frequency: 'monthly',
      status: 'passed',
      updated: '2026-11-01',
      updated_by: 'me',
    }
    const cases: [string, RegExp][] = [
      ['- control_id: [unclosed', /not valid JSON or YAML/],
      [
        '{"control_id": "x"}',
        /is a list of entries with control_id, explanation, frequency, status, updated, updated_by/,
      ],
      ['[]', /has no entries/],
      [JSON.stringify([entry, { ...entry, control_id: undefined }]), /^Entry 2: control_id is required/],
      [
        JSON.stringify([{ ...entry, status: 'waived' }]),
        /^Entry 1 \(pg-manual-restore-tested\): status is passed or failed/,
      ],
      [
        JSON.stringify([{ ...entry, frequency: 'sometimes' }]),
        /Frequency is one of daily, .*, or a number with d\/w\/m\/y/,
      ],
      [JSON.stringify([{ ...entry, updated: 'last tuesday' }]), /updated must be a date/],
      [
        JSON.stringify([entry, { ...entry, control_id: 'pg-nope' }]),
        /^Entry 2 \(pg-nope\): Unknown rule "pg-nope"/,
      ],
      [
        JSON.stringify([{ ...entry, control_id: 'pg-log-connections' }]),
        /checked by the scan itself: attestations are for rules no scan can check/,
      ],
    ]
    for (const [text, message] of cases) {
      const err = await callError(core, 'attestations.import', { text })
      expect(err.code, text).toBe('validation')
      expect(err.message, text).toMatch(message)
    }
    expect((await call(core, 'attestations.list', { includeRevoked: true })).attestations).toHaveLength(
      before,
    )
    expect((await call(core, 'audit.list', {})).entries).toHaveLength(audit)
  })
})
