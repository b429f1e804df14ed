// Exports and imports in real Chromium against `driftwatch serve`, moving as bytes and never as paths: every
// export format arrives as a browser download with the right content (and nothing lands in the server's
// data folder), and a datastream chosen in the browser's file chooser is uploaded and imported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import type { Browser, Page } from 'playwright-core'
import { createCore } from '../../src-main/core/app'
import { verifyBundle } from '../../src-main/core/reports/verify'
import { stableUuid } from '../../src-main/core/reports/model'
import { EXPORT_FORMATS } from '../../src-preload/contract'
import { openApp, serve, shot, type Served } from './support'
import { seedSyntheticStore } from '../helpers/report-store'
import { evidenceErrors, heimdallOpen, oscalErrors } from '../helpers/report-schemas'

const DATASTREAM = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
const PASSPHRASE = 'correct horse battery staple 42'
const LABELS = {
  pdf: 'PDF',
  json: 'Evidence JSON',
  oscal: 'OSCAL',
  hdf: 'HDF (Heimdall)',
  csv: 'CSV',
} as const
/** The STIG checklists need a scan with STIG ids (test/integration/checklists.test.ts); this scan has none. */
const FORMATS = EXPORT_FORMATS.filter((f) => f !== 'ckl' && f !== 'cklb')

let app: Served
let browser: Browser
let page: Page

/** Every file under the data folder, relative, so a test can see nothing new was written there. */
const filesIn = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((n) => !/^driftwatch\.db(-wal|-shm)?$/.test(n))
    .sort()

beforeAll(async () => {
  app = await serve()
  const core = createCore({ face: 'cli', dataDir: app.dataDir })
  try {
    await seedSyntheticStore(core, { targets: 2, rules: 40, scans: 2 })
  } finally {
    core.close()
  }
  ;({ browser, page } = await openApp(app, { width: 1400, height: 950, timeout: 20_000, downloads: true }))
  // A bundle is signed with the vault's key: create the vault as a person would.
  await page.getByRole('link', { name: 'Vault' }).click()
  await page.getByLabel('Master passphrase', { exact: true }).fill(PASSPHRASE)
  await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE)
  await page.getByRole('button', { name: 'Create vault' }).click()
  await page.getByRole('heading', { name: 'Vault', exact: true }).waitFor()
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

async function download(format: (typeof FORMATS)[number]) {
  const name = format === 'bundle' ? 'Signed bundle' : LABELS[format]
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 90_000 }),
    page.getByRole('button', { name, exact: true }).click(),
  ])
  const path = await dl.path()
  return { name: dl.suggestedFilename(), bytes: readFileSync(path), path }
}

describe('exports in the browser', () => {
  it('downloads every format with the right content, and writes nothing into the data folder', async () => {
    const before = filesIn(app.dataDir)
    await page.goto(`${app.origin}/#/reports`)
    await page.getByLabel('Engagement name').fill('Download check')
    await expect
      .poll(() =>
        page.getByRole('region', { name: 'Preview' }).getByRole('heading', { level: 1 }).innerText(),
      )
      .toBe('Download check')

    // Every format renders the report the preview shows: its id is on the preview's cover.
    const reportId = await page
      .getByRole('region', { name: 'Preview' })
      .locator('.report-facts dd.mono')
      .first()
      .innerText()
    expect(reportId).toMatch(/^[0-9a-f-]{36}$/)

    const got = Object.fromEntries(
      await FORMATS.reduce<Promise<[string, Awaited<ReturnType<typeof download>>][]>>(
        async (acc, f) => [...(await acc), [f, await download(f)]],
        Promise.resolve([]),
      ),
    )
    expect(Object.keys(got).sort()).toEqual([...FORMATS].sort())

    expect(got.pdf!.name).toMatch(/^download-check-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.pdf$/)
    expect(got.pdf!.bytes.subarray(0, 5).toString()).toBe('%PDF-')
    expect(execFileSync('pdftotext', [got.pdf!.path, '-'], { encoding: 'utf8' })).toContain('Download check')

    const json = JSON.parse(got.json!.bytes.toString('utf8'))
    expect(got.json!.name).toMatch(/\.json$/)
    expect(evidenceErrors(json)).toEqual([])
    expect(json.engagement.name).toBe('Download check')

    expect(oscalErrors(JSON.parse(got.oscal!.bytes.toString('utf8')))).toEqual([])
    expect(heimdallOpen(got.hdf!.bytes.toString('utf8')).contains.length).toBeGreaterThan(0)
    expect(got.csv!.name).toMatch(/\.csv$/)
    expect(got.csv!.bytes.toString('utf8').split('\r\n')[0]).toMatch(/^target,/)

    // One report id in all six files.
    expect(json.reportId).toBe(reportId)
    expect(JSON.parse(got.oscal!.bytes.toString('utf8'))['assessment-results'].uuid).toBe(
      stableUuid(`oscal|${reportId}|document`),
    )
    expect(JSON.parse(got.hdf!.bytes.toString('utf8')).profiles[0].summary).toContain(reportId)
    expect(got.csv!.bytes.toString('utf8').trim().split('\r\n')[1]).toMatch(new RegExp(`,${reportId}$`))
    expect(execFileSync('pdftotext', [got.pdf!.path, '-'], { encoding: 'utf8' })).toContain(reportId)
    expect(JSON.parse(Buffer.from(unzipSync(got.bundle!.bytes)['manifest.json']!).toString()).reportId).toBe(
      reportId,
    )
    for (const f of FORMATS) expect(got[f]!.name).toContain(reportId.slice(0, 8))

    expect(got.bundle!.name).toMatch(/\.zip$/)
    const report = verifyBundle(got.bundle!.bytes)
    expect(report).toMatchObject({ ok: true, problems: [] })
    expect(Object.keys(unzipSync(got.bundle!.bytes))).toContain('report.pdf')

    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Downloaded Signed bundle as' }).isVisible())
      .toBe(true)
    await page.screenshot({ path: shot('downloads-01-exported') })
    // Serve mode used to keep a copy of each export in <data>/exports; now the browser alone has the files.
    expect(filesIn(app.dataDir)).toEqual(before)
  }, 240_000)
})

describe('imports in the browser', () => {
  it('uploads a datastream chosen in the file chooser and imports it', async () => {
    await page.goto(`${app.origin}/#/variables`)
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Choose a datastream file…' }).click(),
    ])
    await chooser.setFiles(DATASTREAM)
    await expect
      .poll(() => page.getByText('Imported ssg-debian11-ds.xml').isVisible(), { timeout: 60_000 })
      .toBe(true)
    await expect.poll(() => page.getByRole('combobox', { name: 'Profile' }).isVisible()).toBe(true)
    await page.screenshot({ path: shot('downloads-02-uploaded-content') })
  }, 90_000)
})
