// The watch's scheduler on a fake clock, through a real core on a real SQLite file: intervals, daily times,
// priority, concurrency, backoff, restart persistence, no duplicate runs, missed windows run once, pauses,
// and targets waiting for a locked vault.
import { describe, expect, it } from 'vitest'
import { call, useCores } from '../../helpers/core'
import { deferred, fakeTime, rule, scriptedScanner, type FakeTime } from '../../helpers/watch'
import type { Core } from '../../../src-main/core/app'

const cores = useCores()
const MIN = 60_000
const HOUR = 60 * MIN

function openWatch(time: FakeTime, dataDir?: string, random = () => 0.5) {
  const scanner = scriptedScanner(time)
  const core = cores.open({
    clock: time,
    timers: time,
    scanners: [scanner],
    random,
    ...(dataDir && { dataDir }),
  })
  return { core, scanner, script: scanner.script }
}

async function pg(core: Core, name: string, extra: { groups?: string[]; credentialId?: string | null } = {}) {
  return (
    await call(core, 'targets.create', {
      target: { kind: 'postgres', name, host: '127.0.0.1', user: 'u', tls: 'disable', ...extra },
    })
  ).id
}

const countOf = (started: { target: string }[], name: string) =>
  started.filter((s) => s.target === name).length

describe('intervals', () => {
  it('scans when a schedule is created, then once per interval, and records the scans as watch scans', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time)
    const id = await pg(core, 'db-a')
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    await time.advance(0)
    expect(script.started.map((s) => s.at)).toEqual([time.iso()])

    await time.advance(59 * MIN)
    expect(script.started).toHaveLength(1)
    await time.advance(1 * MIN)
    expect(script.started).toHaveLength(2)
    await time.advance(5 * HOUR)
    expect(script.started).toHaveLength(7)

    const { scans } = await call(core, 'scans.list', { targetId: id })
    expect(scans).toHaveLength(7)
    expect(scans.every((s) => s.trigger === 'schedule' && s.state === 'done')).toBe(true)
    const status = await call(core, 'watch.status', {})
    expect(status.active).toBe(true)
    expect(status.runs[0]).toMatchObject({
      status: 'waiting',
      nextRunAt: new Date(time.now().getTime() + HOUR).toISOString(),
    })
  })

  it('runs daily schedules at their times of day', async () => {
    const time = fakeTime('2030-01-07T00:00:00.000Z')
    const { core, script } = openWatch(time)
    const id = await pg(core, 'db-a')
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: id, kind: 'daily', dailyTimes: ['02:30', '14:00'] })
    await time.advance(0) // first run on creation
    await time.advance(48 * HOUR)
    const local = script.started.slice(1).map((s) => {
      const d = new Date(s.at)
      return `${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`
    })
    expect(local).toEqual(['2:30', '14:00', '2:30', '14:00'])
  })

  it('adds jitter within the schedule’s jitter window', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time, undefined, () => 0.25)
    const id = await pg(core, 'db-a')
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60, jitterSeconds: 600 })
    await time.advance(3 * HOUR)
    const gaps = script.started.slice(1).map((s, i) => Date.parse(s.at) - Date.parse(script.started[i]!.at))
    // First run: 0.25 × 600 s after creation; then each 60 min from the last start + 150 s of jitter.
    expect(Date.parse(script.started[0]!.at) - Date.parse('2030-01-07T00:00:00.000Z')).toBe(150_000)
    expect(gaps.every((g) => g === HOUR + 150_000)).toBe(true)
  })

  it('wakes for a run due soon even while another due run is held back', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time)
    const a = await pg(core, 'a')
    const b = await pg(core, 'b')
    await call(core, 'watch.schedules.save', { targetId: a, intervalMinutes: 60 })
    await call(core, 'watch.pause', { targetId: a }) // due, but held back
    core.watch.start()
    await time.advance(0)
    await call(core, 'watch.schedules.save', { targetId: b, intervalMinutes: 60, jitterSeconds: 20 })
    await time.advance(10_000) // b's first run is 10 s after its creation (0.5 × 20 s jitter)
    expect(script.started.map((s) => [s.target, s.at])).toEqual([['b', time.iso()]])
  })
})

