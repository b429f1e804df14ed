// The SSH layer against a real sshd on 127.0.0.1: host key pinning and refusals, every auth path, sudo
// through stdin, commands that really stop on timeout and cancel, verified transfers, "Test connection".
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import fsp from 'node:fs/promises'
import { promisify } from 'node:util'
import { utils } from 'ssh2'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../src-main/core/store/db'
import { sqliteSql } from '../../src-main/core/store/sql/sqlite'
import { fingerprintOf } from '../../src-main/core/scanners/ssh-oscap/host-key'
import { HostKeyStore } from '../../src-main/core/scanners/ssh-oscap/host-key-store'
import { KnownHostsRepo } from '../../src-main/core/store/known-hosts'
import { SshError } from '../../src-main/core/scanners/ssh-oscap/ssh-common'
import { openSsh, type OpenSshOptions } from '../../src-main/core/scanners/ssh-oscap/ssh-connect'
import type { SshSession } from '../../src-main/core/scanners/ssh-oscap/ssh-session'
import { testSshConnection } from '../../src-main/core/scanners/ssh-oscap/ssh-test-connection'
import { startSshd, stopAll, freePort, type SshdService } from '../services/lib'
import { ed25519KeyPair } from '../helpers/ssh-keys'

const execFileAsync = promisify(execFile)

let sshd: SshdService
let rootKey: Buffer
let passphraseKey: Buffer
let db: Db
let pins: HostKeyStore
const sessions: SshSession[] = []

beforeAll(async () => {
  sshd = await startSshd({ name: 'ssh-layer' })
  rootKey = await fsp.readFile(sshd.privateKeyPath)
  passphraseKey = await fsp.readFile(sshd.passphraseKeyPath)
})

afterAll(async () => {
  await stopAll()
})

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close()
  db?.close()
})

/** A fresh store per test: pins from one test must not make another pass. */
function freshPins(): HostKeyStore {
  db = openDatabase(':memory:')
  pins = new HostKeyStore(new KnownHostsRepo(sqliteSql(db)))
  return pins
}

function opts(over: Partial<OpenSshOptions> = {}): OpenSshOptions {
  return {
    host: sshd.host,
    port: sshd.port,
    user: 'root',
    auth: { privateKey: rootKey },
    hostKeys: pins,
    trustFingerprint: sshd.hostKeyFingerprintSha256,
    connectTimeoutMs: 10_000,
    ...over,
  }
}

async function connect(over: Partial<OpenSshOptions> = {}): Promise<SshSession> {
  const s = await openSsh(opts(over))
  sessions.push(s)
  return s
}

function dwscan(): Partial<OpenSshOptions> {
  return { user: sshd.nonRootUser, auth: { password: Buffer.from(sshd.nonRootPassword) } }
}

async function refusal(p: Promise<unknown>): Promise<SshError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SshError)
  return err as SshError
}

async function processRunning(pattern: string): Promise<boolean> {
  const r = await execFileAsync('pgrep', ['-f', pattern]).catch(() => null)
  return !!r?.stdout.trim()
}

async function waitGone(pattern: string, ms = 8000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (!(await processRunning(pattern))) return true
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}

