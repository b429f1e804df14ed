// Stopping a group scan from the targets list, in real Chromium against `driftwatch serve`: the group's hosts
// are blocked (an oscap earlier on serve's PATH that never finishes an evaluation), so the group is still
// running when "Stop the group" is pressed and confirmed; its running scans end cancelled and no other target
// of it starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { apiCall, openApp, serve, shot, type Served } from './support'
import { runCli } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'

const DEBIAN11 = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
// A group scan starts as many scans as this computer has CPUs (they never end here, so it adds no lane):
// two more hosts than that leaves two waiting.
const LANES = availableParallelism()
const HOSTS = Array.from({ length: LANES + 2 }, (_, i) => `lab-${i + 1}`)
const tmp = useTmpDirs('all')
let app: Served
let browser: Browser
let page: Page

const cli = async (...args: string[]) => {
  const r = await runCli([...args, '--data-dir', app.dataDir, '--json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as unknown
}
// Through serve itself: a second process opening the data folder would mark serve's running scans interrupted.
const ids = new Map<string, string>()
const scansOf = async (name: string) =>
  (await apiCall<{ scans: { state: string }[] }>(app, 'scans.list', { targetId: ids.get(name) })).scans

beforeAll(async () => {
  const bin = tmp.make('dw-e2e-blocked-oscap-')
  // Every evaluation blocks (until the scan is cancelled and the process killed); other oscap calls run.
  writeFileSync(
    join(bin, 'oscap'),
    `#!/bin/sh\ncase "$*" in *"xccdf eval"*) exec sleep 600 ;; esac\nexec /usr/bin/oscap "$@"\n`,
  )
  chmodSync(join(bin, 'oscap'), 0o755)
  app = await serve({ PATH: `${bin}:${process.env.PATH ?? ''}` })
  await cli('content', 'import', DEBIAN11)
  for (const name of HOSTS) await cli('targets', 'add', '--kind', 'local', '--name', name, '--group', 'lab')
  const { targets } = await apiCall<{ targets: { id: string; name: string }[] }>(app, 'targets.list', {})
  for (const t of targets) ids.set(t.name, t.id)
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

describe('stopping a group scan', () => {
  it('asks first, then cancels the running scans and starts none of the waiting targets', async () => {
    await page.goto(`${app.origin}/#/targets`)
    await page.getByRole('combobox', { name: 'Group to scan' }).selectOption('lab')
    await page.getByRole('combobox', { name: 'Group policy' }).selectOption('choose')
    await page
      .getByRole('combobox', { name: 'Group profile' })
      .selectOption({ label: 'Standard System Security Profile for Debian 11' })
    await page.getByRole('button', { name: `Scan ${HOSTS.length} targets` }).click()

    const bar = page.getByRole('region', { name: 'Group scan' })
    await expect
      .poll(() => bar.getByRole('status').innerText())
      .toBe(`Scanning lab: 0 of ${HOSTS.length} targets done`)
    const progress = page.getByRole('progressbar', { name: /Scan progress of lab-/ })
    await expect.poll(() => progress.count()).toBeGreaterThan(0)
    // Every lane busy, two hosts waiting their turn: stopping must cover both.
    await expect.poll(() => progress.count()).toBe(LANES)
    expect((await Promise.all(HOSTS.map(scansOf))).flat().map((x) => x.state)).toEqual(
      Array(LANES).fill('running'),
    )

    // Cancel in the confirmation leaves the group running.
    await bar.getByRole('button', { name: 'Stop the group' }).click()
    const dialog = page.getByRole('dialog', { name: 'Stop scanning lab?' })
    await dialog.waitFor()
    expect(await dialog.innerText()).toContain('the targets still waiting are not scanned')
    await page.screenshot({ path: shot('group-stop-01-confirm') })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect(await bar.isVisible()).toBe(true)

    await bar.getByRole('button', { name: 'Stop the group' }).click()
    await dialog.getByRole('button', { name: 'Stop the group' }).click()
    await expect.poll(() => progress.count()).toBe(0)
    await expect.poll(() => bar.count()).toBe(0)
    await page.getByRole('combobox', { name: 'Group to scan' }).waitFor()
    await page.screenshot({ path: shot('group-stop-02-stopped') })

    // Every scan that had started ended cancelled; the targets that were waiting never started one.
    await expect
      .poll(async () => (await Promise.all(HOSTS.map(scansOf))).flat().map((x) => x.state))
      .toEqual(Array(LANES).fill('cancelled'))
    const after = await Promise.all(HOSTS.map(scansOf))
    expect(after.filter((x) => x.length === 0)).toHaveLength(2)
    expect(await page.locator(`tr[data-target="lab-1"]`).innerText()).not.toMatch(/%/)
  }, 90_000)
})