describe('priorities and limits', () => {
  it('runs priority targets more often and first when the concurrency limit holds others back', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time)
    const normal = await pg(core, 'normal')
    const vip = await pg(core, 'vip')
    const status = await call(core, 'watch.status', {})
    await call(core, 'watch.settings', { ...status.settings, concurrency: 1, priorityFactor: 2 })
    await call(core, 'watch.schedules.save', { targetId: normal, intervalMinutes: 60 })
    await call(core, 'watch.schedules.save', { targetId: vip, intervalMinutes: 60, priority: true })
    const gate = deferred()
    script.gates.set('vip', gate.promise)
    core.watch.start()
    await time.advance(0)
    // One at a time, and the priority target goes first.
    expect(script.started.map((s) => s.target)).toEqual(['vip'])
    script.gates.delete('vip')
    gate.resolve()
    await time.advance(0)
    expect(script.started.map((s) => s.target)).toEqual(['vip', 'normal'])

    await time.advance(4 * HOUR)
    expect(countOf(script.started, 'vip')).toBe(9) // every 30 min: 0, 0:30, …, 4:00
    expect(countOf(script.started, 'normal')).toBe(5) // every 60 min
  })

  it('holds a per-kind limit', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time)
    const ids = [await pg(core, 'a'), await pg(core, 'b'), await pg(core, 'c')]
    const status = await call(core, 'watch.status', {})
    await call(core, 'watch.settings', { ...status.settings, concurrency: 5, perKind: { postgres: 2 } })
    const gate = deferred()
    for (const n of ['a', 'b', 'c']) script.gates.set(n, gate.promise)
    for (const id of ids) await call(core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    core.watch.start()
    await time.advance(MIN)
    expect(script.started).toHaveLength(2)
    gate.resolve()
    await time.advance(0)
    expect(script.started).toHaveLength(3)
  })
})

describe('backoff', () => {
  it('retries a failing target with capped exponential backoff and full jitter, then resumes its interval', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time, undefined, () => 0.5)
    const id = await pg(core, 'flaky')
    const status = await call(core, 'watch.status', {})
    await call(core, 'watch.settings', { ...status.settings, backoffBaseMinutes: 2, backoffCapMinutes: 10 })
    script.results.set('flaky', new Error('connection refused'))
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: id, intervalMinutes: 120 })
    await time.advance(0)
    const t0 = Date.parse(script.started[0]!.at)
    await time.advance(30 * MIN)
    const offsets = script.started.map((s) => (Date.parse(s.at) - t0) / MIN)
    // Waits of 0.5 × min(10, 2·2^(n-1)) minutes: 1, 2, 4, 5, 5, 5, … after each failure.
    expect(offsets.slice(0, 7)).toEqual([0, 1, 3, 7, 12, 17, 22])
    const run = (await call(core, 'watch.status', {})).runs[0]!
    expect(run).toMatchObject({ status: 'backoff', detail: 'connection refused' })
    expect(run.failures).toBeGreaterThanOrEqual(7)

    script.results.delete('flaky')
    const before = script.started.length
    await time.advance(5 * MIN)
    expect(script.started).toHaveLength(before + 1)
    const ok = (await call(core, 'watch.status', {})).runs[0]!
    expect(ok).toMatchObject({ status: 'waiting', failures: 0, detail: '' })
    const lastStart = Date.parse(script.started.at(-1)!.at)
    expect(Date.parse(ok.nextRunAt) - lastStart).toBe(120 * MIN)
  })
})

