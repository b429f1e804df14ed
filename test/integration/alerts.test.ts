// Drift and alerts end to end through a real core, with real receivers on 127.0.0.1: a signed webhook, Slack's
// incoming webhook format, a GitHub issue against a server replaying GitHub's recorded answer, and e-mail
// through a real SMTP server (smtp-server). Deduplication, batching, retries, throttling, resolution, the
// delivery log, the vault holding every channel secret, and the desktop notification.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import { call, useCores } from '../helpers/core'
import { fakeTime, rule, scriptedScanner, type FakeTime } from '../helpers/watch'
import { signatureValid, startReceiver, type Receiver } from '../helpers/receiver'
import { laneStore } from '../helpers/store-lane'
import type { Core } from '../../src-main/core/app'
import type { Notification } from '../../src-main/core/ports'
import type { RuleResult } from '../../src-main/core/scanners/scanner'

const cores = useCores()
const KEY = 'whsec-test-key-3c1d9e'
const PASS = 'correct horse battery'
let rx: Receiver
let time: FakeTime
let core: Core
let script: ReturnType<typeof scriptedScanner>['script']
let notes: Notification[]
let targetId: string

beforeEach(async () => {
  rx = await startReceiver()
  time = fakeTime()
  const scanner = scriptedScanner(time)
  script = scanner.script
  notes = []
  core = cores.open({
    clock: time,
    timers: time,
    scanners: [scanner],
    random: () => 0.5,
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
    notifier: { notify: (n) => notes.push(n) },
  })
  await call(core, 'vault.init', { passphrase: PASS })
  // Hours pass on the fake clock; the idle auto-lock would otherwise lock the vault holding the channel keys.
  await call(core, 'vault.setAutoLock', { minutes: 0 })
  targetId = (
    await call(core, 'targets.create', {
      target: { kind: 'postgres', name: 'billing-db', host: '127.0.0.1', user: 'u', tls: 'disable' },
    })
  ).id
  core.watch.start()
})
afterEach(async () => {
  await rx.close()
})

async function scan(results: RuleResult[]) {
  script.results.set('billing-db', results)
  const { scanId } = await call(core, 'scan.start', { targetId })
  await core.idle()
  return scanId
}

const webhook = (extra: object = {}) =>
  call(core, 'alerts.channels.save', {
    kind: 'webhook',
    name: 'SOC hook',
    config: { url: `${rx.url}/hook` },
    secret: KEY,
    ...extra,
  })

const PASSING = [
  rule('log_connections', 'pass', 'on', 'high'),
  rule('ssl', 'pass', 'on'),
  rule('pw_len', 'pass', '14'),
]

