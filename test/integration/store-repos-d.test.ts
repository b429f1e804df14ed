// Controls, judgement, reports and report schedules read the same from a SQLite file and from PostgreSQL: control
// counts per framework, exceptions in scope, one live attestation per (target, rule) held by the database, the
// expiry watch's order, scheduled exports kept, and the scans and evidence a report selects.
import { beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { violation } from '../../src-main/core/store/sql/engine'
import { ControlsRepo } from '../../src-main/core/store/controls'
import { JudgementRepo, type ExceptionInsert } from '../../src-main/core/store/judgement'
import { ReportsRepo } from '../../src-main/core/store/reports'
import { ReportSchedulesRepo, type ReportScheduleRow } from '../../src-main/core/store/report-schedules'
import { inScope } from '../../src-main/core/judgement/apply'
import { ENGINES, addTargetRow, migratedSql } from '../helpers/engines'

const AT = '2030-01-01T00:00:00.000Z'

function addTarget(s: Sql, id: string, groups: string[] = []): void {
  addTargetRow(s, { id, kind: 'ssh', host: 'h', groups }, AT)
}

function addScan(
  s: Sql,
  id: string,
  targetId: string,
  startedAt: string,
  results: Record<string, string> = {},
  opts: { profile?: string; state?: string; current?: boolean } = {},
): void {
  s.run(
    s.q.insertInto('scans').values({
      id,
      target_id: targetId,
      trigger: 'manual',
      state: opts.state ?? 'done',
      profile_id: opts.profile ?? 'p1',
      started_at: startedAt,
      finished_at: startedAt,
      counts: '{}',
    }),
  )
  for (const [ruleId, status] of Object.entries(results)) {
    s.run(
      s.q
        .insertInto('results')
        .values({ scan_id: id, rule_id: ruleId, status, severity: 'high', title: `Title ${ruleId}` }),
    )
    if (opts.current !== false && status !== 'notchecked')
      s.run(
        s.q
          .insertInto('current_status')
          .values({ target_id: targetId, rule_id: ruleId, status, scan_id: id, since: startedAt })
          .onConflict((oc) =>
            oc.columns(['target_id', 'rule_id']).doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              scan_id: eb.ref('excluded.scan_id'),
            })),
          ),
      )
  }
}

const exception = (id: string, over: Partial<ExceptionInsert>): ExceptionInsert => ({
  id,
  rulePattern: 'r1',
  scope: 'all',
  targetId: null,
  group: null,
  justification: 'Compensating control in place',
  approvedBy: 'ciso',
  createdAt: AT,
  updatedAt: AT,
  expiresAt: '2030-06-01T00:00:00.000Z',
  evidence: null,
  ...over,
})

