// A target's assigned policy in real Chromium against `driftwatch serve`: a tailoring made with the CLI is
// assigned with "Assign to…" on the Variables page (which offers no database target), the target page's scan
// form starts on it ("Assigned: NAME"), the scan history shows profile, tailoring and trigger for a scan from
// the page and one from the CLI, and a tailoring edited between scans is marked on the drift timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { openApp, serve, type Served } from './support'
import { useTmpDirs } from '../helpers/tmp-dir'
import { runCli } from '../helpers/cli'
import { openDatabase } from '../../src-main/core/store/db'
import { WatchRepo } from '../../src-main/core/store/watch'
import { sqliteSql } from '../../src-main/core/store/sql/sqlite'
import { widenedDebian11Datastream } from '../services/lib'

const ANSSI = 'xccdf_org.ssgproject.content_profile_anssi_np_nt28_average'
const NAME = 'E2E password policy'
const SHOTS = '/tmp/shots-i17-policy'
const tmp = useTmpDirs('all')

let app: Served
let browser: Browser
let page: Page
let laptop = ''
// The widened datastream (Debian 11 content that evaluates on Debian 12), for serve and the CLI alike.
let contentDir = ''
let tailoring = { id: '', contentSha256: '' }
const cli = async (...args: string[]) => {
  const r = await runCli([...args, '--data-dir', app.dataDir], {
    env: { DRIFTWATCH_SCAP_CONTENT_DIR: contentDir },
  })
  expect(r.code === 0 || (args[0] === 'scan' && r.code === 2), `${args.join(' ')}: ${r.stderr}`).toBe(true)
  return r.stdout
}
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  contentDir = tmp.make('dw-e2e-policy-content-')
  copyFileSync(
    await widenedDebian11Datastream(tmp.make('dw-e2e-policy-ds-')),
    join(contentDir, 'ssg-debian11-ds.xml'),
  )
  app = await serve({ DRIFTWATCH_SCAP_CONTENT_DIR: contentDir })
  await cli('content', 'import', 'ssg-debian11-ds.xml')
  laptop = (
    JSON.parse(await cli('targets', 'add', '--kind', 'local', '--name', 'laptop', '--json')) as { id: string }
  ).id
  await cli(
    'targets',
    'add',
    '--kind',
    'postgres',
    '--name',
    'billing-db',
    '--host',
    '127.0.0.1',
    '--user',
    'ro',
  )
  tailoring = JSON.parse(
    await cli(
      'tailoring',
      'new',
      NAME,
      '--content',
      'ssg-debian11-ds.xml',
      '--profile',
      'anssi_np_nt28_average',
      '--select',
      'accounts_password_minlen_login_defs',
      '--value',
      'var_accounts_password_minlen_login_defs=17',
      '--json',
    ),
  ) as typeof tailoring
  ;({ browser, page } = await openApp(app, { width: 1280, height: 900, timeout: 20_000 }))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('the assigned tailoring is the target page’s policy', () => {
  it('"Assign to…" offers the targets that take a tailoring, and assigns one', async () => {
    await page.goto(
      `${app.origin}/#/variables/${tailoring.contentSha256}/${encodeURIComponent(ANSSI)}?tailoring=${tailoring.id}`,
    )
    await page.getByText('Assign to…').click()
    const menu = page.getByRole('group', { name: 'Assign to targets and groups' })
    await expect.poll(() => menu.getByRole('checkbox', { name: 'laptop' }).isVisible()).toBe(true)
    expect(await menu.getByRole('checkbox', { name: 'billing-db' }).count()).toBe(0)
    await menu.getByRole('checkbox', { name: 'laptop' }).check()
    await shot('policy-01-assign-menu')
    await page.getByRole('button', { name: 'Save tailoring' }).click()
    await expect.poll(() => page.getByText('Assign to (1)').isVisible()).toBe(true)
  }, 60_000)

  it('the scan form starts on the assigned tailoring, its content and profile', async () => {
    await page.goto(`${app.origin}/#/targets/${laptop}`)
    const select = page.getByRole('combobox', { name: 'Tailoring' })
    await expect
      .poll(() => select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent))
      .toBe(`Assigned: ${NAME}`)
    expect(await page.getByRole('combobox', { name: 'Scan profile' }).inputValue()).toBe(ANSSI)
    await shot('policy-02-target-assigned')
  })

  it('history rows show profile, tailoring and trigger for a scan from the page and one from the CLI', async () => {
    await page.getByRole('button', { name: 'Scan now' }).click()
    const history = page.getByRole('table', { name: 'Scan history' })
    await expect
      .poll(() => history.locator('tbody tr').first().innerText(), { timeout: 90_000 })
      .toMatch(new RegExp(`done[\\s\\S]*anssi_np_nt28_average\\s+${NAME} [0-9a-f]{12}\\s+Scan now`))
    await cli('scan', 'laptop')
    await page.reload()
    await expect
      .poll(() => history.locator('tbody tr').first().innerText())
      .toMatch(new RegExp(`done[\\s\\S]*anssi_np_nt28_average\\s+${NAME} [0-9a-f]{12}\\s+Command line`))
    await shot('policy-03-history')
  }, 150_000)

  it('a tailoring edited between two scans is marked on the drift timeline, with no drift event', async () => {
    await cli('tailoring', 'set', NAME, '--select', 'accounts_maximum_age_login_defs')
    await cli('scan', 'laptop')
    await page.getByRole('link', { name: 'Drift' }).click()
    await page
      .getByRole('combobox', { name: 'Target shown on the timeline' })
      .selectOption({ label: 'laptop' })
    const changes = page.getByRole('list', { name: 'Policy changes' })
    await expect
      .poll(() => changes.innerText())
      .toMatch(`Policy changed: anssi_np_nt28_average + tailoring "${NAME}" was edited`)
    expect(await changes.locator('li').count()).toBe(1)
    expect(await page.locator('.drift-chart').getByText('Policy changed').count()).toBeGreaterThan(0)
    // The tailoring added a failing rule: were it drift, it would be listed as a new failing rule.
    expect(await page.getByRole('table', { name: 'Drift events' }).locator('tbody tr').count()).toBe(0)
    await shot('policy-04-drift-timeline')
  }, 120_000)

  it('the schedule and group-scan forms start on "Assigned policy", and a schedule saved so names none', async () => {
    await page.getByRole('link', { name: 'Watch' }).click()
    const form = page.getByRole('form', { name: 'New schedule' })
    await form.getByRole('combobox', { name: 'Target or group' }).selectOption({ label: 'laptop' })
    const policy = form.getByRole('combobox', { name: 'Policy' })
    expect(await policy.inputValue()).toBe('assigned')
    await policy.selectOption('choose')
    await expect.poll(() => form.getByRole('combobox', { name: 'Tailoring' }).isVisible()).toBe(true)
    await shot('policy-05-schedule-choose')
    await policy.selectOption('assigned')
    await form.getByRole('button', { name: 'Add schedule' }).click()
    await expect.poll(() => page.getByRole('table', { name: 'Schedules' }).innerText()).toMatch(/laptop/)
    // Stored naming no policy: each run takes the target's assigned tailoring at that time.
    const db = openDatabase(join(app.dataDir, 'driftwatch.db'))
    try {
      expect(new WatchRepo(sqliteSql(db)).schedules().map((x) => [x.targetId, x.request])).toEqual([
        [laptop, {}],
      ])
    } finally {
      db.close()
    }
    await shot('policy-06-schedule-saved')

    await cli('targets', 'edit', 'laptop', '--group', 'lab')
    await page.getByRole('link', { name: 'Targets' }).click()
    await page.reload()
    await page.getByRole('combobox', { name: 'Group to scan' }).selectOption('lab')
    expect(await page.getByRole('combobox', { name: 'Group policy' }).inputValue()).toBe('assigned')
    expect(await page.getByRole('button', { name: 'Scan 1 targets' }).isEnabled()).toBe(true)
    await shot('policy-07-group-bar')
  }, 60_000)
})
