// The audit's judgement on real scans of a real PostgreSQL 15: log_connections is turned off (ALTER SYSTEM +
// reload) between two scans; the failure is excepted — the CLI's scan line, the JSON, CSV, HDF (inspecjs), OSCAL
// (NIST 1.0.6 schema) and PDF exports all say excepted, with the score as scanned and after; the pack's manual
// restore check is attested and Heimdall's reader applies it; the two scans compare from the CLI; and when the
// clock passes the expiry, "exception expired" is recorded and a signed alert reaches a real webhook receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { createCore, type Core } from '../../src-main/core/app'
import { startPostgres, type PgService } from '../services/lib'
import { ensureBuilt, runCli } from '../helpers/cli'
import { call } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'
import { fakeTime, type FakeTime } from '../helpers/watch'
import { signatureValid, startReceiver, type Receiver } from '../helpers/receiver'
import { evidenceErrors, heimdallOpen, oscalErrors } from '../helpers/report-schemas'
import { setLogConnections } from '../helpers/pg-settings'
import { vaultWithPostgresTarget } from '../helpers/vault-target'
import { FLOOR_KDF } from '../helpers/vault-cost'

const PASS = 'judgement passphrase 19'
const KEY = 'judgement-hmac-key-5e1'
const RULE = 'pg-log-connections'
const MANUAL = 'pg-manual-restore-tested'
const DAY = 86_400_000
const tmp = useTmpDirs('all')
let pgs: PgService
let rx: Receiver
let dir: string
let dataDir: string
let time: FakeTime
let core: Core
let targetId: string
let scanA: string
let scanB: string
let exceptionId: string

const openCore = () =>
  createCore({ face: 'cli', dataDir, clock: time, timers: time, unsafeKdfForTests: FLOOR_KDF })
const scan = async () => {
  const { scanId } = await call(core, 'scan.start', { targetId })
  await core.idle()
  return scanId
}
const cli = (args: string[]) =>
  runCli([...args, '--data-dir', dataDir], { env: { DRIFTWATCH_VAULT_PASSPHRASE: PASS } })

beforeAll(async () => {
  ensureBuilt()
  ;[pgs, rx] = await Promise.all([startPostgres({ name: 'judgement' }), startReceiver()])
  dir = tmp.make('dw-judgement-pg-')
  dataDir = join(dir, 'data')
  time = fakeTime(new Date().toISOString())
  core = openCore()
  ;({ targetId } = await vaultWithPostgresTarget(core, pgs, { passphrase: PASS }))
  await call(core, 'alerts.channels.save', {
    kind: 'webhook',
    name: 'SOC',
    config: { url: `${rx.url}/hook` },
    secret: KEY,
  })
  await setLogConnections(pgs, 'on')
  scanA = await scan()
  await setLogConnections(pgs, 'off')
  scanB = await scan()
}, 180_000)

afterAll(async () => {
  core?.close()
  await rx?.close()
  await pgs?.stop()
})

