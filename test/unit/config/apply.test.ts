// driftwatch.yml on a real store: the dry-run plan, apply in one transaction, re-apply changes nothing, an edit
// plans as change/remove, a refusal half-way leaves the store as it was, and export → apply on a fresh data
// folder reproduces the setup (the two exports are equal).
import { describe, expect, it } from 'vitest'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { applyFile, planFile } from '../../../src-main/cli/config'
import { applyPlan, formatPlan } from '../../../src-main/core/config/plan'
import { exportConfig } from '../../../src-main/core/config/export'
import { ConfigError } from '../../../src-main/core/config/source'
import { call, useCores } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { ed25519KeyPair } from '../../helpers/ssh-keys'
import { TINY_PROFILE, TINY_PREFIX, writeTinyContent } from '../../helpers/tiny-content'

const KEY = ed25519KeyPair().private
const cores = useCores()
const tmp = useTmpDirs()
const PASS = 'config apply passphrase 1'
const ENV = {
  PG_PASSWORD: 'pg-secret-1',
  HOOK_KEY: 'hook-hmac-key-1',
  GH_TOKEN: 'not-a-real-token-value',
  HOOK_URL: 'http://127.0.0.1:9/hook',
}

const CONFIG = `# a fleet
version: 1
credentials:
  - name: pg-audit
    kind: db-password
    username: auditor
    secret:
      password: \${PG_PASSWORD}
  - name: gh
    kind: github-token
    secret: { token: { env: GH_TOKEN } }
  - name: root-key
    kind: ssh-key
    secret:
      privateKey: { file: key.pem }
targets:
  - name: billing-prod
    kind: postgres
    host: 127.0.0.1
    port: 5432
    user: auditor
    credentialId: pg-audit
    tls: disable
    groups: [prod]
    policy: { pack: postgres-cis }
  - name: shop-db
    kind: mysql
    host: 127.0.0.1
    port: 3306
    user: auditor
    credentialId: pg-audit
    tls: disable
    tags: [shop]
  - name: web-1
    kind: ssh
    host: 127.0.0.1
    port: 2222
    user: root
    credentialId: root-key
    groups: [linux]
  - name: acme
    kind: github
    org: acme
    credentialId: gh
    minApprovingReviews: 2
schedules:
  - target: "*-prod"
    every: 30m
  - group: prod
    daily: ["02:30", "14:00"]
    jitter: 60
  - target: acme
    every: 2h
alerts:
  - name: soc
    kind: webhook
    url: \${HOOK_URL}
    secret: \${HOOK_KEY}
    throttleMinutes: 5
watch:
  priority: ["*-prod"]
  concurrency: 3
  thresholds: { major: 8 }
`

/** Content named by file, a policy naming it, and a weekly report export to a folder beside the file. */
const CONTENT_AND_REPORTS = `content:
  - name: tiny
    file: tiny-ds.xml
policies:
  - name: web-base
    content: tiny
    profile: ${TINY_PROFILE}
    values: { ${TINY_PREFIX}value_timeout: "300" }
reports:
  - name: weekly-pdf
    cadence: weekly
    day: mon
    at: "07:30"
    timezone: Europe/Paris
    formats: [pdf]
    targets: [billing-prod]
    folder: reports-out
  - name: monthly-all
    cadence: monthly
    day: 31
`

async function setup(dataDir?: string) {
  const core = cores.open({ unsafeKdfForTests: { N: 1024, r: 8, p: 1 }, ...(dataDir ? { dataDir } : {}) })
  await call(core, 'vault.init', { passphrase: PASS })
  const dir = tmp.make('dw-config-')
  writeFileSync(join(dir, 'key.pem'), KEY)
  writeTinyContent(dir)
  mkdirSync(join(dir, 'reports-out'))
  const file = join(dir, 'driftwatch.yml')
  const write = (text: string) => writeFileSync(file, text)
  write(CONFIG)
  return { core, file, write, dir }
}

