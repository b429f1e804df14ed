// The watch's store on both engines: drift events and timelines, schedules, runs and pauses, alerts (one open per
// target and rule, held by the database), channels unique by name whatever the case, and the delivery outbox.
import { beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { violation } from '../../src-main/core/store/sql/engine'
import { DriftRepo, insertDriftEvents } from '../../src-main/core/store/drift'
import { WatchRepo, type ScheduleRow } from '../../src-main/core/store/watch'
import { AlertsRepo } from '../../src-main/core/store/alerts'
import type { DriftFinding } from '../../src-main/core/watch/drift'
import { ENGINES, addTargetRow, migratedSql } from '../helpers/engines'

const finding = (ruleId: string, type: DriftFinding['type'], severity = 'high'): DriftFinding => ({
  type,
  ruleId,
  severity,
  title: `Rule ${ruleId}`,
  fromStatus: type === 'fixed' ? 'fail' : 'pass',
  toStatus: type === 'fixed' ? 'pass' : 'fail',
  fromActual: '',
  toActual: '',
  fromScore: null,
  toScore: null,
})

function addTarget(s: Sql, id: string): void {
  addTargetRow(s, { id, name: `target ${id}`, kind: 'postgres' })
}

function addScan(s: Sql, id: string, targetId: string, at: string, score: number, policy = ''): void {
  s.run(
    s.q.insertInto('scans').values({
      id,
      target_id: targetId,
      trigger: 'schedule',
      state: 'done',
      profile_id: 'xccdf_org.ssgproject.content_profile_cis',
      policy,
      started_at: at,
      finished_at: at.replace(':00.000Z', ':30.000Z'),
      score,
    }),
  )
}

const schedule = (
  id: string,
  over: Partial<ScheduleRow> = {},
): Omit<ScheduleRow, 'createdAt' | 'updatedAt'> => ({
  id,
  targetId: null,
  group: 'Web',
  kind: 'interval',
  intervalMinutes: 60,
  dailyTimes: [],
  days: [],
  timeZone: '',
  priority: false,
  jitterSeconds: 0,
  request: {},
  paused: false,
  ...over,
})

describe.each(ENGINES)('the watch store on %s', (engine) => {
  let s: Sql
  let drift: DriftRepo
  let watch: WatchRepo
  let alerts: AlertsRepo
  beforeAll(async () => {
    s = await migratedSql(engine)
    drift = new DriftRepo(s)
    watch = new WatchRepo(s)
    alerts = new AlertsRepo(s)
    for (const t of ['t1', 't2', 't3']) addTarget(s, t)
    addScan(s, 'scan-1', 't1', '2030-01-01T10:00:00.000Z', 90)
    addScan(s, 'scan-2', 't1', '2030-01-02T10:00:00.000Z', 80)
    addScan(s, 'scan-3', 't1', '2030-01-03T10:00:00.000Z', 85, 'policy-b')
    addScan(s, 'scan-4', 't1', '2030-01-04T10:00:00.000Z', 95, 'policy-a')
  })

  describe('drift', () => {
    it('lists events newest first with their total, filters them, and draws the timeline per scan', () => {
      const second = s.transaction(() =>
        insertDriftEvents(
          s,
          { targetId: 't1', scanId: 'scan-2', prevScanId: 'scan-1', at: '2030-01-02T10:00:30.000Z' },
          [finding('r-b', 'regression'), finding('r-a', 'regression', 'low'), finding('', 'score', 'minor')],
        ),
      )
      expect(second.map((e) => [e.ruleId, e.type, e.scanId, e.prevScanId])).toEqual([
        ['r-b', 'regression', 'scan-2', 'scan-1'],
        ['r-a', 'regression', 'scan-2', 'scan-1'],
        ['', 'score', 'scan-2', 'scan-1'],
      ])
      insertDriftEvents(
        s,
        { targetId: 't1', scanId: 'scan-4', prevScanId: 'scan-3', at: '2030-01-04T10:00:30.000Z' },
        [finding('r-b', 'fixed')],
      )

      const all = drift.events({ targetId: 't1' })
      expect(all.total).toBe(4)
      expect(all.events.map((e) => `${e.scanId}:${e.ruleId}:${e.type}`)).toEqual([
        'scan-4:r-b:fixed',
        'scan-2::score',
        'scan-2:r-a:regression',
        'scan-2:r-b:regression',
      ])
      const limited = drift.events({ targetId: 't1', types: ['regression'], limit: 1 })
      expect(limited.total).toBe(2)
      expect(limited.events.map((e) => e.ruleId)).toEqual(['r-a'])
      expect(drift.events({ severities: ['low'] }).events.map((e) => e.ruleId)).toEqual(['r-a'])
      expect(drift.events({ from: '2030-01-03T00:00:00.000Z' }).total).toBe(1)
      expect(drift.event(second[0]!.id)?.title).toBe('Rule r-b')

      expect(drift.timeline('t1')).toEqual([
        { scanId: 'scan-1', at: '2030-01-01T10:00:30.000Z', score: 90, events: {} },
        { scanId: 'scan-2', at: '2030-01-02T10:00:30.000Z', score: 80, events: { regression: 2, score: 1 } },
        { scanId: 'scan-3', at: '2030-01-03T10:00:30.000Z', score: 85, events: {} },
        {
          scanId: 'scan-4',
          at: '2030-01-04T10:00:30.000Z',
          score: 95,
          events: { fixed: 1 },
          policyChange: 'Policy changed: cis was edited (rules, Values or variables)',
        },
      ])
      expect(drift.kpiEvents({ targetId: 't1' })).toEqual([
        {
          targetId: 't1',
          ruleId: 'r-b',
          type: 'regression',
          at: '2030-01-02T10:00:30.000Z',
          prevAt: '2030-01-01T10:00:30.000Z',
        },
        {
          targetId: 't1',
          ruleId: 'r-a',
          type: 'regression',
          at: '2030-01-02T10:00:30.000Z',
          prevAt: '2030-01-01T10:00:30.000Z',
        },
        {
          targetId: 't1',
          ruleId: 'r-b',
          type: 'fixed',
          at: '2030-01-04T10:00:30.000Z',
          prevAt: '2030-01-03T10:00:30.000Z',
        },
      ])
    })
  })

  describe('schedules, runs and pauses', () => {
    it('saves, updates, pauses and removes schedules, keeping the runs that are running', () => {
      const a = watch.saveSchedule(
        schedule('sch-a', { dailyTimes: ['02:30'], kind: 'daily' }),
        '2030-01-01T00:00:00.000Z',
      )
      expect(a).toMatchObject({
        id: 'sch-a',
        group: 'Web',
        kind: 'daily',
        dailyTimes: ['02:30'],
        paused: false,
      })
      watch.saveSchedule(
        schedule('sch-b', { targetId: 't2', group: null, priority: true }),
        '2030-01-01T00:01:00.000Z',
      )
      watch.insertRun('sch-a', 't1', '2030-01-05T00:00:00.000Z')
      watch.insertRun('sch-a', 't3', '2030-01-05T00:00:00.000Z')
      watch.updateRun('sch-a', 't3', { status: 'running', lastRunAt: '2030-01-04T00:00:00.000Z' })

      const edited = watch.saveSchedule(
        schedule('sch-a', { intervalMinutes: 15 }),
        '2030-01-02T00:00:00.000Z',
      )
      expect(edited).toMatchObject({
        kind: 'interval',
        intervalMinutes: 15,
        createdAt: '2030-01-01T00:00:00.000Z',
      })
      expect(edited.updatedAt).toBe('2030-01-02T00:00:00.000Z')
      // Editing plans the schedule afresh, except the run whose scan is under way.
      expect(watch.runs().map((r) => [r.scheduleId, r.targetId, r.status])).toEqual([
        ['sch-a', 't3', 'running'],
      ])

      expect(watch.schedules().map((x) => x.id)).toEqual(['sch-a', 'sch-b'])
      expect(watch.setSchedulePaused('sch-b', true, '2030-01-02T00:00:00.000Z')).toBe(true)
      expect(watch.schedule('sch-b')?.paused).toBe(true)
      expect(watch.setSchedulePaused('nope', true, '2030-01-02T00:00:00.000Z')).toBe(false)
      expect(watch.removeSchedule('sch-b')).toBe(true)
      expect(watch.removeSchedule('sch-b')).toBe(false)
      expect(watch.schedules().map((x) => x.id)).toEqual(['sch-a'])
    })

    it('says what is due: not running, time come, schedule and target not paused, priority first', () => {
      s.run(s.q.deleteFrom('schedules'))
      watch.saveSchedule(schedule('plain', { targetId: 't1', group: null }), '2030-01-01T00:00:00.000Z')
      watch.saveSchedule(schedule('vip', { priority: true }), '2030-01-01T00:00:00.000Z')
      watch.saveSchedule(schedule('held', { paused: true }), '2030-01-01T00:00:00.000Z')
      watch.insertRun('plain', 't1', '2030-01-05T09:00:00.000Z')
      watch.insertRun('vip', 't2', '2030-01-05T09:30:00.000Z')
      watch.insertRun('vip', 't3', '2030-01-05T09:10:00.000Z')
      watch.insertRun('vip', 't1', '2030-01-05T11:00:00.000Z') // not yet
      watch.insertRun('held', 't1', '2030-01-05T08:00:00.000Z') // its schedule is paused
      watch.insertRun('plain', 't1', '2030-01-01T00:00:00.000Z') // exists already: kept as it was
      const due = () => watch.dueRuns('2030-01-05T10:00:00.000Z').map((r) => `${r.scheduleId}/${r.targetId}`)
      expect(due()).toEqual(['vip/t3', 'vip/t2', 'plain/t1'])

      watch.setTargetPaused('t3', true, '2030-01-05T09:59:00.000Z')
      watch.setTargetPaused('t3', true, '2030-01-05T09:59:30.000Z')
      expect([...watch.pausedTargets()]).toEqual(['t3'])
      watch.startRun('vip', 't2', 'scan-x', '2030-01-05T10:00:00.000Z')
      expect(watch.run('vip', 't2')).toMatchObject({
        status: 'running',
        lastRunAt: '2030-01-05T10:00:00.000Z',
        lastScanId: 'scan-x',
      })
      expect(due()).toEqual(['plain/t1'])

      watch.setTargetPaused('t3', false, '2030-01-05T10:00:00.000Z')
      expect(watch.pausedTargets().size).toBe(0)
      // "Run now": everything not running is due at once.
      expect(watch.makeDue('2030-01-05T09:00:00.000Z', 'vip')).toBe(2)
      expect(due()).toEqual(['vip/t1', 'vip/t3', 'plain/t1'])
      watch.removeRunsExcept('vip', ['t2'])
      expect(
        watch
          .runs()
          .filter((r) => r.scheduleId === 'vip')
          .map((r) => r.targetId),
      ).toEqual(['t2'])
      watch.removeRunsExcept('vip', [])
      expect(watch.runs().filter((r) => r.scheduleId === 'vip')).toEqual([])
    })

    it('keeps the watch pause, the settings and one scheduling lease', () => {
      expect(watch.paused()).toBe(false)
      watch.setPaused(true, '2030-01-05T00:00:00.000Z')
      expect(watch.paused()).toBe(true)
      const saved = watch.saveSettings({ ...watch.settings(), concurrency: 5 }, '2030-01-05T00:00:00.000Z')
      expect(saved.concurrency).toBe(5)

      const at = '2030-01-05T00:00:00.000Z'
      expect(watch.acquireLease('a', 1, at, 60_000, () => true)?.owner).toBe('a')
      expect(watch.acquireLease('b', 2, at, 60_000, () => true)).toBeNull()
      // The holder's process is gone: the lease is taken over.
      expect(watch.acquireLease('b', 2, at, 60_000, () => false)?.owner).toBe('b')
      watch.releaseLease('a')
      expect(watch.lease()?.owner).toBe('b')
      watch.releaseLease('b')
      expect(watch.lease()).toBeUndefined()
      // On a shared store the holder may run on another computer, where its pid means nothing here: it keeps
      // the lease until the lease lapses, even though no process of that pid runs on this one.
      expect(watch.acquireLease('east', 7, at, 60_000, () => true, 'east-1')?.host).toBe('east-1')
      expect(watch.acquireLease('west', 8, at, 60_000, () => false, 'west-1')).toBeNull()
      const later = '2030-01-05T00:01:01.000Z'
      expect(watch.acquireLease('west', 8, later, 60_000, () => false, 'west-1')?.owner).toBe('west')
    })
  })

  describe('alerts', () => {
    it('opens one alert per target and rule, which the database itself holds to, until the rule is fixed', () => {
      addScan(s, 'scan-t2-1', 't2', '2030-02-01T10:00:00.000Z', 70)
      addScan(s, 'scan-t2-2', 't2', '2030-02-02T10:00:00.000Z', 60)
      addScan(s, 'scan-t2-3', 't2', '2030-02-03T10:00:00.000Z', 90)
      addScan(s, 'scan-t2-4', 't2', '2030-02-04T10:00:00.000Z', 50)
      const record = (scanId: string, findings: DriftFinding[], at: string) =>
        s.transaction(() => {
          const events = insertDriftEvents(s, { targetId: 't2', scanId, prevScanId: null, at }, findings)
          return alerts.recordDrift({ id: scanId, targetId: 't2' }, events, at)
        })
      record(
        'scan-t2-1',
        [finding('r1', 'regression'), finding('r2', 'value', 'low')],
        '2030-02-01T10:01:00.000Z',
      )
      record('scan-t2-2', [finding('r1', 'new-failing')], '2030-02-02T10:01:00.000Z')
      const open = () => alerts.alerts('open').filter((a) => a.targetId === 't2')
      expect(open().map((a) => a.ruleId)).toEqual(['r1'])

      let refused: unknown
      try {
        s.run(
          s.q.insertInto('alerts').values({
            target_id: 't2',
            rule_id: 'r1',
            event_id: open()[0]!.eventId,
            state: 'acknowledged',
            opened_at: '2030-02-02T11:00:00.000Z',
          }),
        )
      } catch (err) {
        refused = err
      }
      expect(violation(refused)).toBe('unique')

      record('scan-t2-3', [finding('r1', 'fixed')], '2030-02-03T10:01:00.000Z')
      expect(open()).toEqual([])
      expect(alerts.alerts('resolved').map((a) => [a.ruleId, a.resolvedAt])).toEqual([
        ['r1', '2030-02-03T10:01:00.000Z'],
      ])
      record('scan-t2-4', [finding('r1', 'regression')], '2030-02-04T10:01:00.000Z')
      const reopened = open()
      expect(reopened.map((a) => a.ruleId)).toEqual(['r1'])

      expect(alerts.acknowledge(reopened[0]!.id, '2030-02-04T12:00:00.000Z')).toBe(true)
      expect(alerts.acknowledge(reopened[0]!.id, '2030-02-04T12:05:00.000Z')).toBe(false)
      expect(alerts.alerts('acknowledged').map((a) => [a.id, a.acknowledgedAt])).toEqual([
        [reopened[0]!.id, '2030-02-04T12:00:00.000Z'],
      ])
      // Still one alert for the rule while it is acknowledged: another regression opens none.
      addScan(s, 'scan-t2-5', 't2', '2030-02-05T10:00:00.000Z', 40)
      record('scan-t2-5', [finding('r1', 'regression')], '2030-02-05T10:01:00.000Z')
      expect(alerts.alerts().filter((a) => a.targetId === 't2' && a.state !== 'resolved')).toHaveLength(1)
    })

    it('keeps channel names unique whatever their case, and lists them so', () => {
      const channel = (id: string, name: string) => ({
        id,
        kind: 'webhook' as const,
        name,
        enabled: true,
        config: { url: 'http://127.0.0.1:9/hook' },
        credentialId: null,
        throttleMinutes: 0,
      })
      alerts.saveChannel(channel('c-ops', 'ops'), '2030-03-01T00:00:00.000Z')
      alerts.saveChannel(channel('c-audit', 'audit'), '2030-03-01T00:00:00.000Z')
      alerts.saveChannel(channel('c-zed', 'zed'), '2030-03-01T00:00:00.000Z')
      expect(() => alerts.saveChannel(channel('c-other', 'OPS'), '2030-03-01T00:00:00.000Z')).toThrow(
        'An alert channel named "OPS" exists already',
      )
      // Its own name in another case is a rename, not a clash.
      expect(alerts.saveChannel(channel('c-ops', 'Ops'), '2030-03-02T00:00:00.000Z').name).toBe('Ops')
      expect(alerts.channels().map((c) => c.name)).toEqual(['audit', 'Ops', 'zed'])
      expect(alerts.removeChannel('c-zed')).toBe(true)
      expect(alerts.removeChannel('c-zed')).toBe(false)
    })

    it('sends the outbox oldest first, counts attempts, retries at the time given and gives up when told', () => {
      s.run(s.q.deleteFrom('alert_deliveries'))
      const a = alerts.queueTest('c-ops', '2030-03-03T00:00:00.000Z')
      const b = alerts.queueTest('c-audit', '2030-03-03T00:00:01.000Z')
      const c = alerts.queueTest('c-ops', '2030-03-03T00:00:02.000Z')
      expect(b).toBeGreaterThan(a)
      expect(alerts.due('2030-03-03T00:00:00.000Z')).toEqual([]) // test messages wait for their sender
      alerts.markFailed(a, 'HTTP 502', '2030-03-03T00:05:00.000Z')
      alerts.markFailed(b, 'HTTP 503', '2030-03-03T00:01:00.000Z')
      alerts.markFailed(c, 'HTTP 500', '2030-03-03T00:10:00.000Z')
      expect(alerts.nextDue()).toBe('2030-03-03T00:01:00.000Z')
      expect(alerts.due('2030-03-03T00:06:00.000Z').map((d) => [d.id, d.attempts, d.lastError])).toEqual([
        [a, 1, 'HTTP 502'],
        [b, 1, 'HTTP 503'],
      ])
      alerts.markFailed(a, 'HTTP 502', null)
      alerts.markSent(b, '2030-03-03T00:06:00.000Z')
      expect(alerts.delivery(a)).toMatchObject({
        state: 'failed',
        attempts: 2,
        nextAttemptAt: '2030-03-03T00:05:00.000Z',
      })
      expect(alerts.delivery(b)).toMatchObject({
        state: 'sent',
        attempts: 2,
        lastError: '',
        sentAt: '2030-03-03T00:06:00.000Z',
      })

      alerts.postpone(c, 'vault locked', '9999-01-01T00:00:00.000Z')
      expect(alerts.delivery(c)).toMatchObject({ attempts: 1, lastError: 'vault locked' })
      expect(alerts.wake('vault locked', '2030-03-03T00:07:00.000Z')).toBe(1)
      expect(alerts.due('2030-03-03T00:07:00.000Z').map((d) => d.id)).toEqual([c])
      expect(alerts.deliveries('c-ops').map((d) => d.id)).toEqual([c, a])
      expect(alerts.deliveries(undefined, 2).map((d) => d.id)).toEqual([c, b])
    })

    it('queues one message per enabled channel and scan, throttled per target', () => {
      s.run(s.q.deleteFrom('alert_deliveries'))
      s.run(s.q.updateTable('alert_channels').set({ enabled: 0 }).where('id', '=', 'c-audit'))
      s.run(s.q.updateTable('alert_channels').set({ throttle_minutes: 30 }).where('id', '=', 'c-ops'))
      addScan(s, 'scan-t3-1', 't3', '2030-04-01T10:00:00.000Z', 70)
      addScan(s, 'scan-t3-2', 't3', '2030-04-01T10:10:00.000Z', 60)
      const record = (scanId: string, rule: string, at: string) =>
        s.transaction(() => {
          const events = insertDriftEvents(s, { targetId: 't3', scanId, prevScanId: null, at }, [
            finding(rule, 'regression'),
          ])
          return alerts.recordDrift({ id: scanId, targetId: 't3' }, events, at)
        })
      const [first] = record('scan-t3-1', 'x1', '2030-04-01T10:01:00.000Z')
      const [second] = record('scan-t3-2', 'x2', '2030-04-01T10:11:00.000Z')
      expect(alerts.delivery(first!)).toMatchObject({
        channelId: 'c-ops',
        nextAttemptAt: '2030-04-01T10:01:00.000Z',
      })
      // The channel sent this target a message 10 minutes ago: the next waits for the throttle's end.
      expect(alerts.delivery(second!)).toMatchObject({
        channelId: 'c-ops',
        nextAttemptAt: '2030-04-01T10:31:00.000Z',
      })
      expect(alerts.events(alerts.delivery(second!)!.eventIds).map((e) => e.ruleId)).toEqual(['x2'])
      expect(alerts.deliveries().map((d) => d.channelId)).toEqual(['c-ops', 'c-ops'])
    })
  })
})