describe('host keys', () => {
  it('refuses an unknown host key, showing its fingerprint, and pins it once trusted', async () => {
    freshPins()
    const unknown = await refusal(openSsh(opts({ trustFingerprint: undefined })))
    expect(unknown.code).toBe('host_key_unknown')
    expect(unknown.message).toContain(sshd.hostKeyFingerprintSha256)
    expect(unknown.presented?.fingerprint).toBe(sshd.hostKeyFingerprintSha256)
    expect(pins.get(sshd.host, sshd.port)).toBeUndefined()

    const wrongTrust = await refusal(openSsh(opts({ trustFingerprint: 'SHA256:not-this-one' })))
    expect(wrongTrust.code).toBe('host_key_unknown')

    const first = await connect()
    expect(first.hostKey.status).toBe('trusted-now')
    const row = db.prepare('SELECT * FROM known_hosts').all() as Record<string, unknown>[]
    expect(row).toEqual([
      expect.objectContaining({
        host: '127.0.0.1',
        port: sshd.port,
        key_type: 'ssh-ed25519',
        fingerprint: sshd.hostKeyFingerprintSha256,
        public_key: sshd.hostPublicKey.split(' ').slice(0, 2).join(' '),
      }),
    ])
    const again = await connect({ trustFingerprint: undefined })
    expect(again.hostKey.status).toBe('pinned')
  })

  it('refuses a changed host key and shows both fingerprints', async () => {
    freshPins()
    const other = ed25519KeyPair()
    const [type, b64] = other.public.split(' ') as [string, string]
    const otherFp = fingerprintOf(Buffer.from(b64, 'base64'))
    pins.trust(sshd.host, sshd.port, type, otherFp, `${type} ${b64}`)
    const err = await refusal(openSsh(opts()))
    expect(err.code).toBe('host_key_changed')
    expect(err.message).toContain(`The host key of 127.0.0.1:${sshd.port} changed: pinned ${otherFp}, now`)
    expect(err.message).toContain(sshd.hostKeyFingerprintSha256)
    expect(err.message).toMatch(/remove the old pin/)
    // The old pin stays: a changed key never replaces it by itself, not even with a trust fingerprint.
    expect(pins.get(sshd.host, sshd.port)?.fingerprint).toBe(otherFp)
  })

  it('imports an OpenSSH known_hosts file', () => {
    freshPins()
    const ed = ed25519KeyPair().public.split(' ').slice(0, 2).join(' ')
    const rsa = utils.generateKeyPairSync('rsa', { bits: 2048 }).public.split(' ').slice(0, 2).join(' ')
    const text = [
      '# a comment',
      '',
      `web1.example.org,10.0.0.5 ${rsa} root@web1`,
      `web1.example.org ${ed}`,
      `[db.example.org]:2222 ${ed} comment here`,
      `|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ${ed}`,
      `|1|AAAAAAAAAAAAAAAAAAAAAAAAAAA=|BBBBBBBBBBBBBBBBBBBBBBBBBBB= ${rsa}`,
      `*.example.org ${ed}`,
      `@cert-authority *.example.org ${ed}`,
      'garbage line',
    ].join('\n')
    const r = pins.importKnownHosts(text)
    expect(r).toMatchObject({ added: 3, unchanged: 0, conflicts: [], hashed: 2, skipped: 4 })
    expect(r.reasons.map((s) => s.line)).toEqual([3, 6, 7, 8, 9, 10])
    expect(r.reasons[0]!.reason).toBe('web1.example.org:22: its ssh-ed25519 key on line 4 is pinned instead')
    expect(r.reasons[1]!.reason).toMatch(/hashed host name that matches no SSH target/)
    expect(r.reasons[3]!.reason).toMatch(/wildcard pattern/)
    expect(r.reasons[4]!.reason).toMatch(/^@cert-authority/)
    expect(r.reasons[5]!.reason).toBe('no key on the line')
    expect(r.pinned.map((p) => `${p.host}:${p.port} ${p.keyType}`).sort()).toEqual([
      '10.0.0.5:22 ssh-rsa',
      'db.example.org:2222 ssh-ed25519',
      'web1.example.org:22 ssh-ed25519',
    ])
    // The strongest key wins when a host lists several.
    expect(pins.get('web1.example.org', 22)?.publicKey).toBe(ed)
    expect(pins.get('10.0.0.5', 22)?.keyType).toBe('ssh-rsa')
    expect(pins.get('db.example.org', 2222)?.fingerprint).toBe(
      fingerprintOf(Buffer.from(ed.split(' ')[1]!, 'base64')),
    )
    expect(pins.importKnownHosts(`10.0.0.5 ${ed}\n[db.example.org]:2222 ${ed}\n`)).toMatchObject({
      added: 0,
      unchanged: 1,
      conflicts: ['10.0.0.5:22'],
    })
    expect(pins.forget('10.0.0.5', 22)).toBe(true)
    expect(pins.get('10.0.0.5', 22)).toBeUndefined()
  })

  it('imports hashed known_hosts entries (ssh-keygen -H) for the targets Driftwatch knows', async () => {
    freshPins()
    const dir = await fsp.mkdtemp('/tmp/dw-kh-')
    try {
      const line = (k: string) => k.split(' ').slice(0, 2).join(' ')
      const ed = line(ed25519KeyPair().public)
      const revokedKey = line(ed25519KeyPair().public)
      const file = `${dir}/known_hosts`
      await fsp.writeFile(
        file,
        [
          `web1.example.org,10.0.0.5 ${ed}`,
          `[db.example.org]:2222 ${revokedKey}`,
          `[127.0.0.1]:${sshd.port} ${line(sshd.hostPublicKey)}`,
          `not-registered.example.org ${ed}`,
          '',
        ].join('\n'),
      )
      await execFileAsync('ssh-keygen', ['-H', '-f', file])
      const hashed = await fsp.readFile(file, 'utf8')
      // OpenSSH wrote one |1|salt|hash line per name: no host name is left in the file.
      expect(hashed.trim().split('\n')).toHaveLength(5)
      expect(hashed).not.toMatch(/example|127\.0\.0\.1/)
      const text =
        '# hashed by ssh-keygen -H\n' +
        hashed +
        `@revoked * ${revokedKey}\n@cert-authority *.example.org ${ed}\n@unknown x ${ed}\n`
      const targets = [
        { host: 'WEB1.example.org', port: 22 },
        { host: '10.0.0.5', port: 22 },
        { host: 'db.example.org', port: 2222 },
        { host: sshd.host, port: sshd.port },
        { host: 'web1.example.org', port: 2200 },
      ]
      const r = pins.importKnownHosts(text, targets)
      expect(r).toMatchObject({ added: 3, unchanged: 0, conflicts: [], hashed: 1, skipped: 4 })
      expect(r.pinned.map((p) => `${p.host}:${p.port} ${p.hashed}`).sort()).toEqual([
        '10.0.0.5:22 true',
        '127.0.0.1:' + sshd.port + ' true',
        'web1.example.org:22 true',
      ])
      const reasons = r.reasons.map((x) => x.reason)
      expect(reasons).toContain(
        'a hashed host name that matches no SSH target in Driftwatch: add the target, then import again',
      )
      expect(reasons.find((x) => x.startsWith('db.example.org:2222'))).toMatch(
        /is marked @revoked in this file/,
      )
      expect(reasons).toContain('@cert-authority: a CA for host certificates; Driftwatch pins host keys only')
      expect(reasons).toContain('unknown marker @unknown')
      expect(pins.get('db.example.org', 2222)).toBeUndefined()
      expect(pins.get('web1.example.org', 2200)).toBeUndefined()
      // The pin from a hashed line is the one the host presents: the connection trusts it without asking.
      const s = await connect({ trustFingerprint: undefined })
      expect(s.hostKey.status).toBe('pinned')
      expect(s.hostKey.fingerprint).toBe(sshd.hostKeyFingerprintSha256)
    } finally {
      await fsp.rm(dir, { recursive: true, force: true })
    }
  })

  it('trusts a key imported from known_hosts without asking', async () => {
    freshPins()
    expect(pins.importKnownHosts(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`).added).toBe(1)
    const s = await connect({ trustFingerprint: undefined })
    expect(s.hostKey.status).toBe('pinned')
  })
})

describe('login', () => {
  it('logs in as root with a key and runs oscap --version', async () => {
    freshPins()
    const s = await connect()
    const r = await s.exec('oscap --version')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/OpenSCAP command line tool \(oscap\) \d+\.\d+/)
    expect(r.stderr).not.toContain('DW-PGID')
    expect((await s.exec('id -un; echo oops >&2; exit 3')).valueOf()).toEqual({
      code: 3,
      stdout: 'root\n',
      stderr: 'oops\n',
    })
  })

  it('opens a passphrase-protected key; says clearly when its passphrase is missing or wrong', async () => {
    freshPins()
    const s = await connect({ auth: { privateKey: passphraseKey, passphrase: Buffer.from(sshd.passphrase) } })
    expect((await s.exec('id -u')).stdout).toBe('0\n')
    const missing = await refusal(openSsh(opts({ auth: { privateKey: passphraseKey } })))
    expect(missing.code).toBe('key_unreadable')
    expect(missing.message).toMatch(/protected by a passphrase/)
    const wrong = await refusal(
      openSsh(opts({ auth: { privateKey: passphraseKey, passphrase: Buffer.from('not-the-passphrase') } })),
    )
    expect(wrong.code).toBe('key_unreadable')
    expect(wrong.message).not.toContain('not-the-passphrase')
  })

  it('logs in with a key held by ssh-agent', async () => {
    freshPins()
    const dir = await fsp.mkdtemp('/tmp/dw-agent-')
    const sock = `${dir}/agent.sock`
    const { stdout } = await execFileAsync('ssh-agent', ['-a', sock, '-s'])
    const pid = /SSH_AGENT_PID=(\d+)/.exec(stdout)![1]!
    try {
      await execFileAsync('ssh-add', [sshd.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock } })
      const s = await connect({ auth: { agent: sock } })
      expect((await s.exec('id -u')).stdout).toBe('0\n')
      const empty = await refusal(openSsh(opts({ auth: { agent: `${dir}/none.sock` } })))
      expect(empty.code).toBe('auth_failed')
    } finally {
      process.kill(Number(pid))
      await fsp.rm(dir, { recursive: true, force: true })
    }
  })

  it('never uses chacha20-poly1305 (Electron has no BoringSSL cipher for it): a server offering only it is refused clearly', async () => {
    freshPins()
    const only = await startSshd({
      name: 'chacha-only',
      extraConfig: ['Ciphers chacha20-poly1305@openssh.com'],
    })
    const err = await refusal(
      openSsh({ ...opts(), port: only.port, trustFingerprint: only.hostKeyFingerprintSha256 }),
    )
    expect(err.message).toMatch(/share no SSH algorithm/)
    await only.stop()
  })

  it('reports a key the server does not accept as auth_failed', async () => {
    freshPins()
    const stranger = Buffer.from(ed25519KeyPair().private)
    const err = await refusal(openSsh(opts({ auth: { privateKey: stranger } })))
    expect(err.code).toBe('auth_failed')
    expect(err.message).toContain('The server refused the key for user root')
  })

  it('reports a wrong password as auth_failed without echoing it', async () => {
    freshPins()
    const secret = 'wrong-pass-7d1e0c'
    const err = await refusal(
      openSsh(opts({ user: sshd.nonRootUser, auth: { password: Buffer.from(secret) } })),
    )
    expect(err.code).toBe('auth_failed')
    expect(err.message).toContain(`The server refused the password for user ${sshd.nonRootUser}`)
    expect(err.message).not.toContain(secret)
  })

  it('reports a closed port as unreachable', async () => {
    freshPins()
    const port = await freePort()
    const err = await refusal(openSsh(opts({ port })))
    expect(err.code).toBe('unreachable')
    expect(err.message).toContain(`Nothing answers on 127.0.0.1:${port}`)
  })
})

describe('sudo', () => {
  it('gives root to a password user with the sudo password on stdin, never on the command line', async () => {
    freshPins()
    const s = await connect(dwscan())
    expect((await s.exec('id -un')).stdout.trim()).toBe(sshd.nonRootUser)
    const password = Buffer.from(sshd.nonRootPassword)
    const r = await s.sudo('id -u', 'password', password)
    expect(r).toMatchObject({ code: 0, stdout: '0\n' })
    // The command's own stdin follows the password line.
    const cat = await s.sudo('cat', 'password', password, { stdin: Buffer.from('hello\n') })
    expect(cat.stdout).toBe('hello\n')
    // While a sudo command runs, no process on the host shows the password in its arguments.
    const running = s.sudo('sleep 3', 'password', password)
    await new Promise((r) => setTimeout(r, 1000))
    const ps = await execFileAsync('ps', ['-eo', 'args'])
    expect(ps.stdout).toContain('sleep 3')
    expect(ps.stdout).not.toContain(sshd.nonRootPassword)
    await running
  })

  it('refuses a wrong sudo password with sudo_failed and no secret in the message', async () => {
    freshPins()
    const s = await connect(dwscan())
    const wrong = 'wrong-sudo-9f3b7a'
    const err = await refusal(s.sudo('id -u', 'password', Buffer.from(wrong)))
    expect(err.code).toBe('sudo_failed')
    expect(err.message).toContain(`sudo refused the password for ${sshd.nonRootUser}`)
    expect(err.message).not.toContain(wrong)
    expect(err.message).not.toContain(sshd.nonRootPassword)
    const nopasswd = await refusal(s.sudo('id -u', 'nopasswd'))
    expect(nopasswd.code).toBe('sudo_failed')
    expect(nopasswd.message).toMatch(/asks dwscan for a password/)
  })
})

describe('commands', () => {
  it('stops the remote command on timeout', async () => {
    freshPins()
    const s = await connect()
    const started = Date.now()
    const err = await refusal(s.exec('sleep 1234', { timeoutMs: 1000 }))
    expect(err.code).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(3000)
    expect(await waitGone('^sleep 1234')).toBe(true)
    // The session stays usable.
    expect((await s.exec('echo still here')).stdout).toBe('still here\n')
  })

  it('stops the remote command on cancel, also a compound one, and under sudo', async () => {
    freshPins()
    const root = await connect()
    const ac = new AbortController()
    const run = root.exec('sleep 1235; echo after', { signal: ac.signal })
    await expect.poll(() => processRunning('^sleep 1235')).toBe(true)
    ac.abort()
    expect((await refusal(run)).code).toBe('cancelled')
    expect(await waitGone('^sleep 1235')).toBe(true)

    const user = await connect(dwscan())
    const ac2 = new AbortController()
    const viaSudo = user.sudo('sleep 1236', 'password', Buffer.from(sshd.nonRootPassword), {
      signal: ac2.signal,
    })
    await expect.poll(() => processRunning('^sleep 1236')).toBe(true)
    ac2.abort()
    expect((await refusal(viaSudo)).code).toBe('cancelled')
    expect(await waitGone('sleep 1236')).toBe(true)
  })

  it('streams stdout as it comes', async () => {
    freshPins()
    const s = await connect()
    const chunks: string[] = []
    const r = await s.exec('echo one; sleep 0.3; echo two', { onStdout: (c) => chunks.push(c) })
    expect(chunks.length).toBeGreaterThanOrEqual(2)
    expect(chunks.join('')).toBe(r.stdout)
  })

  it('fails a running command with disconnected when the connection is cut', async () => {
    freshPins()
    const s = await connect()
    // $PPID of the command is the sshd process serving this connection.
    const err = await refusal(s.exec('sleep 0.2; kill -9 $PPID; sleep 5'))
    expect(err.code).toBe('disconnected')
    expect(err.message).toContain('was cut')
  })
})

describe('files', () => {
  it('makes a temp dir, uploads with a verified SHA-256, downloads compressed, and cleans up', async () => {
    freshPins()
    const s = await connect(dwscan())
    const dir = await s.mktemp()
    expect(dir).toMatch(/^\/tmp\/driftwatch\.[A-Za-z0-9]{8}$/)
    const data = Buffer.concat([randomBytes(3 * 1024 * 1024 + 17), Buffer.from('<xml/>'.repeat(100_000))])
    await s.upload(data, `${dir}/ds.xml`)
    expect((await fsp.readFile(`${dir}/ds.xml`)).equals(data)).toBe(true)
    const back = await s.download(`${dir}/ds.xml`)
    expect(back.equals(data)).toBe(true)
    const missing = await refusal(s.download(`${dir}/nope.xml`))
    expect(missing.code).toBe('command_failed')
    await expect(s.cleanup('/tmp')).rejects.toThrow(/not a Driftwatch temporary folder/)
    await expect(s.cleanup(`${dir}/../x`)).rejects.toThrow(/not a Driftwatch temporary folder/)
    await s.cleanup(dir)
    expect(existsSync(dir)).toBe(false)
  })

  it('refuses an upload it cannot write', async () => {
    freshPins()
    const s = await connect(dwscan())
    const err = await refusal(s.upload(Buffer.from('x'), '/root/not-allowed.xml'))
    expect(err.code).toBe('upload_failed')
  })
})

describe('testSshConnection', () => {
  it('reports every step ok for root', async () => {
    freshPins()
    const r = await testSshConnection({ ...opts(), sudo: 'none' })
    expect(r.steps.map((s) => [s.step, s.ok])).toEqual([
      ['reachability', true],
      ['host key', true],
      ['auth', true],
      ['os', true],
      ['oscap', true],
      ['sudo', true],
      ['temp space', true],
    ])
    expect(r.ok).toBe(true)
    expect(r.steps.find((s) => s.step === 'oscap')?.detail).toMatch(/^OpenSCAP \d/)
    expect(r.steps.find((s) => s.step === 'os')?.detail).toMatch(/Linux/)
  })

  it('reports a missing oscap with the fix, and sudo by password for a non-root user', async () => {
    freshPins()
    const r = await testSshConnection({
      ...opts(dwscan()),
      sudo: 'password',
      sudoPassword: Buffer.from(sshd.nonRootPassword),
      oscapCommand: 'env PATH=/nonexistent oscap',
    })
    const oscap = r.steps.find((s) => s.step === 'oscap')
    expect(oscap).toMatchObject({
      ok: false,
      fix: expect.stringContaining('install openscap-scanner on the target'),
    })
    expect(r.steps.find((s) => s.step === 'sudo')).toMatchObject({ ok: true })
    expect(r.ok).toBe(false)
    expect(JSON.stringify(r)).not.toContain(sshd.nonRootPassword)
  })

  it('reports an unknown host key, a wrong sudo password and a closed port as failed steps', async () => {
    freshPins()
    const unknown = await testSshConnection({ ...opts({ trustFingerprint: undefined }), sudo: 'none' })
    expect(unknown.steps.at(-1)).toMatchObject({ step: 'host key', ok: false })
    expect(unknown.message).toContain(sshd.hostKeyFingerprintSha256)

    const wrong = 'wrong-sudo-3c4d'
    const badSudo = await testSshConnection({
      ...opts(dwscan()),
      sudo: 'password',
      sudoPassword: Buffer.from(wrong),
    })
    expect(badSudo.steps.find((s) => s.step === 'sudo')).toMatchObject({ ok: false })
    expect(JSON.stringify(badSudo)).not.toContain(wrong)

    const closed = await testSshConnection({ ...opts({ port: await freePort() }), sudo: 'none' })
    expect(closed.steps).toEqual([expect.objectContaining({ step: 'reachability', ok: false })])
  })
})