describe('driftwatch apply', () => {
  it('--dry-run prints the plan and changes nothing; apply then re-apply changes nothing', async () => {
    const { core, file } = await setup()
    const plan = await planFile(core, file, ENV)
    const text = formatPlan(plan)
    expect(text).toContain(`Plan for ${file}:`)
    for (const line of [
      '+ credential pg-audit (db-password)',
      '+ credential gh (github-token)',
      '+ credential root-key (ssh-key)',
      '+ target billing-prod (postgres)',
      '+ target shop-db (mysql)',
      '+ target web-1 (ssh)',
      '+ target acme (github)',
      '~ policy billing-prod rule pack (none → postgres-cis)',
      '~ watch settings watch (concurrency, thresholds)',
      '+ alert channel soc (webhook)',
      '+ schedule billing-prod every 30m (priority)',
      // The priority glob *-prod matches billing-prod, not the group "prod".
      '+ schedule group prod daily at 02:30, 14:00\n',
      '+ schedule acme every 2h',
    ])
      expect(text).toContain(line)
    expect(text).toContain('11 to add, 2 to change, 0 to remove, 0 unchanged.')
    // The dry run stored nothing.
    expect((await call(core, 'targets.list', {})).targets).toEqual([])
    expect((await call(core, 'credentials.list', {})).credentials).toEqual([])

    await applyFile(core, file, ENV)
    const targets = (await call(core, 'targets.list', {})).targets
    expect(targets.map((t) => t.name).sort()).toEqual(['acme', 'billing-prod', 'shop-db', 'web-1'])
    const creds = (await call(core, 'credentials.list', {})).credentials
    const pg = targets.find((t) => t.name === 'billing-prod')!
    expect(pg.credentialId).toBe(creds.find((c) => c.name === 'pg-audit')!.id)
    expect((await call(core, 'policy.get', { targetId: pg.id })).pack?.id).toBe('postgres-cis')
    const status = await call(core, 'watch.status', {})
    expect(status.settings.concurrency).toBe(3)
    expect(status.settings.thresholds.major).toBe(8)
    expect(status.schedules.map((s) => [s.kind, s.intervalMinutes, s.priority])).toHaveLength(3)
    // The secret went into the vault, from the environment, and only there.
    const cred = creds.find((c) => c.name === 'pg-audit')!
    expect(await core.vault.withSecret(cred.id, null, (s) => s.password!.toString())).toBe('pg-secret-1')

    const again = await planFile(core, file, ENV)
    expect(formatPlan(again)).toBe(`${file}: nothing to change (12 unchanged).\n`)
  })

  it('an edited file plans its changes and removals; a rotated secret is a change', async () => {
    const { core, file, write } = await setup()
    await applyFile(core, file, ENV)
    write(
      CONFIG.replace('port: 2222', 'port: 2200')
        .replace(/ {2}- target: acme\n {4}every: 2h\n/, '')
        .replace(/alerts:[\s\S]*?throttleMinutes: 5\n/, 'alerts: []\n'),
    )
    const text = formatPlan(await planFile(core, file, { ...ENV, PG_PASSWORD: 'rotated' }))
    expect(text).toContain('~ credential pg-audit (secret)')
    expect(text).toContain('~ target web-1 (port)')
    expect(text).toContain('- schedule acme every 2h')
    expect(text).toContain('- alert channel soc (webhook)')
    expect(text).toContain('0 to add, 2 to change, 2 to remove')
  })

  it('applies in one transaction: a refusal half-way leaves the store as it was', async () => {
    const { core, file } = await setup()
    const plan = await planFile(core, file, ENV)
    // Between the plan and the apply, someone adds a target named like one in the file: its creation fails.
    await call(core, 'targets.create', {
      target: { kind: 'ssh', name: 'web-1', host: '10.0.0.9', user: 'x', auth: 'agent' },
    })
    const err = await applyPlan(core, plan).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toMatch(/driftwatch\.yml:34: targets\[2\]: .*web-1.*already exists/)
    // The credentials and targets created before the failing step are gone with it.
    expect((await call(core, 'credentials.list', {})).credentials).toEqual([])
    expect((await call(core, 'targets.list', {})).targets.map((t) => t.name)).toEqual(['web-1'])
    expect((await call(core, 'alerts.channels.list', {})).channels).toEqual([])
  })

  it('weekly and monthly schedules in a time zone: planned, applied, unchanged on re-apply, a zone change planned', async () => {
    const { core, file, write } = await setup()
    const calendar = `  - target: billing-prod
    weekly: "02:00"
    days: [thu, Monday]
    timezone: Europe/Paris
  - group: prod
    monthly: ["06:00"]
    days: [31, 1]
    timezone: America/New_York
`
    write(CONFIG.replace('schedules:\n', `schedules:\n${calendar}`))
    const text = formatPlan(await planFile(core, file, ENV))
    expect(text).toContain(
      '+ schedule billing-prod every Monday, Thursday at 02:00 (Europe/Paris) (priority)',
    )
    expect(text).toContain('+ schedule group prod monthly on day 1, 31 at 06:00 (America/New_York)')
    await applyFile(core, file, ENV)
    const saved = (await call(core, 'watch.status', {})).schedules.filter((s) => s.kind !== 'interval')
    expect(saved.map((s) => [s.kind, s.days, s.dailyTimes, s.timeZone])).toEqual(
      expect.arrayContaining([
        ['weekly', [1, 4], ['02:00'], 'Europe/Paris'],
        ['monthly', [1, 31], ['06:00'], 'America/New_York'],
      ]),
    )
    expect(formatPlan(await planFile(core, file, ENV))).toContain('nothing to change')
    write(CONFIG.replace('schedules:\n', `schedules:\n${calendar.replace('Europe/Paris', 'Europe/Berlin')}`))
    expect(formatPlan(await planFile(core, file, ENV))).toContain(
      '~ schedule billing-prod every Monday, Thursday at 02:00 (Europe/Berlin) (timezone)',
    )
    const yaml = (await exportConfig(core)).yaml
    expect(yaml).toContain(
      'weekly:\n      - 02:00\n    days:\n      - mon\n      - thu\n    timezone: Europe/Paris',
    )
  })

  it('a target with two schedules plans nothing on re-apply whatever order they were stored in', async () => {
    const { core, file, write } = await setup()
    const both = (first: string, second: string) =>
      CONFIG.replace('  - target: acme\n    every: 2h\n', `${first}${second}`)
    const every = '  - target: acme\n    every: 2h\n'
    const monthly = '  - target: acme\n    monthly: ["23:30"]\n    days: [15]\n    timezone: Asia/Kolkata\n'
    write(both(every, monthly))
    await applyFile(core, file, ENV)
    // The file lists them the other way round from the store: the same two schedules, so no change.
    write(both(monthly, every))
    const steps = (await planFile(core, file, ENV)).steps.filter((s) => s.type === 'schedule')
    expect(steps.map((s) => `${s.action} ${s.name}`)).toEqual([])
    // One of them really changed: that one is the change, the other stays.
    write(both(monthly, every.replace('2h', '3h')))
    const changed = (await planFile(core, file, ENV)).steps.filter((s) => s.type === 'schedule')
    expect(changed.map((s) => `${s.action} ${s.name} (${s.detail})`)).toEqual([
      'change acme every 3h (every)',
    ])
  })

  it('export-config → apply on a fresh data folder reproduces the setup (the two exports are equal)', async () => {
    const { core, file, dir, write } = await setup()
    write(CONFIG + CONTENT_AND_REPORTS)
    await applyFile(core, file, ENV)
    // A schedule and a channel set up by hand (the UI) round-trip too.
    const acme = (await call(core, 'targets.list', {})).targets.find((t) => t.name === 'acme')!
    await call(core, 'watch.schedules.save', {
      targetId: acme.id,
      kind: 'daily',
      dailyTimes: ['06:15'],
      paused: true,
    })
    await call(core, 'watch.schedules.save', {
      targetId: acme.id,
      kind: 'monthly',
      days: [15, 31],
      dailyTimes: ['23:30'],
      timeZone: 'Asia/Kolkata',
    })
    const first = await exportConfig(core)
    expect(first.yaml).not.toContain('pg-secret-1')
    expect(first.yaml).not.toContain('hook-hmac-key-1')
    expect(first.yaml).toContain('password: ${DW_PG_AUDIT_PASSWORD}')
    expect(first.yaml).toContain('secret: ${DW_ALERT_SOC}')
    // Content by its file, pinned, and named by the policy; report exports with their folder (the default left out).
    const sha = createHash('sha256')
      .update(readFileSync(join(dir, 'tiny-ds.xml')))
      .digest('hex')
    expect(first.yaml).toContain(
      `content:\n  - name: tiny-ds\n    file: ${join(dir, 'tiny-ds.xml')}\n    sha256: ${sha}\n`,
    )
    expect(first.yaml).toContain(`  - name: web-base\n    content: tiny-ds\n    profile: ${TINY_PROFILE}\n`)
    expect(first.yaml).toContain(
      `reports:\n  - name: monthly-all\n    cadence: monthly\n    day: 31\n    at: 06:00\n    formats:\n      - pdf\n      - bundle\n` +
        `  - name: weekly-pdf\n    cadence: weekly\n    day: mon\n    at: 07:30\n    timezone: Europe/Paris\n    formats:\n      - pdf\n` +
        `    targets:\n      - billing-prod\n    folder: ${join(dir, 'reports-out')}\n`,
    )
    expect(first.env.sort()).toEqual([
      'DW_ALERT_SOC',
      'DW_GH_TOKEN',
      'DW_PG_AUDIT_PASSWORD',
      'DW_ROOT_KEY_PRIVATE_KEY',
    ])

    const exported = join(dir, 'exported.yml')
    writeFileSync(exported, first.yaml)
    const fresh = await setup(tmp.make('dw-fresh-'))
    const env = {
      DW_ALERT_SOC: 'k',
      DW_GH_TOKEN: 't',
      DW_PG_AUDIT_PASSWORD: 'p',
      DW_ROOT_KEY_PRIVATE_KEY: KEY,
    }
    expect((await call(fresh.core, 'content.list', {})).content).toEqual([])
    const plan = await applyFile(fresh.core, exported, env)
    expect(plan.steps.length).toBeGreaterThan(10)
    expect((await call(fresh.core, 'content.list', {})).content.map((c) => c.sha256)).toEqual([sha])
    const second = await exportConfig(fresh.core)
    expect(second.yaml).toBe(first.yaml)
    // And the exported file applied to its own store again plans nothing.
    expect((await planFile(fresh.core, exported, env)).steps.filter((s) => s.type !== 'credential')).toEqual(
      [],
    )
  })
})

