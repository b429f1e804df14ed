// Status and errors that tell the truth, in real Chromium against `driftwatch serve` (which does not watch),
// real PostgreSQL 15 and a real sshd: the Watch page says nobody watches (no green "All good") and "Scan all
// now" scans here with progress; a failed scan shows live with its reason on the Dashboard and the Targets
// list; Test connection names the real cause (no credential, TLS named as the form labels it, a port that does
// not speak PostgreSQL) and the form explains each TLS mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { apiCall, openApp, serve, shot, type Served } from './support'
import { startPostgres, startSshd, stopAll, type PgService, type SshdService } from '../services/lib'

let app: Served
let pgs: PgService
let sshd: SshdService
let browser: Browser
let page: Page
const ids: Record<string, string> = {}

const api = <T>(channel: string, req: unknown): Promise<T> => apiCall<T>(app, channel, req)

async function pgTarget(name: string, opts: { port?: number; tls?: string; credentialId?: string | null }) {
  const t = await api<{ id: string }>('targets.create', {
    target: {
      kind: 'postgres',
      name,
      host: pgs.host,
      port: opts.port ?? pgs.port,
      user: pgs.user,
      database: pgs.database,
      tls: opts.tls ?? 'disable',
      credentialId: opts.credentialId ?? null,
    },
  })
  ids[name] = t.id
}

beforeAll(async () => {
  ;[app, pgs, sshd] = await Promise.all([
    serve(),
    startPostgres({ name: 'e2e-truth' }),
    startSshd({ name: 'e2e-truth' }),
  ])
  await api('vault.init', { passphrase: 'status truth e2e passphrase' })
  // One credential each: a credential is bound to the first address it is used at.
  const cred = async (name: string) =>
    (
      await api<{ id: string }>('credentials.create', {
        credential: { kind: 'db-password', name, secret: { password: pgs.password } },
      })
    ).id
  await pgTarget('db-nocred', {})
  await pgTarget('db-sshport', { port: sshd.port, credentialId: await cred('pg password 1') })
  await pgTarget('db-tls', { tls: 'require', credentialId: await cred('pg password 2') })
  await pgTarget('db-plain', { credentialId: await cred('pg password 3') })
  await api('watch.schedules.save', { targetId: ids['db-nocred'], intervalMinutes: 60 })
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await stopAll()
})

describe('status that tells the truth', () => {
  it('Watch page: nobody watches, so no "All good"; "Scan all now" scans here and says so', async () => {
    await page.getByRole('link', { name: 'Watch' }).click()
    const head = page.locator('.page-head [aria-live]')
    await expect.poll(() => head.innerText()).toMatch(/^Not watching The watch is not running/)
    expect(await head.innerText()).not.toContain('All good')
    await page.getByRole('button', { name: 'Scan all now' }).click()
    await expect
      .poll(() => page.locator('.toasts').innerText())
      .toContain('Scanning 1 target now in this window')
    expect(await page.locator('.toasts').innerText()).not.toMatch(/due/i)
    // The scan ran here: the schedule's run records its failure and the reason.
    const row = page.getByRole('table', { name: 'Schedules' }).getByRole('row').nth(1)
    await expect.poll(() => row.innerText()).toContain('No credential chosen for this target')
    await page.screenshot({ path: shot('truth-01-watch-not-running') })
  })

  it('Dashboard: a failed scan shows live with its reason, never "Not scanned yet"', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click()
    const card = (name: string) => page.locator('li.card').filter({ hasText: name })
    await expect
      .poll(() => card('db-nocred').locator('.scan-failed').innerText())
      .toMatch(/^Scan failed · .*: No credential chosen for this target/)
    expect(await card('db-sshport').innerText()).toContain('Not scanned yet')
    // Started elsewhere (the API, as the CLI or the watch would): the card changes with no reload.
    await api('scan.start', { targetId: ids['db-sshport'] })
    await expect
      .poll(() => card('db-sshport').locator('.scan-failed').innerText())
      .toContain(`did not answer as PostgreSQL (is this the right port?)`)
    expect(await card('db-sshport').innerText()).not.toContain('Not scanned yet')
    await page.screenshot({ path: shot('truth-02-dashboard-failed') })
  })

  it('Targets list: the failed scans show with their reasons', async () => {
    await page.getByRole('link', { name: 'Targets' }).click()
    const cell = (name: string) => page.getByRole('cell', { name: `Scan of ${name}` })
    await expect.poll(() => cell('db-nocred').innerText()).toContain('Scan failed')
    expect(await cell('db-nocred').innerText()).toContain('No credential chosen for this target')
    expect(await cell('db-sshport').innerText()).toContain('did not answer as PostgreSQL')
    await page.screenshot({ path: shot('truth-03-targets-failed') })
  })
})

