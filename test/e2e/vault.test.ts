// The vault journey in real Chromium against `driftwatch serve`: create, add a credential, lock, unlock,
// and pick the credential for a target; no secret ever comes back to the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { openApp, serve, shot, type Served } from './support'
import { runCli } from '../helpers/cli'

const PASSPHRASE = 'correct horse battery staple 42'
const CANARY = `canary-db-password-${Date.now()}`
const BOB = 'bob has a passphrase of his own 7'
const CAROL = 'carol joins from the vault page 9'

let app: Served
let browser: Browser
let page: Page
const responses: string[] = []

beforeAll(async () => {
  app = await serve()
  ;({ browser, page } = await openApp(app, {
    width: 1280,
    height: 800,
    timeout: 15_000,
    beforeGoto: (p) =>
      p.on('response', (r) => {
        if (r.url().includes('/api/'))
          void r.text().then(
            (t) => responses.push(t),
            () => undefined,
          )
      }),
  }))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('vault in the browser UI', () => {
  it('creates the vault with passphrase strength feedback', async () => {
    await page.getByRole('link', { name: 'Vault' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Create your vault' }).isVisible()).toBe(true)
    const pass = page.getByLabel('Master passphrase', { exact: true })
    await pass.fill('short')
    expect(await page.locator('.strength-label').innerText()).toContain('Too short')
    await pass.fill('password12345')
    expect(await page.locator('.strength-label').innerText()).toMatch(/Weak|Fair/)
    await pass.fill(PASSPHRASE)
    expect(await page.locator('.strength-label').innerText()).toMatch(/Good|Strong/)
    await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE + 'x')
    await page.getByRole('button', { name: 'Create vault' }).click()
    await expect.poll(() => page.getByText('The two passphrases differ').isVisible()).toBe(true)
    await page.screenshot({ path: shot('vault-01-create') })
    await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Create vault' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Vault', exact: true }).isVisible()).toBe(true)
  })

  it('adds a database password credential and shows only its metadata', async () => {
    await page.getByRole('button', { name: 'Add credential' }).click()
    await page.getByLabel('Kind').selectOption('db-password')
    await page.getByLabel('Name', { exact: true }).fill('billing-db reader')
    await page.getByLabel('User name').fill('driftwatch_ro')
    await page.getByLabel('Password', { exact: true }).fill(CANARY)
    await page.getByRole('button', { name: 'Add credential' }).last().click()
    const row = page.locator('tr[data-credential="billing-db reader"]')
    await expect.poll(() => row.isVisible()).toBe(true)
    expect(await row.innerText()).toContain('Database password')
    expect(await page.content()).not.toContain(CANARY)
    await page.screenshot({ path: shot('vault-02-credentials') })
  })

  it('locks, shows the unlock screen, refuses a wrong passphrase, and unlocks', async () => {
    await page.getByRole('button', { name: 'Lock now' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'The vault is locked' }).isVisible()).toBe(true)
    expect(await page.getByRole('link', { name: 'Vault locked' }).isVisible()).toBe(true)
    await page.getByLabel('Master passphrase').fill('not the passphrase at all')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/wrong passphrase/i)
    await page.screenshot({ path: shot('vault-03-unlock') })
    await page.getByLabel('Master passphrase').fill(PASSPHRASE)
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect.poll(() => page.locator('tr[data-credential="billing-db reader"]').isVisible()).toBe(true)
  })

  it('lets a target pick the credential, and the vault shows who uses it', async () => {
    await page.goto(`${app.origin}/#/targets/new`)
    await page.getByRole('radio', { name: /PostgreSQL/ }).check()
    await page.getByLabel('Name', { exact: true }).fill('billing-db')
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1')
    await page.getByLabel('User', { exact: true }).fill('driftwatch_ro')
    await page
      .getByLabel('Credential', { exact: true })
      .selectOption({ label: 'billing-db reader (Database password)' })
    await page.getByRole('button', { name: 'Add target' }).click()
    await expect.poll(() => page.locator('tr[data-target="billing-db"]').count()).toBe(1)
    await page.getByRole('link', { name: 'Vault', exact: true }).click()
    const row = page.locator('tr[data-credential="billing-db reader"]')
    await expect.poll(() => row.innerText()).toContain('billing-db')
  })

  it('asks who is unlocking a vault shared by two members, and opens it only with that member’s passphrase', async () => {
    // A second person joins from the CLI (the vault's first member, made in the page above, is "owner").
    const bob = await runCli(
      ['vault', 'members', 'add', 'bob', '--secret-stdin', '--data-dir', app.dataDir],
      {
        env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE },
        input: `${BOB}\n`,
      },
    )
    expect(bob.code, bob.stderr).toBe(0)
    await page.getByRole('link', { name: 'Vault', exact: true }).click()
    await page.getByRole('button', { name: 'Lock now' }).click()
    const member = page.getByLabel('Member', { exact: true })
    await expect.poll(() => member.isVisible()).toBe(true)
    await expect
      .poll(() => member.locator('option:not([disabled])').allInnerTexts())
      .toEqual(['bob', 'owner'])
    await page.getByLabel('Your passphrase').fill(BOB)
    // No member chosen yet: nothing to try the passphrase on.
    expect(await page.getByRole('button', { name: 'Unlock' }).isDisabled()).toBe(true)
    await member.selectOption('owner')
    await page.getByRole('button', { name: 'Unlock as owner' }).click()
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/wrong passphrase/i)
    await member.selectOption('bob')
    // Another member chosen: the refusal was about the one before.
    expect(await page.getByRole('alert').count()).toBe(0)
    await page.getByLabel('Your passphrase').fill(BOB)
    await page.screenshot({ path: shot('vault-04-member') })
    await page.getByRole('button', { name: 'Unlock as bob' }).click()
    await expect.poll(() => page.getByRole('note').innerText()).toBe('Unlocked as bob · shared by 2 members')
    expect(await page.locator('tr[data-credential="billing-db reader"]').isVisible()).toBe(true)
    await page.screenshot({ path: shot('vault-05-unlocked-as') })
  })

  it('adds a member from the vault page, who then unlocks with their own passphrase, and removes them', async () => {
    const row = (name: string) => page.locator(`tr[data-member="${name}"]`)
    const members = page.getByRole('table', { name: 'Members' })
    await expect.poll(() => members.locator('tbody tr').count()).toBe(2)
    expect(await row('bob').innerText()).toMatch(/bob\s*you\s+Passphrase/)
    expect(await row('owner').innerText()).toContain('Passphrase')

    const form = page.getByRole('form', { name: 'Add member' })
    await form.getByLabel('Member name').fill('carol')
    await form.getByLabel('Their passphrase', { exact: true }).fill(CAROL)
    await form.getByLabel('Their passphrase again').fill(CAROL + 'x')
    await expect.poll(() => form.getByText('The two passphrases differ').isVisible()).toBe(true)
    expect(await form.getByRole('button', { name: 'Add member' }).isDisabled()).toBe(true)
    await form.getByLabel('Their passphrase again').fill(CAROL)
    await form.getByRole('button', { name: 'Add member' }).click()
    await expect.poll(() => row('carol').isVisible()).toBe(true)
    expect(await row('carol').innerText()).toMatch(/Passphrase\s+\S.* by bob/)
    await expect.poll(() => page.getByRole('note').innerText()).toBe('Unlocked as bob · shared by 3 members')
    // The form is empty again: no passphrase left in a field.
    expect(await form.getByLabel('Their passphrase', { exact: true }).inputValue()).toBe('')
    await page.screenshot({ path: shot('vault-06-members') })

    // carol unlocks with her own passphrase.
    await page.getByRole('button', { name: 'Lock now' }).click()
    await page.getByLabel('Member', { exact: true }).selectOption('carol')
    await page.getByLabel('Your passphrase').fill(CAROL)
    await page.getByRole('button', { name: 'Unlock as carol' }).click()
    await expect
      .poll(() => page.getByRole('note').innerText())
      .toBe('Unlocked as carol · shared by 3 members')

    // carol removes herself: the dialog says what that means for this session.
    await row('carol').getByRole('button', { name: 'Remove carol' }).click()
    const dialog = page.getByRole('dialog')
    await expect.poll(() => dialog.innerText()).toContain('You are unlocked as this member')
    await page.screenshot({ path: shot('vault-07-remove-member') })
    await dialog.getByRole('button', { name: 'Remove member' }).click()
    await expect.poll(() => row('carol').count()).toBe(0)
    await expect
      .poll(() => page.getByRole('note').innerText())
      .toBe('Unlocked as carol · shared by 2 members')

    // Both changes are in the audit log, naming who made them.
    const audit = await runCli(['audit', '--json', '--data-dir', app.dataDir])
    expect(audit.code, audit.stderr).toBe(0)
    const entries = (JSON.parse(audit.stdout) as { entries: { action: string; by: string }[] }).entries
    expect(entries.find((e) => e.action === 'vault.member-added')?.by).toMatch(/^bob\b/)
    expect(entries.find((e) => e.action === 'vault.member-removed')?.by).toMatch(/^carol\b/)
  })

  it('never sent the secret back to the page', () => {
    expect(responses.length).toBeGreaterThan(5)
    for (const r of responses)
      for (const secret of [CANARY, BOB, CAROL, PASSPHRASE]) expect(r).not.toContain(secret)
    expect(app.stderr()).not.toContain(CANARY)
  })
})
