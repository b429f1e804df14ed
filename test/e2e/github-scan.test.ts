// Scanning a GitHub organisation from the UI in real Chromium against `driftwatch serve` and the local GitHub
// API server: the Scan button works without content, the results table fills, the GitHub API use (requests,
// rate-limit points, remaining, reset) shows under the score, a rule shows its references — and `driftwatch
// scan` on the same target from the command line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { cliSync, openApp, serve, shot, type Served } from './support'
import { runCli } from '../helpers/cli'
import { ALL_SCOPES, hardenedRepo, startGithubServer, type GithubServer } from '../services/github-server'
import { floorCostVault } from '../helpers/vault-cost'

const PASSPHRASE = 'github e2e passphrase 2026'
const TOKEN = 'ghp_e2e00000000000000000000000000000000007'
let app: Served
let gh: GithubServer
let browser: Browser
let page: Page

const cli = (args: string[], input?: string) =>
  cliSync(app, args, {
    input,
    timeout: 60_000,
    env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE, NO_COLOR: '1' },
  })

beforeAll(async () => {
  gh = await startGithubServer({
    orgs: [
      {
        login: 'acme',
        allowedActions: 'selected',
        workflowPermissions: 'read',
        canApprovePullRequests: false,
      },
    ],
    repos: [
      hardenedRepo('acme/api'),
      { fullName: 'acme/website' },
      { fullName: 'acme/legacy', archived: true },
    ],
    tokens: { [TOKEN]: ALL_SCOPES },
  })
  app = await serve()
  await floorCostVault(app.dataDir, PASSPHRASE)
  const add = cli(
    ['vault', 'add', '--kind', 'github-token', '--name', 'acme token', '--secret-stdin', '--json'],
    TOKEN,
  )
  expect(add.stderr + add.stdout).not.toContain(TOKEN)
  expect(add.status).toBe(0)
  const { id } = JSON.parse(add.stdout) as { id: string }
  const t = cli([
    'targets',
    'add',
    '--kind',
    'github',
    '--name',
    'acme org',
    '--org',
    'acme',
    '--api-url',
    gh.url,
    '--credential',
    id,
  ])
  expect(t.stderr).toBe('')
  expect(t.status).toBe(0)
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await gh?.close()
})

describe('scanning GitHub from the UI', () => {
  it('scans without content, shows results and the GitHub API use', async () => {
    // The serve process has its own vault session: unlock it.
    await page.getByRole('link', { name: /Vault/ }).first().click()
    await page.getByLabel('Master passphrase').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(() => page.locator('tr[data-credential="acme token"]').isVisible()).toBe(true)

    await page.goto(`${app.origin}/#/targets`)
    await page.getByRole('link', { name: 'acme org', exact: true }).click()
    await expect.poll(() => page.getByText('the built-in checks need nothing else').isVisible()).toBe(true)
    await page.getByRole('button', { name: 'Scan now' }).click()
    await expect
      .poll(() => page.getByRole('table', { name: 'Rule results' }).isVisible(), { timeout: 30_000 })
      .toBe(true)
    const use = page.getByLabel('GitHub API use')
    await expect
      .poll(() => use.innerText())
      .toMatch(/GitHub API: \d+ requests .* rate-limit points · [\d,]+ of 5,000 left, resets at/)
    expect(await use.innerText()).toContain('2 repositories checked, 0 unchanged, 1 archived (not checked)')
    expect(await page.locator('.score-large').innerText()).toMatch(/^\d+(\.\d)?%$/)
    await page.screenshot({ path: shot('github-01-results') })
  }, 60_000)

  it('opens a failed rule with its CIS and Scorecard references', async () => {
    await page.getByRole('combobox', { name: 'Status' }).selectOption('fail')
    await page.locator('.vbody [role="row"]', { hasText: 'Default branch is protected' }).first().click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect.poll(() => panel.innerText()).toMatch(/acme\/website/)
    expect(await panel.innerText()).toMatch(/not protected/)
    expect(await panel.innerText()).toMatch(/OpenSSF Scorecard Branch-Protection/)
    await page.screenshot({ path: shot('github-02-failed-rule') })
  })

  it('sets a threshold on the target form, and the next scan uses it', async () => {
    await page.getByRole('combobox', { name: 'Status' }).selectOption('')
    await page.getByRole('link', { name: 'Edit' }).click()
    await page.getByLabel('Required approvals').fill('1')
    await page.getByLabel('Highest base permission').selectOption('none')
    await page.screenshot({ path: shot('github-03-thresholds'), fullPage: true })
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('link', { name: 'acme org', exact: true }).click()
    await page.getByRole('link', { name: 'Edit' }).click()
    expect(await page.getByLabel('Required approvals').inputValue()).toBe('1')
    await page.goBack()
    await page.getByRole('button', { name: 'Scan now' }).click()
    // The second scan in the history; a new threshold means every repository is checked again.
    await expect
      .poll(() =>
        page.getByRole('table', { name: 'Scan history' }).locator('tr td:nth-child(2)').allInnerTexts(),
      )
      .toEqual(['done', 'done'])
    await expect
      .poll(() => page.getByLabel('GitHub API use').innerText())
      .toMatch(/2 repositories checked, 0 unchanged/)
    await page.locator('.vbody [role="row"]', { hasText: 'Base repository permission' }).first().click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect
      .poll(() => panel.innerText())
      .toMatch(/Found read; expected default_repository_permission ≤ none/)
    await page.getByPlaceholder(/^Filter by rule/).fill('approving reviews — acme/api')
    await page.locator('.vbody [role="row"]').first().click()
    await expect.poll(() => panel.innerText()).toMatch(/Found 2; expected required approving reviews ≥ 1/)
  }, 60_000)

  it('`driftwatch scan` scans the same target from the command line', async () => {
    // Not spawnSync: the GitHub server answering the CLI runs in this process.
    const scan = (...extra: string[]) =>
      runCli(['scan', 'acme org', ...extra, '--data-dir', app.dataDir], {
        env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE },
      })
    const r = await scan()
    expect(r.stderr).not.toContain(TOKEN)
    expect(r.stdout).toMatch(
      /^acme org: score [\d.]+% · \d+ pass · \d+ fail · 0 error · \d+ not applicable\n$/,
    )
    expect(r.code).toBe(2) // some rules fail
    const json = await scan('--json')
    const [out] = JSON.parse(json.stdout) as { scan: { info: Record<string, string> } }[]
    // The browser's scan and the first CLI scan already checked everything: nothing changed since.
    expect(out!.scan.info).toMatchObject({ checked: '0', unchanged: '2', rateLimitPoints: '0' })

    // Thresholds from the command line too: refused with the field's message, then taken, then used.
    const edit = (value: string) =>
      runCli(['targets', 'edit', 'acme org', '--inactive-days', value, '--data-dir', app.dataDir])
    const bad = await edit('soon')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/Days without a push must be a number/)
    expect((await edit('30')).code).toBe(0)
    const again = JSON.parse((await scan('--json')).stdout) as { scan: { info: Record<string, string> } }[]
    expect(again[0]!.scan.info).toMatchObject({ checked: '2', unchanged: '0' })
    // Five CLI runs, each unlocking the vault (scrypt) in a process of its own.
  }, 90_000)
})