describe('SSH host key pins in driftwatch.yml', () => {
  // Two host keys, each as its .pub file line ("type base64 comment") and its fingerprint as ssh-keygen -lf prints it.
  const hostKey = () => {
    const line = ed25519KeyPair().public.trim()
    const blob = Buffer.from(line.split(/\s+/)[1]!, 'base64')
    const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`
    return { line, bare: line.split(/\s+/).slice(0, 2).join(' '), fingerprint }
  }
  const [A, B] = [hostKey(), hostKey()]
  const withPin = (pin: string) => CONFIG.replace('groups: [linux]', `groups: [linux]\n    hostKey: ${pin}`)
  const pins = async (core: Awaited<ReturnType<typeof setup>>['core']) =>
    (await call(core, 'knownHosts.list', {})).hosts.map((h) => [`${h.host}:${h.port}`, h.fingerprint])

  it('pins the key as hosts import would, plans nothing more after, and export-config writes it back', async () => {
    const { core, file, write, dir } = await setup()
    write(withPin(`"${A.line}"`))
    const text = formatPlan(await planFile(core, file, ENV))
    expect(text).toContain(`+ host key web-1 (127.0.0.1:2222 ssh-ed25519 ${A.fingerprint})`)
    expect(text).toContain('12 to add, 2 to change')
    await applyFile(core, file, ENV)
    expect(await pins(core)).toEqual([['127.0.0.1:2222', A.fingerprint]])
    expect(formatPlan(await planFile(core, file, ENV))).toBe(`${file}: nothing to change (13 unchanged).\n`)

    const first = await exportConfig(core)
    expect(first.yaml).toContain(`    hostKey: ${A.bare}\n`)
    const exported = join(dir, 'exported.yml')
    writeFileSync(exported, first.yaml)
    const fresh = await setup(tmp.make('dw-fresh-pin-'))
    await applyFile(fresh.core, exported, {
      DW_ALERT_SOC: 'k',
      DW_GH_TOKEN: 't',
      DW_PG_AUDIT_PASSWORD: 'p',
      DW_ROOT_KEY_PRIVATE_KEY: KEY,
    })
    expect(await pins(fresh.core)).toEqual([['127.0.0.1:2222', A.fingerprint]])
    expect((await exportConfig(fresh.core)).yaml).toBe(first.yaml)
  })

  it('reads a known_hosts line naming the host; another key for a pinned host is refused, the pin kept', async () => {
    const { core, file, write } = await setup()
    write(withPin(`"[127.0.0.1]:2222 ${A.bare}"`))
    await applyFile(core, file, ENV)
    expect(await pins(core)).toEqual([['127.0.0.1:2222', A.fingerprint]])

    write(withPin(`"${B.line}"`))
    const err = await applyFile(core, file, ENV).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toBe(
      `${file}:41: targets[2].hostKey: 127.0.0.1:2222 is pinned to another key (${A.fingerprint}), not ` +
        `${B.fingerprint}. If the host's key was changed on purpose, remove the old pin (driftwatch hosts ` +
        'forget 127.0.0.1:2222) and apply again; otherwise someone may be intercepting the connection: do not scan it',
    )
    expect(await pins(core)).toEqual([['127.0.0.1:2222', A.fingerprint]])
    // After the host owner confirmed the new key, forgetting the old pin lets the file pin it.
    await call(core, 'knownHosts.forget', { host: '127.0.0.1', port: 2222 })
    await applyFile(core, file, ENV)
    expect(await pins(core)).toEqual([['127.0.0.1:2222', B.fingerprint]])
  })
})

