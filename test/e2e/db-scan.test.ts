// Scanning a PostgreSQL target from the UI in real Chromium against `driftwatch serve` and a real hardened
// PostgreSQL 15: unlock the vault, choose the rule pack, scan with live progress, read the score, and open
// the one failing rule (pgaudit) to see what was found, what was expected and how to fix it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { cliSync, openApp, serve, shot, type Served } from './support'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { floorCostVault } from '../helpers/vault-cost'

const PASSPHRASE = 'e2e database passphrase'
let app: Served
let browser: Browser
let page: Page
let db: PgService

beforeAll(async () => {
  db = await startPostgres({ hardened: true, name: 'e2e' })
  app = await serve()
  const cli = (args: string[], input?: string) =>
    cliSync(app, args, { input, env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE } })
  await floorCostVault(app.dataDir, PASSPHRASE)
  const cred = cli(
    ['vault', 'add', '--kind', 'db-password', '--name', 'pg admin', '--secret-stdin', '--json'],
    db.password,
  )
  expect(cred.status, cred.stderr).toBe(0)
  const add = cli([
    ...['targets', 'add', '--kind', 'postgres', '--name', 'Billing DB', '--host', '127.0.0.1'],
    ...['--port', String(db.port), '--user', 'postgres', '--tls', 'verify-full', '--ca-file', db.caCertPath!],
    ...['--credential', (JSON.parse(cred.stdout) as { id: string }).id],
  ])
  expect(add.status, add.stderr).toBe(0)
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await stopAll()
})

