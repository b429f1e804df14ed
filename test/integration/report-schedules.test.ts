// Scheduled report exports (issue 21): on a fake clock, a weekly export writes the report as a PDF and a signed
// bundle into the folder set from the command line, on its day and time and not before, then again a week
// later; a monthly one set from the app lands in the data folder's exports/; no API caller can name a folder;
// with the vault locked the PDF is still written and the bundle's failure is said.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { call, useCores } from '../helpers/core'
import { fakeTime, rule, scriptedScanner } from '../helpers/watch'
import { ensureBuilt } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'
import { verifyBundleFile } from '../helpers/files'
import { ReportScheduleInput } from '../../src-preload/contract'
import { nextReportRun } from '../../src-main/core/watch/report-exports'

const cores = useCores()
const tmp = useTmpDirs()
const HOUR = 3_600_000
const DAY = 24 * HOUR

beforeAll(() => ensureBuilt(), 300_000)

async function setUp(start = '2030-01-07T00:00:00.000Z') {
  const time = fakeTime(start)
  const scanner = scriptedScanner(time)
  const core = cores.open({
    clock: time,
    timers: time,
    scanners: [scanner],
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await call(core, 'vault.init', { passphrase: 'scheduled export passphrase' })
  // A watch left running for weeks keeps its vault open (auto-lock off), as a server's would.
  await call(core, 'vault.setAutoLock', { minutes: 0 })
  const targetId = (
    await call(core, 'targets.create', {
      target: { kind: 'postgres', name: 'billing-db', host: '127.0.0.1', user: 'u', tls: 'disable' },
    })
  ).id
  scanner.script.results.set('billing-db', [rule('r1', 'pass'), rule('r2', 'fail')])
  await call(core, 'scan.start', { targetId })
  await core.idle()
  return { time, core, targetId }
}

const pdfText = (path: string) => execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' })

describe('scheduled report exports', () => {
  it('computes weekly and monthly times in local time, strictly after the moment given', () => {
    const monday = new Date(2030, 0, 7, 12, 0).getTime()
    expect(new Date(nextReportRun({ cadence: 'weekly', day: 1, time: '06:00' }, monday))).toEqual(
      new Date(2030, 0, 14, 6, 0),
    )
    expect(new Date(nextReportRun({ cadence: 'weekly', day: 3, time: '06:00' }, monday))).toEqual(
      new Date(2030, 0, 9, 6, 0),
    )
    expect(new Date(nextReportRun({ cadence: 'monthly', day: 7, time: '13:00' }, monday))).toEqual(
      new Date(2030, 0, 7, 13, 0),
    )
    expect(new Date(nextReportRun({ cadence: 'monthly', day: 1, time: '06:00' }, monday))).toEqual(
      new Date(2030, 1, 1, 6, 0),
    )
  })

  it("reads an export's time in its own zone, with the scan schedules' calendar (day 31 in February)", () => {
    const from = Date.parse('2030-02-01T00:00:00Z')
    const ny = { cadence: 'monthly', day: 31, time: '06:00', timeZone: 'America/New_York' } as const
    // The last day of February, 06:00 in New York (EST, UTC-5).
    expect(new Date(nextReportRun(ny, from)).toISOString()).toBe('2030-02-28T11:00:00.000Z')
    const paris = { cadence: 'weekly', day: 1, time: '02:00', timeZone: 'Europe/Paris' } as const
    // Monday 25 March 2030 at 02:00 in Paris is winter time (UTC+1); 1 April, after the clocks went forward
    // on 31 March, summer time (UTC+2).
    expect(new Date(nextReportRun(paris, Date.parse('2030-03-20T00:00:00Z'))).toISOString()).toBe(
      '2030-03-25T01:00:00.000Z',
    )
    expect(new Date(nextReportRun(paris, Date.parse('2030-03-27T00:00:00Z'))).toISOString()).toBe(
      '2030-04-01T00:00:00.000Z',
    )
  })

  it('writes the PDF and the signed bundle to the folder on the day, not before, then a week later', async () => {
    const { time, core } = await setUp()
    const folder = join(tmp.make('dw-sched-out-'), 'weekly')
    core.watch.start()
    // The folder comes from the person running Driftwatch (the CLI's --folder), through the core, not the wire.
    const saved = core.reportExports.save(
      ReportScheduleInput.parse({ name: 'ACME weekly', cadence: 'weekly', day: 3, time: '06:00' }),
      folder,
    )
    const due = new Date(2030, 0, 9, 6, 0).getTime()
    expect(saved.nextRunAt).toBe(new Date(due).toISOString())

    await time.advance(due - time.now().getTime() - 60_000)
    await core.reportExports.idle()
    expect(existsSync(folder)).toBe(false)

    await time.advance(2 * 60_000)
    await core.reportExports.idle()
    const files = readdirSync(folder).sort()
    expect(files).toHaveLength(2)
    const pdf = files.find((f) => f.endsWith('.pdf'))!
    const zip = files.find((f) => f.endsWith('.zip'))!
    // The day it ran, then the export's name and the date of the data it reports (the scan's).
    expect(pdf).toMatch(/^2030-01-09-acme-weekly-2030-01-07-[0-9a-f]{8}\.pdf$/)
    const text = pdfText(join(folder, pdf))
    expect(text).toContain('billing-db')
    // The KPIs, under the report's drift events (no regression in this history yet).
    expect(text).toMatch(/Mean time to detect: —/)
    const verified = await verifyBundleFile(core, join(folder, zip))
    expect(verified).toMatchObject({ ok: true, problems: [] })

    const { schedules } = await call(core, 'reports.schedules.list', {})
    expect(schedules[0]).toMatchObject({
      folder,
      lastFiles: files.slice().sort((a, b) => (a.endsWith('.pdf') ? -1 : b.endsWith('.pdf') ? 1 : 0)),
      lastError: '',
      nextRunAt: new Date(due + 7 * DAY).toISOString(),
    })

    await time.advance(7 * DAY)
    await core.reportExports.idle()
    expect(readdirSync(folder).sort()).toEqual(
      [...files, ...files.map((f) => f.replace(/^2030-01-09-/, '2030-01-16-'))].sort(),
    )
  }, 240_000)

  it('writes an export set up in the app to the data folder’s exports/, and refuses a folder on the wire', async () => {
    const { core } = await setUp()
    const refused = await core.invoke('reports.schedules.save', {
      name: 'Monthly',
      cadence: 'monthly',
      day: 1,
      folder: '/tmp/elsewhere',
    } as never)
    expect(refused.ok).toBe(false)
    expect(!refused.ok && refused.error.issues).toContainEqual({
      path: '',
      message: 'Unrecognized key: "folder"',
    })
    const s = await call(core, 'reports.schedules.save', {
      name: 'Monthly',
      cadence: 'monthly',
      day: 1,
      formats: ['pdf'],
    })
    expect(s.folder).toBe(join(core.dataDir, 'exports'))
    // Locked vault: the PDF is written; a bundle would need the signing key, and says so.
    const { id, name, cadence, day, time: at } = s
    await call(core, 'reports.schedules.save', {
      id,
      name,
      cadence,
      day,
      time: at,
      formats: ['pdf', 'bundle'],
    })
    await call(core, 'vault.lock', {})
    const run = await call(core, 'reports.schedules.run', { id: s.id })
    expect(run.lastFiles).toHaveLength(1)
    expect(run.lastFiles[0]).toMatch(/^2030-01-07-monthly-.*\.pdf$/)
    expect(run.lastError).toBe(
      'bundle: Evidence bundles are signed with a key kept in the vault: unlock the vault first',
    )
    expect(readdirSync(join(core.dataDir, 'exports'))).toEqual(run.lastFiles)
    // A run by hand leaves the schedule's own time alone.
    expect(run.nextRunAt).toBe(s.nextRunAt)
  }, 240_000)

  it('refuses a day the cadence does not have and a zone Intl does not know', async () => {
    const { core } = await setUp()
    const env = await core.invoke('reports.schedules.save', { name: 'x', cadence: 'weekly', day: 7 })
    expect(!env.ok && env.error.issues).toContainEqual({
      path: 'day',
      message: 'Days of the week are 0 (Sunday) to 6 (Saturday), not 7',
    })
    const m = await core.invoke('reports.schedules.save', { name: 'x', cadence: 'monthly', day: 32 })
    expect(!m.ok && m.error.issues).toContainEqual({
      path: 'day',
      message: 'Days of the month are 1 to 31, not 32',
    })
    const z = await core.invoke('reports.schedules.save', {
      name: 'x',
      cadence: 'monthly',
      day: 31,
      timeZone: 'Europe/Lutetia',
    })
    expect(!z.ok && z.error.issues).toEqual([
      {
        path: 'timeZone',
        message:
          'Unknown time zone "Europe/Lutetia": use an IANA name such as Europe/Paris, America/New_York or UTC',
      },
    ])
    expect((await call(core, 'reports.schedules.list', {})).schedules).toEqual([])
  })
})
