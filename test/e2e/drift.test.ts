// The Drift and Watch pages in real Chromium against `driftwatch serve`: a real PostgreSQL target is scanned by
// the watch, log_connections is turned off, the next scan records the regression, and the Drift page shows it on
// the target's score timeline, in the events list (filterable), and as before/after evidence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import pg from 'pg'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { openApp, ROOT, serve, shot, type Served } from './support'
import { startPostgres, type PgService } from '../services/lib'
import { createCore, type Core } from '../../src-main/core/app'
import { call } from '../helpers/core'
import { signatureValid, startReceiver } from '../helpers/receiver'
import { setLogConnections } from '../helpers/pg-settings'
import { vaultWithPostgresTarget } from '../helpers/vault-target'
import { FLOOR_KDF } from '../helpers/vault-cost'

let app: Served
let browser: Browser
let page: Page
let pgs: PgService
let regressionScan: string
let regressionId: number
const PASSPHRASE = 'e2e drift passphrase'

/** "Scan all now" on the watch, and wait for the scan it starts. */
async function watchedScan(core: Core) {
  await call(core, 'watch.runNow', {})
  await core.idle()
}

beforeAll(async () => {
  ;[app, pgs] = await Promise.all([serve(), startPostgres({ name: 'e2e-drift' })])
  await setLogConnections(pgs, 'on')
  // The watch runs in its own core on the served data folder (as `driftwatch watch` would beside the UI).
  // At the lowest cost a serve process accepts (helpers/vault-cost.ts): a second one opens this vault below,
  // and refuses weakened ones.
  const core = createCore({ face: 'cli', dataDir: app.dataDir, unsafeKdfForTests: FLOOR_KDF })
  try {
    const target = await vaultWithPostgresTarget(core, pgs, { passphrase: PASSPHRASE, credentialName: 'pg' })
    await call(core, 'targets.create', { target: { kind: 'local', name: 'This laptop' } })
    await call(core, 'watch.schedules.save', { targetId: target.targetId, intervalMinutes: 60 })
    core.watch.start()
    await watchedScan(core)
    await watchedScan(core)
    await setLogConnections(pgs, 'off')
    await watchedScan(core)
    const { events } = await call(core, 'drift.events', { types: ['regression'] })
    expect(events.map((e) => e.ruleId)).toEqual(['pg-log-connections'])
    regressionScan = events[0]!.scanId
    regressionId = events[0]!.id
  } finally {
    core.close()
  }
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await pgs?.stop()
})

