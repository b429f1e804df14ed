// Past scans and finding rules, in real Chromium against `driftwatch serve`, on two real oscap scans of this
// computer: the results are found by CCE and by a NIST 800-53 control ("AC-"), a scan from the history opens
// with its own results, and its ARF and the OpenSCAP HTML report arrive as browser downloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { createCore } from '../../src-main/core/app'
import type { ResultView } from '../../src-preload/contract'
import { openApp, serve, shot, type Served } from './support'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { importContentFile } from '../helpers/files'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
// SSG's Debian content names no CCEs (RHEL's does, as <ident system="https://ncp.nist.gov/cce">): one rule of
// the standard profile is given one here, in that same form, before the content is imported and scanned.
const CCE_RULE = 'xccdf_org.ssgproject.content_rule_file_owner_etc_passwd'
const CCE = 'CCE-83931-6'

function withCce(path: string): string {
  const xml = readFileSync(path, 'utf8')
  const start = xml.indexOf(`<xccdf-1.2:Rule selected="false" id="${CCE_RULE}"`)
  const fix = xml.indexOf('<xccdf-1.2:fix ', start)
  if (start < 0 || fix < 0) throw new Error(`${CCE_RULE} not found in ${path}`)
  const out = `${path}.cce.xml`
  writeFileSync(
    out,
    `${xml.slice(0, fix)}<xccdf-1.2:ident system="https://ncp.nist.gov/cce">${CCE}</xccdf-1.2:ident>${xml.slice(fix)}`,
  )
  return out
}
const tmp = useTmpDirs('all')
let app: Served
let browser: Browser
let page: Page
let targetId: string
const scanIds: string[] = []
let results: ResultView[] = []

beforeAll(async () => {
  app = await serve()
  const ds = withCce(await widenedDebian11Datastream(tmp.make('dw-e2e-past-')))
  const core = createCore({ face: 'cli', dataDir: app.dataDir })
  try {
    const sha256 = (await importContentFile(core, ds)).sha256
    targetId = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })).id
    for (let i = 0; i < 2; i++) {
      scanIds.push((await call(core, 'scan.start', { targetId, sha256, profileId: PROFILE })).scanId)
      await core.idle()
    }
    results = (await call(core, 'scan.results', { scanId: scanIds[1]! })).results
  } finally {
    core.close()
  }
  ;({ browser, page } = await openApp(app, { width: 1400, height: 950, timeout: 20_000, downloads: true }))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** The rule ids the results table lists now (it is virtualised: enough rows are in view for these searches). */
const listed = async () =>
  (await page.getByRole('table', { name: 'Rule results' }).locator('[data-rule]').all()).length
    ? await page
        .getByRole('table', { name: 'Rule results' })
        .locator('[data-rule]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule') ?? ''))
    : []

describe('finding rules by the identifiers auditors use', () => {
  it('finds a rule by its CCE, and the rules under NIST 800-53 AC- controls', async () => {
    await page.goto(`${app.origin}/#/targets/${targetId}`)
    const search = page.getByRole('searchbox', { name: 'Filter results' })
    await search.waitFor()

    expect(results.find((r) => r.ruleId === CCE_RULE)?.idents).toContainEqual({ system: 'CCE', id: CCE })
    await search.fill(CCE)
    await expect.poll(listed).toEqual([CCE_RULE])
    await page.screenshot({ path: shot('past-scans-01-search-cce') })

    const ac = results.filter((r) =>
      r.references.some((x) => x.system === 'NIST-800-53' && x.id.startsWith('AC-')),
    )
    expect(ac.length).toBeGreaterThan(2)
    await search.fill('AC-')
    const count = () => page.getByText(/^\d+ of \d+ rules$/).innerText()
    await expect.poll(count).toBe(`${ac.length} of ${results.length} rules`)
    const shown = await listed()
    expect(shown.length).toBeGreaterThan(0)
    for (const id of shown) expect(ac.map((r) => r.ruleId)).toContain(id)
    await page.screenshot({ path: shot('past-scans-02-search-ac') })

    await search.fill('800-53')
    const nist = results.filter((r) => r.references.some((x) => x.system === 'NIST-800-53'))
    await expect.poll(count).toBe(`${nist.length} of ${results.length} rules`)
  })
})

describe('a past scan', () => {
  it('opens from the history with its own results, and downloads its ARF and OpenSCAP HTML report', async () => {
    await page.goto(`${app.origin}/#/targets/${targetId}`)
    const history = page.getByRole('table', { name: 'Scan history' })
    await history.waitFor()
    // Each finished scan's date opens it (the other link in a row compares it with the shown scan).
    const rows = history.getByRole('link', { name: /UTC$/ })
    await expect.poll(() => rows.count()).toBe(2)
    expect(await history.getByRole('link', { name: 'Compare with latest' }).count()).toBe(1)
    // Newest first: the second link is the older scan.
    await rows.nth(1).click()
    await expect.poll(() => page.url()).toContain(`/scans/${scanIds[0]}`)
    await expect.poll(() => page.getByRole('status', { name: 'Past scan' }).isVisible()).toBe(true)
    expect(await page.getByRole('status', { name: 'Past scan' }).innerText()).toMatch(
      /You are looking at the scan of (\d{1,2} \w{3}|\w{3} \d{1,2},) \d{4}, \d{2}:\d{2} UTC/,
    )
    await page.screenshot({ path: shot('past-scans-03-opened') })

    const get = async (name: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByRole('button', { name, exact: true }).click(),
      ])
      return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') }
    }
    const arf = await get('ARF results')
    expect(arf.name).toMatch(/^laptop-.*-arf\.xml$/)
    expect(arf.text).toContain('asset-report-collection')
    expect(arf.text).toContain(PROFILE)
    const html = await get('OpenSCAP HTML report')
    expect(html.name).toMatch(/openscap-report\.html$/)
    expect(html.text).toMatch(/OpenSCAP Evaluation Report/)
    const evidence = await get('Evidence JSON')
    expect(JSON.parse(evidence.text).scans.map((s: { id: string }) => s.id)).toEqual([scanIds[0]])
    await page.screenshot({ path: shot('past-scans-04-downloaded') })

    await page.getByRole('link', { name: 'Back to the latest scan' }).click()
    await expect.poll(() => page.getByRole('status', { name: 'Past scan' }).count()).toBe(0)
  }, 120_000)
})
