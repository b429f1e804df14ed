// The desktop app itself, driven by Playwright's Electron support: runs where the Electron binary exists
// (and better-sqlite3 has been built for it by `npm start`); elsewhere it says why it is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { ensureBuilt, ROOT, shot } from './support'

function electronBinary(): { path?: string; why?: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown as string
    if (!existsSync(path)) return { why: `the Electron binary is missing at ${path}` }
    if (!existsSync(join(ROOT, '.electron-native', 'better_sqlite3.node')))
      return { why: 'better-sqlite3 has not been built for Electron yet (run "npm start" once)' }
    return { path }
  } catch (err) {
    return { why: `the Electron binary is not installed here (${(err as Error).message.split('\n')[0]})` }
  }
}

const electron = electronBinary()
if (!electron.path) console.log(`Electron end-to-end test skipped: ${electron.why}`)

describe.skipIf(!electron.path)('desktop app (Electron)', () => {
  let app: ElectronApplication
  let win: Page
  let dataDir: string

  beforeAll(async () => {
    ensureBuilt()
    dataDir = mkdtempSync(join(tmpdir(), 'dw-electron-'))
    app = await _electron.launch({
      executablePath: electron.path,
      args: [join(ROOT, 'out/main/index.js'), ...(process.env.CI ? ['--no-sandbox'] : [])],
      env: { ...process.env, DRIFTWATCH_DATA_DIR: dataDir },
    })
    win = await app.firstWindow()
  })

  afterAll(async () => {
    await app?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('opens one locked-down window', async () => {
    expect(await win.title()).toBe('Driftwatch')
    expect(app.windows()).toHaveLength(1)
    // Sandbox + context isolation, seen from inside the page: no Node, and a bridge of exactly two functions.
    const inside = await win.evaluate(() => ({
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as unknown as { driftwatch: object }).driftwatch).sort(),
    }))
    expect(inside).toEqual({ process: 'undefined', bridge: ['invoke', 'on'] })
    expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
  })

  it('adds a target through the preload bridge', async () => {
    await win.getByRole('link', { name: 'Add your first target' }).click()
    await win.getByLabel('Name', { exact: true }).fill('web-1')
    await win.getByLabel('Host', { exact: true }).fill('10.0.0.5')
    await win.getByLabel('User', { exact: true }).fill('auditor')
    await win.getByRole('button', { name: 'Add target' }).click()
    await expect.poll(() => win.locator('tr[data-target="web-1"]').count()).toBe(1)
    await win.screenshot({ path: shot('electron-targets') })
  })

  it('refuses navigation away from the app and window.open', async () => {
    const before = win.url()
    await win.evaluate(() => {
      window.location.href = 'http://127.0.0.1:9/'
    })
    await win.waitForTimeout(300)
    expect(win.url()).toBe(before)
    expect(await win.evaluate(() => window.open('http://127.0.0.1:9/') === null)).toBe(true)
    expect(app.windows()).toHaveLength(1)
  })
})
