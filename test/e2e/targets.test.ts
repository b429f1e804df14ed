// The targets journey in real Chromium against a real `driftwatch serve`: add, see, edit, delete, bad port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { openApp, ROOT, serve, shot, type Served } from './support'

let app: Served
let browser: Browser
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  app = await serve()
  ;({ browser, page } = await openApp(app, {
    width: 1280,
    height: 800,
    timeout: 10_000,
    beforeGoto: (p) => p.on('pageerror', (e) => pageErrors.push(e.message)),
  }))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const cliList = () => {
  const r = spawnSync(process.execPath, [
    join(ROOT, 'bin/driftwatch.js'),
    'targets',
    'list',
    '--json',
    '--data-dir',
    app.dataDir,
  ])
  return JSON.parse(r.stdout.toString()) as { name: string; port?: number; tags: string[] }[]
}

describe('targets in the browser UI', () => {
  it('starts with an honest empty dashboard and drops the token from the address', async () => {
    await expect
      .poll(() => page.getByRole('heading', { name: 'Welcome to Driftwatch' }).isVisible())
      .toBe(true)
    expect(page.url()).not.toContain('token=')
    await page.screenshot({ path: shot('01-empty-dashboard') })
  })

  it('refuses port 70000 with the field error, and adds an SSH target once it is fixed', async () => {
    await page.getByRole('link', { name: 'Add your first target' }).click()
    await page.getByRole('radio', { name: /Linux host \(SSH\)/ }).check()
    await page.getByLabel('Name', { exact: true }).fill('web-1')
    await page.getByLabel('Host', { exact: true }).fill('10.0.0.5')
    await page.getByLabel('Port', { exact: true }).fill('70000')
    await page.getByLabel('User', { exact: true }).fill('auditor')
    await page.getByLabel('Tags', { exact: true }).fill('prod, pci')
    await page.getByRole('button', { name: 'Add target' }).click()

    const port = page.getByLabel('Port', { exact: true })
    await expect.poll(() => port.getAttribute('aria-invalid')).toBe('true')
    await expect.poll(() => page.getByText('Port must be between 1 and 65535').isVisible()).toBe(true)
    // The error has focus, so a keyboard user lands on what to fix (moved there on the next animation frame,
    // which a busy machine may run after the error shows).
    await expect.poll(() => port.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.screenshot({ path: shot('02-invalid-port') })
    expect(cliList()).toEqual([])

    await port.fill('22')
    await page.getByRole('button', { name: 'Add target' }).click()
    const row = page.locator('tr[data-target="web-1"]')
    await expect.poll(() => row.isVisible()).toBe(true)
    expect(await row.innerText()).toContain('auditor@10.0.0.5:22')
    expect(await row.innerText()).toContain('prod')
    await page.screenshot({ path: shot('03-target-listed') })
    expect(cliList().map((t) => t.name)).toEqual(['web-1'])
  })

  it('shows the duplicate-name verdict of the core on the name field', async () => {
    await page.getByRole('link', { name: 'Add target' }).click()
    await page.getByLabel('Name', { exact: true }).fill('WEB-1')
    await page.getByLabel('Host', { exact: true }).fill('10.0.0.6')
    await page.getByLabel('User', { exact: true }).fill('auditor')
    await page.getByRole('button', { name: 'Add target' }).click()
    await expect.poll(() => page.getByText('A target named "WEB-1" already exists').isVisible()).toBe(true)
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.url()).toMatch(/#\/targets$/)
  })

  it('edits the target and the list shows the change', async () => {
    await page.getByRole('link', { name: 'Edit web-1' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Edit web-1' }).isVisible()).toBe(true)
    await page.getByLabel('Port', { exact: true }).fill('2222')
    await page.getByLabel('Groups', { exact: true }).fill('dmz')
    await page.screenshot({ path: shot('04-edit-form') })
    await page.getByRole('button', { name: 'Save changes' }).click()
    const row = page.locator('tr[data-target="web-1"]')
    await expect.poll(() => row.innerText()).toContain('auditor@10.0.0.5:2222')
    expect(await row.innerText()).toContain('dmz')
    expect(cliList()[0]?.port).toBe(2222)
  })

  it('finds targets by search, with "/" focusing the search box', async () => {
    await page.getByRole('link', { name: 'Add target' }).click()
    await page.getByRole('radio', { name: /PostgreSQL/ }).check()
    await page.getByLabel('Name', { exact: true }).fill('billing-db')
    await page.getByLabel('Host', { exact: true }).fill('db.internal')
    await page.getByLabel('User', { exact: true }).fill('driftwatch_ro')
    await page.getByRole('button', { name: 'Add target' }).click()
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2)

    await page.locator('body').click()
    await page.keyboard.press('/')
    await page.keyboard.type('dmz')
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1)
    expect(await page.locator('tbody tr').first().getAttribute('data-target')).toBe('web-1')
    await page.getByRole('searchbox').fill('')
    await expect.poll(() => page.locator('tbody tr').count()).toBe(2)
  })

  it('deletes after confirmation, and Cancel keeps the target', async () => {
    await page.getByRole('button', { name: 'Delete billing-db' }).click()
    await page.getByRole('button', { name: 'Cancel' }).click()
    expect(await page.locator('tr[data-target="billing-db"]').count()).toBe(1)

    await page.getByRole('button', { name: 'Delete web-1' }).click()
    await page.screenshot({ path: shot('05-delete-confirm') })
    await page.getByRole('button', { name: 'Delete target' }).click()
    await expect.poll(() => page.locator('tr[data-target="web-1"]').count()).toBe(0)
    expect(cliList().map((t) => t.name)).toEqual(['billing-db'])
  })

  it('follows the OS colour scheme', async () => {
    const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    await page.emulateMedia({ colorScheme: 'light' })
    const light = await bg()
    await page.emulateMedia({ colorScheme: 'dark' })
    const dark = await bg()
    expect(dark).not.toBe(light)
    await page.screenshot({ path: shot('06-dark-targets') })
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('is keyboard navigable: Tab reaches the sidebar links in order', async () => {
    await page.goto(`${app.origin}/#/`)
    await page.reload()
    await page.getByRole('navigation', { name: 'Sections' }).waitFor()
    const labels: string[] = []
    const sections = ['Dashboard', 'Targets', 'Watch', 'Drift', 'Controls', 'Reports', 'Vault', 'Settings']
    for (let i = 0; i < 12 && labels.length < sections.length; i++) {
      await page.keyboard.press('Tab')
      const text = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')
      if (sections.includes(text)) labels.push(text)
    }
    expect(labels).toEqual(sections)
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('heading', { name: 'Settings' }).isVisible()).toBe(true)
    expect(await page.getByText(app.dataDir).isVisible()).toBe(true)
  })

  it('raised no page errors and the server log never held the token', () => {
    expect(pageErrors).toEqual([])
    const token = new URL(app.url).hash.replace('#token=', '')
    expect(token.length).toBeGreaterThan(20)
    expect(app.stderr()).not.toContain(token)
  })
})
