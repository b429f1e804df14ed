// The Controls page in real Chromium against `driftwatch serve`: a real PostgreSQL server with log_connections off
// shows AU-2 and AU-12 not satisfied (chart, list, drill-down to the failing rule and the estate matrix); after
// `ALTER SYSTEM SET log_connections = on`, a reload and a rescan, the page shows them satisfied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { openApp, serve, type Served } from './support'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { createCore } from '../../src-main/core/app'
import { call } from '../helpers/core'
import { setLogConnections } from '../helpers/pg-settings'
import { vaultWithPostgresTarget } from '../helpers/vault-target'
import { FLOOR_KDF } from '../helpers/vault-cost'

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-i20-controls'
let app: Served
let browser: Browser
let page: Page
let pgs: PgService
let targetId: string
const PASSPHRASE = 'e2e controls passphrase'

/** A scan in its own core on the served data folder, as `driftwatch scan` beside the UI would. */
async function scanNow() {
  const core = createCore({ face: 'cli', dataDir: app.dataDir, unsafeKdfForTests: FLOOR_KDF })
  try {
    await call(core, 'vault.unlock', { passphrase: PASSPHRASE })
    await call(core, 'scan.start', { targetId })
    await core.idle()
  } finally {
    core.close()
  }
}

const rowOf = (label: string) =>
  page.locator('table[aria-label="Controls"] tbody tr', { hasText: label }).first()

beforeAll(async () => {
  ;[app, pgs] = await Promise.all([
    serve(),
    startPostgres({ hardened: true, name: 'e2e-controls', config: ['log_connections = off'] }),
  ])
  const core = createCore({ face: 'cli', dataDir: app.dataDir, unsafeKdfForTests: FLOOR_KDF })
  try {
    ;({ targetId } = await vaultWithPostgresTarget(core, pgs, {
      passphrase: PASSPHRASE,
      credentialName: 'pg',
    }))
  } finally {
    core.close()
  }
  await scanNow()
  ;({ browser, page } = await openApp(app, { width: 1400, height: 1000, timeout: 20_000 }))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await stopAll()
})

describe('the Controls page', () => {
  it('shows AU-2 and AU-12 not satisfied while log_connections is off, down to the failing rule', async () => {
    await page.click('nav >> text=Controls')
    await page.waitForSelector('table[aria-label="Controls"]')
    await expect.poll(() => page.locator('select[aria-label="Baseline"]').inputValue()).toBe('moderate')
    expect(await page.textContent('#totals-h')).toContain('287 controls in the MODERATE baseline')
    await page.waitForSelector('.controls-chart .recharts-bar-rectangle')
    await page.selectOption('select[aria-label="Family"]', 'au')
    await expect.poll(() => rowOf('AU-2').locator('.status').textContent()).toBe('Not satisfied')
    expect(await rowOf('AU-12').locator('.status').textContent()).toBe('Not satisfied')
    expect(await rowOf('AU-1').locator('.status').textContent()).toBe('Not assessed')
    await rowOf('AU-2').locator('button').click()
    const detail = page.locator('.control-detail')
    await detail.locator('tr[data-rule="pg-log-connections"]').waitFor()
    expect(await detail.locator('h2').textContent()).toBe('AU-2 Event Logging')
    expect(await detail.locator('tr[data-rule="pg-log-connections"] .status').textContent()).toBe('fail')
    expect(await detail.locator('tr[data-rule="pg-log-connections"]').textContent()).toContain('off')
    expect(await detail.textContent()).toContain('Identify the types of events')
    // The AU family on this server: some controls satisfied (AU-8 time stamps), some not (AU-2, AU-12).
    expect(await page.getAttribute('td[data-cell="billing-pg:au"]', 'data-status')).toBe('partly')
    expect(await page.getAttribute('td[data-cell="billing-pg:sc"]', 'data-status')).toBe('satisfied')
    await page.screenshot({ path: `${SHOTS}/controls-before.png`, fullPage: true })
  })

  it('shows AU-2 "Excepted" while an exception covers its failing rule, and not satisfied once revoked', async () => {
    const core = createCore({ face: 'cli', dataDir: app.dataDir, unsafeKdfForTests: FLOOR_KDF })
    let id: string
    try {
      const e = await call(core, 'exceptions.save', {
        rulePattern: 'pg-log-connections',
        scope: 'target',
        targetId,
        justification: 'Connections are logged by the pooler',
        approvedBy: 'CISO',
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      })
      id = e.id
    } finally {
      core.close()
    }
    await page.reload()
    await page.waitForSelector('table[aria-label="Controls"]')
    await page.selectOption('select[aria-label="Family"]', 'au')
    await expect.poll(() => rowOf('AU-2').locator('.status').textContent()).toBe('Excepted')
    expect(await rowOf('AU-12').locator('.status').textContent()).toBe('Excepted')
    expect(Number(await page.textContent('[data-total="excepted"]'))).toBeGreaterThanOrEqual(2)
    await rowOf('AU-2').locator('button').click()
    const rule = page.locator('.control-detail tr[data-rule="pg-log-connections"]')
    await rule.waitFor()
    expect(await rule.locator('[data-judgement]').textContent()).toContain('excepted')
    await page.screenshot({ path: `${SHOTS}/controls-excepted.png`, fullPage: true })
    const again = createCore({ face: 'cli', dataDir: app.dataDir, unsafeKdfForTests: FLOOR_KDF })
    try {
      await call(again, 'exceptions.revoke', { id, revokedBy: 'CISO' })
    } finally {
      again.close()
    }
    await page.reload()
    await page.waitForSelector('table[aria-label="Controls"]')
    await page.selectOption('select[aria-label="Family"]', 'au')
    await expect.poll(() => rowOf('AU-2').locator('.status').textContent()).toBe('Not satisfied')
    expect(await page.textContent('[data-total="excepted"]')).toBe('0')
  })

  it('shows them satisfied after ALTER SYSTEM SET log_connections = on, a reload and a rescan', async () => {
    await setLogConnections(pgs, 'on')
    await scanNow()
    await page.reload()
    await page.waitForSelector('table[aria-label="Controls"]')
    await page.selectOption('select[aria-label="Family"]', 'au')
    await expect.poll(() => rowOf('AU-2').locator('.status').textContent()).toBe('Satisfied')
    expect(await rowOf('AU-12').locator('.status').textContent()).toBe('Satisfied')
    expect(await rowOf('AU-2').locator('td.num').textContent()).toBe('1 of 1')
    await rowOf('AU-2').locator('button').click()
    await page.locator('.control-detail tr[data-rule="pg-log-connections"]').waitFor()
    expect(await page.textContent('.control-detail tr[data-rule="pg-log-connections"] .status')).toBe('pass')
    await page.screenshot({ path: `${SHOTS}/controls-after.png`, fullPage: true })
  })
})
