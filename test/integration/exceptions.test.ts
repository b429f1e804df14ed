// Exceptions through a real core on a real SQLite file (scripted scan results, fake clock): a failure under a
// live exception reads as excepted with its real status kept, counts and score both ways; every bad input is a
// clear error that stores nothing and writes no audit entry; the week-before notice, and on expiry the
// "exception expired" drift and its alert; an exception whose rule passes again is no longer needed.
import { createHash } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { call, callError, useCores } from '../helpers/core'
import { fakeTime, rule, scriptedScanner, type FakeTime } from '../helpers/watch'
import type { Core } from '../../src-main/core/app'
import type { Notification } from '../../src-main/core/ports'
import type { RuleResult } from '../../src-main/core/scanners/scanner'
import { countsLine } from '../../src-main/core/judgement/apply'

const cores = useCores()
const DAY = 86_400_000
let time: FakeTime
let core: Core
let script: ReturnType<typeof scriptedScanner>['script']
let notes: Notification[]
let targetId: string

beforeEach(async () => {
  time = fakeTime('2030-01-07T00:00:00.000Z')
  const scanner = scriptedScanner(time)
  script = scanner.script
  notes = []
  core = cores.open({
    clock: time,
    timers: time,
    scanners: [scanner],
    notifier: { notify: (n) => notes.push(n) },
  })
  targetId = (
    await call(core, 'targets.create', {
      target: {
        kind: 'postgres',
        name: 'billing-db',
        host: '127.0.0.1',
        user: 'u',
        tls: 'disable',
        groups: ['prod'],
      },
    })
  ).id
})

async function scan(results: RuleResult[]) {
  script.results.set('billing-db', results)
  const { scanId } = await call(core, 'scan.start', { targetId })
  await core.idle()
  return scanId
}

const RESULTS = [
  rule('pg-ssl', 'fail', 'off', 'high'),
  rule('pg-log-connections', 'fail', 'off'),
  rule('pg-log-disconnections', 'pass', 'on'),
  rule('pg-password-encryption', 'pass', 'scram-sha-256'),
]
const valid = {
  rulePattern: 'pg-ssl',
  scope: 'target' as const,
  targetId: '',
  justification: 'TLS terminates at the pgbouncer in front; risk accepted until the migration in Q2',
  approvedBy: 'CISO Dana Reyes',
  expiresAt: '2030-03-01',
}
const auditCount = async () => (await call(core, 'audit.list', {})).entries.length