describe('drift recorded at commit', () => {
  it('classifies regression, fixed, new failing and value drift; error and notchecked are never drift', async () => {
    await scan([...PASSING, rule('audit', 'fail', 'off')]) // baseline: no drift
    expect((await call(core, 'drift.events', {})).total).toBe(0)
    await scan([
      rule('log_connections', 'fail', 'off', 'high'), // regression
      rule('ssl', 'error', ''), // error: not drift
      rule('pw_len', 'pass', '12'), // value drift (status unchanged)
      rule('audit', 'pass', 'on'), // fixed
      rule('new_rule', 'fail', 'x'), // new failing rule
      rule('nc', 'notchecked'),
    ])
    const { events } = await call(core, 'drift.events', { targetId })
    const byRule = Object.fromEntries(events.map((e) => [e.ruleId || 'score', e.type]))
    expect(byRule).toEqual({
      log_connections: 'regression',
      pw_len: 'value',
      audit: 'fixed',
      new_rule: 'new-failing',
      score: 'score',
    })
    // The date range filter, and a clear refusal of a date it cannot read.
    const later = new Date(time.now().getTime() + 1000).toISOString()
    expect((await call(core, 'drift.events', { from: later })).total).toBe(0)
    expect((await call(core, 'drift.events', { to: later, types: ['regression'] })).total).toBe(1)
    expect(await core.invoke('drift.events', { from: 'last week' })).toMatchObject({
      ok: false,
      error: {
        code: 'validation',
        issues: [{ path: 'from', message: 'From must be a date and time such as 2030-01-31T00:00:00Z' }],
      },
    })
    const value = events.find((e) => e.type === 'value')!
    expect([value.fromActual, value.toActual]).toEqual(['14', '12'])

    // The before/after evidence of the regression: both scans' stored results.
    const reg = events.find((e) => e.type === 'regression')!
    const detail = await call(core, 'drift.event', { id: reg.id })
    expect(detail.before).toMatchObject({ status: 'pass', actual: 'on' })
    expect(detail.after).toMatchObject({ status: 'fail', actual: 'off' })

    // The error did not overwrite ssl's last real status: a later pass is not "fixed" drift.
    await scan([...PASSING, rule('audit', 'pass', 'on'), rule('new_rule', 'fail', 'x')])
    const again = await call(core, 'drift.events', { targetId, types: ['fixed', 'regression'] })
    expect(again.events.filter((e) => e.ruleId === 'ssl')).toEqual([])
  })

  it('classifies score drift with the configured thresholds', async () => {
    const ten = (fails: number) =>
      Array.from({ length: 20 }, (_, i) => rule(`r${i}`, i < fails ? 'fail' : 'pass', '', 'low'))
    await scan(ten(0)) // 100
    await scan(ten(1)) // 95: minor (−5)
    await scan(ten(3)) // 85: major (−10)
    await scan(ten(2)) // 90: +5 improvement
    const scores = (await call(core, 'drift.events', { types: ['score'] })).events.reverse()
    expect(scores.map((e) => [e.fromScore, e.toScore, e.severity])).toEqual([
      [100, 95, 'minor'],
      [95, 85, 'major'],
      [85, 90, 'improvement'],
    ])
    const s = await call(core, 'watch.status', {})
    await call(core, 'watch.settings', { ...s.settings, thresholds: { major: 20, minor: 8 } })
    await scan(ten(5)) // 90 → 75: −15 is only minor now
    expect((await call(core, 'drift.events', { types: ['score'], limit: 1 })).events[0]).toMatchObject({
      severity: 'minor',
    })
    expect((await call(core, 'drift.timeline', { targetId })).points.map((p) => p.score)).toEqual([
      100, 95, 85, 90, 75,
    ])
  })
})

