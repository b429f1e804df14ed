// Hostile benchmark content stays inert. A datastream whose rule title, description and rationale carry
// <script>, <img onerror>, javascript: links, event-handler attributes and HTML entities (built from the real
// Debian 11 content, test/helpers/hostile-content.ts) is imported and scanned with the CLI as an auditor
// would; then the rule is opened in real Chromium against `driftwatch serve` (target detail, the report preview
// and the Variables page) and printed to PDF with `driftwatch export`. Had any payload run, it would set window.__pwned,
// raise a dialog and write "PWNED" into the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { cliSync, openApp, serve, shot, type Served } from './support'
import { useTmpDirs } from '../helpers/tmp-dir'
import {
  DESCRIPTION_LITERALS,
  hostileDatastream,
  HOSTILE_RULE,
  JS,
  RAN,
  RATIONALE_LITERAL,
  TITLE_TEXT,
} from '../helpers/hostile-content'

const tmp = useTmpDirs('all')
let app: Served
let browser: Browser
let page: Page
let dir: string
const dialogs: string[] = []
const cli = (...args: string[]) => cliSync(app, args, { timeout: 120_000 })

beforeAll(async () => {
  app = await serve()
  dir = tmp.make('dw-e2e-hostile-')
  const ds = await hostileDatastream(dir)
  const imported = cli('content', 'import', ds)
  expect(imported.stderr).toBe('')
  expect(imported.status).toBe(0)
  expect(cli('targets', 'add', '--kind', 'local', '--name', 'This laptop').status).toBe(0)
  const scanned = cli(
    'scan',
    'This laptop',
    '--content',
    'ssg-debian11-hostile-ds.xml',
    '--profile',
    'standard',
  )
  // 2: some rules failed, the hostile one among them (checked below).
  expect(scanned.status, scanned.stderr).toBe(2)
  ;({ browser, page } = await openApp(app, {
    width: 1360,
    height: 900,
    timeout: 20_000,
    beforeGoto: (p) =>
      p.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      }),
  }))
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** What a successful payload would leave behind in the page, or a DOM that could still run one. */
async function traces(p: Page) {
  return p.evaluate((ran) => {
    const all = [...document.querySelectorAll('*')]
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      ranText: document.body.innerText.includes(ran),
      // Our own bundle is the only script: external, from our origin.
      scripts: [...document.scripts].map((s) =>
        s.src ? new URL(s.src).origin === location.origin : 'inline',
      ),
      handlers: all.flatMap((el) =>
        [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`),
      ),
      jsUrls: all.flatMap((el) =>
        [...el.attributes]
          .filter((a) => /^\s*javascript:/i.test(a.value))
          .map((a) => `${el.tagName} ${a.name}`),
      ),
      frames: document.querySelectorAll('iframe, frame, object, embed, svg[onload], img[src="x"]').length,
    }
  }, RAN)
}

const inert = { pwned: undefined, ranText: false, handlers: [], jsUrls: [], frames: 0 }

describe('hostile rule text', () => {
  it('shows the rule as literal text in the target detail, and nothing runs', async () => {
    await page.goto(`${app.origin}/#/targets`)
    await page.getByRole('link', { name: 'This laptop', exact: true }).click()
    await expect.poll(() => page.getByRole('table', { name: 'Rule results' }).isVisible()).toBe(true)
    await page.getByPlaceholder(/^Filter by rule/).fill('file_permissions_systemmap')
    const row = page.getByRole('table', { name: 'Rule results' }).locator('.vbody [role="row"]')
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.innerText()).toContain('fail')
    await row.click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect.poll(() => panel.locator('.rule-text').count()).toBeGreaterThan(0)
    await expect.poll(() => panel.innerText()).toContain('Hostile description ends here.')

    // Markup that was only characters shows as those characters, entities once decoded and no more.
    expect(await panel.getByRole('heading', { level: 2 }).innerText()).toBe(TITLE_TEXT)
    const text = await panel.innerText()
    for (const literal of DESCRIPTION_LITERALS) expect(text).toContain(literal)
    expect(text).toContain(RATIONALE_LITERAL)
    // Real XHTML elements became plain text: link and paragraph words stay, script and style bodies go.
    expect(text).toContain('click for details')
    expect(text).toContain('Paragraph with handlers.')
    expect(text).not.toContain('body{display:none}')
    expect(text).toContain(HOSTILE_RULE)

    await page.waitForTimeout(300) // give an <img onerror> the time to fire, were there one
    expect(await traces(page)).toMatchObject(inert)
    expect((await traces(page)).scripts).toEqual([true])
    expect(dialogs).toEqual([])
    await page.screenshot({ path: shot('hostile-01-rule-detail') })
  }, 60_000)

  it('shows it as text in the report preview too', async () => {
    await page.goto(`${app.origin}/#/reports`)
    const preview = page.getByRole('region', { name: 'Preview' })
    await expect.poll(() => preview.innerText()).toContain('Hostile description ends here.')
    const text = await preview.innerText()
    expect(text).toContain(TITLE_TEXT)
    for (const literal of DESCRIPTION_LITERALS) expect(text).toContain(literal)
    await page.getByLabel('Engagement name').fill(`<img src=x onerror="${JS}">`)
    await expect
      .poll(() => preview.getByRole('heading', { level: 1 }).innerText())
      .toBe(`<img src=x onerror="${JS}">`)
    await page.waitForTimeout(300)
    expect(await traces(page)).toMatchObject(inert)
    expect(dialogs).toEqual([])
    await preview.getByText('Hostile description starts here.').scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('hostile-02-report-preview') })
  }, 60_000)

  it('shows it as text on the Variables page, where the rule opens in place', async () => {
    await page.goto(`${app.origin}/#/variables`)
    await page
      .getByRole('combobox', { name: 'Profile' })
      .selectOption('xccdf_org.ssgproject.content_profile_standard')
    await page.getByRole('tab', { name: /Rules/ }).click()
    await page.getByRole('searchbox', { name: 'Search rules' }).fill('file_permissions_systemmap')
    const row = page.locator('tr[data-rule="file_permissions_systemmap"]')
    expect(await row.locator('summary').innerText()).toBe(TITLE_TEXT)
    await row.locator('summary').click()
    await expect.poll(() => row.locator('.rule-text').innerText()).toContain('Hostile description ends here.')
    const text = await row.locator('.rule-text').innerText()
    for (const literal of DESCRIPTION_LITERALS) expect(text).toContain(literal)
    expect(text).toContain(RATIONALE_LITERAL)
    await page.waitForTimeout(300)
    expect(await traces(page)).toMatchObject(inert)
    expect(dialogs).toEqual([])
    await row.scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('hostile-03-variables') })
  }, 60_000)

  it('prints it as text in the PDF, where nothing runs either', () => {
    const pdf = join(dir, 'hostile.pdf')
    const hostileName = `<script>${JS}</script>`
    const r = cli(
      'export',
      '--format',
      'pdf',
      '--engagement',
      hostileName,
      '--organisation',
      `<img src=x onerror="${JS}">`,
      '--notes',
      `<a href="javascript:${JS}">notes</a>`,
      '--out',
      pdf,
    )
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' })
    // Chromium wraps long words anywhere: compare with all whitespace removed.
    const squash = (s: string) => s.replace(/\s+/g, '')
    expect(squash(text)).toContain(squash(TITLE_TEXT))
    for (const literal of DESCRIPTION_LITERALS) expect(squash(text)).toContain(squash(literal))
    expect(squash(text)).toContain(squash(hostileName))
    // The page header is a separate template: the organisation shows there as text as well.
    expect(squash(text)).toContain(squash(`<img src=x onerror="${JS}">`))
    expect(squash(text)).toContain(squash('Hostile description ends here.'))
    expect(text).not.toContain(RAN)
    expect(text).not.toContain('body{display:none}')
    // The pages, for a look (pdftoppm names them hostile-04-pdf-1.png, -2.png...).
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, shot('hostile-04-pdf').replace(/\.png$/, '')])
  }, 120_000)
})