describe('exceptions and attestations on real PostgreSQL scans', () => {
  it('the ALTER SYSTEM change shows as the one difference between the two scans, from the CLI', async () => {
    const results = await call(core, 'scan.results', { scanId: scanB })
    expect(results.results.find((r) => r.ruleId === RULE)).toMatchObject({ status: 'fail', actual: 'off' })
    const cmp = await cli(['compare', scanA, scanB, '--json'])
    expect(cmp.code, cmp.stderr).toBe(0)
    const v = JSON.parse(cmp.stdout) as {
      rows: {
        ruleId: string
        difference: string
        a: { status: string; actual: string }
        b: { status: string; actual: string }
      }[]
      differences: number
    }
    expect(v.rows[0]).toMatchObject({
      ruleId: RULE,
      difference: 'status',
      a: { status: 'pass', actual: 'on' },
      b: { status: 'fail', actual: 'off' },
    })
    expect(v.rows.filter((r) => r.difference === 'status').map((r) => r.ruleId)).toEqual([RULE])
    const text = await cli(['compare', scanA, scanB, '--csv', join(dir, 'compare.csv')])
    expect(text.stdout).toMatch(new RegExp(`^status\\s+${RULE}\\s+pass \\(on\\)\\s+→ fail \\(off\\)$`, 'm'))
    const csv = readFileSync(join(dir, 'compare.csv'), 'utf8').split('\r\n')
    expect(csv[0]).toBe(
      'rule_id,title,severity,difference,a_status,a_found,a_expected,b_status,b_found,b_expected',
    )
    expect(csv[1]).toMatch(new RegExp(`^${RULE},.*,status,pass,on,'= on,fail,off,'= on$`))
  }, 60_000)

  it('the PDF carries the comparison as an appendix: the differing rule first, both statuses and values', async () => {
    const pdf = join(dir, 'compare.pdf')
    const r = await cli(['export', '--format', 'pdf', '--compare', `${scanA},${scanB}`, '--out', pdf])
    expect(r.code, r.stderr).toBe(0)
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    const appendix = text.slice(text.indexOf('Appendix: comparison of two scans'))
    expect(appendix).toContain('Appendix: comparison of two scans')
    const flat = appendix.replace(/\s+/g, ' ')
    expect(flat).toMatch(/1 of \d+ rules differ; the other \d+ have the same status and value in both/)
    // Narrow columns wrap the scan ids: read them with the line breaks taken out.
    const solid = appendix.replace(/\s+/g, '')
    expect(solid).toContain(scanA)
    expect(solid).toContain(scanB)
    // The one differing rule, its change, and each side's status (A, then B) with found/expected.
    const row = flat.slice(
      flat.indexOf('Status changes come first.'),
      flat.indexOf('Appendix: evidence artefacts'),
    )
    expect(row).toContain(RULE)
    expect(row).toMatch(/status changed pass fail/)
    expect(row).toMatch(/found on · expected = on found off · expected = on/)
    const bad = await cli(['export', '--format', 'pdf', '--compare', `${scanA},nope`, '--out', pdf])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/Compare appendix: No scan with id "nope"/)
  }, 90_000)

  it('an excepted failure reads excepted in the CLI and every export, with the score as scanned and after', async () => {
    const ex = await call(core, 'exceptions.save', {
      rulePattern: RULE,
      scope: 'target',
      targetId,
      justification: 'Connection logging is done by the pgbouncer in front until the Q3 migration',
      approvedBy: 'CISO Dana Reyes',
      expiresAt: new Date(time.now().getTime() + 30 * DAY).toISOString(),
    })
    exceptionId = ex.id
    expect(ex).toMatchObject({ state: 'live', covers: 1 })
    const memo = join(dir, 'restore-drill.txt')
    writeFileSync(
      memo,
      'Restore drill 2026-11-20: base backup restored to scratch-db-2 in 14 min, row counts matched.\n',
    )
    const att = await cli([
      'attest',
      'add',
      MANUAL,
      '--target',
      'billing-pg',
      '--status',
      'passed',
      '--explanation',
      'Restore drill witnessed; record attached',
      '--by',
      'DBA Sam Ode',
      '--frequency',
      'quarterly',
      '--evidence',
      memo,
    ])
    expect(att.code, att.stderr).toBe(0)

    const j = await call(core, 'scan.judgement', { scanId: scanB })
    expect(j.summary.excepted).toBe(1)
    expect(j.summary.attested).toBe(1)
    expect(j.summary.scoreAfter).toBeGreaterThan(j.summary.scoreRaw!)

    // The CLI: a new scan says both scores, labelled, and counts the excepted failure apart.
    const s = await cli(['scan', 'billing-pg'])
    expect(s.code, s.stderr + s.stdout).toBe(2) // still failing rules: exit 2, as before
    expect(s.stdout).toMatch(
      /billing-pg: score [\d.]+% as scanned · [\d.]+% after exceptions and attestations · fail \d+ · excepted 1 · pass \d+/,
    )
    const list = await cli(['exceptions', 'list'])
    expect(list.stdout).toMatch(new RegExp(`live\\s+${RULE}\\s+target .* by CISO Dana Reyes`))

    // Evidence JSON: real status kept, judgement beside it, valid against the (updated) schema.
    expect((await cli(['export', '--format', 'json', '--out', join(dir, 'r.json')])).code).toBe(0)
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))
    expect(evidenceErrors(json)).toEqual([])
    const row = json.results.find((r: { ruleId: string }) => r.ruleId === RULE)
    expect(row).toMatchObject({
      status: 'fail',
      judgement: { kind: 'excepted', approvedBy: 'CISO Dana Reyes' },
    })
    const summary = json.judgement.targets[0].summary
    expect(summary).toMatchObject({ excepted: 1, scoreRawLabel: 'Score as scanned' })
    expect(summary.scoreAfter).toBeGreaterThan(summary.scoreRaw)
    const memoSha = json.judgement.attestations[0].evidence.sha256
    expect(json.evidence.map((e: { sha256: string }) => e.sha256)).toContain(memoSha)

    // CSV: the status column says fail, the judgement columns say excepted.
    expect((await cli(['export', '--format', 'csv', '--out', join(dir, 'r.csv')])).code).toBe(0)
    const csv = readFileSync(join(dir, 'r.csv'), 'utf8').split('\r\n')
    expect(csv[0]).toMatch(/,judgement,judgement_by,judgement_until,justification(,|$)/)
    expect(csv.find((l) => l.includes(`,${RULE},`))).toMatch(
      /,fail,pg-log-connections,.*,excepted,CISO Dana Reyes,/,
    )

    // HDF, read as Heimdall reads it: the waiver is on the control, the attestation applied to the manual check.
    expect((await cli(['export', '--format', 'hdf', '--out', join(dir, 'r.hdf.json')])).code).toBe(0)
    const hdf = heimdallOpen(readFileSync(join(dir, 'r.hdf.json'), 'utf8'))
    const control = (id: string) => {
      const c = hdf.contains[0]!.contains.find((x) => x.data.id === id)!
      return { hdf: c.hdf, data: c.data as { waiver_data?: object; attestation_data?: object } }
    }
    expect(control(RULE).data.waiver_data).toMatchObject({
      justification: expect.stringContaining('pgbouncer'),
      run: true,
    })
    expect(control(RULE).hdf.status).toBe('Failed') // the scanned failure stays underneath
    expect(control(MANUAL).data.attestation_data).toMatchObject({
      status: 'passed',
      updated_by: 'DBA Sam Ode',
      frequency: 'quarterly',
    })
    expect(control(MANUAL).hdf.status).toBe('Passed')

    // OSCAL: still valid against NIST's 1.0.6 schema; the finding's risk is an approved deviation; the
    // attestation is an observation made by examining the attached record.
    expect((await cli(['export', '--format', 'oscal', '--out', join(dir, 'r.oscal.json')])).code).toBe(0)
    const oscal = JSON.parse(readFileSync(join(dir, 'r.oscal.json'), 'utf8'))
    expect(oscalErrors(oscal)).toEqual([])
    const result = oscal['assessment-results'].results[0]
    const finding = result.findings.find(
      (f: { target: { 'target-id': string } }) => f.target['target-id'] === RULE,
    )
    const risk = result.risks.find(
      (r: { uuid: string }) => r.uuid === finding['related-risks'][0]['risk-uuid'],
    )
    expect(risk).toMatchObject({
      status: 'deviation-approved',
      deadline: json.judgement.exceptions[0].expiresAt,
    })
    const attObs = result.observations.filter((o: { methods: string[] }) => o.methods.includes('EXAMINE'))
    expect(attObs.map((o: { title: string }) => o.title)).toEqual([expect.stringMatching(/^Attestation: /)])

    // PDF: the section, and the finding marked.
    const pdf = join(dir, 'r.pdf')
    expect((await cli(['export', '--format', 'pdf', '--out', pdf])).code).toBe(0)
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ')
    expect(text).toContain('Exceptions and attestations')
    expect(text).toMatch(/excepted until \d{4}-\d{2}-\d{2} \(CISO Dana Reyes\)/)
    expect(text).toContain(memoSha)

    // The signed bundle carries the attestation's evidence file beside the scan evidence.
    const zip = join(dir, 'r.zip')
    expect((await cli(['export', '--format', 'bundle', '--out', zip])).code).toBe(0)
    const files = Object.keys(unzipSync(readFileSync(zip)))
    expect(files.filter((f) => f.startsWith(`evidence/${memoSha}.`))).toHaveLength(1)
  }, 240_000)

  it('past the expiry, "exception expired" is recorded and a signed alert reaches the webhook', async () => {
    core.close()
    await time.advance(31 * DAY) // Driftwatch closed meanwhile
    core = openCore()
    await call(core, 'vault.unlock', { passphrase: PASS })
    core.watch.start()
    // The regression's own message (the test never ran the watch before) goes too; the expiry's is the one here.
    const expiryMessage = () => rx.received.find((r) => r.body.includes('"exception-expired"'))
    await expect.poll(expiryMessage, { timeout: 15_000 }).toBeDefined()
    const got = expiryMessage()!
    expect(signatureValid(KEY, got)).toBe(true)
    const body = JSON.parse(got.body)
    expect(body.events).toEqual([
      expect.objectContaining({ type: 'exception-expired', ruleId: RULE, from: 'excepted', to: 'fail' }),
    ])
    expect(body.title).toBe('billing-pg: 1 rule drifted out of compliance')
    const events = (await call(core, 'drift.events', { types: ['exception-expired'] })).events
    expect(events.map((e) => e.ruleId)).toEqual([RULE])
    const ex = (await call(core, 'exceptions.list', {})).exceptions.find((e) => e.id === exceptionId)!
    expect(ex.state).toBe('expired')
    const latest = (await call(core, 'scans.list', { targetId })).scans[0]!.id
    expect((await call(core, 'scan.judgement', { scanId: latest })).summary.excepted).toBe(0)
  }, 60_000)
})
