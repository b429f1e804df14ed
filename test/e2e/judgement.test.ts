// The audit's judgement in real Chromium against `driftwatch serve` and a real PostgreSQL 15 scanned twice by
// the CLI, log_connections turned off (ALTER SYSTEM) between the scans: two failures ticked in the results
// table are excepted in one go and read "excepted" beside their real status, with both scores labelled; the
// rule's detail says who accepted it until when; and the two scans compare side by side, the change first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { cliSync, openApp, serve, type Served } from './support'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { setLogConnections } from '../helpers/pg-settings'
import { floorCostVault } from '../helpers/vault-cost'

const PASSPHRASE = 'e2e judgement passphrase'
const SHOTS = '/tmp/shots-i19-judgement'
const RULE = 'pg-log-connections'
let app: Served
let browser: Browser
let page: Page
let db: PgService
const scans: string[] = []

const cli = (args: string[], input?: string) =>
  cliSync(app, args, { input, env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE } })

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  db = await startPostgres({ name: 'e2e-judgement' })
  app = await serve()
  await floorCostVault(app.dataDir, PASSPHRASE)
  const cred = cli(
    ['vault', 'add', '--kind', 'db-password', '--name', 'pg admin', '--secret-stdin', '--json'],
    db.password,
  )
  expect(cred.status, cred.stderr).toBe(0)
  const add = cli([
    ...['targets', 'add', '--kind', 'postgres', '--name', 'Billing DB', '--host', '127.0.0.1'],
    ...['--port', String(db.port), '--user', db.user, '--tls', 'disable'],
    ...['--credential', (JSON.parse(cred.stdout) as { id: string }).id],
  ])
  expect(add.status, add.stderr).toBe(0)
  for (const v of ['on', 'off'] as const) {
    await setLogConnections(db, v)
    const s = cli(['scan', 'Billing DB', '--json'])
    expect([0, 2], s.stderr).toContain(s.status)
    scans.push((JSON.parse(s.stdout) as { scan: { id: string } }[])[0]!.scan.id)
  }
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await stopAll()
})

