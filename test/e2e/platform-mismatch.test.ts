// Content for another platform, in real Chromium against `driftwatch serve` and the real sshd (this Debian 12
// machine): Test connection's OS against Debian 11 content is flagged before the scan; the content picker
// starts at the content last used on the target; a scan where no rule applies shows a platform-mismatch
// warning, raises no drift, and never replaces the target's score, which the Dashboard keeps with its base.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { apiCall, cliSync, openApp, serve, shot, type Served } from './support'
import { startSshd, stopAll, widenedDebian11Datastream, type SshdService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { floorCostVault } from '../helpers/vault-cost'

const PASSPHRASE = 'platform mismatch e2e passphrase'
const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
// SSG's Debian 11 content as shipped: its platform check wants /etc/debian_version 11.x, so on this Debian 12
// machine every rule is notapplicable. The widened copy accepts 12 and evaluates.
const DEBIAN11 = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
const tmp = useTmpDirs('all')
let sshd: SshdService
let app: Served
let browser: Browser
let page: Page
let targetId: string
const sha: Record<'widened' | 'plain', string> = { widened: '', plain: '' }

const cli = (...args: string[]) => cliSync(app, args, { env: { DRIFTWATCH_VAULT_PASSPHRASE: PASSPHRASE } })

const api = <T>(channel: string, req: unknown): Promise<T> => apiCall<T>(app, channel, req)

beforeAll(async () => {
  ;[sshd, app] = await Promise.all([startSshd({ name: 'e2e-platform' }), serve()])
  const widened = await widenedDebian11Datastream(tmp.make('dw-e2e-platform-'))
  expect(cli('content', 'import', widened).status).toBe(0)
  expect(cli('content', 'import', DEBIAN11).status).toBe(0)
  await floorCostVault(app.dataDir, PASSPHRASE)
  const added = cli(
    'vault',
    'add',
    '--kind',
    'ssh-key',
    '--name',
    'root key',
    '--file',
    sshd.privateKeyPath,
    '--json',
  )
  expect(added.status, added.stderr).toBe(0)
  const keyId = (JSON.parse(added.stdout) as { id: string }).id
  await api('vault.unlock', { passphrase: PASSPHRASE })
  const { content } = await api<{ content: { sha256: string; fileName: string }[] }>('content.list', {})
  sha.widened = content.find((c) => c.fileName.includes('widened'))!.sha256
  sha.plain = content.find((c) => c.fileName === 'ssg-debian11-ds.xml')!.sha256
  // The newest import lists first: a picker that ignored the target's history would start there.
  expect(content[0]!.sha256).toBe(sha.plain)
  targetId = (
    await api<{ id: string }>('targets.create', {
      target: {
        kind: 'ssh',
        name: 'web-1',
        host: '127.0.0.1',
        port: sshd.port,
        user: 'root',
        auth: 'key',
        credentialId: keyId,
      },
    })
  ).id
  // A scan with content that fits: the score the target keeps.
  await api('scan.start', {
    targetId,
    sha256: sha.widened,
    profileId: PROFILE,
    trustHostKey: sshd.hostKeyFingerprintSha256,
  })
  for (let i = 0; i < 180; i++) {
    const { scans } = await api<{ scans: { state: string; error: string }[] }>('scans.list', { targetId })
    if (scans[0]?.state !== 'running') {
      expect(scans[0]?.state, scans[0]?.error).toBe('done')
      break
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  ;({ browser, page } = await openApp(app, { width: 1360, height: 900, timeout: 20_000 }))
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await stopAll()
})

describe('platform mismatch', () => {
  it('shows the score with its base, and starts the content picker at the content last used', async () => {
    await page.goto(`${app.origin}/#/targets/${encodeURIComponent(targetId)}`)
    await expect.poll(() => page.locator('.score-base').innerText()).toMatch(/^\d+ pass of \d+ applicable/)
    expect(await page.getByRole('combobox', { name: 'Content' }).inputValue()).toBe(sha.widened)
  })

  it('warns before the scan when Test connection found an OS the content is not for', async () => {
    await page.getByRole('button', { name: 'Test connection' }).click()
    await expect
      .poll(() => page.getByRole('status', { name: 'Connection test' }).innerText())
      .toContain('Debian GNU/Linux 12')
    const warning = page.getByRole('alert', { name: 'Content does not match the host' })
    await expect.poll(() => warning.innerText()).toMatch(/This host runs Debian GNU\/Linux 12.*Debian 11/)
    await page.screenshot({ path: shot('mismatch-01-before-scan') })
  })

  it('flags a scan where no rule applies, and keeps the last meaningful score', async () => {
    const before = await api<{ scans: { score: number | null }[] }>('scans.list', { targetId })
    const kept = before.scans[0]!.score
    await page.getByRole('combobox', { name: 'Content' }).selectOption(sha.plain)
    await page.getByRole('combobox', { name: 'Scan profile' }).selectOption(PROFILE)
    await page.getByRole('button', { name: 'Scan now' }).click()
    const banner = page.getByRole('alert', { name: 'Platform mismatch' })
    await expect.poll(() => banner.isVisible(), { timeout: 90_000 }).toBe(true)
    const text = await banner.innerText()
    expect(text).toMatch(/^Platform mismatch: none of the \d+ rules applied to this target/)
    expect(text).toContain(`The target keeps its score of ${kept}%`)
    await page.screenshot({ path: shot('mismatch-02-results') })
    // Not drift: a scan that applied to nothing says nothing about the rules.
    const { events } = await api<{ events: unknown[] }>('drift.events', { targetId })
    expect(events).toEqual([])
  }, 120_000)

  it('the Dashboard keeps the score from the last scan with applicable rules, and says so', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click()
    const card = page.locator('li.card').filter({ hasText: 'web-1' })
    await expect
      .poll(() => card.locator('.scan-mismatch').innerText())
      .toMatch(/^Last scan: no applicable rules/)
    const score = await card.locator('.score-line').innerText()
    expect(score).toMatch(/\d+% \d+ pass of \d+ applicable/)
    expect(score).toContain('(from the last scan with applicable rules')
    await page.screenshot({ path: shot('mismatch-03-dashboard') })
  })
})
