// Scanning a Linux host over SSH end to end, against the real sshd from test/services (this machine, with
// oscap and the widened Debian 11 datastream): first-contact trust, root by key, a non-root user with a
// sudo password on stdin, parity with a local oscap run, and a wrong sudo password refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { parseArf } from '../../src-main/core/scap/arf'
import { startSshd, stopAll, widenedDebian11Datastream, type SshdService } from '../services/lib'
import { ed25519KeyPair } from '../helpers/ssh-keys'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { importContentFile } from '../helpers/files'
import { cliScanFolder, rootKeyCredential, rootKeyTarget } from '../helpers/ssh-target'
import { ensureBuilt, runCli } from '../helpers/cli'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const tmp = useTmpDirs('all')
let sshd: SshdService
let core: Core
let sha256: string
let datastream: string

beforeAll(async () => {
  const dir = tmp.make('dw-scan-ssh-')
  sshd = await startSshd({ name: 'scan' })
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  datastream = await widenedDebian11Datastream(dir)
  sha256 = (await importContentFile(core, datastream)).sha256
  await call(core, 'vault.init', { passphrase: 'scan over ssh passphrase' })
}, 120_000)

afterAll(async () => {
  core?.close()
  await stopAll()
})

/** The processes below `pid` (from /proc), with their parent and command name. */
function descendants(pid: number): { pid: number; ppid: number; comm: string }[] {
  const all = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .flatMap((n) => {
      try {
        const m = /^(\d+) \((.*)\) \S+ (\d+)/.exec(readFileSync(`/proc/${n}/stat`, 'utf8'))
        return m ? [{ pid: Number(m[1]), comm: m[2]!, ppid: Number(m[3]) }] : []
      } catch {
        return [] // gone meanwhile
      }
    })
  const below: typeof all = []
  const parents = new Set([pid])
  for (let grew = true; grew;) {
    grew = false
    for (const p of all)
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid)
        below.push(p)
        grew = true
      }
  }
  return below
}

const listenerOf = (sshd: SshdService) => Number(readFileSync(sshd.pidFile, 'utf8').trim())

/** The host goes away: sshd's listener first, then its sessions, so nobody can log in again to clean up. */
function goAway(sshd: SshdService): void {
  const listener = listenerOf(sshd)
  const sessions = descendants(listener).filter((p) => p.ppid === listener)
  process.kill(listener, 'SIGKILL')
  for (const p of sessions) process.kill(p.pid, 'SIGKILL')
}

/** Scans and waits; `workDirs` are the temp dirs the scan announced on the host (this machine). */
async function scan(targetId: string, trustHostKey?: string) {
  const workDirs: string[] = []
  const off = core.subscribe((name, p) => {
    const m =
      name === 'scan.progress' ? /^Working in (\S+) on /.exec((p as { message: string }).message) : null
    if (m && (p as { targetId: string }).targetId === targetId) workDirs.push(m[1]!)
  })
  const { scanId } = await call(core, 'scan.start', { targetId, sha256, profileId: PROFILE, trustHostKey })
  await core.idle()
  off()
  return { ...(await call(core, 'scan.results', { scanId })), workDirs }
}

describe('scanning over SSH', () => {
  it('refuses an unknown host key with its fingerprint, then scans as root by key once it is trusted', async () => {
    const targetId = await rootKeyTarget(core, sshd, 'box')
    const refused = await scan(targetId)
    expect(refused.scan.state).toBe('failed')
    expect(refused.scan.error).toContain(sshd.hostKeyFingerprintSha256)

    const done = await scan(targetId, sshd.hostKeyFingerprintSha256)
    expect(done.scan.state, done.scan.error).toBe('done')
    expect(done.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(0)
    expect(done.workDirs).toHaveLength(1)
    expect(done.workDirs.filter((d) => existsSync(d))).toEqual([])

    // Parity with oscap-ssh itself: the same host, content and profile give every rule the same status.
    const arfPath = join(tmp.make('dw-oscap-ssh-'), 'arf.xml')
    const knownHosts = join(tmp.make('dw-kh-'), 'known_hosts')
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`)
    try {
      execFileSync(
        'oscap-ssh',
        [
          'root@127.0.0.1',
          String(sshd.port),
          'xccdf',
          'eval',
          '--profile',
          PROFILE,
          '--results-arf',
          arfPath,
          datastream,
        ],
        {
          env: {
            ...process.env,
            SSH_ADDITIONAL_OPTIONS: `-i ${sshd.privateKeyPath} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      )
    } catch (err) {
      // oscap exits 2 when some rules fail: a result, like ours.
      if ((err as { status?: number }).status !== 2) throw err
    }
    const theirs = await parseArf(readFileSync(arfPath))
    const statuses = (rs: { ruleId: string; status: string }[]) =>
      new Map(rs.filter((r) => r.status !== 'notselected').map((r) => [r.ruleId, r.status]))
    expect(statuses(theirs.results).size).toBeGreaterThan(20)
    expect(statuses(done.results)).toEqual(statuses(theirs.results))

    // Pinned now: the next scan needs no trust.
    expect((await scan(targetId)).scan.state).toBe('done')
  }, 120_000)

  it('scans as a non-root user with the sudo password on stdin, refuses a wrong one and leaves nothing on the host', async () => {
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
    // The benchmark copy uploaded before sudo refused is removed all the same (as the login user: oscap never ran).
    expect(refused.workDirs).toHaveLength(1)
    expect(refused.workDirs.filter((d) => existsSync(d))).toEqual([])
  }, 120_000)
})

