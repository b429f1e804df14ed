// Serve mode when the page loses its server for a while, in real Chromium: while the event stream is down the
// page says what it shows may be out of date; what changed meanwhile (a target added by the CLI) is on screen
// once the stream is back, without a reload. A list that cannot be read says so, with a Try again that works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { apiCall, openApp, serve, shot, type Served } from './support'
import { runCli } from '../helpers/cli'
import { startCutProxy, type CutProxy } from './cut-proxy'

let app: Served
let browser: Browser
let page: Page
let proxy: CutProxy

const cli = async (...args: string[]) => {
  const r = await runCli([...args, '--data-dir', app.dataDir])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

beforeAll(async () => {
  app = await serve()
  await cli('targets', 'add', '--kind', 'local', '--name', 'laptop')
  proxy = await startCutProxy(app)
  ;({ browser, page } = await openApp(
    { ...app, url: proxy.url, origin: new URL(proxy.url).origin },
    { width: 1280, height: 800, timeout: 20_000 },
  ))
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await proxy?.close()
  await app?.stop()
})

describe('the page after its event stream drops and comes back', () => {
  it('says it may be out of date while disconnected, then shows what changed meanwhile', async () => {
    await page.goto(`${new URL(proxy.url).origin}/#/targets`)
    await page.locator('tr[data-target="laptop"]').waitFor()
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))
    const notice = page.getByRole('status').filter({ hasText: 'Reconnecting to Driftwatch' })
    expect(await notice.count()).toBe(0)

    proxy.down(true)
    // While the page cannot hear, a target is added through the API: its event is lost.
    await apiCall(app, 'targets.create', { target: { kind: 'local', name: 'build-server' } })
    await expect.poll(() => notice.isVisible()).toBe(true)
    expect(await notice.innerText()).toContain('What this page shows may be out of date')
    await page.screenshot({ path: shot('resync-01-disconnected') })
    expect(await page.locator('tr[data-target="build-server"]').count()).toBe(0)

    proxy.down(false)
    await expect.poll(() => page.locator('tr[data-target="build-server"]').count()).toBe(1)
    await expect.poll(() => notice.count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    )
    await page.screenshot({ path: shot('resync-02-reconnected') })
  })
})

describe('a list that cannot be read', () => {
  it('says what could not be read and why, and Try again reads it', async () => {
    await page.route('**/api/watch.status', (route) => route.abort())
    await page.goto(`${new URL(proxy.url).origin}/#/watch`)
    await page.reload()
    const failed = page.getByRole('alert').filter({ hasText: 'Could not read the watch status' })
    await failed.waitFor()
    expect(await failed.innerText()).toMatch(
      /^Could not read the watch status: Driftwatch is not reachable; is "driftwatch serve" still running\? Try again$/,
    )
    await page.screenshot({ path: shot('load-failed-watch') })
    await page.unroute('**/api/watch.status')
    await failed.getByRole('button', { name: 'Try again' }).click()
    await expect.poll(() => failed.count()).toBe(0)
    await page.getByRole('heading', { name: 'Watch', exact: true }).waitFor()
  })
})