describe('errors that point at the right cause', () => {
  const testConnection = async (name: string) => {
    await page.goto(`${app.origin}/#/targets/${encodeURIComponent(ids[name]!)}`)
    await page.getByRole('button', { name: 'Test connection' }).click()
    const report = page.getByRole('status', { name: 'Connection test' })
    await expect.poll(() => report.innerText()).toMatch(/Not ready|failed/i)
    return report.innerText()
  }

  it('no credential chosen says so, not "wrong password"', async () => {
    const text = await testConnection('db-nocred')
    expect(text).toContain('No credential chosen for this target')
    expect(text).not.toMatch(/wrong password/)
    await page.screenshot({ path: shot('truth-04-no-credential') })
  })

  it('a server without TLS names the option as the form labels it', async () => {
    const text = await testConnection('db-tls')
    expect(text).toContain('does not offer TLS')
    expect(text).toContain('set TLS to "Disabled"')
    await page.screenshot({ path: shot('truth-05-tls-disabled') })
  })

  it('PostgreSQL pointed at the SSH port says it did not answer as PostgreSQL', async () => {
    const text = await testConnection('db-sshport')
    expect(text).toContain(
      `The server at ${pgs.host}:${sshd.port} did not answer as PostgreSQL (is this the right port?)`,
    )
    expect(text).not.toContain('ECONNRESET')
    await page.screenshot({ path: shot('truth-06-wrong-port') })
  })

  it('the form explains what each TLS mode needs', async () => {
    await page.goto(`${app.origin}/#/targets/${encodeURIComponent(ids['db-tls']!)}/edit`)
    const tls = page.getByLabel('TLS', { exact: true })
    const hint = tls.locator('xpath=..').locator('.hint')
    await expect.poll(() => hint.innerText()).toMatch(/^Needs TLS turned on at the server/)
    await tls.selectOption('verify-full')
    await expect.poll(() => hint.innerText()).toMatch(/CA file .*certificate naming the host/)
    await tls.selectOption('disable')
    await expect.poll(() => hint.innerText()).toMatch(/^Plain TCP/)
    await tls.selectOption('require')
    await tls.scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('truth-07-tls-hint') })
  })

  it('on a server with TLS off, the TLS version rule is not applicable and says why', async () => {
    await page.goto(`${app.origin}/#/targets/${encodeURIComponent(ids['db-plain']!)}`)
    await page.getByRole('button', { name: 'Scan now' }).click()
    await expect
      .poll(() => page.getByRole('table', { name: 'Rule results' }).isVisible(), { timeout: 30_000 })
      .toBe(true)
    await page.getByRole('searchbox', { name: 'Filter results' }).fill('pg-ssl-min-protocol')
    await page.locator('.vbody [role="row"]').first().click()
    const panel = page.getByRole('complementary', { name: 'Rule detail' })
    await expect.poll(() => panel.innerText()).toContain('notapplicable')
    expect(await panel.innerText()).toContain('TLS is off on this server (ssl = off)')
    await page.screenshot({ path: shot('truth-08-tls-rule-not-applicable') })
  }, 60_000)
})
