// Scanning a Linux host over SSH end to end, against the real sshd from test/services (this machine, with
// oscap and the widened Debian 11 datastream): first-contact trust, root by key, a non-root user with a
// sudo password on stdin, parity with a local oscap run, and a wrong sudo password refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { startSshd, stopAll, widenedDebian11Datastream, type SshdService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const tmp = useTmpDirs('all')
let sshd: SshdService
let core: Core
let sha256: string

beforeAll(async () => {
  const dir = tmp.make('dw-scan-ssh-')
  sshd = await startSshd({ name: 'scan' })
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  sha256 = (await call(core, 'content.import', { path: await widenedDebian11Datastream(dir) })).sha256
  await call(core, 'vault.init', { passphrase: 'scan over ssh passphrase' })
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

async function scan(targetId: string, trustHostKey?: string) {
  const { scanId } = await call(core, 'scan.start', { targetId, sha256, profileId: PROFILE, trustHostKey })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

describe('scanning over SSH', () => {
  it('refuses an unknown host key with its fingerprint, then scans as root by key once it is trusted', async () => {
    const key = await call(core, 'credentials.create', {
      credential: {
        kind: 'ssh-key',
        name: 'root key',
        secret: { privateKey: readFileSync(sshd.privateKeyPath, 'utf8') },
      },
    })
    const target = await call(core, 'targets.create', {
      target: {
        kind: 'ssh',
        name: 'box',
        host: '127.0.0.1',
        port: sshd.port,
        user: 'root',
        credentialId: key.id,
      },
    })
    const refused = await scan(target.id)
    expect(refused.scan.state).toBe('failed')
    expect(refused.scan.error).toContain(sshd.hostKeyFingerprintSha256)

    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('driftwatch.'))
    const done = await scan(target.id, sshd.hostKeyFingerprintSha256)
    expect(done.scan.state, done.scan.error).toBe('done')
    expect(done.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(0)
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('driftwatch.'))).toEqual(before)

    // Same host, same content and profile: the same statuses as a scan of this computer.
    const local = await call(core, 'targets.create', { target: { kind: 'local', name: 'here' } })
    const here = await scan(local.id)
    expect(new Map(done.results.map((r) => [r.ruleId, r.status]))).toEqual(
      new Map(here.results.map((r) => [r.ruleId, r.status])),
    )

    // Pinned now: the next scan needs no trust.
    expect((await scan(target.id)).scan.state).toBe('done')
  }, 120_000)

  it('scans as a non-root user with the sudo password on stdin, and refuses a wrong one', async () => {
    const login = await call(core, 'credentials.create', {
      credential: { kind: 'ssh-password', name: 'dwscan login', secret: { password: sshd.nonRootPassword } },
    })
    const sudo = await call(core, 'credentials.create', {
      credential: { kind: 'sudo-password', name: 'dwscan sudo', secret: { password: sshd.nonRootPassword } },
    })
    const target = await call(core, 'targets.create', {
      target: {
        kind: 'ssh',
        name: 'box as dwscan',
        host: '127.0.0.1',
        port: sshd.port,
        user: sshd.nonRootUser,
        auth: 'password',
        credentialId: login.id,
        sudo: 'password',
        sudoCredentialId: sudo.id,
      },
    })
    const done = await scan(target.id)
    expect(done.scan.state, done.scan.error).toBe('done')
    expect(done.results.length).toBeGreaterThan(20)

    await call(core, 'credentials.update', { id: sudo.id, secret: { password: 'not the sudo password' } })
    const refused = await scan(target.id)
    expect(refused.scan.state).toBe('failed')
    expect(refused.scan.error).toMatch(/sudo refused the password/)
    expect(refused.scan.error).not.toContain('not the sudo password')
  }, 120_000)
})