describe('the signed webhook', () => {
  it('sends one signed message per scan, not again while the rule stays failing, and again after it was fixed', async () => {
    await webhook()
    await scan(PASSING)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect.poll(() => rx.received.length).toBe(1)
    const msg = rx.received[0]!
    expect(signatureValid(KEY, msg)).toBe(true)
    expect(signatureValid('another key', msg)).toBe(false)
    const body = JSON.parse(msg.body) as { type: string; target: { name: string }; events: unknown[] }
    expect(body).toMatchObject({
      type: 'driftwatch.drift',
      target: { name: 'billing-db' },
      events: [
        { type: 'regression', ruleId: 'log_connections', from: 'pass', to: 'fail', toActual: 'off' },
        { type: 'score', severity: 'major', from: 100, to: 66.7 },
      ],
    })
    expect(msg.headers['x-driftwatch-delivery']).toMatch(/^\d+$/)
    // A desktop notification too, opening the event.
    expect(notes).toEqual([
      expect.objectContaining({
        title: 'billing-db drifted',
        link: expect.stringMatching(/^#\/drift\/\d+$/),
      }),
    ])

    // Still failing: no repeat.
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await time.advance(1000)
    expect(rx.received).toHaveLength(1)
    const open = await call(core, 'alerts.list', { state: 'open' })
    // One for the rule, one for the major score drop ('' = the target's score).
    expect(open.alerts.map((a) => a.ruleId).sort()).toEqual(['', 'log_connections'])

    // Acknowledged: still no repeat while it fails; acknowledging twice says so.
    const ruleAlert = open.alerts.find((a) => a.ruleId === 'log_connections')!
    expect(await call(core, 'alerts.acknowledge', { id: ruleAlert.id })).toMatchObject({
      state: 'acknowledged',
    })
    expect(await core.invoke('alerts.acknowledge', { id: ruleAlert.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: 'That alert is acknowledged already' },
    })
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await time.advance(1000)
    expect(rx.received).toHaveLength(1)

    // Fixed: the alert resolves (nobody is paged for good news); failing again alerts again.
    await scan(PASSING)
    expect((await call(core, 'alerts.list', { state: 'resolved' })).alerts).toHaveLength(2)
    expect((await call(core, 'alerts.list', { state: 'open' })).alerts).toHaveLength(0)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect.poll(() => rx.received.length).toBe(2)
    // The receiver may hold the message before the sender has recorded its answer.
    await expect
      .poll(async () =>
        (await call(core, 'alerts.deliveries', {})).deliveries.map((d) => [d.state, d.attempts]),
      )
      .toEqual([
        ['sent', 1],
        ['sent', 1],
      ])
  })

  it('batches every drift of one scan into one message', async () => {
    await webhook()
    await scan(PASSING)
    await scan(PASSING.map((r) => ({ ...r, status: 'fail' as const })))
    await expect.poll(() => rx.received.length).toBe(1)
    await time.advance(1000)
    expect(rx.received).toHaveLength(1)
    const body = JSON.parse(rx.received[0]!.body) as { title: string; events: { type: string }[] }
    expect(body.title).toBe('billing-db: 3 rules drifted out of compliance')
    expect(body.events.map((e) => e.type).sort()).toEqual(['regression', 'regression', 'regression', 'score'])
  })

  it('retries a failed delivery with backoff, and gives up at once on a refusal that will not change', async () => {
    await webhook()
    rx.answers.push({ status: 503, body: 'busy' })
    await scan(PASSING)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect.poll(() => rx.received.length).toBe(1)
    const first = (await call(core, 'alerts.deliveries', {})).deliveries[0]!
    await expect
      .poll(async () => (await call(core, 'alerts.deliveries', {})).deliveries[0]!.lastError)
      .toBe('The webhook answered 503 Service Unavailable: busy')
    const pending = (await call(core, 'alerts.deliveries', {})).deliveries[0]!
    expect(pending).toMatchObject({ id: first.id, state: 'pending', attempts: 1 })
    // Full jitter with random 0.5: the first retry waits half of 30 s.
    expect(Date.parse(pending.nextAttemptAt) - time.now().getTime()).toBe(15_000)
    await time.advance(15_000)
    await expect.poll(() => rx.received.length).toBe(2)
    await expect
      .poll(async () => (await call(core, 'alerts.deliveries', {})).deliveries[0]!.state)
      .toBe('sent')
    expect(rx.received[1]!.headers['x-driftwatch-delivery']).toBe(String(first.id))

    rx.fallback = { status: 400, body: 'bad payload' }
    await scan(PASSING)
    await scan([rule('ssl', 'fail', 'off'), ...PASSING.filter((r) => r.ruleId !== 'ssl')])
    await expect
      .poll(async () => (await call(core, 'alerts.deliveries', {})).deliveries[0]!.state)
      .toBe('failed')
    expect((await call(core, 'alerts.deliveries', {})).deliveries[0]).toMatchObject({
      attempts: 1,
      lastError: 'The webhook answered 400 Bad Request: bad payload',
    })
  })

  it('waits at least as long as a 429 Retry-After asks before retrying', async () => {
    await webhook()
    rx.answers.push({ status: 429, body: 'slow down', headers: { 'retry-after': '120' } })
    await scan(PASSING)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect
      .poll(async () => (await call(core, 'alerts.deliveries', {})).deliveries[0]!.lastError)
      .toBe('The webhook answered 429 Too Many Requests: slow down')
    const pending = (await call(core, 'alerts.deliveries', {})).deliveries[0]!
    // The jittered wait would be 15 s; the receiver asked for 120 s, so 120 s it is.
    expect(Date.parse(pending.nextAttemptAt) - time.now().getTime()).toBe(120_000)
    await time.advance(60_000)
    expect(rx.received).toHaveLength(1)
    await time.advance(60_000)
    await expect.poll(() => rx.received.length).toBe(2)
  })

  it('throttles per target: a second alert within the window waits for the window to end', async () => {
    await webhook({ throttleMinutes: 60 })
    await scan(PASSING)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect.poll(() => rx.received.length).toBe(1)
    await time.advance(10 * 60_000)
    await scan([rule('log_connections', 'fail', 'off', 'high'), rule('ssl', 'fail', 'off'), PASSING[2]!])
    await time.advance(40 * 60_000)
    expect(rx.received).toHaveLength(1)
    await time.advance(10 * 60_000)
    await expect.poll(() => rx.received.length).toBe(2)
  })

  it('is sent once, by the process holding the watch or claiming the delivery, also for a scan another process committed', async () => {
    await webhook()
    // On SQLite one process holds the watch and sends; on a PostgreSQL store every watcher is active and each
    // delivery is claimed by one of them (shared mode).
    const shared = laneStore(core.dataDir) !== undefined
    const scanner = scriptedScanner(time)
    // A second face on the same data (the UI of `driftwatch serve` beside the desktop app's watch).
    const other = cores.open({
      dataDir: core.dataDir,
      clock: time,
      timers: time,
      scanners: [scanner],
      unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
    })
    await call(other, 'vault.unlock', { passphrase: PASS })
    other.watch.start()
    expect((await call(other, 'watch.status', {})).active).toBe(shared)
    const otherScan = async (results: RuleResult[]) => {
      scanner.script.results.set('billing-db', results)
      await call(other, 'scan.start', { targetId })
      await other.idle()
    }
    await otherScan(PASSING)
    await otherScan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await time.advance(1000)
    if (!shared) expect(rx.received).toHaveLength(0) // the other process does not send
    await time.advance(60_000) // the watch's next look at the outbox
    await expect.poll(() => rx.received.length).toBe(1)
    await time.advance(5 * 60_000)
    expect(rx.received).toHaveLength(1)
    expect((await call(core, 'alerts.deliveries', {})).deliveries.map((d) => [d.state, d.attempts])).toEqual([
      ['sent', 1],
    ])
  })

  it('waits for the vault when it holds the key locked, then sends', async () => {
    await webhook()
    await scan(PASSING)
    await call(core, 'vault.lock', {})
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect
      .poll(async () => (await call(core, 'alerts.deliveries', {})).deliveries[0]?.lastError)
      .toBe('Waiting for the vault to be unlocked')
    expect(rx.received).toHaveLength(0)
    await call(core, 'vault.unlock', { passphrase: PASS })
    await expect.poll(() => rx.received.length).toBe(1)
  })

  it('keeps every channel secret out of the database file', async () => {
    const slackUrl = `${rx.url}/services/T000/B000/slack-secret-path-91f2`
    await webhook()
    await call(core, 'alerts.channels.save', { kind: 'slack', name: 'Slack', secret: slackUrl })
    const channels = (await call(core, 'alerts.channels.list', {})).channels
    expect(JSON.stringify(channels)).not.toContain(KEY)
    expect(JSON.stringify(channels)).not.toContain('slack-secret-path')
    core.close()
    const dir = core.dataDir
    for (const f of readdirSync(dir).filter((n) => n.startsWith('driftwatch.db'))) {
      const bytes = readFileSync(join(dir, f)).toString('latin1')
      expect(bytes).not.toContain(KEY)
      expect(bytes).not.toContain('slack-secret-path')
    }
  })

  it('never writes a secret a receiver echoes back into the delivery log', async () => {
    const slackUrl = `${rx.url}/services/T000/B000/echoed-secret-5d1e`
    const ch = await call(core, 'alerts.channels.save', { kind: 'slack', name: 'Slack', secret: slackUrl })
    rx.fallback = { status: 400, body: `invalid_payload for ${slackUrl}` }
    const d = await call(core, 'alerts.channels.test', { id: ch.id })
    expect(d).toMatchObject({
      state: 'failed',
      lastError: 'Slack answered 400 Bad Request: invalid_payload for [redacted]',
    })
    core.close()
    for (const f of readdirSync(core.dataDir).filter((n) => n.startsWith('driftwatch.db')))
      expect(readFileSync(join(core.dataDir, f)).toString('latin1')).not.toContain('echoed-secret-5d1e')
  })

  it('refuses bad channel settings with the field at fault', async () => {
    expect(
      await core.invoke('alerts.channels.save', {
        kind: 'webhook',
        name: 'x',
        config: { url: 'ftp://x' },
        secret: 'k',
      }),
    ).toMatchObject({ ok: false, error: { code: 'validation', issues: [{ path: 'config.url' }] } })
    expect(
      await core.invoke('alerts.channels.save', { kind: 'webhook', name: 'x', config: { url: rx.url } }),
    ).toMatchObject({ ok: false, error: { issues: [{ path: 'secret', message: 'Required' }] } })
    expect(
      await core.invoke('alerts.channels.save', {
        kind: 'email',
        name: 'mail',
        config: { host: 'h', from: 'not an address', to: [] },
      }),
    ).toMatchObject({ ok: false, error: { issues: [{ path: 'config.from' }, { path: 'config.to' }] } })
    await call(core, 'vault.lock', {})
    expect(
      await core.invoke('alerts.channels.save', {
        kind: 'webhook',
        name: 'x',
        config: { url: rx.url },
        secret: 'k',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    })
  })
})

describe('webhook headers and the check filter', () => {
  const GW = 'gw-key-7f3a9c51e2'
  it('sends plain and secret headers beside the signature; the secret is only in the vault; rotating it sends the new one', async () => {
    const ch = await webhook({
      config: { url: `${rx.url}/hook`, headers: { 'X-Team': 'security', 'X-Route': 'soc/eu' } },
      headerSecrets: { 'X-Api-Key': GW },
    })
    expect(ch.config.headers).toEqual({
      'X-Team': 'security',
      'X-Route': 'soc/eu',
      'X-Api-Key': { vault: expect.any(String) },
    })
    await call(core, 'alerts.channels.test', { id: ch.id })
    await scan(PASSING)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect.poll(() => rx.received.length).toBe(2)
    for (const m of rx.received) {
      expect(m.headers).toMatchObject({ 'x-team': 'security', 'x-route': 'soc/eu', 'x-api-key': GW })
      expect(signatureValid(KEY, m)).toBe(true)
      expect(m.headers['content-type']).toBe('application/json')
    }
    // Saved again with the references it lists (the Watch page does) and a new secret value: the new one goes out.
    await webhook({
      id: ch.id,
      config: (await call(core, 'alerts.channels.list', {})).channels[0]!.config,
      headerSecrets: { 'X-Api-Key': 'gw-key-rotated-4411' },
    })
    const creds = (await call(core, 'credentials.list', {})).credentials
    expect(creds.filter((c) => c.notes.includes('header'))).toHaveLength(1)
    await call(core, 'alerts.channels.test', { id: ch.id })
    expect(rx.received.at(-1)!.headers['x-api-key']).toBe('gw-key-rotated-4411')
    const listed = JSON.stringify((await call(core, 'alerts.channels.list', {})).channels)
    expect(listed).not.toContain(GW)
    expect(listed).not.toContain('gw-key-rotated')
    core.close()
    for (const f of readdirSync(core.dataDir).filter((n) => n.startsWith('driftwatch.db'))) {
      const bytes = readFileSync(join(core.dataDir, f)).toString('latin1')
      expect(bytes).not.toContain(GW)
      expect(bytes).not.toContain('gw-key-rotated')
    }
  })

  it('refuses hop-by-hop, framing and Driftwatch’s own headers, and malformed names or values, naming each', async () => {
    const res = await core.invoke('alerts.channels.save', {
      kind: 'webhook',
      name: 'x',
      secret: KEY,
      config: {
        url: rx.url,
        headers: {
          Host: 'evil.example',
          'Content-Length': '1',
          'Transfer-Encoding': 'chunked',
          Connection: 'close',
          'X-Driftwatch-Signature-256': 'sha256=00',
          'Bad Name': 'x',
          'X-Split': 'a\r\nInjected: 1',
        },
      },
    })
    expect(res).toMatchObject({ ok: false, error: { code: 'validation' } })
    const issues = (res as { error: { issues: { path: string; message: string }[] } }).error.issues
    expect(issues).toEqual([
      { path: 'config.headers.X-Split', message: 'A header value is one line (no line breaks)' },
      { path: 'config.headers.Host', message: 'The header Host cannot be set: HTTP sets it from the URL' },
      {
        path: 'config.headers.Content-Length',
        message: 'The header Content-Length cannot be set: HTTP sets it from the body',
      },
      {
        path: 'config.headers.Transfer-Encoding',
        message: 'The header Transfer-Encoding cannot be set: it is hop-by-hop (HTTP framing)',
      },
      { path: 'config.headers.Connection', message: 'The header Connection cannot be set: it is hop-by-hop' },
      {
        path: 'config.headers.X-Driftwatch-Signature-256',
        message: "The header X-Driftwatch-Signature-256 cannot be set: it is Driftwatch's own signature",
      },
      { path: 'config.headers.Bad Name', message: '"Bad Name" is not an HTTP header name' },
    ])
    expect((await call(core, 'alerts.channels.list', {})).channels).toEqual([])
  })

  it('sends each channel only the drift its check filter lets through, or nothing', async () => {
    await webhook({ name: 'log rules', config: { url: `${rx.url}/logs`, checks: ['log_*'] } })
    await webhook({ name: 'high only', config: { url: `${rx.url}/high`, minSeverity: 'high' } })
    await webhook({ name: 'not ssl', config: { url: `${rx.url}/rest`, excludeChecks: ['ssl'] } })
    await scan(PASSING)
    // ssl (medium) regresses: only "not ssl" would want it, and it leaves ssl out; the score drop goes to the
    // channels that name no checks.
    await scan([PASSING[0]!, rule('ssl', 'fail', 'off', 'medium'), PASSING[2]!])
    await expect.poll(() => rx.received.map((r) => r.path).sort()).toEqual(['/high', '/rest'])
    const events = (path: string) =>
      rx.received
        .filter((r) => r.path === path)
        .flatMap((r) => (JSON.parse(r.body) as { events: { type: string; ruleId?: string }[] }).events)
        .map((e) => e.ruleId || e.type)
    expect(events('/rest')).toEqual(['score'])
    expect(events('/high')).toEqual(['score'])
    // log_connections (high) regresses too: every channel gets it.
    await scan([
      rule('log_connections', 'fail', 'off', 'high'),
      rule('ssl', 'fail', 'off', 'medium'),
      PASSING[2]!,
    ])
    await expect.poll(() => rx.received.length).toBe(5)
    expect(events('/logs')).toEqual(['log_connections'])
    expect(events('/high')).toEqual(['score', 'log_connections'])
  })
})

describe('Slack, GitHub issues and e-mail', () => {
  it('posts to a Slack incoming webhook with text and blocks (send test, then a drift)', async () => {
    const ch = await call(core, 'alerts.channels.save', {
      kind: 'slack',
      name: 'Slack',
      secret: `${rx.url}/services/T/B/x`,
    })
    const test = await call(core, 'alerts.channels.test', { id: ch.id })
    expect(test).toMatchObject({ state: 'sent', test: true })
    expect(JSON.parse(rx.received[0]!.body)).toMatchObject({ text: expect.stringContaining('test message') })
    await scan(PASSING)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect.poll(() => rx.received.length).toBe(2)
    const body = JSON.parse(rx.received[1]!.body) as { text: string; blocks: unknown[] }
    expect(rx.received[1]!.path).toBe('/services/T/B/x')
    expect(body.text).toContain('[high] Rule log_connections — now fails (passed before) (on → off)')
    expect(body.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'billing-db: 1 rule drifted out of compliance' },
    })
  })

  it('opens a GitHub issue with the token from the vault (against GitHub’s recorded answer)', async () => {
    const require = createRequire(import.meta.url)
    const fixture = (
      require('@octokit/fixtures/scenarios/api.github.com/add-labels-to-issue/normalized-fixture.json') as {
        method: string
        status: number
        response: unknown
        headers: Record<string, string>
      }[]
    ).find((f) => f.method === 'post' && f.status === 201)!
    rx.fallback = {
      status: 201,
      body: JSON.stringify(fixture.response),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    }
    const token = await call(core, 'credentials.create', {
      credential: { kind: 'github-token', name: 'gh', secret: { token: 'ghp_testtoken0123456789abcdef' } },
    })
    const ch = await call(core, 'alerts.channels.save', {
      kind: 'github-issue',
      name: 'Issues',
      credentialId: token.id,
      config: { repo: 'acme/compliance', apiBaseUrl: rx.url },
    })
    await scan(PASSING)
    await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
    await expect.poll(() => rx.received.length).toBe(1)
    const req = rx.received[0]!
    expect([req.method, req.path]).toEqual(['POST', '/repos/acme/compliance/issues'])
    expect(req.headers.authorization).toBe('token ghp_testtoken0123456789abcdef')
    expect(JSON.parse(req.body)).toMatchObject({
      title: 'billing-db: 1 rule drifted out of compliance',
      labels: ['driftwatch'],
      body: expect.stringContaining('"ruleId": "log_connections"'),
    })
    await expect
      .poll(async () => (await call(core, 'alerts.deliveries', { channelId: ch.id })).deliveries[0]!.state)
      .toBe('sent')

    rx.fallback = {
      status: 404,
      body: '{"message":"Not Found"}',
      headers: { 'content-type': 'application/json' },
    }
    const failed = await call(core, 'alerts.channels.test', { id: ch.id })
    expect(failed).toMatchObject({
      state: 'failed',
      lastError: 'GitHub answered 404: the token cannot create issues in acme/compliance',
    })
  })

  it('sends e-mail through an SMTP server with the password from the vault', async () => {
    const mails: { from: string; to: string[]; data: string; user: string }[] = []
    const smtp = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, cb) {
        if (auth.username === 'alerts' && auth.password === 'smtp-pw-77a1') cb(null, { user: 'alerts' })
        else cb(new Error('Invalid username or password'))
      },
      onData(stream, session, cb) {
        let data = ''
        stream.on('data', (c: Buffer) => (data += c.toString()))
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
            user: String(session.user),
          })
          cb()
        })
      },
    })
    await new Promise<void>((ok) => smtp.listen(0, '127.0.0.1', ok))
    const port = (smtp.server.address() as AddressInfo).port
    try {
      const config = {
        host: '127.0.0.1',
        port,
        security: 'none',
        username: 'alerts',
        from: 'driftwatch@example.com',
        to: ['audit@example.com'],
      }
      const ch = await call(core, 'alerts.channels.save', {
        kind: 'email',
        name: 'Mail',
        config,
        secret: 'smtp-pw-77a1',
      })
      expect(await call(core, 'alerts.channels.test', { id: ch.id })).toMatchObject({ state: 'sent' })
      await scan(PASSING)
      await scan([rule('log_connections', 'fail', 'off', 'high'), ...PASSING.slice(1)])
      await expect.poll(() => mails.length).toBe(2)
      expect(mails[1]).toMatchObject({
        from: 'driftwatch@example.com',
        to: ['audit@example.com'],
        user: 'alerts',
      })
      expect(mails[1]!.data).toContain('Subject: billing-db: 1 rule drifted out of compliance')

      const wrong = await call(core, 'alerts.channels.save', {
        id: ch.id,
        kind: 'email',
        name: 'Mail',
        config,
        secret: 'wrong',
      })
      expect(await call(core, 'alerts.channels.test', { id: wrong.id })).toMatchObject({
        state: 'failed',
        attempts: 1,
        lastError: 'The SMTP server refused the user name or password',
      })
    } finally {
      await new Promise<void>((ok) => smtp.close(() => ok()))
    }
  })
})
