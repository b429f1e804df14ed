// The benchmark browser in real Chromium against `driftwatch serve`: the Group tree with selected/total counts,
// search by CCE (and NIST reference) finds the rule inside its nested Group, "selected only", and a benchmark of
// 1,400+ rules stays whole: its last rule is reachable by scrolling, and a search answers quickly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { openApp, serve, shot, type Served } from './support'
import { useTmpDirs } from '../helpers/tmp-dir'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const SSG = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
// SSG 0.1.65 for Debian carries no CCE idents; the test gives one rule a CCE, as RHEL content has.
const CCE = 'CCE-90001-7'
const tmp = useTmpDirs('all')

let app: Served
let browser: Browser
let page: Page

beforeAll(async () => {
  const dir = tmp.make('dw-e2e-tree-')
  let xml = readFileSync(SSG, 'utf8')
  // Each rule three more times (new ids, same checks): 1,420 rules, to show nothing is capped.
  xml = xml.replace(/<xccdf-1\.2:Rule [^>]*id="([^"]+)"[\s\S]*?<\/xccdf-1\.2:Rule>/g, (rule, id: string) =>
    [rule, ...[2, 3, 4].map((n) => rule.replaceAll(`id="${id}"`, `id="${id}_copy${n}"`))].join('\n'),
  )
  xml = xml.replace(
    /(<xccdf-1\.2:Rule [^>]*id="xccdf_org\.ssgproject\.content_rule_sshd_disable_root_login"[^>]*>\s*<xccdf-1\.2:title>[^<]*<\/xccdf-1\.2:title>)/,
    `$1\n<xccdf-1.2:ident system="https://ncp.nist.gov/cce">${CCE}</xccdf-1.2:ident>`,
  )
  expect(xml.split(CCE).length).toBe(2)
  writeFileSync(join(dir, 'ssg-debian11-ds.xml'), xml)
  app = await serve({ DRIFTWATCH_SCAP_CONTENT_DIR: dir })
  ;({ browser, page } = await openApp(app, { width: 1280, height: 900, timeout: 20_000 }))
  await page.getByRole('link', { name: 'Variables' }).click()
  await page.locator('.file-list').getByRole('button', { name: 'Import' }).click()
  await page.getByRole('combobox', { name: 'Profile' }).selectOption(PROFILE)
  await page.getByRole('tab', { name: /Rules/ }).click()
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const search = () => page.getByRole('searchbox', { name: 'Search rules' })

describe('benchmark browser', () => {
  it('shows the Group tree with selected/total counts per Group and every rule', async () => {
    const status = page.locator('.toolbar [aria-live]')
    await expect.poll(() => status.innerText()).toMatch(/^1420 rules in \d+ groups$/)
    // The top-level Groups hold every rule of the benchmark between them; the profile selects some.
    const tops = await page.locator('tr.group-row[data-depth="0"] td.count').allInnerTexts()
    expect(tops.length).toBeGreaterThan(1)
    const counts = tops.map((t) => t.split('/').map(Number) as [number, number])
    expect(counts.reduce((n, [, total]) => n + total, 0)).toBe(1420)
    const tab = await page.getByRole('tab', { name: /Rules/ }).innerText()
    expect(`Rules (${counts.reduce((n, [sel]) => n + sel, 0)} selected)`).toBe(tab)
    const services = page.locator('tr[data-group="services"]')
    expect(await services.count()).toBe(1)
    await page.screenshot({ path: shot('tree-01-outline') })
  })

  it('finds a rule by its CCE inside its nested Group, with the Groups above it opened', async () => {
    await search().fill(CCE.toLowerCase())
    const row = page.locator('tr[data-rule="sshd_disable_root_login"]')
    await expect.poll(() => row.isVisible()).toBe(true)
    expect(await row.innerText()).toContain(CCE)
    expect(await page.locator('tr[data-rule]').count()).toBe(1)
    // Its ancestors are shown (services › SSH › SSH server › configuration), each counted over its subtree.
    const groups = await page.locator('tr.group-row th').allInnerTexts()
    expect(groups.length).toBeGreaterThanOrEqual(3)
    expect(groups.join(' / ')).toMatch(/SSH/)
    const ssh = page.locator('tr[data-group="ssh_server"] td.count')
    expect(await ssh.innerText()).toMatch(/^\d+\/\d+$/)
    await page.screenshot({ path: shot('tree-02-search-cce') })
  })

  it('finds rules by NIST reference, and "selected only" hides the rest', async () => {
    await search().fill('NIST-800-53 AC-17')
    await expect.poll(() => page.locator('tr[data-rule]').count()).toBeGreaterThan(4)
    const all = await page.locator('tr[data-rule]').count()
    await page.getByRole('checkbox', { name: 'Selected only' }).check()
    await expect.poll(() => page.locator('tr[data-rule]').count()).toBeLessThan(all)
    for (const box of await page.locator('tr[data-rule] input[type=checkbox]').all())
      expect(await box.isChecked()).toBe(true)
    await page.screenshot({ path: shot('tree-03-nist-selected-only') })
    await page.getByRole('checkbox', { name: 'Selected only' }).uncheck()
  })

  it('reaches the last of 1,420 rules by scrolling, and a search finds one rule by its CCE', async () => {
    await search().fill('copy4')
    await expect.poll(() => page.locator('.toolbar [aria-live]').innerText()).toBe('355 of 1420 rules match')
    // Scroll to the end until every page of rows has been rendered. "Loading more" goes away once the last
    // page is in, possibly between counting it and scrolling to it, so each scroll is short and may miss.
    const more = page.getByText(/Loading more/)
    await expect
      .poll(
        async () => {
          if ((await more.count()) === 0) return 0
          await more.scrollIntoViewIfNeeded({ timeout: 1000 }).catch(() => undefined)
          return more.count()
        },
        { timeout: 30_000 },
      )
      .toBe(0)
    expect(await page.locator('tr[data-rule$="_copy4"]').count()).toBe(355)
    // How fast it answers is not asserted here (timings belong in bench/).
    await search().fill(CCE)
    await expect.poll(() => page.locator('tr[data-rule]').count(), { interval: 20 }).toBe(1)
  })
})
