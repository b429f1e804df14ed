// Every bad driftwatch.yml is refused whole, each problem naming file, line and key: unknown keys, wrong types,
// a kind's missing field, an unset ${ENV}, a schedule that never fires, a channel without its secret, an inline
// secret, broken YAML. Nothing is applied while anything is wrong.
import { describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { applyFile } from '../../../src-main/cli/config'
import { ConfigError } from '../../../src-main/core/config/source'
import { call, useCores } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { tinyBenchmark, TINY_PROFILE } from '../../helpers/tiny-content'

const cores = useCores()
const tmp = useTmpDirs()

const GOOD_TARGET = `targets:
  - name: billing
    kind: postgres
    host: 127.0.0.1
    user: auditor
    tls: disable
`

async function refused(
  text: string,
  env: NodeJS.ProcessEnv = {},
  files: Record<string, string> = {},
): Promise<string> {
  const core = cores.open({ unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'bad input passphrase' })
  const dir = tmp.make('dw-bad-')
  const file = join(dir, 'driftwatch.yml')
  writeFileSync(file, text)
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body)
  const err = await applyFile(core, file, env).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ConfigError)
  // Nothing was applied.
  expect((await call(core, 'targets.list', {})).targets).toEqual([])
  expect((await call(core, 'watch.status', {})).schedules).toEqual([])
  expect((await call(core, 'alerts.channels.list', {})).channels).toEqual([])
  expect((await call(core, 'content.list', {})).content).toEqual([])
  expect((await call(core, 'reports.schedules.list', {})).schedules).toEqual([])
  return (err as Error).message.replaceAll(file, 'driftwatch.yml').replaceAll(dir, 'DIR')
}

