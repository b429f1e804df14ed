// Scanning from the UI in real Chromium against `driftwatch serve`: start a scan of this computer, watch
// its progress, read the score, filter the results table, and open a failed rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { openApp, ROOT, serve, shot, type Served } from './support'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs('all')
let app: Served
let browser: Browser
let page: Page

beforeAll(async () => {
  app = await serve()
  const ds = await widenedDebian11Datastream(tmp.make('dw-e2e-scan-'))
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/driftwatch.js'), ...args, '--data-dir', app.dataDir], {
      encoding: 'utf8',
    })
  expect(cli('content', 'import', ds).status).toBe(0)
  expect(cli('targets', 'add', '--kind', 'local', '--name', 'This laptop').status).toBe(0)
  for (const name of ['lab-1', 'lab-2'])
    expect(cli('targets', 'add', '--kind', 'local', '--name', name, '--group', 'lab').status).toBe(0)
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 60_000)

// Waits for a scan's results; if they do not come, fails with what the page, the store and the server said
// (a scan that errored, one still running, or a page that missed the end), not only "expected true".
async function resultsOrWhy(results: Locator, target: string, timeout = 90_000): Promise<void> {
  const until = Date.now() + timeout
  while (Date.now() < until) {
    if (await results.isVisible()) return
    await page.waitForTimeout(250)
  }
  const main = await page
    .locator('main')
    .innerText()
    .catch((e: Error) => `(no page text: ${e.message})`)
  const scans = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/driftwatch.js'), 'scans', 'list', target, '--json', '--data-dir', app.dataDir],
    { encoding: 'utf8' },
  )
  throw new Error(
    `No results for ${target} after ${timeout / 1000} s.\n--- page ---\n${main.slice(0, 1500)}` +
      `\n--- scans list ---\n${scans.stdout}${scans.stderr}\n--- serve stderr ---\n${app.stderr().slice(-2000)}`,
  )
}

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('scanning from the UI', () => {
  it('runs a scan with live progress and shows the score', async () => {
    await page.goto(`${app.origin}/#/targets`)
    await page.getByRole('link', { name: 'This laptop', exact: true }).click()
    await expect.poll(() => page.getByText('Not scanned yet').isVisible()).toBe(true)
    await page
      .getByRole('combobox', { name: 'Scan profile' })
      .selectOption({ label: 'Standard System Security Profile for Debian 11' })
    await page.getByRole('button', { name: 'Scan now' }).click()
    await expect.poll(() => page.getByRole('progressbar', { name: 'Scan progress' }).isVisible()).toBe(true)
    await page.screenshot({ path: shot('scan-01-progress') })
    await resultsOrWhy(page.getByRole('table', { name: 'Rule results' }), 'This laptop')
    expect(await page.locator('.score-large').innerText()).toMatch(/^\d+(\.\d)?%$/)
    await page.screenshot({ path: shot('scan-02-results') })
  }, 120_000)

  it('filters the table to failures and opens a failed rule', async () => {
    const all = Number((await page.getByText(/ of \d+ rules$/).innerText()).split(' ')[0])
    await page.getByRole('combobox', { name: 'Status' }).selectOption('fail')
    const text = await page.getByText(/ of \d+ rules$/).innerText()
    const failing = Number(text.split(' ')[0])
    expect(failing).toBeGreaterThan(0)
    expect(failing).toBeLessThan(all)
    const rows = page.locator('.vbody [role="row"]')
    // Virtualised: only the rows in view (at most 25) are in the page.
    expect(await rows.count()).toBe(Math.min(failing, 25))
    await rows.first().click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect.poll(() => panel.innerText()).toMatch(/fail/)
    await expect.poll(() => panel.locator('.rule-text').count()).toBeGreaterThan(0)
    await page.screenshot({ path: shot('scan-03-failed-rule') })
  })

  it('shows the score on the dashboard', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click()
    await expect.poll(() => page.locator('.card .score').innerText()).toMatch(/%$/)
  })

  it('scans a group from the targets list, each row with its own progress, then its score', async () => {
    await page.getByRole('link', { name: 'Targets' }).click()
    await page.getByRole('combobox', { name: 'Group to scan' }).selectOption('lab')
    // The group's hosts have no tailoring assigned: the scan names its content and profile instead.
    await page.getByRole('combobox', { name: 'Group policy' }).selectOption('choose')
    await page
      .getByRole('combobox', { name: 'Group profile' })
      .selectOption({ label: 'Standard System Security Profile for Debian 11' })
    await page.getByRole('button', { name: 'Scan 2 targets' }).click()
    await expect
      .poll(() => page.getByRole('progressbar', { name: /Scan progress of lab-/ }).count())
      .toBeGreaterThan(0)
    await page.screenshot({ path: shot('scan-04-group-progress') })
    for (const name of ['lab-1', 'lab-2'])
      await expect
        .poll(() => page.locator(`tr[data-target="${name}"] .score`).innerText(), { timeout: 60_000 })
        .toMatch(/%$/)
    await page.screenshot({ path: shot('scan-05-group-done') })
  }, 90_000)
})