describe('restarts', () => {
  it('keeps next runs across a restart, and runs a window missed while closed once, not once per slot', async () => {
    const time = fakeTime()
    const first = openWatch(time)
    const id = await pg(first.core, 'db-a')
    first.core.watch.start()
    await call(first.core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    await time.advance(0)
    expect(first.script.started).toHaveLength(1)
    const dataDir = first.core.dataDir
    first.core.close()

    // Reopened 30 minutes later: nothing is due yet, and the run happens at the hour as planned.
    await time.advance(30 * MIN)
    const second = openWatch(time, dataDir)
    second.core.watch.start()
    await time.advance(29 * MIN)
    expect(second.script.started).toHaveLength(0)
    await time.advance(1 * MIN)
    expect(second.script.started).toHaveLength(1)
    second.core.close()

    // Closed for five hours: five slots missed, one run on opening, then hourly from then on.
    await time.advance(5 * HOUR)
    const third = openWatch(time, dataDir)
    third.core.watch.start()
    await time.advance(0)
    expect(third.script.started.map((s) => s.at)).toEqual([time.iso()])
    await time.advance(59 * MIN)
    expect(third.script.started).toHaveLength(1)
    await time.advance(1 * MIN)
    expect(third.script.started).toHaveLength(2)
  })

  it('runs a scan cut short by closing Driftwatch again once on restart', async () => {
    const time = fakeTime()
    const first = openWatch(time)
    const id = await pg(first.core, 'db-a')
    first.script.gates.set('db-a', new Promise(() => undefined)) // never finishes: Driftwatch closes mid-scan
    first.core.watch.start()
    await call(first.core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    await time.advance(0)
    expect((await call(first.core, 'watch.status', {})).runs[0]!.status).toBe('running')
    const dataDir = first.core.dataDir
    await first.core.close()

    await time.advance(10 * MIN)
    const second = openWatch(time, dataDir)
    second.core.watch.start()
    await time.advance(0)
    expect(second.script.started).toHaveLength(1)
    const { scans } = await call(second.core, 'scans.list', { targetId: id })
    // The close cancelled the scan and said so before the store closed (a crash leaves it to be marked
    // interrupted on the next start: test/integration/crash-safety.test.ts).
    expect(scans.map((s) => s.state).sort()).toEqual(['cancelled', 'done'])
    await time.advance(30 * MIN)
    expect(second.script.started).toHaveLength(1)
  })
})

describe('no duplicate runs', () => {
  it('never scans one target twice at once, even when two schedules and "run now" all want it', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time)
    const id = await pg(core, 'db-a', { groups: ['prod'] })
    const gate = deferred()
    script.gates.set('db-a', gate.promise)
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    await call(core, 'watch.schedules.save', { group: 'prod', intervalMinutes: 30 })
    await call(core, 'watch.runNow', {})
    await call(core, 'watch.runNow', {})
    await time.advance(10 * MIN)
    expect(script.started).toHaveLength(1)
    // A person pressing Scan while the watch scans it gets a clear refusal rather than a second scan.
    const env = await core.invoke('scan.start', { targetId: id })
    expect(env).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'db-a is already being scanned' },
    })

    script.gates.delete('db-a')
    gate.resolve()
    await time.advance(0)
    // The scan that finished satisfies both schedules: no immediate second scan.
    expect(script.started).toHaveLength(1)
    await time.advance(30 * MIN)
    expect(script.started).toHaveLength(2)
  })

  it('lets only one process schedule a store: a second core waits while the first holds the lease', async () => {
    const time = fakeTime()
    const a = openWatch(time)
    const id = await pg(a.core, 'db-a')
    await call(a.core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    a.core.watch.start()
    const b = openWatch(time, a.core.dataDir)
    b.core.watch.start()
    await time.advance(3 * HOUR)
    expect(a.script.started).toHaveLength(4)
    expect(b.script.started).toHaveLength(0)
    const bs = await call(b.core, 'watch.status', {})
    expect(bs.active).toBe(false)
    expect(bs.elsewhere).toBe(`Driftwatch process ${process.pid}`)
  })
})