describe('a bad driftwatch.yml', () => {
  it('unknown keys, at the top and in a target (naming the keys it knows)', async () => {
    const msg = await refused(`${GOOD_TARGET}    hots: x\nschedule:\n  - target: billing\n`)
    expect(msg).toContain('2 problems')
    expect(msg).toMatch(
      /driftwatch\.yml:7: targets\[0\]\.hots: Unknown key "hots" in a postgres target: expected one of name, kind, .*host, port/,
    )
    expect(msg).toContain(
      'driftwatch.yml:8: schedule: Unknown key "schedule" in the file: expected one of version, content, credentials, targets, groups, policies, schedules, alerts, reports, watch',
    )
  })

  it('wrong types', async () => {
    const msg = await refused(
      `${GOOD_TARGET.replace('host: 127.0.0.1', 'host: 127.0.0.1\n    port: abc')}schedules:\n  - target: billing\n    every: 30m\n    paused: "yes"\n`,
    )
    expect(msg).toContain('driftwatch.yml:5: targets[0].port: Port must be a number')
    expect(msg).toContain('driftwatch.yml:11: schedules[0].paused: Paused must be true or false, not "yes"')
  })

  it("a kind's missing field, and an unknown kind", async () => {
    const msg = await refused(
      `targets:\n  - name: billing\n    kind: postgres\n    host: 127.0.0.1\n  - name: x\n    kind: oracle\n`,
    )
    expect(msg).toContain('driftwatch.yml:2: targets[0].user: User is required')
    expect(msg).toMatch(
      /driftwatch\.yml:6: targets\[1\]\.kind: Unknown target kind "oracle": expected one of local, ssh, postgres, mysql, github/,
    )
  })

  it('an unset ${ENV}', async () => {
    const msg = await refused(`${GOOD_TARGET.replace('host: 127.0.0.1', 'host: ${DB_HOST}')}`)
    expect(msg).toBe('driftwatch.yml:4: targets[0].host: ${DB_HOST} is not set in the environment')
    const secret = await refused(
      `credentials:\n  - name: pg\n    kind: db-password\n    secret:\n      password: \${PG_PASSWORD}\n`,
    )
    expect(secret).toBe(
      'driftwatch.yml:5: credentials[0].secret.password: ${PG_PASSWORD} is not set in the environment',
    )
  })

  it('schedules that never fire', async () => {
    const msg = await refused(
      `${GOOD_TARGET}schedules:
  - target: billing
    every: 0m
  - target: billing
    daily: []
  - target: billing
  - target: billing
    weekly: "02:00"
    days: [mon, tuseday]
  - target: billing
    monthly: "06:00"
    days: [0, 32]
    timezone: Europe/Pariss
  - target: billing
    weekly: ["02:00"]
    every: 1h
`,
    )
    expect(msg).toContain(
      'driftwatch.yml:9: schedules[0].every: This schedule never fires: every must be more than 0 minutes',
    )
    expect(msg).toContain(
      'driftwatch.yml:11: schedules[1].daily: This schedule never fires: give at least one time of day',
    )
    expect(msg).toContain(
      'driftwatch.yml:12: schedules[2]: This schedule never fires: give every (e.g. 30m), daily, weekly or monthly',
    )
    // Weekly and monthly: a weekday typo, day 0 and 32 of a month, a zone Intl does not know, two cadences.
    expect(msg).toContain(
      'driftwatch.yml:15: schedules[3].days[1]: Days of the week are mon, tue, wed, thu, fri, sat, sun ' +
        '(or 0 to 6, Sunday 0), not "tuseday"',
    )
    expect(msg).toContain(
      'driftwatch.yml:18: schedules[4].days[0]: Days of the month are 1 to 31 (a shorter month runs on its last day), not 0',
    )
    expect(msg).toContain('driftwatch.yml:18: schedules[4].days[1]: Days of the month are 1 to 31')
    expect(msg).toContain(
      'driftwatch.yml:19: schedules[4].timezone: Unknown time zone "Europe/Pariss": use an IANA name such as ' +
        'Europe/Paris, America/New_York or UTC',
    )
    expect(msg).toContain(
      'driftwatch.yml:20: schedules[5]: A schedule has one of every, daily, weekly or monthly, not every and weekly',
    )
    // Checked against the store: a group no target is in, a glob no target matches.
    const store = await refused(
      `${GOOD_TARGET}schedules:\n  - group: nobody\n    every: 1h\n  - target: "*-prod"\n    every: 1h\n`,
    )
    expect(store).toContain(
      'driftwatch.yml:8: schedules[0].group: This schedule never fires: no target is in the group "nobody"',
    )
    expect(store).toContain(
      'driftwatch.yml:10: schedules[1].target: This schedule never fires: no target matches "*-prod"',
    )
  })

  it('a channel without its secret', async () => {
    const msg = await refused(
      `alerts:\n  - name: soc\n    kind: webhook\n    url: https://example.com/hook\n`,
    )
    expect(msg).toBe(
      'driftwatch.yml:2: alerts[0]: A webhook channel needs its secret: add secret: ${ENV_VAR}, { file: PATH } or { vault: NAME }',
    )
  })

  it('an inline secret, in a secret field or anywhere else', async () => {
    const msg = await refused(
      `credentials:
  - name: pg
    kind: db-password
    secret:
      password: hunter2
${GOOD_TARGET.replace('user: auditor', 'user: auditor\n    description: "ghp_abcdefghijklmnopqrstuvwxyz0123456789"')}alerts:
  - name: slack
    kind: slack
    secret: https://hooks.slack.com/services/T000/B000/XXXX
`,
    )
    expect(msg).toContain(
      'driftwatch.yml:5: credentials[0].secret.password: Secrets are never written in the file: use ${ENV_VAR}, { env: NAME } or { file: PATH }',
    )
    expect(msg).toContain(
      'driftwatch.yml:11: targets[0].description: This looks like a GitHub token: secrets are never written in the file',
    )
    expect(msg).toContain('driftwatch.yml:16: alerts[0].secret: This looks like a Slack webhook URL')
  })

  it('a credential, policy or pack that does not exist', async () => {
    const msg = await refused(
      `${GOOD_TARGET.replace('tls: disable', 'tls: disable\n    credentialId: nowhere\n    policy: { pack: mysql-cis }')}`,
    )
    expect(msg).toContain(
      'driftwatch.yml:7: targets[0].credentialId: No credential named "nowhere" in the vault or in credentials',
    )
    expect(msg).toContain(
      'driftwatch.yml:8: targets[0].policy.pack: The rule pack mysql-cis is for mysql targets, not postgres',
    )
  })

  it('broken YAML and duplicate keys', async () => {
    expect(await refused('targets:\n  - name: a\n    name: b\n')).toMatch(
      /^driftwatch\.yml:3: Map keys must be unique/,
    )
    expect(await refused('targets: [\n')).toMatch(/^driftwatch\.yml:\d+: /)
  })
})