describe('webhook headers and the check filter in driftwatch.yml', () => {
  const withHeaders = (key: string) =>
    CONFIG.replace(
      '    throttleMinutes: 5\n',
      `    throttleMinutes: 5\n    headers:\n      X-Team: security\n      X-Api-Key: { env: ${key} }\n    checks: [pg-*, branch-protection]\n    excludeChecks: [pg-ssl]\n    minSeverity: medium\n`,
    )

  it('seals a secret header in the vault, plans a rotated one as a change, and exports it by reference', async () => {
    const { core, file, write, dir } = await setup()
    write(withHeaders('GW_KEY'))
    await applyFile(core, file, { ...ENV, GW_KEY: 'gateway-key-1' })
    const [soc] = (await call(core, 'alerts.channels.list', {})).channels
    expect(soc!.config).toMatchObject({
      url: ENV.HOOK_URL,
      headers: { 'X-Team': 'security', 'X-Api-Key': { vault: expect.any(String) } },
      checks: ['pg-*', 'branch-protection'],
      excludeChecks: ['pg-ssl'],
      minSeverity: 'medium',
    })
    expect(JSON.stringify(soc)).not.toContain('gateway-key-1')
    expect(formatPlan(await planFile(core, file, { ...ENV, GW_KEY: 'gateway-key-1' }))).toContain(
      'nothing to change',
    )
    expect(formatPlan(await planFile(core, file, { ...ENV, GW_KEY: 'gateway-key-2' }))).toContain(
      '~ alert channel soc (header secret)',
    )

    const first = await exportConfig(core)
    expect(first.yaml).toContain('X-Api-Key:\n        env: DW_ALERT_SOC_X_API_KEY')
    expect(first.yaml).not.toContain('gateway-key-1')
    expect(first.env).toContain('DW_ALERT_SOC_X_API_KEY')
    const exported = join(dir, 'exported.yml')
    writeFileSync(exported, first.yaml)
    const fresh = await setup(tmp.make('dw-fresh-headers-'))
    await applyFile(fresh.core, exported, {
      DW_ALERT_SOC: 'k',
      DW_ALERT_SOC_X_API_KEY: 'gateway-key-1',
      DW_GH_TOKEN: 't',
      DW_PG_AUDIT_PASSWORD: 'p',
      DW_ROOT_KEY_PRIVATE_KEY: KEY,
    })
    expect((await exportConfig(fresh.core)).yaml).toBe(first.yaml)
  })
})