describe('pauses and the vault', () => {
  it('pauses and resumes all, or one target', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time)
    const a = await pg(core, 'a')
    const b = await pg(core, 'b')
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: a, intervalMinutes: 60 })
    await call(core, 'watch.schedules.save', { targetId: b, intervalMinutes: 60 })
    await time.advance(0)
    expect(script.started).toHaveLength(2)

    const paused = await call(core, 'watch.pause', {})
    expect(paused).toMatchObject({ paused: true, tray: 'paused' })
    await time.advance(3 * HOUR)
    expect(script.started).toHaveLength(2)
    await call(core, 'watch.resume', {})
    await time.advance(0)
    expect(script.started).toHaveLength(4) // each runs once for the hours missed while paused

    const one = await call(core, 'watch.pause', { targetId: a })
    expect(one.runs.find((r) => r.targetId === a)?.status).toBe('paused')
    await time.advance(2 * HOUR)
    expect(countOf(script.started, 'a')).toBe(2)
    expect(countOf(script.started, 'b')).toBe(4)
  })

  it('makes targets whose credential is locked in the vault wait, and scans them once it is unlocked', async () => {
    const time = fakeTime()
    const scanner = scriptedScanner(time)
    const core = cores.open({
      clock: time,
      timers: time,
      scanners: [scanner],
      unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
    })
    await call(core, 'vault.init', { passphrase: 'correct horse battery' })
    const cred = await call(core, 'credentials.create', {
      credential: { kind: 'db-password', name: 'pw', secret: { password: 'x' } },
    })
    const id = await pg(core, 'db-a', { credentialId: cred.id })
    await call(core, 'vault.lock', {})
    core.watch.start()
    await call(core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    await time.advance(5 * MIN)
    const s = await call(core, 'watch.status', {})
    expect(s.runs[0]).toMatchObject({
      status: 'vault_locked',
      detail: 'Waiting for the vault to be unlocked',
    })
    expect(s.tray).toBe('vault_locked')
    expect(scanner.script.started).toHaveLength(0)
    await call(core, 'vault.unlock', { passphrase: 'correct horse battery' })
    await time.advance(0)
    expect(scanner.script.started).toHaveLength(1)
  })
})

describe('schedules are checked', () => {
  it('refuses a schedule without a target or group, an unknown target, and oscap targets without content', async () => {
    const time = fakeTime()
    const { core } = openWatch(time)
    const local = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })).id
    expect(await core.invoke('watch.schedules.save', { intervalMinutes: 60 })).toMatchObject({
      ok: false,
      error: {
        code: 'validation',
        issues: [{ path: 'targetId', message: 'Choose a target or a group (one of them)' }],
      },
    })
    expect(await core.invoke('watch.schedules.save', { targetId: 'ghost' })).toMatchObject({
      ok: false,
      error: { message: 'That target does not exist' },
    })
    expect(await core.invoke('watch.schedules.save', { targetId: local, intervalMinutes: 0 })).toMatchObject({
      ok: false,
      error: { issues: [{ path: 'intervalMinutes', message: 'Interval must be at least 1 minute' }] },
    })
    expect(await core.invoke('watch.schedules.save', { targetId: local })).toMatchObject({
      ok: false,
      error: { message: 'Scanning laptop needs SCAP content and a profile, or an assigned tailoring' },
    })
    expect(
      await core.invoke('watch.schedules.save', {
        targetId: local,
        kind: 'daily',
        sha256: 'a'.repeat(64),
        profileId: 'p',
      }),
    ).toMatchObject({
      ok: false,
      error: { issues: [{ path: 'dailyTimes', message: 'Give at least one time of day' }] },
    })
  })
})

describe('drift from watch scans', () => {
  it('records a regression when a watched rule goes from pass to fail', async () => {
    const time = fakeTime()
    const { core, script } = openWatch(time)
    const id = await pg(core, 'db-a')
    core.watch.start()
    script.results.set('db-a', [rule('log_connections', 'pass', 'on'), rule('ssl', 'fail', 'off')])
    await call(core, 'watch.schedules.save', { targetId: id, intervalMinutes: 60 })
    await time.advance(0)
    script.results.set('db-a', [rule('log_connections', 'fail', 'off'), rule('ssl', 'fail', 'off')])
    await time.advance(HOUR)
    const { events } = await call(core, 'drift.events', { targetId: id })
    expect(events.map((e) => [e.type, e.ruleId, e.fromStatus, e.toStatus, e.fromActual, e.toActual])).toEqual(
      [
        ['score', '', '', '', '', ''],
        ['regression', 'log_connections', 'pass', 'fail', 'on', 'off'],
      ],
    )
    expect(events[0]).toMatchObject({ severity: 'major', fromScore: 50, toScore: 0 })
  })
})
