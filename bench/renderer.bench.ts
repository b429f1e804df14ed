// The renderer in Debian's Chromium against a real `driftwatch serve`: first paint of a fresh load (paint
// entries of the performance API) beside a tiny static page served from this process, the JavaScript the first
// load fetches, and the results table scrolled through 20,000 rules (requestAnimationFrame intervals while
// scrolling) beside the same frame loop with nothing to draw.
import { it } from 'vitest'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { createCore } from '../src-main/core/app'
import { launchChromium, serve } from '../test/e2e/support'
import { rule, scriptedScanner } from '../test/helpers/watch'
import { call } from '../test/helpers/core'
import { systemClock } from '../src-main/core/ports'

const RULES = 20_000
const LOADS = 7
const FRAMES = 240
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!

/** One fresh load in a new browser context: first contentful paint and the JavaScript fetched before it. */
async function firstLoad(browser: Browser, url: string, ready: (p: Page) => Promise<unknown>) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 } })
  const page = await context.newPage()
  await page.goto(url)
  await ready(page)
  const figures = await page.evaluate(() => {
    // When the page's own content (the Dashboard's heading) was there, polled for: within a few ms.
    const shown = performance.now()
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN
    const js = performance
      .getEntriesByType('resource')
      .filter((r) => r.name.endsWith('.js') && r.startTime <= fcp) as PerformanceResourceTiming[]
    return { fcp, shown, jsBytes: js.reduce((n, r) => n + r.decodedBodySize, 0), jsFiles: js.length }
  })
  await context.close()
  return figures
}

/** Frame intervals over `frames` animation frames, scrolling `selector` by `step` pixels each frame (0: idle). */
function frameTimes(page: Page, selector: string, step: number, frames: number): Promise<number[]> {
  return page.evaluate(
    ({ selector, step, frames }) =>
      new Promise<number[]>((resolve) => {
        const el = document.querySelector(selector) as HTMLElement
        const out: number[] = []
        let last = performance.now()
        const tick = (now: number) => {
          out.push(now - last)
          last = now
          if (step) el.scrollTop += step
          if (out.length < frames) requestAnimationFrame(tick)
          else resolve(out.slice(1))
        }
        requestAnimationFrame(tick)
      }),
    { selector, step, frames },
  )
}

it(`renderer: first paint, and the results table scrolled through ${RULES.toLocaleString('en')} rules`, async () => {
  const app = await serve()
  const scanner = scriptedScanner(systemClock)
  const seeded = createCore({ face: 'cli', dataDir: app.dataDir, scanners: [scanner] })
  let targetId: string
  try {
    targetId = (
      await call(seeded, 'targets.create', {
        target: { kind: 'postgres', name: 'big', host: '127.0.0.1', user: 'u', tls: 'disable' },
      })
    ).id
    const severities = ['high', 'medium', 'low', 'info']
    scanner.script.results.set(
      'big',
      Array.from({ length: RULES }, (_, i) =>
        rule(`rule_${String(i).padStart(5, '0')}`, i % 7 === 0 ? 'fail' : 'pass', '', severities[i % 4]),
      ),
    )
    await call(seeded, 'scan.start', { targetId })
    await seeded.idle()
  } catch (err) {
    await app.stop()
    throw err
  } finally {
    seeded.close()
  }

  // The floor: a page with one paragraph and no script, from a server in this process.
  const floor = createServer((_req, res) => res.end('<!doctype html><title>floor</title><p>Driftwatch</p>'))
  await new Promise<void>((r) => floor.listen(0, '127.0.0.1', r))
  const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}/`

  const browser = await launchChromium()
  try {
    const ours: { fcp: number; shown: number; jsBytes: number; jsFiles: number }[] = []
    const bare: number[] = []
    for (let i = 0; i < LOADS; i++) {
      ours.push(
        await firstLoad(browser, app.url, (p) => p.getByRole('heading', { name: 'Dashboard' }).waitFor()),
      )
      bare.push((await firstLoad(browser, floorUrl, (p) => p.getByText('Driftwatch').waitFor())).fcp)
    }

    const context = await browser.newContext({ viewport: { width: 1400, height: 950 } })
    const page = await context.newPage()
    page.setDefaultTimeout(60_000)
    await page.goto(app.url)
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    const t0 = Date.now()
    await page.goto(`${app.origin}/#/targets/${targetId}`)
    await page.getByRole('table', { name: 'Rule results' }).locator('[data-rule]').first().waitFor()
    const shownMs = Date.now() - t0
    const listed = await page.getByText(`${RULES} of ${RULES} rules`).count()
    const idle = await frameTimes(page, '.vbody', 0, FRAMES)
    // Far enough each frame to cross all  rows in  frames: every frame draws rows it has never drawn.
    const scrolling = await frameTimes(page, '.vbody', Math.ceil((RULES * 36) / FRAMES), FRAMES)
    const reachedEnd = await page.evaluate(() => {
      const el = document.querySelector('.vbody') as HTMLElement
      return Math.round(el.scrollTop / 36)
    })
    await context.close()

    const js = ours[0]!
    const long = (xs: number[]) => xs.filter((x) => x > 25).length
    console.log(
      [
        `bench renderer (${LOADS} fresh loads each, median; Chromium ${browser.version()})`,
        `  first contentful paint: ${median(ours.map((o) => o.fcp)).toFixed(1)} ms  | baseline (static page, no script): ${median(bare).toFixed(1)} ms  | ratio ${(median(ours.map((o) => o.fcp)) / median(bare)).toFixed(2)}  | aim < 300 ms`,
        `  the Dashboard on screen (its heading in the page, after the app's first data): ${median(ours.map((o) => o.shown)).toFixed(1)} ms`,
        `  JavaScript fetched before first paint: ${(js.jsBytes / 1024).toFixed(0)} KiB in ${js.jsFiles} files (every page, chart and the report view load on demand)`,
        `  results of ${RULES} rules shown: ${shownMs} ms after navigating${listed ? '' : ' (count line not found)'}`,
        `  scrolling ${RULES} rows, frame interval: median ${median(scrolling).toFixed(1)} ms, p95 ${pct(scrolling, 0.95).toFixed(1)} ms, max ${Math.max(...scrolling).toFixed(1)} ms, frames over 25 ms ${long(scrolling)}/${scrolling.length}  | baseline (same loop, no scrolling): median ${median(idle).toFixed(1)} ms, p95 ${pct(idle, 0.95).toFixed(1)} ms, over 25 ms ${long(idle)}/${idle.length}  | p95 ratio ${(pct(scrolling, 0.95) / pct(idle, 0.95)).toFixed(2)}`,
        `  scrolled to row ${reachedEnd} of ${RULES}`,
      ].join('\n'),
    )
  } finally {
    await browser.close()
    floor.close()
    await app.stop()
  }
}, 600_000)
