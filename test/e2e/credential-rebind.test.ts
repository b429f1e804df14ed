// A moved database target in real Chromium against `driftwatch serve` and two real PostgreSQL servers: Test
// connection binds the credential to the first server; after the port is edited to the second, Test connection
// is refused with a banner naming both addresses, a wrong passphrase does not rebind, the right one does and
// Test connection then signs in. Also: "Allow the password in clear text" is offered only where the server's
// certificate is not checked (TLS disabled or "require").
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import type { Browser, Page } from 'playwright-core'
import { cliSync, openApp, serve, shot, type Served } from './support'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { floorCostVault } from '../helpers/vault-cost'

const PASSPHRASE = 'e2e rebind passphrase'
let app: Served
let browser: Browser
let page: Page
let first: PgService
let second: PgService

beforeAll(async () => {
  ;[first, second] = [await startPostgres({ name: 'rebind-a' }), await startPostgres({ name: 'rebind-b' })]
  // The second server takes the same password, so once the credential may go there the login succeeds.
  const admin = new pg.Client({
    host: '127.0.0.1',
    port: second.port,
    user: second.user,
    password: second.password,
    database: second.database,
  })
  await admin.connect()
  await admin.query(`ALTER USER ${second.user} PASSWORD '${first.password}'`)
  await admin.end()

  app = await serve()
  const cli = (args: string[], input?: string) =>
    cliSync(app, args, { input, env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE } })
  await floorCostVault(app.dataDir, PASSPHRASE)
  const cred = cli(
    ['vault', 'add', '--kind', 'db-password', '--name', 'pg login', '--secret-stdin'],
    first.password,
  )
  expect(cred.status, cred.stderr).toBe(0)
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await stopAll()
})

const testConnection = () => page.getByRole('button', { name: 'Test connection' }).click()
const report = () => page.getByRole('status', { name: 'Connection test' })
const banner = () => page.getByRole('form', { name: 'Confirm the credential at this address' })

describe('a database target moved to another server', () => {
  it('offers "Allow the password in clear text" only when the certificate is not checked', async () => {
    await page.goto(`${app.origin}/#/vault`)
    await page.getByLabel('Master passphrase').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(() => page.locator('tr[data-credential="pg login"]').isVisible()).toBe(true)

    await page.goto(`${app.origin}/#/targets/new`)
    await page.getByRole('radio', { name: /PostgreSQL/ }).check()
    const tls = page.getByLabel('TLS', { exact: true })
    const cleartext = page.getByRole('checkbox', { name: 'Allow the password in clear text' })
    expect(await tls.inputValue()).toBe('require')
    await expect.poll(() => cleartext.isVisible()).toBe(true)
    for (const mode of ['verify-ca', 'verify-full']) {
      await tls.selectOption(mode)
      expect(await cleartext.count(), mode).toBe(0)
    }
    await tls.selectOption('disable')
    await expect.poll(() => cleartext.isVisible()).toBe(true)
    expect(await cleartext.isChecked()).toBe(false)
    expect(await page.getByRole('note').innerText()).toMatch(/Off: Driftwatch refuses such a login/)
    await page.screenshot({ path: shot('rebind-01-cleartext-offered') })
    await tls.selectOption('verify-full')
    expect(await cleartext.count()).toBe(0)
  })

  it('binds the credential on the first Test connection', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Ledger DB')
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1')
    await page.getByLabel('Port', { exact: true }).fill(String(first.port))
    await page.getByLabel('User', { exact: true }).fill(first.user)
    await page.getByLabel('TLS', { exact: true }).selectOption('disable')
    await page
      .getByLabel('Credential', { exact: true })
      .selectOption({ label: 'pg login (Database password)' })
    await page.getByRole('button', { name: 'Add target' }).click()
    await page.getByRole('link', { name: 'Ledger DB', exact: true }).click()
    await testConnection()
    await expect.poll(() => report().innerText()).toMatch(/^Ready to scan/)
    expect(await banner().count()).toBe(0)
  })

  it('refuses the moved target with a banner naming both addresses', async () => {
    await page.getByRole('link', { name: 'Edit' }).click()
    await page.getByLabel('Port', { exact: true }).fill(String(second.port))
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('link', { name: 'Ledger DB', exact: true }).click()
    await expect.poll(() => page.locator('.page-head .mono').innerText()).toContain(`:${second.port}`)
    await testConnection()
    await expect.poll(() => banner().isVisible()).toBe(true)
    expect(await banner().getByRole('alert').innerText()).toBe(
      `Credential "pg login" is bound to 127.0.0.1:${first.port}; confirm to use it at 127.0.0.1:${second.port} ` +
        '(enter the vault passphrase again; on the command line add --rebind-credential)',
    )
    await page.screenshot({ path: shot('rebind-02-banner') })
  })

  it('keeps refusing after a wrong passphrase, and rebinds with the right one', async () => {
    const passphrase = banner().getByLabel('Vault passphrase')
    await passphrase.fill('not the passphrase')
    await banner().getByRole('button', { name: 'Confirm the new address' }).click()
    await expect.poll(() => banner().locator('.error').innerText()).toBe('Wrong passphrase')
    await page.screenshot({ path: shot('rebind-03-wrong-passphrase') })
    expect(await banner().isVisible()).toBe(true)
    // Still bound to the first server only: Test connection is refused again and nothing signs in.
    await testConnection()
    await expect.poll(() => page.getByRole('button', { name: 'Test connection' }).isEnabled()).toBe(true)
    expect(await banner().isVisible()).toBe(true)
    expect(await report().count()).toBe(0)

    await passphrase.fill(PASSPHRASE)
    await banner().getByRole('button', { name: 'Confirm the new address' }).click()
    await expect.poll(() => banner().count()).toBe(0)
    await expect
      .poll(() => page.locator('.toast').last().innerText())
      .toContain('Confirmed: the credential may be used at this address')
  })

  it('then signs in at the new address', async () => {
    await testConnection()
    await expect.poll(() => report().innerText()).toMatch(/^Ready to scan/)
    expect(await banner().count()).toBe(0)
    expect(await report().innerText()).toMatch(/PostgreSQL 15/)
    await page.screenshot({ path: shot('rebind-04-proceeds') })
  })
})