describe('hashed known_hosts (HashKnownHosts yes, the Debian and Ubuntu default)', () => {
  it('pins the key of a registered target from ssh-keyscan -H output, then trusts it', async () => {
    const hashedHost = await startSshd({ name: 'hashed' })
    const targetId = await rootKeyTarget(core, hashedHost, 'hashed box')
    // What ~/.ssh/known_hosts holds on Debian after a first login: host names only as |1|salt|hash.
    const text = execFileSync('ssh-keyscan', ['-H', '-p', String(hashedHost.port), '127.0.0.1'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    expect(text).toMatch(/^\|1\|/)
    expect(text).not.toContain('127.0.0.1')
    const report = await call(core, 'knownHosts.import', { text })
    expect(report.added).toBe(1)
    expect(report.pinned).toEqual([
      {
        host: '127.0.0.1',
        port: hashedHost.port,
        keyType: 'ssh-ed25519',
        fingerprint: hashedHost.hostKeyFingerprintSha256,
        hashed: true,
      },
    ])
    const tested = await call(core, 'targets.testConnection', { id: targetId })
    expect(tested.status, tested.message).toBe('ok')
    expect(tested.steps.find((s) => s.step === 'host key')?.detail).toBe(
      `Matches the pinned ssh-ed25519 key ${hashedHost.hostKeyFingerprintSha256}`,
    )
  }, 60_000)
})

describe('refusals, each with a message that says what happened', () => {
  let keyId: string
  const target = async (name: string, over: Record<string, unknown> = {}, port = sshd.port) =>
    (
      await call(core, 'targets.create', {
        target: { kind: 'ssh', name, host: '127.0.0.1', port, user: 'root', credentialId: keyId, ...over },
      })
    ).id

  beforeAll(async () => {
    keyId = await rootKeyCredential(core, sshd, 'root key for refusals')
  })

  it('refuses a changed host key, showing both fingerprints, and stores nothing', async () => {
    // This host:port was pinned (from a known_hosts file) to one key; the server there now presents another.
    const replaced = await startSshd({ name: 'replaced' })
    const report = await call(core, 'knownHosts.import', {
      text: `[127.0.0.1]:${replaced.port} ${sshd.hostPublicKey}\n`,
    })
    expect(report.added).toBe(1)
    // Its own credential: a credential is bound to the first address it is used at (SECURITY.md 10).
    const replacedKey = await rootKeyCredential(core, replaced, 'replaced root key')
    const refused = await scan(await target('replaced box', { credentialId: replacedKey }, replaced.port))
    expect(refused.scan.state).toBe('failed')
    expect(refused.scan.error).toMatch(/host key of 127\.0\.0\.1:\d+ changed/)
    expect(refused.scan.error).toContain(`pinned ${sshd.hostKeyFingerprintSha256}`)
    expect(refused.scan.error).toContain(`now ${replaced.hostKeyFingerprintSha256}`)
    expect(refused.results).toEqual([])
  }, 60_000)

  it('refuses a key the server does not accept', async () => {
    const wrong = await call(core, 'credentials.create', {
      credential: {
        kind: 'ssh-key',
        name: 'not authorised',
        secret: { privateKey: ed25519KeyPair().private },
      },
    })
    const refused = await scan(await target('wrong key box', { credentialId: wrong.id }))
    expect(refused.scan.state).toBe('failed')
    expect(refused.scan.error).toMatch(/refused the key for user root/)
  })

  it('says oscap is missing on the target and how to install it', async () => {
    const bin = tmp.make('dw-no-oscap-')
    mkdirSync(join(bin, 'bin'))
    symlinkSync('/bin/sh', join(bin, 'bin', 'sh'))
    const bare = await startSshd({ name: 'no-oscap', extraConfig: [`SetEnv PATH=${join(bin, 'bin')}`] })
    const bareKey = await rootKeyCredential(core, bare, 'no-oscap root key')
    const id = await target('no oscap box', { credentialId: bareKey }, bare.port)
    const refused = await scan(id, bare.hostKeyFingerprintSha256)
    expect(refused.scan.state).toBe('failed')
    expect(refused.scan.error).toMatch(
      /oscap is not installed on root@127\.0\.0\.1:\d+: install openscap-scanner/,
    )
  }, 60_000)

  it('fails a scan whose connection is cut, cleans the temp dir by logging in again, stores nothing', async () => {
    const id = await target('cut box')
    let cut = false
    const off = core.subscribe((name, payload) => {
      const p = payload as { phase?: string; targetId?: string; done?: number }
      // Mid-scan: oscap has reported a few rules. Kill sshd's per-connection processes (the listener stays).
      if (name === 'scan.progress' && p.targetId === id && p.phase === 'rule' && (p.done ?? 0) >= 5 && !cut) {
        cut = true
        const pid = readFileSync(sshd.pidFile, 'utf8').trim()
        execFileSync('pkill', ['-KILL', '-P', pid])
      }
    })
    let workDirs: string[]
    try {
      const refused = await scan(id)
      workDirs = refused.workDirs
      expect(cut).toBe(true)
      expect(refused.scan.state).toBe('failed')
      expect(refused.scan.error).toMatch(/connection to root@127\.0\.0\.1:\d+ was cut/)
      expect(refused.results).toEqual([])
      expect(refused.scan.score).toBeNull()
    } finally {
      off()
    }
    // Removed by logging in again after the cut (the folder was announced before oscap started).
    expect(workDirs).toHaveLength(1)
    expect(workDirs.filter((d) => existsSync(d))).toEqual([])
    // The host is fine afterwards: the next scan completes.
    expect((await scan(id)).scan.state).toBe('done')
  }, 120_000)
})

describe('a host that goes away mid-scan', () => {
  it('says what the scan left there, naming the folder, in its events and the audit log', async () => {
    const gone = await startSshd({ name: 'gone' })
    const id = await rootKeyTarget(core, gone, 'gone box')
    const left: string[] = []
    let cut = false
    const off = core.subscribe((name, payload) => {
      const p = payload as { phase?: string; targetId?: string; done?: number; message?: string }
      if (name === 'scan.leftover' && p.targetId === id) left.push(p.message!)
      if (name === 'scan.progress' && p.targetId === id && p.phase === 'rule' && (p.done ?? 0) >= 5 && !cut) {
        cut = true
        goAway(gone)
      }
    })
    let workDirs: string[] = []
    try {
      const failed = await scan(id, gone.hostKeyFingerprintSha256)
      workDirs = failed.workDirs
      expect(cut).toBe(true)
      expect(failed.scan.state).toBe('failed')
      expect(workDirs).toHaveLength(1)
      // Still there, truly, and said so: the folder, the host, why, and what to do.
      expect(existsSync(workDirs[0]!)).toBe(true)
      expect(left).toHaveLength(1)
      expect(left[0]).toContain(
        `Could not remove ${workDirs[0]} on root@127.0.0.1:${gone.port} after the scan`,
      )
      expect(left[0]).toMatch(/remove it by hand$/)
      const audit = await call(core, 'audit.list', { limit: 50 })
      const entry = audit.entries.find((e) => e.action === 'scan.leftover')
      expect(entry?.subject).toBe(id)
      expect(audit.intact).toBe(true)
    } finally {
      off()
      for (const d of workDirs) rmSync(d, { recursive: true, force: true })
      await gone.stop()
    }
  }, 60_000)

  it('driftwatch scan prints what it left there after the results', async () => {
    ensureBuilt()
    const gone = await startSshd({ name: 'gone-cli' })
    const dataDir = tmp.make('dw-scan-ssh-gone-cli-')
    const { env, addRootKeyTarget } = await cliScanFolder(dataDir, 'a host that goes away', datastream)
    await addRootKeyTarget('gone-box', gone)
    const listener = listenerOf(gone)
    const running = runCli(
      [
        'scan',
        'gone-box',
        '--profile',
        'standard',
        '--trust-host-key',
        gone.hostKeyFingerprintSha256,
        '--data-dir',
        dataDir,
      ],
      { env },
    )
    // Once oscap runs under this sshd, it goes away.
    let ended = false
    void running.then(() => (ended = true))
    while (!descendants(listener).some((p) => p.comm === 'oscap')) {
      if (ended) {
        const r = await running
        throw new Error(`the scan ended before oscap ran: exit ${r.code}\n${r.stdout}\n${r.stderr}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    goAway(gone)
    const r = await running
    const dir = /Could not remove (\/tmp\/driftwatch\.\w+) on /.exec(r.stderr)?.[1]
    try {
      expect(r.code, r.stderr).toBe(1)
      expect(r.stdout).toMatch(/^gone-box: failed — /)
      // A line of its own on stderr, after the results, among the log's lines.
      const said = r.stderr.split('\n').filter((l) => l.startsWith('warning: '))
      expect(said).toHaveLength(1)
      expect(said[0]).toContain(
        `warning: gone-box: Could not remove ${dir} on root@127.0.0.1:${gone.port} after the scan (Nothing answers on`,
      )
      expect(said[0]).toMatch(/remove it by hand$/)
      expect(dir && existsSync(dir)).toBe(true)
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true })
      await gone.stop()
    }
  }, 90_000)
})

describe('driftwatch scan of an SSH host', () => {
  it('needs the host key confirmed with --trust-host-key, refuses a wrong one, and exits like oscap', async () => {
    ensureBuilt()
    const host = await startSshd({ name: 'cli' })
    // Its own data dir, set up through the CLI (the in-process core above has a vault too cheap for the CLI to
    // open), but for its vault, made at the lowest cost the CLI accepts (helpers/vault-cost.ts).
    const dataDir = tmp.make('dw-scan-ssh-cli-')
    const { env, cli, addRootKeyTarget } = await cliScanFolder(
      dataDir,
      'scan over ssh from the cli',
      datastream,
    )
    await addRootKeyTarget('cli-box', host)
    const scanCli = (...extra: string[]) =>
      runCli(['scan', 'cli-box', '--profile', 'standard', ...extra, '--data-dir', dataDir], { env })

    const unknown = await scanCli()
    expect(unknown.code, unknown.stderr).toBe(1)
    expect(unknown.stdout).toContain(host.hostKeyFingerprintSha256)

    const wrong = await scanCli('--trust-host-key', sshd.hostKeyFingerprintSha256)
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain(`presents ${host.hostKeyFingerprintSha256}, not the fingerprint given`)

    const trusted = await scanCli('--trust-host-key', host.hostKeyFingerprintSha256)
    expect(trusted.code, trusted.stderr).toBe(2)
    expect(trusted.stdout).toMatch(/cli-box: score [\d.]+% · \d+ pass · [1-9]\d* fail/)
    // Pinned: the next run needs no flag.
    expect((await scanCli()).code).toBe(2)
    expect(await cli('hosts', 'list')).toContain(
      `127.0.0.1:${host.port}  ssh-ed25519  ${host.hostKeyFingerprintSha256}`,
    )
    expect(await cli('hosts', 'forget', `127.0.0.1:${host.port}`)).toContain('Forgot the pinned key')
    // A known_hosts as Debian writes it (hashed), with one more host that is no target here.
    const kh = join(dataDir, 'known_hosts')
    writeFileSync(kh, `[127.0.0.1]:${host.port} ${host.hostPublicKey}\n[127.0.0.1]:1 ${host.hostPublicKey}\n`)
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' })
    expect(readFileSync(kh, 'utf8')).not.toContain('127.0.0.1')
    const imported = await cli('hosts', 'import', kh)
    expect(imported).toMatch(
      /^1 pinned, 0 already pinned, 1 hashed names skipped \(no SSH target matches them\)/,
    )
    expect(imported).toContain(
      `pinned 127.0.0.1:${host.port} ssh-ed25519 ${host.hostKeyFingerprintSha256} (hashed entry)`,
    )
    expect(imported).toContain('line 2: a hashed host name that matches no SSH target in Driftwatch')
    expect((await scanCli()).code).toBe(2)
  }, 120_000)
})