describe('the Drift page', () => {
  it('shows the regression on the target’s score timeline and in the events list', async () => {
    await page.goto(`${app.origin}/#/drift`)
    const marker = page.locator(`circle[data-drift-scan="${regressionScan}"]`)
    await expect.poll(() => marker.count()).toBe(1)
    expect(await marker.getAttribute('fill')).toBe('#dc2626')
    // Three scans on the timeline; only the third is marked.
    expect(await page.locator('circle[data-drift-scan]').count()).toBe(1)
    expect(await page.getByText('3 scans').isVisible()).toBe(true)
    const table = page.getByRole('table', { name: 'Drift events' })
    const row = table.getByRole('row').filter({ hasText: 'Connection attempts are logged' })
    expect(await row.innerText()).toMatch(
      /billing-pg\s+Regression\s+Connection attempts are logged\s+pass → fail\s+medium/,
    )
    await page.screenshot({ path: shot('drift-01-timeline') })
  })

  it('shows the mean time to detect and to resolve, overall and per target (issue 21)', async () => {
    const kpis = page.getByRole('region', { name: 'Time to detect and resolve' })
    await expect.poll(() => kpis.getByTestId('mttd').innerText()).toMatch(/^\d+ (s|min)$/)
    // The regression is not fixed yet: nothing resolved, one open.
    expect(await kpis.getByTestId('mttr').innerText()).toBe('—')
    expect(await kpis.innerText()).toContain('1 · 0 resolved · 1 open')
    const row = kpis.getByRole('table', { name: 'Time to detect and resolve by target' }).getByRole('row')
    expect(await row.filter({ hasText: 'billing-pg' }).innerText()).toMatch(
      /billing-pg\s+\d+ (s|min)\s+—\s+1\s+1/,
    )
    await kpis.screenshot({ path: shot('drift-03-kpis') })
  })

  it('opens the event with before/after evidence, from the timeline marker', async () => {
    await page.locator(`circle[data-drift-scan="${regressionScan}"]`).click()
    await expect.poll(() => page.url()).toContain(`#/drift/${regressionId}`)
    const panel = page.getByRole('complementary', { name: 'Drift event' })
    await expect.poll(() => panel.isVisible()).toBe(true)
    const before = panel.getByRole('region', { name: 'Before' })
    const after = panel.getByRole('region', { name: 'After' })
    expect(await before.innerText()).toMatch(/Status\s+pass[\s\S]*Found\s+on/)
    expect(await after.innerText()).toMatch(/Status\s+fail[\s\S]*Found\s+off/)
    await page.screenshot({ path: shot('drift-02-event') })
  })

  it('lists the open alert and acknowledges it', async () => {
    const alerts = page.getByRole('table', { name: 'Open alerts' })
    const row = alerts.getByRole('row').filter({ hasText: 'pg-log-connections' })
    await expect.poll(() => row.count()).toBe(1)
    await row.getByRole('button', { name: 'Acknowledge' }).click()
    await expect.poll(() => row.innerText()).toContain('acknowledged')
  })

  it('filters events by type and severity', async () => {
    await page.goto(`${app.origin}/#/drift`)
    const table = page.getByRole('table', { name: 'Drift events' })
    await expect.poll(() => table.isVisible()).toBe(true)
    await page.getByText('Fixed', { exact: true }).click()
    await expect.poll(() => page.getByText('No drift matches these filters.').isVisible()).toBe(true)
    await page.getByText('Fixed', { exact: true }).click()
    await page.getByText('Regression', { exact: true }).first().click()
    await expect.poll(() => table.getByRole('row').count()).toBe(2) // header + the regression
    await page.getByRole('combobox', { name: 'Severity' }).selectOption('high')
    await expect.poll(() => page.getByText('No drift matches these filters.').isVisible()).toBe(true)
  })
})

describe('the Watch page', () => {
  it('lists the schedule with its next-run countdown and last run', async () => {
    await page.goto(`${app.origin}/#/watch`)
    const table = page.getByRole('table', { name: 'Schedules' })
    await expect.poll(() => table.isVisible()).toBe(true)
    const row = table.getByRole('row').filter({ hasText: 'billing-pg' })
    expect(await row.innerText()).toMatch(/billing-pg\s+every 1 h\s+in (59|60) min \d+ s/)
    const first = await row.getByTestId('countdown').innerText()
    await expect.poll(() => row.getByTestId('countdown').innerText(), { timeout: 5000 }).not.toBe(first)
    // The serve process does not watch (the watch ran in its own core and has closed): no "All good" state,
    // whatever the alerts, since nothing runs the schedules.
    expect(await page.locator('.tray').innerText()).toBe('Not watching')
    await page.getByRole('button', { name: 'Pause watch' }).click()
    await expect.poll(() => page.getByRole('button', { name: 'Resume watch' }).isVisible()).toBe(true)
    expect(await row.getByTestId('countdown').innerText()).toBe('paused')
    await page.screenshot({ path: shot('watch-01-schedules'), fullPage: true })
    await page.getByRole('button', { name: 'Resume watch' }).click()
    await expect.poll(() => page.getByRole('button', { name: 'Pause watch' }).isVisible()).toBe(true)
  })
})

