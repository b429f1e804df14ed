// The Watch page's calendars in real Chromium against `driftwatch serve`: a weekly scan schedule in
// Europe/Paris is added from the form and listed with its next run read in Paris time; a scheduled report
// export is added (monthly, day 31, America/New_York, PDF only, one target) and listed with its next run in New
// York time and its folder, refused first with the field messages a person would see (an unknown zone, day 32),
// edited, and removed — all through the same channels as `driftwatch schedules`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { apiCall, openApp, serve, shot, type Served } from './support'
import { localText } from '../../src-preload/calendar'

let app: Served
let browser: Browser
let page: Page

const api = <T>(channel: string, req: unknown): Promise<T> => apiCall<T>(app, channel, req)

beforeAll(async () => {
  app = await serve()
  for (const name of ['billing-db', 'shop-db'])
    await api('targets.create', {
      target: {
        kind: 'postgres',
        name,
        host: '127.0.0.1',
        user: 'auditor',
        tls: 'disable',
        groups: ['prod'],
      },
    })
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
  await page.getByRole('link', { name: 'Watch' }).click()
}, 120_000)

/** Closes the toasts so a screenshot shows the page under them. */
async function dismissToasts(): Promise<void> {
  const close = page.getByRole('button', { name: 'Dismiss' })
  while ((await close.count()) > 0) await close.first().click()
}

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('Watch page calendars', () => {
  it('adds a weekly scan schedule in Europe/Paris and shows its next run in Paris time', async () => {
    const form = page.getByRole('form', { name: 'New schedule' })
    await form.getByLabel('Target or group').selectOption({ label: 'billing-db' })
    await form.getByLabel('When').selectOption('weekly')
    await form.getByLabel('Mon', { exact: true }).uncheck()
    await form.getByLabel('Thu', { exact: true }).check()
    await form.getByLabel('Times (HH:MM, comma-separated)').fill('02:30')
    await form.getByLabel('Time zone').fill('Europe/Paris')
    await form.getByRole('button', { name: 'Add schedule' }).click()
    const row = page.getByRole('table', { name: 'Schedules' }).getByRole('row', { name: /billing-db/ })
    await expect.poll(() => row.textContent()).toContain('every Thursday at 02:30 (Europe/Paris)')
    const [schedule] = (
      await api<{ schedules: { nextSlotAt: string; days: number[] }[] }>('watch.status', {})
    ).schedules
    expect(schedule!.days).toEqual([4])
    // The next run as Paris reads it: a Thursday at 02:30 there, named.
    expect(localText(Date.parse(schedule!.nextSlotAt), 'Europe/Paris')).toMatch(/ 02:30$/)
    expect(
      new Date(Date.parse(schedule!.nextSlotAt)).toLocaleDateString('en-GB', {
        weekday: 'long',
        timeZone: 'Europe/Paris',
      }),
    ).toBe('Thursday')
    await expect
      .poll(() => row.getByTestId('next-in-zone').textContent())
      .toMatch(/02:30 .*\(Europe\/Paris\)$/)
    await dismissToasts()
    await page.getByRole('heading', { name: 'Schedules' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('watch-calendar-schedule'), fullPage: false })
  })

  it('adds a report export after fixing what the form refuses, lists it with its next run, edits and removes it', async () => {
    await page.getByRole('button', { name: 'Add report export' }).click()
    const form = page.getByRole('form', { name: 'New report export' })
    await form.getByLabel('Name', { exact: true }).fill('ACME monthly')
    await form.getByLabel('How often').selectOption('monthly')
    await form.getByLabel('Day of the month (1–31)').fill('32')
    await form.getByLabel('Time (HH:MM)').fill('06:00')
    await form.getByLabel('Time zone').fill('America/NewYork')
    await form.getByLabel('Signed evidence bundle').uncheck()
    await form.getByLabel('billing-db', { exact: true }).check()
    await form.getByRole('button', { name: 'Add report export' }).click()
    await expect.poll(() => form.textContent()).toContain('Days of the month are 1 to 31, not 32')
    expect(await form.textContent()).toContain(
      'Unknown time zone "America/NewYork": use an IANA name such as Europe/Paris, America/New_York or UTC',
    )
    await form.screenshot({ path: shot('watch-report-export-refused') })
    expect((await api<{ schedules: unknown[] }>('reports.schedules.list', {})).schedules).toEqual([])

    await form.getByLabel('Day of the month (1–31)').fill('31')
    await form.getByLabel('Time zone').fill('America/New_York')
    await form.getByRole('button', { name: 'Add report export' }).click()
    const table = page.getByRole('table', { name: 'Report exports' })
    const row = table.getByRole('row', { name: /ACME monthly/ })
    await expect.poll(() => row.textContent()).toContain('monthly on day 31 at 06:00 (America/New_York)')
    const [saved] = (
      await api<{
        schedules: { nextRunAt: string; folder: string; formats: string[]; targetIds: string[] }[]
      }>('reports.schedules.list', {})
    ).schedules
    expect(saved!.formats).toEqual(['pdf'])
    expect(saved!.targetIds).toHaveLength(1)
    // Day 31, or the month's last day, at 06:00 in New York; the row says so in New York time.
    const ny = localText(Date.parse(saved!.nextRunAt), 'America/New_York')
    expect(ny).toMatch(/-(28|29|30|31) 06:00$/)
    expect(await row.getByTestId('export-next').textContent()).toMatch(/06:00 E[SD]T \(America\/New_York\)$/)
    expect(await row.textContent()).toContain('billing-db')
    expect(await row.textContent()).toContain(`→ ${saved!.folder}`)
    expect(saved!.folder).toBe(`${app.dataDir}/exports`)
    await dismissToasts()
    await table.scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('watch-report-exports'), fullPage: false })

    // Edit: weekly on Monday in Paris; the row follows.
    await row.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('form', { name: 'Edit report export ACME monthly' })
    await edit.getByLabel('How often').selectOption('weekly')
    await edit.getByLabel('Day of the week').selectOption({ label: 'Mon' })
    await edit.getByLabel('Time zone').fill('Europe/Paris')
    await dismissToasts()
    await edit.screenshot({ path: shot('watch-report-export-edit') })
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => row.textContent()).toContain('every Monday at 06:00 (Europe/Paris)')
    expect(await row.getByTestId('export-next').textContent()).toMatch(/06:00 .*\(Europe\/Paris\)$/)

    await row.getByRole('button', { name: 'Remove' }).click()
    await expect.poll(() => page.getByText('No report export yet.').count()).toBe(1)
    expect((await api<{ schedules: unknown[] }>('reports.schedules.list', {})).schedules).toEqual([])
  })
})