describe('a bad SSH host key pin', () => {
  const SSH = `targets:
  - name: web-1
    kind: ssh
    host: 127.0.0.1
    port: 2222
    user: root
    auth: agent
`
  it('a fingerprint alone, a key that is not base64, a known_hosts line for another host, a pin on a database', async () => {
    const key = 'AAAAC3NzaC1lZDI1NTE5AAAAIDOsRhNgMmXJwqYCwjxsC24D1UYiHEtnwrpKQpp2yK/2'
    const msg = await refused(
      `${SSH}    hostKey: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
  - { name: web-2, kind: ssh, host: 127.0.0.1, user: root, auth: agent, hostKey: "ssh-ed25519 not!base64" }
  - { name: web-3, kind: ssh, host: 127.0.0.1, port: 22, user: root, auth: agent, hostKey: "[10.0.0.5]:22 ssh-ed25519 ${key}" }
  - { name: web-4, kind: ssh, host: 127.0.0.1, user: root, auth: agent, hostKey: "ssh-dss ${key}" }
  - { name: db, kind: postgres, host: 127.0.0.1, user: a, tls: disable, hostKey: "ssh-ed25519 ${key}" }
`,
    )
    expect(msg).toContain('5 problems')
    expect(msg).toContain(
      "driftwatch.yml:8: targets[0].hostKey: Not a host key to pin: a fingerprint alone cannot be pinned: give the public key line (the host's /etc/ssh/ssh_host_ed25519_key.pub, or ssh-keyscan's output)",
    )
    expect(msg).toContain(
      'driftwatch.yml:9: targets[1].hostKey: Not a host key to pin: the key is not base64',
    )
    expect(msg).toContain(
      "driftwatch.yml:10: targets[2].hostKey: Not a host key to pin: the known_hosts line does not name 127.0.0.1, the target's host and port",
    )
    expect(msg).toContain(
      'driftwatch.yml:11: targets[3].hostKey: Not a host key to pin: the key is a ssh-ed25519 key, but the line says ssh-dss',
    )
    expect(msg).toMatch(
      /driftwatch\.yml:12: targets\[4\]\.hostKey: Unknown key "hostKey" in a postgres target: expected one of name, kind, description, tags, groups, policy, host/,
    )
  })
})

describe('bad webhook headers and check filters', () => {
  it('a forbidden header, an inline secret as a header, a secret header whose variable is unset, a bad severity', async () => {
    const msg = await refused(
      `alerts:
  - name: soc
    kind: webhook
    url: http://127.0.0.1:9/hook
    secret: { env: KEY }
    headers:
      Host: gateway.example
      Authorization: "Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789"
      X-Api-Key: { env: GW_KEY }
    minSeverity: critical
`,
      { KEY: 'k' },
    )
    expect(msg).toContain(
      'driftwatch.yml:7: alerts[0].headers.Host: The header Host cannot be set: HTTP sets it from the URL',
    )
    expect(msg).toContain(
      'driftwatch.yml:8: alerts[0].headers.Authorization: This looks like a GitHub token: secrets are never written in the file',
    )
    expect(msg).toContain(
      'driftwatch.yml:10: alerts[0].minSeverity: Lowest severity must be low, medium or high',
    )
    // With the rest right, the unset variable of a secret header is named at its line.
    const unset = await refused(
      `alerts:\n  - name: soc\n    kind: webhook\n    url: http://127.0.0.1:9/hook\n    secret: { env: KEY }\n    headers:\n      X-Api-Key: { env: GW_KEY }\n`,
      { KEY: 'k' },
    )
    expect(unset).toBe(
      'driftwatch.yml:7: alerts[0].headers.X-Api-Key: ${GW_KEY} is not set in the environment',
    )
  })
})