describe('alert channels on the Watch page', () => {
  it('adds a signed webhook whose key and secret headers go to the vault, sends a test, shows it in the delivery log, and replaces one header secret', async () => {
    const rx = await startReceiver()
    try {
      await page.goto(`${app.origin}/#/vault`)
      await page.getByLabel('Master passphrase').fill(PASSPHRASE)
      await page.getByRole('button', { name: 'Unlock' }).click()
      await expect.poll(() => page.getByText('Vault unlocked').isVisible()).toBe(true)
      await page.goto(`${app.origin}/#/watch`)
      await page.getByRole('button', { name: 'Add channel' }).click()
      const form = page.getByRole('form', { name: 'New alert channel' })
      await form.getByLabel('Name', { exact: true }).fill('SOC webhook')
      await form.getByRole('textbox', { name: /^URL/ }).fill('ftp://nowhere')
      await form.getByLabel(/Signing key/).fill('ui-hmac-key-77c2')
      await form.getByLabel('Header 1 name').fill('Host')
      await form.getByLabel('Header 1 value').fill('evil.example')
      await form.getByRole('button', { name: 'Save channel' }).click()
      await expect
        .poll(() => form.getByText('URL must start with https:// or http://').isVisible())
        .toBe(true)
      expect(
        await form.getByText('The header Host cannot be set: HTTP sets it from the URL').isVisible(),
      ).toBe(true)
      await form.getByRole('textbox', { name: /^URL/ }).fill(`${rx.url}/hook`)
      // A gateway in front of the receiver: a routing header, its key kept in the vault, and only pg-* rules.
      // Any number of headers, each a row: one text, two secret (their values kept in the vault).
      await form.getByLabel('Header 1 name').fill('X-Team')
      await form.getByLabel('Header 1 value').fill('security')
      await form.getByRole('button', { name: 'Add header' }).click()
      await form.getByLabel('Header 2 name').fill('X-Api-Key')
      await form.getByLabel('Header 2 secret').check()
      expect(await form.getByLabel('Header 2 value').getAttribute('type')).toBe('password')
      await form.getByLabel('Header 2 value').fill('ui-gateway-key-5e0b')
      await form.getByRole('button', { name: 'Add header' }).click()
      await form.getByLabel('Header 3 name').fill('X-Tenant')
      await form.getByLabel('Header 3 secret').check()
      await form.getByLabel('Header 3 value').fill('ui-tenant-key-91aa')
      // A row added by mistake is removed again.
      await form.getByRole('button', { name: 'Add header' }).click()
      await form.getByRole('button', { name: 'Remove header 4' }).click()
      expect(await form.getByLabel('Header 4 name').count()).toBe(0)
      await form.getByLabel(/^Only these checks/).fill('pg-*')
      await form.getByLabel('Lowest rule severity').selectOption('medium')
      await page.screenshot({ path: shot('watch-03b-channel-form'), fullPage: true })
      await form.getByRole('button', { name: 'Save channel' }).click()
      const channels = page.getByRole('table', { name: 'Alert channels' })
      await expect.poll(() => channels.getByText('SOC webhook').isVisible()).toBe(true)
      await channels.getByRole('button', { name: 'Send test' }).click()
      await expect.poll(() => rx.received.length).toBe(1)
      expect(signatureValid('ui-hmac-key-77c2', rx.received[0]!)).toBe(true)
      expect(rx.received[0]!.headers).toMatchObject({
        'x-team': 'security',
        'x-api-key': 'ui-gateway-key-5e0b',
        'x-tenant': 'ui-tenant-key-91aa',
      })
      // The list names the headers; the secret ones only as set.
      expect(await channels.innerText()).toContain(
        'X-Team: security · X-Api-Key: •••• set · X-Tenant: •••• set',
      )
      const log = page.getByRole('table', { name: 'Delivery log' })
      await expect.poll(() => log.innerText()).toMatch(/SOC webhook\s+test\s+sent\s+1 attempt/)
      // The key went to the vault, under the channel's name; the page never shows it.
      expect(await page.content()).not.toContain('ui-hmac-key-77c2')
      expect(await page.content()).not.toContain('ui-gateway-key-5e0b')
      expect(await page.content()).not.toContain('ui-tenant-key-91aa')
      await page.goto(`${app.origin}/#/vault`)
      await expect.poll(() => page.getByText('Alert: SOC webhook', { exact: true }).isVisible()).toBe(true)
      // The secret header's value is a vault credential of the channel's own too.
      expect(await page.getByText(/^Alert: SOC webhook X-Api-Key/).isVisible()).toBe(true)
      await page.goto(`${app.origin}/#/watch`)
      await expect.poll(() => page.getByRole('table', { name: 'Delivery log' }).isVisible()).toBe(true)
      await page.screenshot({ path: shot('watch-03-channels'), fullPage: true })

      // Edited: the secret headers show as set (never their values); one is replaced, the text one removed.
      await page.getByRole('button', { name: 'Edit SOC webhook' }).click()
      const edit = page.getByRole('form', { name: 'Edit alert channel SOC webhook' })
      await expect.poll(() => edit.getByLabel('Header 2 name').inputValue()).toBe('X-Api-Key')
      expect(await edit.getByRole('group', { name: 'Header 2' }).innerText()).toContain('•••• set')
      expect(await edit.getByLabel('Header 2 value', { exact: true }).count()).toBe(0)
      expect(await edit.getByLabel('Header 3 name').inputValue()).toBe('X-Tenant')
      await edit.getByRole('button', { name: 'Replace header 3 value' }).click()
      await edit.getByLabel('Header 3 value').fill('ui-tenant-key-2b77')
      await edit.getByRole('button', { name: 'Remove header 1' }).click()
      await page.screenshot({ path: shot('watch-03c-channel-edit'), fullPage: true })
      expect(await page.content()).not.toContain('ui-gateway-key-5e0b')
      await edit.getByRole('button', { name: 'Save channel' }).click()
      await expect.poll(() => edit.isVisible()).toBe(false)
      await expect.poll(() => channels.innerText()).toContain('X-Api-Key: •••• set · X-Tenant: •••• set')
      await channels.getByRole('button', { name: 'Send test' }).click()
      await expect.poll(() => rx.received.length).toBe(2)
      expect(signatureValid('ui-hmac-key-77c2', rx.received[1]!)).toBe(true)
      expect(rx.received[1]!.headers).toMatchObject({
        'x-api-key': 'ui-gateway-key-5e0b',
        'x-tenant': 'ui-tenant-key-2b77',
      })
      expect(rx.received[1]!.headers['x-team']).toBeUndefined()
    } finally {
      await rx.close()
    }
  })
})

