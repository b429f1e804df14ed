// The vault journey in real Chromium against `driftwatch serve`: create, add a credential, lock, unlock,
// and pick the credential for a target; no secret ever comes back to the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { openApp, serve, shot, type Served } from './support'

const PASSPHRASE = 'correct horse battery staple 42'
const CANARY = `canary-db-password-${Date.now()}`

let app: Served
let browser: Browser
let page: Page
const responses: string[] = []

beforeAll(async () => {
  app = await serve()
  ;({ browser, page } = await openApp(app, {
    width: 1280,
    height: 800,
    timeout: 15_000,
    beforeGoto: (p) =>
      p.on('response', (r) => {
        if (r.url().includes('/api/'))
          void r.text().then(
            (t) => responses.push(t),
            () => undefined,
          )
      }),
  }))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('vault in the browser UI', () => {
  it('creates the vault with passphrase strength feedback', async () => {
    await page.getByRole('link', { name: 'Vault' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Create your vault' }).isVisible()).toBe(true)
    const pass = page.getByLabel('Master passphrase', { exact: true })
    await pass.fill('short')
    expect(await page.locator('.strength-label').innerText()).toContain('Too short')
    await pass.fill('password12345')
    expect(await page.locator('.strength-label').innerText()).toMatch(/Weak|Fair/)
    await pass.fill(PASSPHRASE)
    expect(await page.locator('.strength-label').innerText()).toMatch(/Good|Strong/)
    await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE + 'x')
    await page.getByRole('button', { name: 'Create vault' }).click()
    await expect.poll(() => page.getByText('The two passphrases differ').isVisible()).toBe(true)
    await page.screenshot({ path: shot('vault-01-create') })
    await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Create vault' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Vault', exact: true }).isVisible()).toBe(true)
  })

  it('adds a database password credential and shows only its metadata', async () => {
    await page.getByRole('button', { name: 'Add credential' }).click()
    await page.getByLabel('Kind').selectOption('db-password')
    await page.getByLabel('Name', { exact: true }).fill('billing-db reader')
    await page.getByLabel('User name').fill('driftwatch_ro')
    await page.getByLabel('Password', { exact: true }).fill(CANARY)
    await page.getByRole('button', { name: 'Add credential' }).last().click()
    const row = page.locator('tr[data-credential="billing-db reader"]')
    await expect.poll(() => row.isVisible()).toBe(true)
    expect(await row.innerText()).toContain('Database password')
    expect(await page.content()).not.toContain(CANARY)
    await page.screenshot({ path: shot('vault-02-credentials') })
  })

  it('locks, shows the unlock screen, refuses a wrong passphrase, and unlocks', async () => {
    await page.getByRole('button', { name: 'Lock now' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'The vault is locked' }).isVisible()).toBe(true)
    expect(await page.getByRole('link', { name: 'Vault locked' }).isVisible()).toBe(true)
    await page.getByLabel('Master passphrase').fill('not the passphrase at all')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/wrong passphrase/i)
    await page.screenshot({ path: shot('vault-03-unlock') })
    await page.getByLabel('Master passphrase').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(() => page.locator('tr[data-credential="billing-db reader"]').isVisible()).toBe(true)
  })

  it('lets a target pick the credential, and the vault shows who uses it', async () => {
    await page.goto(`${app.origin}/#/targets/new`)
    await page.getByRole('radio', { name: /PostgreSQL/ }).check()
    await page.getByLabel('Name', { exact: true }).fill('billing-db')
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1')
    await page.getByLabel('User', { exact: true }).fill('driftwatch_ro')
    await page
      .getByLabel('Credential', { exact: true })
      .selectOption({ label: 'billing-db reader (Database password)' })
    await page.getByRole('button', { name: 'Add target' }).click()
    await expect.poll(() => page.locator('tr[data-target="billing-db"]').count()).toBe(1)
    await page.getByRole('link', { name: 'Vault', exact: true }).click()
    const row = page.locator('tr[data-credential="billing-db reader"]')
    await expect.poll(() => row.innerText()).toContain('billing-db')
  })

  it('never sent the secret back to the page', () => {
    expect(responses.length).toBeGreaterThan(5)
    for (const r of responses) expect(r).not.toContain(CANARY)
    expect(app.stderr()).not.toContain(CANARY)
  })
})