describe('bad content entries', () => {
  const policy = `policies:\n  - name: p\n    content: tiny\n    profile: ${TINY_PROFILE}\n`
  const tiny = { 'tiny-ds.xml': tinyBenchmark() }

  it('a missing file, a hash that does not match the pin, an unknown key; a good entry beside them is not imported', async () => {
    const sha = createHash('sha256').update(tinyBenchmark()).digest('hex')
    const wrong = 'ab'.repeat(32)
    const msg = await refused(
      `content:\n  - name: tiny\n    file: tiny-ds.xml\n  - name: gone\n    file: nowhere/ssg-ds.xml\n` +
        `  - name: pinned\n    file: tiny-ds.xml\n    sha256: ${wrong}\n${policy}`,
      {},
      tiny,
    )
    expect(msg).toContain('2 problems')
    expect(msg).toContain('driftwatch.yml:5: content[1].file: Cannot read nowhere/ssg-ds.xml: no such file')
    expect(msg).toContain(
      `driftwatch.yml:8: content[2].sha256: tiny-ds.xml has SHA-256 ${sha}, not the pinned ${wrong}: the file changed, or the pin is wrong`,
    )
    // An unknown key is found when the file is read, before any content is.
    const unknown = await refused('content:\n  - name: odd\n    file: tiny-ds.xml\n    sha: x\n', {}, tiny)
    expect(unknown).toBe(
      'driftwatch.yml:4: content[0].sha: Unknown key "sha" in a content entry (a SCAP datastream): expected one of name, file, sha256',
    )
  })

  it('not a datastream: an HTML page, a file with a DTD (entities refused, as content import refuses them), a folder', async () => {
    const msg = await refused(
      'content:\n  - name: page\n    file: page.xml\n  - name: dtd\n    file: dtd.xml\n  - name: dir\n    file: .\n',
      {},
      {
        'page.xml': '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        'dtd.xml': `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY big "boom">]>\n${tinyBenchmark().split('\n').slice(1).join('\n')}`,
      },
    )
    expect(msg).toMatch(
      /driftwatch\.yml:3: content\[0\]\.file: page\.xml is not a SCAP datastream Driftwatch can import: .*\{http:\/\/www\.w3\.org\/1999\/xhtml\}html/,
    )
    expect(msg).toContain(
      'driftwatch.yml:5: content[1].file: dtd.xml is not a SCAP datastream Driftwatch can import: The file declares a DOCTYPE; Driftwatch refuses DTDs and entities in SCAP content',
    )
    expect(msg).toContain('driftwatch.yml:7: content[2].file: Cannot read .: it is a folder')
  })

  it('a policy naming content that is neither an entry nor a SHA-256', async () => {
    const msg = await refused(policy.replace('content: tiny', 'content: tinny'))
    expect(msg).toBe(
      'driftwatch.yml:3: policies[0].content: No content named "tinny" under content: name an entry there, or give the SHA-256 (64 hex digits) of an imported datastream',
    )
  })
})

describe('bad report exports', () => {
  it('a folder that does not exist, a folder that cannot be written in, a file for a folder', async () => {
    const msg = await refused(
      `reports:\n  - name: a\n    cadence: weekly\n    day: mon\n    folder: missing-dir\n` +
        `  - name: b\n    cadence: weekly\n    day: tue\n    folder: /proc\n` +
        `  - name: c\n    cadence: weekly\n    day: wed\n    folder: note.txt\n`,
      {},
      { 'note.txt': 'x' },
    )
    expect(msg).toContain(
      'driftwatch.yml:5: reports[0].folder: The folder DIR/missing-dir does not exist: create it first',
    )
    expect(msg).toMatch(/driftwatch\.yml:9: reports\[1\]\.folder: Cannot write in the folder \/proc: E[A-Z]+/)
    expect(msg).toContain('driftwatch.yml:13: reports[2].folder: DIR/note.txt is not a folder')
  })

  it('exports that never fire: no day, day 32, a weekday that does not exist, a zone that does not exist, no format', async () => {
    const msg = await refused(
      `reports:\n  - name: a\n    cadence: monthly\n  - name: b\n    cadence: monthly\n    day: 32\n` +
        `  - name: c\n    cadence: weekly\n    day: someday\n  - name: d\n    cadence: weekly\n    day: fri\n    timezone: Mars/Olympus\n` +
        `  - name: e\n    cadence: weekly\n    day: fri\n    formats: []\n  - name: f\n    cadence: yearly\n    day: 1\n`,
    )
    expect(msg).toContain(
      'driftwatch.yml:2: reports[0].day: This report export never fires: give its day (1 to 31)',
    )
    expect(msg).toContain(
      'driftwatch.yml:6: reports[1].day: This report export never fires: Days of the month are 1 to 31, not 32',
    )
    expect(msg).toContain(
      'driftwatch.yml:9: reports[2].day: This report export never fires: Days of the week are mon, tue, wed, thu, fri, sat, sun (or 0 to 6, Sunday 0), not "someday"',
    )
    expect(msg).toMatch(
      /driftwatch\.yml:13: reports\[3\]\.timezone: This report export never fires: .*Mars\/Olympus/,
    )
    expect(msg).toContain(
      'driftwatch.yml:17: reports[4].formats: This report export writes nothing: give pdf, bundle or both',
    )
    expect(msg).toContain(
      'driftwatch.yml:19: reports[5].cadence: Cadence must be weekly or monthly, not "yearly"',
    )
  })
})
