// Scanning a Linux host over SSH from the UI in real Chromium against `driftwatch serve` and the real sshd from
// test/services: test the connection, meet the host for the first time (its fingerprint is shown for trust),
// scan with live progress, open a failed rule; then a changed host key refuses the scan showing both keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { cliSync, openApp, serve, shot, type Served } from './support'
import { startSshd, stopAll, widenedDebian11Datastream, type SshdService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { floorCostVault } from '../helpers/vault-cost'

const PASSPHRASE = 'ssh scan e2e passphrase 7'
const tmp = useTmpDirs('all')
let sshd: SshdService
let app: Served
let browser: Browser
let page: Page

const cli = (...args: string[]) => cliSync(app, args, { env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE } })

beforeAll(async () => {
  sshd = await startSshd({ name: 'e2e' })
  app = await serve()
  const ds = await widenedDebian11Datastream(tmp.make('dw-e2e-ssh-'))
  expect(cli('content', 'import', ds).status).toBe(0)
  await floorCostVault(app.dataDir, PASSPHRASE)
  const added = cli(
    'vault',
    'add',
    '--kind',
    'ssh-key',
    '--name',
    'root key',
    '--file',
    sshd.privateKeyPath,
    '--json',
  )
  expect(added.status, added.stderr).toBe(0)
  const keyId = (JSON.parse(added.stdout) as { id: string }).id
  const t = cli(
    'targets',
    'add',
    '--kind',
    'ssh',
    '--name',
    'web-1',
    '--host',
    '127.0.0.1',
    '--port',
    String(sshd.port),
    '--user',
    'root',
    '--auth',
    'key',
    '--credential',
    keyId,
  )
  expect(t.status, t.stderr).toBe(0)
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
  // The serve process starts with the vault locked: unlock it as a person would.
  await page.getByRole('link', { name: 'Vault', exact: true }).click()
  await page.getByLabel('Master passphrase').fill(PASSPHRASE)
  await page.getByRole('button', { name: 'Unlock' }).click()
  await page.locator('tr[data-credential="root key"]').waitFor()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await stopAll()
})

describe('scanning an SSH host from the UI', () => {
  it('tests the connection: the unknown host key is the step to fix', async () => {
    await page.goto(`${app.origin}/#/targets`)
    await page.getByRole('link', { name: 'web-1', exact: true }).click()
    await page.getByRole('button', { name: 'Test connection' }).click()
    const report = page.getByRole('status', { name: 'Connection test' })
    await expect.poll(() => report.innerText()).toContain('Not ready')
    expect(await report.innerText()).toContain(sshd.hostKeyFingerprintSha256)
  })

  it('shows the fingerprint on first contact, scans once trusted, and opens a failed rule', async () => {
    await page
      .getByRole('combobox', { name: 'Scan profile' })
      .selectOption({ label: 'Standard System Security Profile for Debian 11' })
    await page.getByRole('button', { name: 'Scan now' }).click()
    const dialog = page.getByRole('dialog', { name: /Trust 127\.0\.0\.1:\d+\?/ })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.getByLabel('Presented fingerprint').innerText()).toBe(sshd.hostKeyFingerprintSha256)
    await page.screenshot({ path: shot('ssh-01-trust') })
    await dialog.getByRole('button', { name: 'Trust and scan' }).click()
    await expect.poll(() => page.getByRole('progressbar', { name: 'Scan progress' }).isVisible()).toBe(true)
    await expect
      .poll(() => page.getByRole('table', { name: 'Rule results' }).isVisible(), { timeout: 60_000 })
      .toBe(true)
    await page.getByRole('combobox', { name: 'Status' }).selectOption('fail')
    await page.locator('.vbody [role="row"]').first().click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect.poll(() => panel.innerText()).toMatch(/fail/)
    await page.screenshot({ path: shot('ssh-02-results') })

    // Pinned now, and the connection test is all green.
    await page.getByRole('button', { name: 'Test connection' }).click()
    await expect
      .poll(() => page.getByRole('status', { name: 'Connection test' }).innerText())
      .toContain('Ready to scan')
    await page.screenshot({ path: shot('ssh-03-connection-ok') })
  }, 90_000)

  it('refuses a changed host key and shows both fingerprints', async () => {
    // The same host:port now answers with another key: a second sshd takes the port after the first stops.
    const oldFingerprint = sshd.hostKeyFingerprintSha256
    const port = sshd.port
    await sshd.stop()
    const impostor = await startSshd({ name: 'impostor', port })
    await page.getByRole('button', { name: 'Scan now' }).click()
    const dialog = page.getByRole('dialog', { name: /host key of 127\.0\.0\.1:\d+ changed/ })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.getByLabel('Pinned fingerprint').innerText()).toBe(oldFingerprint)
    expect(await dialog.getByLabel('Presented fingerprint').innerText()).toBe(
      impostor.hostKeyFingerprintSha256,
    )
    expect(await dialog.getByRole('button', { name: 'Forget the old key' }).isDisabled()).toBe(true)
    await page.screenshot({ path: shot('ssh-04-changed-key') })
    await dialog.getByRole('button', { name: 'Close' }).click()
    expect(await page.getByRole('progressbar', { name: 'Scan progress' }).count()).toBe(0)
  }, 60_000)
})