describe('exceptions and comparison in the UI', () => {
  it('excepts two ticked failures at once; they read excepted beside fail, with both scores', async () => {
    await page.goto(`${app.origin}/#/targets`)
    await page.getByRole('link', { name: 'Billing DB', exact: true }).click()
    const table = page.getByRole('table', { name: 'Rule results' })
    await expect.poll(() => table.isVisible()).toBe(true)
    await page.getByRole('combobox', { name: 'Status' }).selectOption('fail')
    const failing = await table
      .locator('[data-rule]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')!))
    expect(failing).toContain(RULE)
    const other = failing.find((id) => id !== RULE)!
    await page.getByRole('checkbox', { name: `Select ${RULE}` }).check()
    await page.getByRole('checkbox', { name: `Select ${other}` }).check()
    await page.getByRole('button', { name: 'Except 2 failing…' }).click()
    const form = page.getByRole('form', { name: 'Exception' })
    // Nothing stored without a justification: the field says so.
    await form.getByLabel('Approved by').fill('CISO Dana Reyes')
    await form.getByRole('button', { name: 'Add exception' }).click()
    await expect.poll(() => form.getByRole('alert').innerText()).toMatch(/justification is required/i)
    await form.getByLabel('Justification').fill('Logged by the pgbouncer in front until the Q3 migration')
    await form.getByRole('button', { name: 'Add exception' }).click()
    await expect.poll(() => form.isVisible()).toBe(false)

    const row = table.locator(`[data-rule="${RULE}"]`)
    await expect.poll(() => row.innerText()).toMatch(/^fail\s*excepted/)
    const summary = page.getByLabel('Counts and scores')
    await expect
      .poll(() => summary.innerText())
      .toMatch(
        /^fail \d+ · excepted 2 · .* — Score as scanned: [\d.]+% · Score after exceptions and attestations: [\d.]+%$/,
      )
    await page.screenshot({ path: join(SHOTS, 'judgement-01-excepted.png') })

    await row.click()
    const detail = page.getByRole('complementary', { name: 'Rule detail' })
    await expect
      .poll(() => detail.getByRole('region', { name: 'Judgement' }).innerText())
      .toMatch(/^Excepted until \d{4}-\d{2}-\d{2}, approved by CISO Dana Reyes: Logged by the pgbouncer/)
    await page.screenshot({ path: join(SHOTS, 'judgement-02-detail.png') })
  }, 60_000)

  it('compares the scans before and after ALTER SYSTEM from the target page', async () => {
    await page.getByRole('link', { name: 'Compare with latest' }).first().click()
    const table = page.getByRole('table', { name: 'Compared rules' })
    await expect.poll(() => table.isVisible()).toBe(true)
    expect(page.url()).toContain(`a=${scans[0]}`)
    const first = table.locator('tbody tr').first()
    expect(await first.getAttribute('data-rule')).toBe(RULE)
    expect((await first.innerText()).replace(/\s+/g, ' ')).toMatch(
      /^Status differs .* pg-log-connections pass found on · expected = on fail found off · expected = on$/,
    )
    expect(await page.getByRole('region', { name: 'Scan A' }).innerText()).toMatch(
      /Score as scanned: [\d.]+%/,
    )
    await page.screenshot({ path: join(SHOTS, 'judgement-03-compare.png'), fullPage: true })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(
      /^compare-Billing-DB-[0-9a-f]{8}-Billing-DB-[0-9a-f]{8}\.csv$/,
    )
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n')
    expect(csv[1]).toMatch(
      /^pg-log-connections,Connection attempts are logged,medium,status,pass,on,'= on,fail,off,'= on$/,
    )
  }, 30_000)

  it('"Add to report" puts the comparison in the report preview and its PDF as an appendix', async () => {
    await page.getByRole('button', { name: 'Add to report' }).click()
    await expect.poll(() => page.url()).toContain('#/reports')
    const appendix = page.getByRole('region', { name: 'Preview' }).locator('.report-comparison')
    await expect.poll(() => appendix.isVisible()).toBe(true)
    expect(await page.getByLabel('Compare scan A').inputValue()).toBe(scans[0])
    expect(await page.getByLabel('Compare scan B').inputValue()).toBe(scans[1])
    const text = (await appendix.innerText()).replace(/\s+/g, ' ')
    expect(text).toMatch(/^Appendix: comparison of two scans A: Billing DB, scan /)
    expect(text).toMatch(/1 of \d+ rules differ/)
    expect(text).toMatch(
      /pg-log-connections · medium status changed pass found on · expected = on fail found off · expected = on/,
    )
    await appendix.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'judgement-05-report-compare.png') })
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'PDF', exact: true }).click(),
    ])
    const pdf = spawnSync('pdftotext', ['-layout', (await download.path())!, '-'], { encoding: 'utf8' })
    const printed = pdf.stdout.replace(/\s+/g, ' ')
    expect(printed).toContain('Appendix: comparison of two scans')
    expect(printed).toMatch(/status changed pass fail pg-log-connections/)
  }, 60_000)

  it('the Watch page names an exception that ends within the week', async () => {
    const add = cli([
      ...['exceptions', 'add', 'pg-ssl', '--target', 'Billing DB', '--expires', '3d'],
      ...['--justification', 'TLS arrives with the new certificates', '--approved-by', 'CISO Dana Reyes'],
    ])
    expect(add.status, add.stderr).toBe(0)
    await page.goto(`${app.origin}/#/watch`)
    const notice = page.getByRole('region', { name: 'Exceptions ending' })
    await expect
      .poll(() => notice.innerText())
      .toMatch(/pg-ssl \(approved by CISO Dana Reyes\) ends on \d{4}-\d{2}-\d{2}: renew it or fix the rule/)
    await page.screenshot({ path: join(SHOTS, 'judgement-04-watch.png') })
  }, 30_000)
})
