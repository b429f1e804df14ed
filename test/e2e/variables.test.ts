// The variables page in real Chromium against `driftwatch serve`: import SSG content, open a profile,
// change a selector and a number (out of bounds shows the bound), unselect a rule, save, and export a
// tailoring that real `oscap` accepts; tick a rule the profile leaves out and edit its Value (a custom value
// from 0 too); a tailored scan whose tailoring is gone says why remediation cannot be generated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { apiCall, openApp, serve, shot, type Served } from './support'
import { useTmpDirs } from '../helpers/tmp-dir'
import { widenedDebian11Datastream } from '../services/lib'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const tmp = useTmpDirs('all')

let app: Served
let browser: Browser
let page: Page
let contentDir: string

beforeAll(async () => {
  // SSG declares no bounds on any Value; give the SSH idle timeout bounds so the editor has some to enforce.
  contentDir = tmp.make('dw-e2e-content-')
  mkdirSync(contentDir, { recursive: true })
  // Widened to Debian 12 so a scan of this computer has failed rules to remediate.
  const src = await widenedDebian11Datastream(tmp.make('dw-e2e-widened-'))
  const xml = readFileSync(src, 'utf8').replace(
    /(<xccdf-1\.2:Value id="xccdf_org\.ssgproject\.content_value_sshd_idle_timeout_value"[\s\S]*?<xccdf-1\.2:value>300<\/xccdf-1\.2:value>)/,
    '$1\n<xccdf-1.2:lower-bound>60</xccdf-1.2:lower-bound>\n<xccdf-1.2:upper-bound>3600</xccdf-1.2:upper-bound>',
  )
  expect(xml).toContain('<xccdf-1.2:upper-bound>3600</xccdf-1.2:upper-bound>')
  writeFileSync(join(contentDir, 'ssg-debian11-ds.xml'), xml)
  app = await serve({ DRIFTWATCH_SCAP_CONTENT_DIR: contentDir })
  ;({ browser, page } = await openApp(app, { width: 1280, height: 860, timeout: 20_000, downloads: true }))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('variables page', () => {
  it('imports discovered content and opens a profile', async () => {
    await page.getByRole('link', { name: 'Variables' }).click()
    await expect.poll(() => page.getByText('Import benchmark content first').isVisible()).toBe(true)
    await page.screenshot({ path: shot('variables-01-import') })
    await page.locator('.file-list').getByRole('button', { name: 'Import' }).click()
    await page.getByRole('combobox', { name: 'Profile' }).selectOption(PROFILE)
    await expect
      .poll(() => page.locator('[data-value="sshd_idle_timeout_value"]').isVisible(), { timeout: 20_000 })
      .toBe(true)
  }, 60_000)

  it('changes a selector, and a number shows its bound when out of range', async () => {
    const card = page.locator('[data-value="sshd_idle_timeout_value"]')
    await card.locator('select').selectOption('15_minutes')
    expect(await card.getAttribute('class')).toContain('changed')
    await card.locator('select').selectOption('__custom')
    await card.getByRole('textbox').fill('99999')
    await expect.poll(() => card.getByRole('alert').innerText()).toBe('Must be between 60 and 3600')
    expect(await page.getByRole('button', { name: 'Save tailoring' }).isDisabled()).toBe(true)
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('variables-02-out-of-bounds') })
    await card.getByRole('textbox').fill('900')
    expect(await card.getByRole('alert').count()).toBe(0)
  })

  it('unselects a rule, saves, shows the changes and exports a tailoring oscap accepts', async () => {
    await page.getByRole('tab', { name: /Rules/ }).click()
    await page.getByRole('searchbox', { name: 'Search rules' }).fill('sshd_disable_root_login')
    const row = page.locator('tr[data-rule="sshd_disable_root_login"]')
    // The rule's description and references open in place, as plain text.
    await row.locator('summary').click()
    await expect.poll(() => row.locator('.rule-text').innerText()).toMatch(/Rationale\./)
    expect(await row.locator('.rule-text').innerHTML()).not.toMatch(/<(script|a|code)\b/)
    await row.getByRole('checkbox').uncheck()
    expect(await row.getAttribute('class')).toContain('changed')
    await page.getByRole('tab', { name: /Changes/ }).click()
    await expect
      .poll(() => page.getByRole('table', { name: 'Changes from the profile' }).innerText())
      .toContain('unselected')
    await page.getByRole('textbox', { name: 'Tailoring name' }).fill('ACME policy')
    await page.getByRole('button', { name: 'Save tailoring' }).click()
    await expect
      .poll(() => page.getByText(/Saved tailoring “ACME policy” \(2 changes\)/).isVisible())
      .toBe(true)
    await page.screenshot({ path: shot('variables-03-changes-saved') })

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export XCCDF' }).click(),
    ])
    const file = join(contentDir, download.suggestedFilename())
    await download.saveAs(file)
    const xml = readFileSync(file, 'utf8')
    expect(xml).toContain('idref="xccdf_org.ssgproject.content_value_sshd_idle_timeout_value"')
    expect(xml).toMatch(
      /<xccdf:select idref="xccdf_org\.ssgproject\.content_rule_sshd_disable_root_login" selected="false"\s*\/>/,
    )
    // oscap resolves the tailoring against the content: the customised profile exists and is listed.
    const info = execFileSync('oscap', ['info', '--profiles', file], { encoding: 'utf8' })
    expect(info).toContain(`${PROFILE}_customized`)
  }, 60_000)

  it('lists the Value of a rule the tailoring adds, and "Custom value…" opens on a 0', async () => {
    await page.getByRole('tab', { name: /Values/ }).click()
    // The SSH keepalive is 0 in the profile: choosing a custom value opens the field with 0 in it.
    const keepalive = page.locator('[data-value="var_sshd_set_keepalive"]')
    await keepalive.locator('select').selectOption('__custom')
    await expect.poll(() => keepalive.getByRole('textbox').inputValue()).toBe('0')
    await keepalive.getByRole('textbox').fill('3')
    expect(await keepalive.getAttribute('class')).toContain('changed')

    const maxAge = page.locator('[data-value="var_accounts_maximum_age_login_defs"]')
    expect(await maxAge.count()).toBe(0)
    await page.getByRole('tab', { name: /Rules/ }).click()
    await page.getByRole('searchbox', { name: 'Search rules' }).fill('accounts_maximum_age_login_defs')
    await page.locator('tr[data-rule="accounts_maximum_age_login_defs"]').getByRole('checkbox').check()
    await page.getByRole('tab', { name: /Values/ }).click()
    await expect.poll(() => maxAge.isVisible()).toBe(true)
    expect(await maxAge.locator('summary').innerText()).toBe('Used by 1 rule')
    await maxAge.locator('select').selectOption('__custom')
    await maxAge.getByRole('textbox').fill('45')
    await maxAge.scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('variables-04-added-rule-value') })
    await page.getByRole('button', { name: 'Save tailoring' }).click()
    await expect
      .poll(() => page.getByText(/Saved tailoring “ACME policy” \(5 changes\)/).isVisible())
      .toBe(true)
  }, 60_000)

  it('shows why remediation of a tailored scan cannot be generated once its tailoring is gone', async () => {
    const api = <T>(channel: string, req: unknown): Promise<T> => apiCall<T>(app, channel, req)
    const { tailorings } = await api<{
      tailorings: { id: string; contentSha256: string; baseProfileId: string }[]
    }>('tailorings.list', {})
    const t = tailorings[0]!
    const { id: targetId } = await api<{ id: string }>('targets.create', {
      target: { kind: 'local', name: 'laptop', groups: [] },
    })
    await api('scan.start', {
      targetId,
      sha256: t.contentSha256,
      profileId: t.baseProfileId,
      tailoringId: t.id,
    })
    await expect
      .poll(
        async () => (await api<{ scans: { state: string }[] }>('scans.list', { targetId })).scans[0]?.state,
        { timeout: 60_000, interval: 500 },
      )
      .toBe('done')
    await api('tailorings.remove', { id: t.id })

    await page.goto(`${app.origin}/#/targets/${encodeURIComponent(targetId)}`)
    await page.getByRole('button', { name: 'Shell script' }).click()
    const alert = page.locator('.remediation').getByRole('alert')
    await expect
      .poll(() => alert.innerText())
      .toMatch(/^Remediation not generated: This scan ran with a tailoring that has since been deleted/)
    expect(await page.getByRole('button', { name: 'Shell script' }).isEnabled()).toBe(true)
    await alert.scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('variables-05-remediation-refused') })
  }, 90_000)
})