describe.each(ENGINES)('controls, judgement and reports on %s', (engine) => {
  let s: Sql
  beforeAll(async () => {
    s = await migratedSql(engine)
    addTarget(s, 't1', ['Web'])
    addTarget(s, 't2', ['db'])
    addTarget(s, 't3')
    // t1: an older scan, then the latest with a manual check it could not make.
    addScan(s, 's1-old', 't1', '2030-01-02T00:00:00.000Z', { r1: 'fail', r2: 'pass' }, { profile: 'p2' })
    addScan(s, 's1', 't1', '2030-01-03T00:00:00.000Z', {
      r1: 'pass',
      r2: 'fail',
      r3: 'notapplicable',
      m1: 'notchecked',
    })
    // t2: a GitHub-style result naming its repository after '@', and an informational one.
    addScan(s, 's2', 't2', '2030-01-03T12:00:00.000Z', { 'r1@org/repo': 'fail', r3: 'informational' })
    addScan(s, 's2-running', 't2', '2030-01-04T00:00:00.000Z', {}, { state: 'running' })
  })

  describe('controls', () => {
    let controls: ControlsRepo
    beforeAll(() => {
      controls = new ControlsRepo(s)
      const link = (ruleId: string, framework: 'nist-800-53' | 'cis', controlId: string) => ({
        ruleId,
        framework,
        controlId,
        family: controlId.slice(0, 2),
        label: controlId.toUpperCase(),
      })
      expect(
        controls.syncSource(
          'content:a',
          [
            link('r1', 'nist-800-53', 'au-2'),
            link('r2', 'nist-800-53', 'au-2'),
            link('r3', 'nist-800-53', 'ac-2'),
            link('m1', 'nist-800-53', 'ac-2'),
            link('r1', 'cis', '1.1'),
          ],
          AT,
        ),
      ).toBe(true)
      // A second source naming the same link: counted once.
      controls.syncSource('pack:b', [link('r1', 'nist-800-53', 'au-2')], AT)
    })

    it('counts each target’s rules per control of a framework, for a set of targets and for none', () => {
      const byKey = (rows: ReturnType<ControlsRepo['statusByTarget']>) =>
        Object.fromEntries(
          rows.map((r) => [
            `${r.targetId} ${r.controlId}`,
            [r.pass, r.fail, r.notApplicable, r.other, r.family, r.label],
          ]),
        )
      const want = {
        't1 au-2': [1, 1, 0, 0, 'au', 'AU-2'],
        't1 ac-2': [0, 0, 1, 0, 'ac', 'AC-2'],
        't2 au-2': [0, 1, 0, 0, 'au', 'AU-2'],
        't2 ac-2': [0, 0, 0, 1, 'ac', 'AC-2'],
      }
      expect(byKey(controls.statusByTarget('nist-800-53', ['t1', 't2', 't3']))).toEqual(want)
      expect(byKey(controls.statusByTarget('nist-800-53'))).toEqual(want)
      expect(byKey(controls.statusByTarget('cis', ['t1', 't2']))).toEqual({
        't1 1.1': [1, 0, 0, 0, '1.', '1.1'],
        't2 1.1': [0, 1, 0, 0, '1.', '1.1'],
      })
      expect(controls.statusByTarget('nist-800-53', [])).toEqual([])
      expect(controls.storedStatusByTarget('nist-800-53', [])).toEqual([])
      // Stored, then read back from target_control_counts: the same counts.
      expect(byKey(controls.storedStatusByTarget('nist-800-53', ['t1', 't2']))).toEqual({
        't1 au-2': want['t1 au-2'],
        't1 ac-2': want['t1 ac-2'],
        't2 au-2': want['t2 au-2'],
        't2 ac-2': want['t2 ac-2'],
      })
      const stored = s.all(s.q.selectFrom('target_control_counts').select('target_id').orderBy('target_id'))
      expect(stored.map((r) => r.target_id)).toEqual(['t1', 't2'])
      expect(byKey(controls.storedStatusByTarget('nist-800-53', ['t2']))).toEqual({
        't2 au-2': want['t2 au-2'],
        't2 ac-2': want['t2 ac-2'],
      })
      expect(controls.mappedControls('nist-800-53')).toEqual([
        { controlId: 'ac-2', family: 'ac', label: 'AC-2', rules: 2 },
        { controlId: 'au-2', family: 'au', label: 'AU-2', rules: 2 },
      ])
    })

    it('sees a new scan in its versions and names the rule results behind a control, manual checks too', () => {
      const before = controls.versions()
      expect([...before.targets.keys()].sort()).toEqual(['t1', 't2'])
      addScan(s, 's3', 't3', '2030-01-05T00:00:00.000Z', { r2: 'pass' })
      const after = controls.versions()
      expect(after.targets.get('t3')).toBeDefined()
      expect(after.targets.get('t1')).toBe(before.targets.get('t1'))
      expect(after.mappings).toBe(before.mappings)

      const rules = controls.controlRules('nist-800-53', 'ac-2', ['t1', 't2'])
      expect(rules.map((r) => [r.targetId, r.ruleId, r.status, r.scanId])).toEqual([
        ['t1', 'm1', 'notchecked', 's1'],
        ['t1', 'r3', 'notapplicable', 's1'],
        ['t2', 'r3', 'informational', 's2'],
      ])
      expect(rules[1]).toMatchObject({ title: 'Title r3', severity: 'high', expected: '', evidence: '[]' })
      expect(controls.controlRules('nist-800-53', 'ac-2', [])).toEqual([])
      expect(controls.controlRules('nist-800-53', 'au-2').map((r) => `${r.targetId} ${r.ruleId}`)).toEqual([
        't1 r1',
        't1 r2',
        't2 r1@org/repo',
        't3 r2',
      ])

      const open = controls.openResults(['t1', 't2']).map((r) => `${r.targetId} ${r.ruleId} ${r.status}`)
      expect(open.sort()).toEqual(['t1 m1 notchecked', 't1 r2 fail', 't2 r1@org/repo fail'])
      expect(controls.openResults([])).toEqual([])
      const of = controls.controlsOfRules('nist-800-53', ['r1', 'm1', 'nope'])
      expect(of.get('r1')?.map((c) => c.controlId)).toEqual(['au-2'])
      expect(of.get('m1')?.map((c) => c.controlId)).toEqual(['ac-2'])
      expect(of.has('nope')).toBe(false)
      expect(controls.controlsOfRules('nist-800-53', []).size).toBe(0)
    })
  })

  describe('judgement', () => {
    let j: JudgementRepo
    beforeAll(() => {
      j = new JudgementRepo(s)
    })

    it('keeps exceptions by scope; a group exception covers the group whatever its case', () => {
      j.atomically(() => {
        j.saveException(exception('e-target', { scope: 'target', targetId: 't1', createdAt: AT }))
        j.saveException(
          exception('e-group', { scope: 'group', group: 'WEB', createdAt: '2030-01-02T00:00:00.000Z' }),
        )
        j.saveException(exception('e-all', { scope: 'all', createdAt: '2030-01-03T00:00:00.000Z' }))
      })
      const listed = j.exceptions()
      expect(listed.map((e) => e.id)).toEqual(['e-target', 'e-group', 'e-all'])
      const covering = (t: { id: string; groups: string[] }) =>
        listed.filter((e) => inScope(e, t)).map((e) => e.id)
      const groupsOf = (id: string) =>
        s
          .all(
            s.q
              .selectFrom('target_labels')
              .select('label')
              .where('target_id', '=', id)
              .where('type', '=', 'group'),
          )
          .map((r) => r.label)
      expect(covering({ id: 't1', groups: groupsOf('t1') })).toEqual(['e-target', 'e-group', 'e-all'])
      expect(covering({ id: 't2', groups: groupsOf('t2') })).toEqual(['e-all'])

      // Several stored together, or none.
      expect(() =>
        j.atomically(() => {
          j.saveException(exception('e-lost', {}))
          j.saveException(exception('e-bad', { scope: 'target', targetId: 'no-such-target' }))
        }),
      ).toThrow()
      expect(j.exception('e-lost')).toBeUndefined()

      expect(j.revokeException('e-all', 'ciso', '2030-01-04T00:00:00.000Z')).toBe(true)
      expect(j.revokeException('e-all', 'ciso', '2030-01-04T00:00:00.000Z')).toBe(false)
      expect(j.exceptions().map((e) => e.id)).toEqual(['e-target', 'e-group'])
      expect(j.exceptions(true).find((e) => e.id === 'e-all')).toMatchObject({
        revokedAt: '2030-01-04T00:00:00.000Z',
        revokedBy: 'ciso',
      })
    })

    it('lists exceptions due for notice and expiry soonest first, and watches a new expiry afresh', () => {
      j.saveException(exception('x-late', { expiresAt: '2030-03-03T00:00:00.000Z' }))
      j.saveException(exception('x-b', { expiresAt: '2030-03-01T00:00:00.000Z' }))
      j.saveException(exception('x-a', { expiresAt: '2030-03-01T00:00:00.000Z' }))
      j.saveException(exception('x-early', { expiresAt: '2030-02-20T00:00:00.000Z' }))
      expect(j.nextExpiry()).toBe('2030-02-20T00:00:00.000Z')
      expect(j.dueForExpiry('2030-03-02T00:00:00.000Z').map((e) => e.id)).toEqual(['x-early', 'x-a', 'x-b'])
      j.markNotice('x-early', '2030-02-13T00:00:00.000Z')
      expect(j.dueForNotice('2030-03-10T00:00:00.000Z').map((e) => e.id)).toEqual(['x-a', 'x-b', 'x-late'])

      // The same expiry keeps its notice; a new one is noticed again.
      j.saveException(exception('x-early', { expiresAt: '2030-02-20T00:00:00.000Z', justification: 'Still' }))
      expect(j.exception('x-early')).toMatchObject({
        noticeAt: '2030-02-13T00:00:00.000Z',
        justification: 'Still',
      })
      j.saveException(exception('x-early', { expiresAt: '2030-04-01T00:00:00.000Z' }))
      expect(j.exception('x-early')?.noticeAt).toBeNull()

      const finding = {
        type: 'exception-expired' as const,
        ruleId: 'r2',
        severity: 'high',
        title: 'Title r2',
        fromStatus: 'fail',
        toStatus: 'fail',
        fromActual: '',
        toActual: '',
        fromScore: null,
        toScore: null,
      }
      const failing = [
        { targetId: 't1', scanId: 's1', finding },
        { targetId: 't1', scanId: 's1', finding },
        { targetId: 't2', scanId: 's2', finding: { ...finding, ruleId: 'r1@org/repo' } },
      ]
      let heard: number[] = []
      const events = j.recordExpiry(
        'x-a',
        '2030-03-01T00:00:00.000Z',
        failing,
        (e) => (heard = e.map((x) => x.id)),
      )
      expect(events.map((e) => `${e.targetId} ${e.scanId} ${e.ruleId} ${e.type}`)).toEqual([
        't1 s1 r2 exception-expired',
        't2 s2 r1@org/repo exception-expired',
      ])
      expect(heard).toEqual(events.map((e) => e.id))
      // Claimed once; a second exception expiring over the same failure records nothing new.
      expect(j.recordExpiry('x-a', '2030-03-01T00:00:00.000Z', failing, () => {})).toEqual([])
      expect(j.recordExpiry('x-b', '2030-03-01T00:00:00.000Z', failing, () => {})).toEqual([])
      expect(j.dueForExpiry('2030-03-02T00:00:00.000Z').map((e) => e.id)).toEqual([])
    })

    it('keeps one live attestation per target and rule, enforced by the database', () => {
      const base = {
        ruleId: 'm1',
        status: 'passed' as const,
        explanation: 'Backups restored in March',
        frequency: 'quarterly',
        attestedBy: 'ops',
        attestedAt: AT,
        expiresAt: '2030-04-01T00:00:00.000Z',
        evidence: null,
      }
      j.saveAttestation({ ...base, id: 'a1', targetId: 't1' }, AT)
      j.saveAttestation({ ...base, id: 'a-all', targetId: null }, AT)
      j.saveAttestation({ ...base, id: 'a2', targetId: 't1', status: 'failed' }, '2030-01-02T00:00:00.000Z')
      j.saveAttestation({ ...base, id: 'a-all-2', targetId: null }, '2030-01-02T00:00:00.000Z')
      expect(j.attestations().map((a) => [a.id, a.targetId, a.status])).toEqual([
        ['a-all-2', null, 'passed'],
        ['a2', 't1', 'failed'],
      ])
      expect(j.attestation('a1')?.revokedAt).toBe('2030-01-02T00:00:00.000Z')
      expect(j.attestations(true)).toHaveLength(4)

      // A second live row for the same (target, rule), written past the repository: refused.
      const live = (id: string, targetId: string | null) =>
        s.q.insertInto('attestations').values({
          id,
          target_id: targetId,
          rule_id: 'm1',
          status: 'passed',
          explanation: 'x',
          frequency: 'once',
          attested_by: 'ops',
          attested_at: AT,
          expires_at: AT,
          created_at: AT,
          updated_at: AT,
        })
      for (const target of ['t1', null]) {
        let err: unknown
        try {
          s.run(live(`dup-${target}`, target))
        } catch (e) {
          err = e
        }
        expect(violation(err)).toBe('unique')
      }
      // Another target's is its own.
      s.run(live('a-t2', 't2'))
      expect(j.revokeAttestation('a-t2', AT)).toBe(true)
      expect(j.revokeAttestation('a-t2', AT)).toBe(false)
    })

    it('answers the facts the judgement rooms need and keeps supporting files once', () => {
      expect([...j.knownRuleIds()].sort()).toEqual(['m1', 'r1', 'r1@org/repo', 'r2', 'r3'])
      expect([...j.notCheckedRuleIds()]).toEqual(['m1'])
      expect(j.latestScans().sort((a, b) => (a.targetId < b.targetId ? -1 : 1))).toEqual([
        { targetId: 't1', scanId: 's1' },
        { targetId: 't2', scanId: 's2' },
        { targetId: 't3', scanId: 's3' },
      ])
      expect(j.resultsWithStatus('s1', 'fail')).toEqual([
        { ruleId: 'r2', title: 'Title r2', severity: 'high', actual: '' },
      ])
      expect(j.currentStatus('t1')).toEqual(
        new Map([
          ['r1', 'pass'],
          ['r2', 'fail'],
          ['r3', 'notapplicable'],
        ]),
      )
      const bytes = Buffer.from('restore log\n'.repeat(100))
      const sha = j.putEvidence(bytes, 'text/plain', AT)
      expect(j.putEvidence(bytes, 'text/plain', '2030-02-01T00:00:00.000Z')).toBe(sha)
      expect(j.evidenceFile(sha)).toEqual({ bytes, mediaType: 'text/plain' })
    })
  })

  describe('reports', () => {
    it('selects finished scans by target ids, profile ids and window, oldest first', () => {
      const reports = new ReportsRepo(s)
      const ids = (rows: { id: string }[]) => rows.map((r) => r.id)
      expect(ids(reports.doneScans(['t1', 't2']))).toEqual(['s1-old', 's1', 's2'])
      expect(ids(reports.doneScans(['t1', 't2'], undefined, undefined, ['p2']))).toEqual(['s1-old'])
      expect(ids(reports.doneScans(['t1', 't2'], undefined, undefined, ['p1', 'p9']))).toEqual(['s1', 's2'])
      expect(
        ids(reports.doneScans(['t1', 't2'], '2030-01-03T00:00:00.000Z', '2030-01-03T06:00:00.000Z')),
      ).toEqual(['s1'])
      expect(reports.doneScans([])).toEqual([])
      expect(reports.doneScans(['t1'])[1]).toMatchObject({ targetId: 't1', profileId: 'p1', counts: {} })

      const j = new JudgementRepo(s)
      const a = j.putEvidence(Buffer.from('a'), 'text/plain', AT)
      const b = j.putEvidence(Buffer.from('bb'), 'application/json', AT)
      expect(reports.evidenceMeta([b, a, 'missing'])).toEqual(
        [
          { sha256: a, mediaType: 'text/plain', bytes: 1 },
          { sha256: b, mediaType: 'application/json', bytes: 2 },
        ].sort((x, y) => (x.sha256 < y.sha256 ? -1 : 1)),
      )
      expect(reports.evidenceMeta([])).toEqual([])
      expect(reports.evidenceBytes(b)).toEqual(Buffer.from('bb'))
      expect(reports.evidenceBytes('missing')).toBeUndefined()

      const drift = reports.driftEvents(['t1', 't2'], '2030-03-01T00:00:00.000Z')
      expect(drift.map((e) => `${e.targetId} ${e.ruleId} ${e.from}→${e.to}`)).toEqual([
        't1 r2 fail→fail',
        't2 r1@org/repo fail→fail',
      ])
      expect(reports.driftEvents(['t1'], undefined, '2030-02-01T00:00:00.000Z')).toEqual([])
      expect(reports.driftEvents([])).toEqual([])
    })

    it('keeps report schedules: add, replace, remove', () => {
      const repo = new ReportSchedulesRepo(s)
      const row = (id: string, name: string): ReportScheduleRow => ({
        id,
        name,
        cadence: 'weekly',
        day: 1,
        time: '06:00',
        timeZone: 'Europe/Berlin',
        formats: ['pdf'],
        targetIds: ['t1'],
        groups: [],
        paused: false,
        folder: '',
        nextRunAt: '2030-01-07T05:00:00.000Z',
        lastRunAt: null,
        lastFiles: [],
        lastError: '',
      })
      expect(repo.list()).toEqual([])
      repo.save(row('r1', 'Weekly'), AT)
      repo.save(row('r2', 'Other'), AT)
      repo.save({ ...row('r1', 'Weekly PDF'), formats: ['pdf', 'bundle'] }, AT)
      expect(repo.list().map((r) => [r.id, r.name, r.formats])).toEqual([
        ['r1', 'Weekly PDF', ['pdf', 'bundle']],
        ['r2', 'Other', ['pdf']],
      ])
      expect(repo.get('r2')).toEqual(row('r2', 'Other'))
      expect(repo.remove('r1', AT)).toBe(true)
      expect(repo.remove('r1', AT)).toBe(false)
      expect(repo.list().map((r) => r.id)).toEqual(['r2'])
    })
  })
})