describe('content and report exports in driftwatch.yml', () => {
  it('--dry-run plans the import (file, hash, profiles) and imports nothing; apply imports once; re-apply keeps it', async () => {
    const { core, file, write, dir } = await setup()
    write(CONFIG + CONTENT_AND_REPORTS)
    const sha = createHash('sha256')
      .update(readFileSync(join(dir, 'tiny-ds.xml')))
      .digest('hex')
    const text = formatPlan(await planFile(core, file, ENV, { dryRun: true }))
    expect(text).toContain(`  + content tiny (tiny-ds.xml, sha256 ${sha.slice(0, 12)}…, 2 profiles)\n`)
    expect(text).toContain(`+ policy web-base (tailoring of ${TINY_PROFILE})`)
    expect(text).toContain(
      `+ report export weekly-pdf (every Monday at 07:30 (Europe/Paris), pdf → ${join(dir, 'reports-out')})`,
    )
    expect(text).toContain(
      `+ report export monthly-all (monthly on day 31 at 06:00, pdf and bundle → ${join(core.dataDir, 'exports')})`,
    )
    // The dry run imported nothing (the parse happened, the store did not change).
    expect((await call(core, 'content.list', {})).content).toEqual([])
    expect((await call(core, 'reports.schedules.list', {})).schedules).toEqual([])

    await applyFile(core, file, ENV)
    const [imported] = (await call(core, 'content.list', {})).content
    expect(imported).toMatchObject({
      sha256: sha,
      fileName: 'tiny-ds.xml',
      sourcePath: join(dir, 'tiny-ds.xml'),
    })
    const [tailoring] = (await call(core, 'tailorings.list', {})).tailorings
    expect(tailoring).toMatchObject({ name: 'web-base', contentSha256: sha, baseProfileId: TINY_PROFILE })
    const reports = (await call(core, 'reports.schedules.list', {})).schedules
    expect(reports.find((r) => r.name === 'weekly-pdf')).toMatchObject({
      cadence: 'weekly',
      day: 1,
      time: '07:30',
      timeZone: 'Europe/Paris',
      formats: ['pdf'],
      folder: join(dir, 'reports-out'),
    })

    // Re-applied: the content is named as kept (=), nothing is imported again, nothing else changes.
    const again = await planFile(core, file, ENV)
    expect(formatPlan(again)).toBe(
      `${file}: nothing to change (16 unchanged).\n  = content tiny (tiny-ds.xml, sha256 ${sha.slice(0, 12)}…, imported)\n`,
    )
    // A policy naming content by its SHA-256 still works, beside one naming it by entry.
    write(
      (CONFIG + CONTENT_AND_REPORTS).replace(
        'reports:\n',
        `  - name: by-hash\n    content: ${sha}\n    profile: ${TINY_PREFIX}profile_strict\nreports:\n`,
      ),
    )
    expect(formatPlan(await planFile(core, file, ENV))).toContain(
      `+ policy by-hash (tailoring of ${TINY_PREFIX}profile_strict)`,
    )
    // An edited report export plans its change; one left out of the section is removed.
    write(
      (CONFIG + CONTENT_AND_REPORTS)
        .replace('day: mon', 'day: fri')
        .replace(/ {2}- name: monthly-all[\s\S]*$/, ''),
    )
    const edited = formatPlan(await planFile(core, file, ENV))
    expect(edited).toContain('~ report export weekly-pdf (when)')
    expect(edited).toContain('- report export monthly-all (monthly on day 31 at 06:00)')
  })

  it('content uploaded without a path is exported by its SHA-256, with a comment saying so', async () => {
    const { core, dir } = await setup()
    const bytes = readFileSync(writeTinyContent(dir, 'uploaded-ds.xml', '2'))
    const uploadId = core.uploads.put({ fileName: 'uploaded-ds.xml', mediaType: 'application/xml', bytes })
    const c = await call(core, 'content.import', { uploadId })
    await call(core, 'tailorings.save', {
      name: 'uploaded',
      sha256: c.sha256,
      baseProfileId: TINY_PROFILE,
      changes: { setValues: {}, refineValues: {}, selects: {}, refineRules: {} },
      targets: [],
      groups: [],
    })
    const { yaml } = await exportConfig(core)
    expect(yaml).toContain(
      `# Content imported without a known path, so policies reference it by SHA-256; import each\n` +
        `# (driftwatch content import FILE) before applying:\n#   ${c.sha256}  uploaded-ds.xml\n`,
    )
    expect(yaml).toContain(`content: ${c.sha256}\n`)
    expect(yaml).not.toMatch(/^content:\n {2}- /m)
  })
})