describe('the Watch page of `driftwatch serve --watch`', () => {
  it('shows a target waiting for the vault, then its scan running with progress after unlocking', async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/driftwatch.js'), 'serve', '--watch', '--data-dir', app.dataDir],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const exited = new Promise((r) => child.once('exit', r))
    const blocker = new pg.Client({ host: pgs.host, port: pgs.port, user: pgs.user, password: pgs.password })
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = ''
        const t = setTimeout(() => fail(new Error('serve --watch did not start')), 15_000)
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString()
          const m = /serving on (http:\/\/\S+)/.exec(out)
          if (!m?.[1]) return
          clearTimeout(t)
          ok(m[1])
        })
      })
      const origin = new URL(url).origin
      const p2 = await browser.newPage({ viewport: { width: 1360, height: 900 } })
      await p2.goto(url)
      await p2.goto(`${origin}/#/watch`)
      await clickInSchedules(p2, 'Run now')
      const row = p2
        .getByRole('table', { name: 'Schedules' })
        .getByRole('row')
        .filter({ hasText: 'billing-pg' })
      await expect.poll(() => row.innerText()).toMatch(/Vault locked\s+Waiting for the vault to be unlocked/)
      expect(await p2.locator('.tray').innerText()).toBe('Waiting for the vault')
      expect(await p2.getByText('Watching from this window.').isVisible()).toBe(true)

      // A lock on pg_settings holds the scan inside PostgreSQL, so it can be seen running.
      await blocker.connect()
      await blocker.query('BEGIN')
      await blocker.query('LOCK TABLE pg_catalog.pg_settings IN ACCESS EXCLUSIVE MODE')
      await p2.goto(`${origin}/#/vault`)
      await p2.getByLabel('Master passphrase').fill(PASSPHRASE)
      await p2.getByRole('button', { name: 'Unlock' }).click()
      await p2.goto(`${origin}/#/watch`)
      const running = p2.getByRole('region', { name: 'Scanning now' })
      await expect.poll(() => running.isVisible(), { timeout: 15_000 }).toBe(true)
      expect(await running.innerText()).toContain('billing-pg')
      await expect.poll(() => running.getByRole('progressbar', { name: 'Progress' }).count()).toBe(1)
      await expect.poll(() => row.getByTestId('countdown').innerText()).toBe('scanning…')
      await p2.screenshot({ path: shot('watch-02-running'), fullPage: true })
      await blocker.query('ROLLBACK')
      await expect.poll(() => running.isVisible(), { timeout: 30_000 }).toBe(false)
      await expect.poll(() => row.getByTestId('countdown').innerText()).toMatch(/^in (59|60) min/)
      await p2.close()
    } finally {
      await blocker.end().catch(() => undefined)
      child.kill('SIGTERM')
      await exited
    }
  }, 90_000)
})

async function clickInSchedules(p: Page, button: string) {
  await p.getByRole('table', { name: 'Schedules' }).getByRole('button', { name: button }).click()
}