describe('scanning a PostgreSQL target from the UI', () => {
  it('unlocks the vault, scans with the built-in rule pack and shows the score', async () => {
    await page.goto(`${app.origin}/#/vault`)
    await page.getByLabel('Master passphrase').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(() => page.locator('tr[data-credential="pg admin"]').isVisible()).toBe(true)

    await page.goto(`${app.origin}/#/targets`)
    await page.getByRole('link', { name: 'Billing DB', exact: true }).click()
    await expect
      .poll(() => page.getByText('Choose a rule pack above and start a scan.').isVisible())
      .toBe(true)
    const pack = page.getByRole('combobox', { name: 'Rule pack' })
    await expect.poll(() => pack.inputValue()).toBe('postgres-cis')
    expect(await pack.locator('option:checked').innerText()).toMatch(
      /^PostgreSQL — CIS-style baseline \(\d+ rules\)$/,
    )
    await page.screenshot({ path: shot('db-scan-01-target') })
    await page.getByRole('button', { name: 'Scan now' }).click()
    await expect
      .poll(() => page.getByRole('table', { name: 'Rule results' }).isVisible(), { timeout: 30_000 })
      .toBe(true)
    expect(await page.locator('.score-large').innerText()).toMatch(/^98\.\d%$/)
    // Scanned as postgres: the results carry a warning saying so, and what to use instead.
    const warning = page.getByRole('alert', { name: 'Scan account warning' })
    expect(await warning.innerText()).toMatch(
      /^Scanned as a superuser: The scan account postgres is a superuser, .*: a rule pack runs with all of that\. Scan with a least-privilege role instead .*Test connection shows the SQL\)\.$/,
    )
    await page.screenshot({ path: shot('db-scan-02-results') })
  }, 60_000)

  it('opens the failing rule with what was found, what was expected and the fix', async () => {
    await page.getByRole('combobox', { name: 'Status' }).selectOption('fail')
    expect(await page.getByText(/ of \d+ rules$/).innerText()).toMatch(/^1 of \d+ rules$/)
    await page.locator('.vbody [role="row"]').first().click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect.poll(() => panel.innerText()).toMatch(/The pgAudit extension is loaded/)
    const text = await panel.innerText()
    expect(text).toContain('Found passwordcheck, expected includes pgaudit')
    await expect.poll(() => panel.innerText()).toMatch(/Remediation\. Install pgaudit/)
    expect(text).toContain('CIS PostgreSQL 15 3.2')
    await page.screenshot({ path: shot('db-scan-03-failed-rule') })
  })

  it('imports a custom pack from a file, refusing one that writes, and scans with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-e2e-pack-'))
    try {
      const writer = join(dir, 'writer.yaml')
      writeFileSync(
        writer,
        'id: writer\ntitle: Writer\nkind: postgres\nrules:\n  - id: w\n    title: W\n    query: DELETE FROM t\n    assert: { type: rowCount, value: 0 }\n',
      )
      const input = page.getByLabel('Import a rule pack')
      await input.setInputFiles(writer)
      await expect
        .poll(() => page.locator('.toast').last().innerText())
        .toMatch(
          /Rule "w" \(rules\.0\.query\): \w.* is not allowed in a rule: only SELECT, WITH … SELECT and SHOW may run/,
        )
      const acme = join(dir, 'acme.yaml')
      writeFileSync(
        acme,
        [
          'id: acme-pg',
          'title: ACME policy',
          'kind: postgres',
          'extends: postgres-cis',
          'rules:',
          '  - id: pg-pgaudit-loaded',
          '    title: Audit logging is ours to decide',
          "    query: SELECT 'n/a' AS value",
          '    assert: { type: equals, value: n/a }',
          '',
        ].join('\n'),
      )
      await input.setInputFiles(acme)
      const pack = page.getByRole('combobox', { name: 'Rule pack' })
      await expect.poll(() => pack.inputValue()).toBe('acme-pg')
      expect(await pack.locator('option:checked').innerText()).toMatch(/^ACME policy \(\d+ rules, custom\)$/)
      await page.getByRole('button', { name: 'Scan now' }).click()
      await expect.poll(() => page.locator('.score-large').innerText(), { timeout: 30_000 }).toBe('100%')
      // The rule that was open now shows the custom pack's result for it.
      const panel = page.getByRole('complementary', { name: 'Rule detail' })
      await expect.poll(() => panel.innerText()).toMatch(/^×\s+Audit logging is ours to decide\s+pass/)
      await page.getByRole('combobox', { name: 'Status' }).selectOption('')
      await page.screenshot({ path: shot('db-scan-04-custom-pack') })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('tailors a variable of the built-in pack into a custom pack that tightens a rule', async () => {
    const pack = page.getByRole('combobox', { name: 'Rule pack' })
    await pack.selectOption('postgres-cis')
    await page.getByRole('button', { name: 'Variables…' }).click()
    const form = page.getByRole('form', { name: 'Rule pack variables' })
    await form.getByLabel('max_authentication_timeout_seconds').fill('30')
    await page.screenshot({ path: shot('db-scan-05-variables') })
    await form.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => pack.inputValue()).toBe('postgres-cis-tailored')
    expect(await page.locator('.scan-panel').innerText()).toContain('max_authentication_timeout_seconds = 30')
    await page.getByRole('button', { name: 'Scan now' }).click()
    await page.getByRole('combobox', { name: 'Status' }).selectOption('fail')
    await expect
      .poll(() => page.getByText(/ of \d+ rules$/).innerText(), { timeout: 30_000 })
      .toMatch(/^2 of /)
    await page.getByRole('row', { name: /Unfinished logins are cut off quickly/ }).click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect.poll(() => panel.innerText()).toContain('Found 60, expected <= 30')

    // The tailored pack exports as YAML that names what it extends and the value it sets.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export pack' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('postgres-cis-tailored.yaml')
    const yaml = readFileSync((await download.path())!, 'utf8')
    expect(yaml).toContain('extends: postgres-cis\n')
    expect(yaml).toContain('max_authentication_timeout_seconds: 30\n')
  }, 60_000)

  it('Test connection as a superuser warns and offers the least-privilege role as SQL to copy', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin })
    await page.getByRole('button', { name: 'Test connection' }).click()
    const report = page.getByRole('status', { name: 'Connection test' })
    await expect.poll(() => report.innerText()).toMatch(/^Ready to scan — Connected: PostgreSQL 15/)
    expect(await report.innerText()).toContain('⚠ privileges The scan account postgres is a superuser')
    const sql = await report.getByLabel('Fix to copy').innerText()
    expect(sql).toBe(
      [
        "CREATE ROLE driftwatch_scan LOGIN PASSWORD 'choose-a-password';",
        'GRANT pg_read_all_settings, pg_monitor TO driftwatch_scan;',
        'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO driftwatch_scan;',
        'GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO driftwatch_scan;',
      ].join('\n'),
    )
    await report.getByRole('button', { name: 'Copy SQL' }).click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(sql)
    await page.screenshot({ path: shot('db-scan-06-test-connection-privileges'), fullPage: true })
  }, 60_000)
})
