// Scanning a group of new SSH hosts through the core's group scan, from the CLI and the contract: each host's
// confirmed key goes with it, a wrong one fails that host alone, and confirmations outside the group are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSshd, stopAll, widenedDebian11Datastream, type SshdService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call, callError, useCores } from '../helpers/core'
import { ensureBuilt, runCli } from '../helpers/cli'
import { cliScanFolder } from '../helpers/ssh-target'

const tmp = useTmpDirs('all')
const cores = useCores()
let a: SshdService
let b: SshdService
let datastream: string

beforeAll(async () => {
  ;[a, b] = await Promise.all([startSshd({ name: 'group-a' }), startSshd({ name: 'group-b' })])
  datastream = await widenedDebian11Datastream(tmp.make('dw-scan-group-ds-'))
}, 120_000)

afterAll(async () => {
  await stopAll()
})

describe('scan.startGroup with host-key confirmations', () => {
  it('refuses a confirmation for a target outside the group or one with no host key, naming it', async () => {
    const core = cores.open()
    const ssh = await call(core, 'targets.create', {
      target: { kind: 'ssh', name: 'lab-a', host: '127.0.0.1', port: a.port, user: 'root', groups: ['lab'] },
    })
    const local = await call(core, 'targets.create', {
      target: { kind: 'local', name: 'lab-pc', groups: ['lab'] },
    })
    const outside = await call(core, 'targets.create', {
      target: { kind: 'ssh', name: 'elsewhere', host: '127.0.0.1', port: b.port, user: 'root' },
    })
    const fp = a.hostKeyFingerprintSha256
    const notMember = await callError(core, 'scan.startGroup', {
      group: 'lab',
      trustHostKeys: { [outside.id]: fp },
    })
    expect(notMember.code).toBe('validation')
    expect(notMember.issues).toEqual([
      { path: `trustHostKeys.${outside.id}`, message: `No target "${outside.id}" in the group "lab"` },
    ])
    const noKey = await callError(core, 'scan.startGroup', {
      group: 'lab',
      trustHostKeys: { [local.id]: fp },
    })
    expect(noKey.issues).toEqual([
      { path: `trustHostKeys.${local.id}`, message: 'lab-pc has no host key to confirm' },
    ])
    const badFormat = await callError(core, 'scan.startGroup', {
      group: 'lab',
      trustHostKeys: { [ssh.id]: 'md5:aa:bb' },
    })
    expect(badFormat.issues.map((i) => i.message)).toEqual(['A fingerprint looks like SHA256:…'])
    // Nothing started for any of these.
    expect((await call(core, 'scans.list', {})).scans).toEqual([])
  })
})

describe('driftwatch scan GROUP of new SSH hosts', () => {
  it('scans both through the group scan with their confirmations; a wrong one fails only that host', async () => {
    ensureBuilt()
    const dataDir = tmp.make('dw-scan-group-cli-')
    const { env, cli, addRootKeyTarget } = await cliScanFolder(dataDir, 'scan a group over ssh', datastream)
    await addRootKeyTarget('lab-a', a, '--group', 'Lab')
    await addRootKeyTarget('lab-b', b, '--group', 'Lab')
    const scanLab = (...extra: string[]) =>
      runCli(['scan', 'lab', '--profile', 'standard', ...extra, '--data-dir', dataDir], { env })

    // lab-b is "confirmed" with lab-a's key: its scan is refused, lab-a's runs and is pinned.
    const wrong = await scanLab(
      '--trust-host-key',
      `lab-a=${a.hostKeyFingerprintSha256}`,
      '--trust-host-key',
      `LAB-B=${a.hostKeyFingerprintSha256}`,
    )
    expect(wrong.code, wrong.stderr).toBe(1)
    expect(wrong.stdout).toMatch(/^lab-a: score [\d.]+% · \d+ pass · [1-9]\d* fail/)
    expect(wrong.stdout).toContain(
      `lab-b: failed — 127.0.0.1:${b.port} is not known yet; its host key fingerprint is ${b.hostKeyFingerprintSha256}`,
    )
    const hosts = await cli('hosts', 'list')
    expect(hosts).toContain(`127.0.0.1:${a.port}  ssh-ed25519  ${a.hostKeyFingerprintSha256}`)
    expect(hosts).not.toContain(`127.0.0.1:${b.port}`)

    // A name that is no SSH host of the group is a usage error, before anything is scanned.
    const stray = await scanLab('--trust-host-key', `nobody=${b.hostKeyFingerprintSha256}`)
    expect(stray.code).toBe(64)
    expect(stray.stderr).toContain('--trust-host-key nobody=')

    // With the right key for lab-b, both are scanned, side by side (the core's group scan runs them at once).
    const both = await scanLab('--trust-host-key', `lab-b=${b.hostKeyFingerprintSha256}`, '--json')
    expect(both.code, both.stderr).toBe(2)
    const runs = JSON.parse(both.stdout) as {
      target: string
      scan: { state: string; trigger: string; startedAt: string; finishedAt: string }
    }[]
    expect(runs.map((r) => [r.target, r.scan.state, r.scan.trigger])).toEqual([
      ['lab-a', 'done', 'group'],
      ['lab-b', 'done', 'group'],
    ])
    const [ra, rb] = runs.map((r) => r.scan)
    expect(ra!.startedAt < rb!.finishedAt && rb!.startedAt < ra!.finishedAt).toBe(true)
    expect(await cli('hosts', 'list')).toContain(
      `127.0.0.1:${b.port}  ssh-ed25519  ${b.hostKeyFingerprintSha256}`,
    )
  }, 300_000)
})