describe('exceptions', () => {
  it('an excepted failure keeps its status; counts and score read both ways, labelled', async () => {
    const scanId = await scan(RESULTS)
    const ex = await call(core, 'exceptions.save', { ...valid, targetId })
    expect(ex).toMatchObject({
      state: 'live',
      covers: 1,
      noLongerNeeded: false,
      expiresAt: '2030-03-01T00:00:00.000Z',
    })

    const { results } = await call(core, 'scan.results', { scanId })
    expect(results.find((r) => r.ruleId === 'pg-ssl')!.status).toBe('fail')
    const j = await call(core, 'scan.judgement', { scanId })
    expect(j.results).toEqual([
      {
        ruleId: 'pg-ssl',
        judgement: expect.objectContaining({
          kind: 'excepted',
          exceptionId: ex.id,
          approvedBy: 'CISO Dana Reyes',
        }),
      },
    ])
    expect(countsLine(j.summary.countsAfter)).toBe('fail 1 · excepted 1 · pass 2')
    expect(j.summary).toMatchObject({ scoreRaw: 50, scoreAfter: 66.7, excepted: 1 })
    expect(j.summary.scoreRawLabel).toBe('Score as scanned')
    expect(j.summary.scoreAfterLabel).toBe('Score after exceptions and attestations')

    // A glob over a group covers the other failure too.
    await call(core, 'exceptions.save', {
      ...valid,
      rulePattern: 'pg-log-*',
      scope: 'group',
      targetId: undefined,
      group: 'prod',
    })
    expect((await call(core, 'scan.judgement', { scanId })).summary).toMatchObject({
      excepted: 2,
      scoreAfter: 100,
    })
    const actions = (await call(core, 'audit.list', {})).entries.map((e) => e.action)
    expect(actions.filter((a) => a === 'exception.created')).toHaveLength(2)
  })

  it('refuses each bad input with a clear error, storing nothing', async () => {
    await scan(RESULTS)
    const before = await auditCount()
    const cases: [object, RegExp][] = [
      [{ ...valid, targetId, justification: '' }, /justification is required/i],
      [{ ...valid, targetId, justification: undefined }, /justification is required/i],
      [{ ...valid, targetId, expiresAt: undefined }, /expiry date is required/i],
      [{ ...valid, targetId, expiresAt: '2029-12-31' }, /expiry 2029-12-31 is in the past/],
      [{ ...valid, targetId, expiresAt: '2031-06-01' }, /more than a year away/],
      [{ ...valid, targetId, rulePattern: 'pg-no-such-rule' }, /Unknown rule "pg-no-such-rule"/],
      [{ ...valid, targetId, rulePattern: 'zz-*' }, /pattern "zz-\*" matches no rule/],
      [{ ...valid, targetId: 'no-such-target' }, /Unknown target "no-such-target"/],
      [
        { ...valid, scope: 'group', targetId: undefined, group: 'nobody' },
        /No target is in the group "nobody"/,
      ],
    ]
    for (const [req, message] of cases) {
      const err = await callError(core, 'exceptions.save', req)
      expect(err.code, JSON.stringify(req)).toBe('validation')
      expect(err.message + JSON.stringify(err.issues)).toMatch(message)
    }
    // A whole import with one bad entry stores none of it.
    const file = JSON.stringify({
      driftwatchExceptions: 1,
      exceptions: [
        { ...valid, targetId },
        { ...valid, targetId, rulePattern: 'pg-log-connections', expiresAt: '2020-01-01' },
      ],
    })
    const imp = await callError(core, 'exceptions.import', { text: file })
    expect(imp.message).toMatch(/Exception 2: The expiry 2020-01-01 is in the past/)
    expect((await callError(core, 'exceptions.import', { text: '{ nope' })).message).toMatch(
      /not valid JSON or YAML/,
    )
    expect((await call(core, 'exceptions.list', { includeRevoked: true })).exceptions).toEqual([])
    expect(await auditCount()).toBe(before)
    // With the explicit override a longer expiry is accepted.
    await call(core, 'exceptions.save', {
      ...valid,
      targetId,
      expiresAt: '2031-06-01',
      allowLongExpiry: true,
    })
  })

  it('exports and imports the exceptions file; revoke is audited and ends the exception', async () => {
    const scanId = await scan(RESULTS)
    const ex = await call(core, 'exceptions.save', { ...valid, targetId })
    const file = await call(core, 'exceptions.export', { format: 'yaml' })
    expect(file.text).toContain('rulePattern: pg-ssl')
    await call(core, 'exceptions.revoke', { id: ex.id, revokedBy: 'auditor' })
    expect((await call(core, 'scan.judgement', { scanId })).summary.excepted).toBe(0)
    expect((await callError(core, 'exceptions.revoke', { id: ex.id })).code).toBe('conflict')
    const back = await call(core, 'exceptions.import', { text: file.text })
    expect(back.exceptions.map((e) => [e.rulePattern, e.approvedBy, e.expiresAt])).toEqual([
      ['pg-ssl', 'CISO Dana Reyes', '2030-03-01T00:00:00.000Z'],
    ])
    const actions = (await call(core, 'audit.list', {})).entries.map((e) => e.action)
    expect(actions).toEqual(
      expect.arrayContaining(['exception.created', 'exception.revoked', 'exception.imported']),
    )
  })

  it('the exported file carries the evidence; import restores it by its SHA-256 and refuses a changed one', async () => {
    await scan(RESULTS)
    const memo = Buffer.from('Risk acceptance memo RA-2030-04, signed by the CISO on 2030-01-05.\n')
    const memoSha = createHash('sha256').update(memo).digest('hex')
    const evidenceUploadId = core.uploads.put({
      fileName: 'ra-2030-04.txt',
      mediaType: 'text/plain',
      bytes: memo,
    })
    const { targetId: _none, ...base } = valid
    await call(core, 'exceptions.save', { ...base, scope: 'group', group: 'prod', evidenceUploadId })
    const file = await call(core, 'exceptions.export', { format: 'json' })
    const doc = JSON.parse(file.text)
    expect(doc.exceptions[0].evidence).toEqual({
      sha256: memoSha,
      name: 'ra-2030-04.txt',
      mediaType: 'text/plain',
      base64: memo.toString('base64'),
    })

    // Another Driftwatch, its own store: the exception and its file arrive together.
    const scanner2 = scriptedScanner(time)
    const other = cores.open({ clock: time, timers: time, scanners: [scanner2] })
    const t2 = await call(other, 'targets.create', {
      target: {
        kind: 'postgres',
        name: 'billing-db',
        host: '127.0.0.1',
        user: 'u',
        tls: 'disable',
        groups: ['prod'],
      },
    })
    scanner2.script.results.set('billing-db', RESULTS)
    await call(other, 'scan.start', { targetId: t2.id })
    await other.idle()
    const audits = (await call(other, 'audit.list', {})).entries.length

    // A file changed on the way (same name and hash, other bytes) is refused, and nothing is stored.
    const forged = structuredClone(doc)
    forged.exceptions[0].evidence.base64 = Buffer.from('Risk accepted until 2099.\n').toString('base64')
    const bad = await callError(other, 'exceptions.import', { text: JSON.stringify(forged) })
    expect(bad.code).toBe('validation')
    expect(bad.message).toMatch(
      new RegExp(
        `^Exception 1: the evidence file "ra-2030-04.txt" does not match its SHA-256 \\(the file says ${memoSha}, its content gives [0-9a-f]{64}\\).*nothing was imported`,
      ),
    )
    const legacy = structuredClone(doc)
    delete legacy.exceptions[0].evidence
    legacy.exceptions[0].evidenceSha256 = memoSha
    expect((await callError(other, 'exceptions.import', { text: JSON.stringify(legacy) })).message).toMatch(
      /^Exception 1: names an evidence file by its SHA-256 but does not carry it/,
    )
    expect((await call(other, 'exceptions.list', {})).exceptions).toEqual([])
    expect((await call(other, 'audit.list', {})).entries.length).toBe(audits)

    const back = await call(other, 'exceptions.import', { text: file.text })
    expect(back.exceptions[0]!.evidence).toEqual({ sha256: memoSha, name: 'ra-2030-04.txt' })
    // The bytes are in the new store: its own export carries the same file.
    const again = JSON.parse((await call(other, 'exceptions.export', { format: 'json' })).text)
    expect(Buffer.from(again.exceptions[0].evidence.base64, 'base64').equals(memo)).toBe(true)
  })

  it('warns a week before, then records "exception expired" drift and alerts on the day', async () => {
    await scan(RESULTS)
    await call(core, 'exceptions.save', { ...valid, targetId, expiresAt: '2030-01-20' })
    // Days pass with Driftwatch closed; each morning it is opened again (a core on the same data folder).
    const reopen = () => {
      core.close()
      core = cores.open({
        dataDir: core.dataDir,
        clock: time,
        timers: time,
        notifier: { notify: (n) => notes.push(n) },
      })
      core.watch.start()
    }
    await time.advance(5 * DAY) // 2030-01-12: eight days left, no notice yet
    reopen()
    expect(notes).toEqual([])
    await time.advance(DAY + 3600_000) // 2030-01-13T01: within the week
    reopen()
    expect(notes.map((n) => n.title)).toEqual(['An exception expires in 7 days'])
    expect((await call(core, 'exceptions.list', {})).exceptions[0]!.state).toBe('expiring')
    reopen()
    expect(notes).toHaveLength(1) // said once

    // The evening before; the watch keeps running past midnight, when the exception ends.
    core.close()
    await time.advance(6 * DAY + 21 * 3600_000)
    reopen()
    expect((await call(core, 'drift.events', { types: ['exception-expired'] })).events).toEqual([])
    await time.advance(3 * 3600_000)
    const expired = (await call(core, 'drift.events', { types: ['exception-expired'] })).events
    expect(expired.map((e) => [e.ruleId, e.fromStatus, e.toStatus, e.at])).toEqual([
      ['pg-ssl', 'excepted', 'fail', '2030-01-20T00:00:00.000Z'],
    ])
    expect(notes.at(-1)).toMatchObject({
      title: 'billing-db drifted',
      body: expect.stringContaining('exception expired'),
    })
    expect((await call(core, 'alerts.list', {})).alerts.map((a) => a.ruleId)).toContain('pg-ssl')
    const scanId = (await call(core, 'scans.list', { targetId })).scans[0]!.id
    expect((await call(core, 'scan.judgement', { scanId })).summary).toMatchObject({
      excepted: 0,
      scoreAfter: 50,
    })
    // Once: later sweeps record nothing more.
    reopen()
    expect((await call(core, 'drift.events', { types: ['exception-expired'] })).events).toHaveLength(1)
  })

  it('marks an exception no longer needed once its rule passes again', async () => {
    await scan(RESULTS)
    await call(core, 'exceptions.save', { ...valid, targetId })
    await scan(RESULTS.map((r) => (r.ruleId === 'pg-ssl' ? rule('pg-ssl', 'pass', 'on', 'high') : r)))
    expect((await call(core, 'exceptions.list', {})).exceptions[0]).toMatchObject({
      noLongerNeeded: true,
      covers: 0,
    })
  })
})
