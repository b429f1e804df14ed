// The Reports page in real Chromium against `driftwatch serve`: build a report (scope, engagement, time
// window), watch the live preview follow, export a PDF that serve mode prints with Chromium and the browser
// downloads, and be told plainly when a bundle cannot be signed or nothing is in scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import type { Browser, Page } from 'playwright-core'
import { createCore } from '../../src-main/core/app'
import { openApp, serve, shot, type Served } from './support'
import { seedSyntheticStore } from '../helpers/report-store'

let app: Served
let browser: Browser
let page: Page

beforeAll(async () => {
  app = await serve()
  // A second core on the same data folder (SQLite in WAL mode) writes the scans serve mode will read.
  const core = createCore({ face: 'cli', dataDir: app.dataDir })
  try {
    await seedSyntheticStore(core, { targets: 2, rules: 40, scans: 3 })
  } finally {
    core.close()
  }
  ;({ browser, page } = await openApp(app, { width: 1400, height: 950, timeout: 20_000, downloads: true }))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const preview = () => page.getByRole('region', { name: 'Preview' })
/** Rows of the scope and summary tables (the findings' per-target rows are tables of their own). */
const tableRows = (name: RegExp) => preview().locator('table.report-table').getByRole('row', { name })
/** The findings' per-target rows. */
const findingRows = (name: RegExp) => preview().locator('table.rf-rows').getByRole('row', { name })

describe('the Reports page', () => {
  it('previews the report live as the scope and engagement change', async () => {
    await page.goto(`${app.origin}/#/reports`)
    await expect
      .poll(() => preview().getByRole('heading', { level: 1 }).innerText())
      .toBe('Compliance evidence report')
    expect(await tableRows(/^host-00[01] /).count()).toBe(4)
    expect(await findingRows(/^host-000 fail /).count()).toBeGreaterThan(0)
    await page.getByLabel('Engagement name').fill('ACME Q4 audit')
    await page.getByLabel('Organisation').fill('ACME Corp')
    await page.getByLabel('Auditor').fill('Jane Doe')
    await expect.poll(() => preview().getByRole('heading', { level: 1 }).innerText()).toBe('ACME Q4 audit')
    await expect.poll(() => preview().getByText('Prepared for ACME Corp').isVisible()).toBe(true)
    await page.getByRole('group', { name: 'Targets' }).getByLabel('host-001').check()
    // Only host-001 is left in the scope table and the summary.
    await expect.poll(() => tableRows(/^host-000 /).count()).toBe(0)
    expect(await tableRows(/^host-001 /).count()).toBe(2)
    expect(await findingRows(/^host-000 /).count()).toBe(0)
    expect(await findingRows(/^host-001 fail /).count()).toBeGreaterThan(0)
    await page.screenshot({ path: shot('reports-01-builder-preview') })
  }, 60_000)

  it('exports a PDF printed by Chromium in serve mode, downloaded by the browser under its name', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: 'PDF', exact: true }).click(),
    ])
    const status = page.getByRole('status').filter({ hasText: 'Downloaded PDF as' })
    await expect.poll(() => status.isVisible(), { timeout: 60_000 }).toBe(true)
    const text = await status.innerText()
    expect(text).toMatch(/printed by Chromium \d+/)
    expect(text).toContain(download.suggestedFilename())
    expect(download.suggestedFilename()).toMatch(/^acme-q4-audit-.*\.pdf$/)
    expect(
      readFileSync(await download.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-')
    // The export is in the audit log, whose chain is whole, naming who exported it (this OS user on this host).
    await page.getByText(/^Audit log · chain intact/).click()
    await expect
      .poll(() => page.locator('.report-audit-list li').first().innerText())
      .toMatch(new RegExp(`report\\.exported \\(${userInfo().username}@${hostname()}, via serve\\)$`))
    await page.screenshot({ path: shot('reports-02-exported') })
  }, 90_000)

  it('explains that a bundle needs the vault, and that an empty window has nothing to report', async () => {
    await page.getByRole('button', { name: 'Signed bundle' }).click()
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'create the vault first' }).isVisible())
      .toBe(true)
    await page.getByLabel('From').fill('2040-01-01')
    await expect
      .poll(() => preview().getByText('No finished scans of host-001 between 2040-01-01 and now').isVisible())
      .toBe(true)
    expect(await page.getByRole('button', { name: 'PDF', exact: true }).isDisabled()).toBe(true)
    await page.screenshot({ path: shot('reports-03-empty-window') })
  }, 60_000)
})
