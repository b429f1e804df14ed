// SSH to a scan target with ssh2: host keys pinned on first use (and checked exactly afterwards), commands
// with timeouts and cancellation that really stop the remote process, sudo fed through stdin, verified
// uploads, compressed downloads, and a "Test connection" report whose every failure says what to do.
import { createHash } from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import {
  Client,
  type AuthenticationType,
  type ClientChannel,
  type ConnectConfig,
  type ServerHostKeyAlgorithm,
  type SFTPWrapper,
} from 'ssh2'
import type { Db } from '../../store/db'
import type { ConnectionReport, ConnectionStep } from '../scanner'

const gunzipAsync = promisify(gunzip)

export const CONNECT_TIMEOUT_MS = 20_000
export const KEEPALIVE_MS = 15_000
/** Unanswered keepalives before ssh2 drops the connection. */
export const KEEPALIVE_COUNT = 3
/** oscap needs room for its own temp files and the ARF; below this the connection test warns. */
export const MIN_TMP_FREE_BYTES = 200 * 1024 * 1024

// Electron's BoringSSL has no chacha20-poly1305, so the list is explicit rather than ssh2's default.
export const CIPHERS = [
  'aes256-gcm@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-ctr',
  'aes192-ctr',
  'aes128-ctr',
] as const

// ssh2 asks for host key *algorithms*; an RSA key is offered under three of them.
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
}
/** When a host offers several keys, the strongest is pinned (and asked for afterwards). */
const KEY_PREFERENCE = Object.keys(HOST_KEY_ALGORITHMS)

export type SshErrorCode =
  | 'unreachable'
  | 'host_key_unknown'
  | 'host_key_changed'
  | 'auth_failed'
  | 'key_unreadable'
  | 'timeout'
  | 'cancelled'
  | 'disconnected'
  | 'sudo_failed'
  | 'sudo_requiretty'
  | 'upload_failed'
  | 'command_failed'

export class SshError extends Error {
  constructor(
    readonly code: SshErrorCode,
    message: string,
    /** For host_key_unknown / host_key_changed: what the server presented, so a person can trust it. */
    readonly presented?: HostKey,
  ) {
    super(message)
    this.name = 'SshError'
  }
}

export interface HostKey {
  keyType: string
  /** As `ssh-keygen -lf` prints it: 'SHA256:' + unpadded base64. */
  fingerprint: string
  /** The OpenSSH public key line without host name: "ssh-ed25519 AAAA...". */
  publicKey: string
}

export interface PinnedHostKey extends HostKey {
  host: string
  port: number
  trustedAt: string
}

/** The SHA-256 fingerprint of an SSH public key blob, formatted exactly as `ssh-keygen -lf`. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** Reads the key type out of an SSH wire-format public key blob (a length-prefixed string first). */
export function hostKeyOf(keyBlob: Buffer): HostKey {
  const len = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0
  const keyType =
    len > 0 && len < 64 && keyBlob.length >= 4 + len ? keyBlob.subarray(4, 4 + len).toString() : ''
  return {
    keyType: keyType || 'unknown',
    fingerprint: fingerprintOf(keyBlob),
    publicKey: `${keyType || 'unknown'} ${keyBlob.toString('base64')}`,
  }
}

/** What openSsh needs of the pins; HostKeyStore is the real one, over the known_hosts table. */
export interface HostKeyPins {
  get(host: string, port: number): PinnedHostKey | undefined
  trust(host: string, port: number, keyType: string, fingerprint: string, publicKey: string): void
}

export interface ImportReport {
  added: number
  unchanged: number
  /** host:port entries already pinned to another key: left alone, a person must forget the old pin first. */
  conflicts: string[]
  /** Hashed host names (|1|...) cannot be turned back into a host, so they are counted and skipped. */
  hashed: number
  /** Comments excepted: patterns, @cert-authority / @revoked lines, unknown key types, malformed lines. */
  skipped: number
}

type PinRow = {
  host: string
  port: number
  key_type: string
  fingerprint: string
  public_key: string
  trusted_at: string
}

export class HostKeyStore implements HostKeyPins {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(host: string, port: number): PinnedHostKey | undefined {
    const row = this.db
      .prepare('SELECT * FROM known_hosts WHERE host = ? AND port = ?')
      .get(normHost(host), port) as PinRow | undefined
    return row && toPin(row)
  }

  list(): PinnedHostKey[] {
    return (this.db.prepare('SELECT * FROM known_hosts ORDER BY host, port').all() as PinRow[]).map(toPin)
  }

  trust(host: string, port: number, keyType: string, fingerprint: string, publicKey: string): void {
    this.db
      .prepare(
        `INSERT INTO known_hosts (host, port, key_type, fingerprint, public_key, trusted_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (host, port) DO UPDATE SET key_type = excluded.key_type,
           fingerprint = excluded.fingerprint, public_key = excluded.public_key,
           trusted_at = excluded.trusted_at`,
      )
      .run(normHost(host), port, keyType, fingerprint, publicKey, this.now().toISOString())
  }

  /** Returns whether a pin was there to remove. */
  forget(host: string, port: number): boolean {
    return (
      this.db.prepare('DELETE FROM known_hosts WHERE host = ? AND port = ?').run(normHost(host), port)
        .changes > 0
    )
  }

  /** Pins the keys of an OpenSSH known_hosts file; never replaces an existing pin with a different key. */
  importKnownHosts(text: string): ImportReport {
    const report: ImportReport = { added: 0, unchanged: 0, conflicts: [], hashed: 0, skipped: 0 }
    const found = new Map<string, HostKey & { host: string; port: number }>()
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim()
      if (!line || line.startsWith('#')) continue
      const fields = line.split(/\s+/)
      if (fields[0]!.startsWith('@')) {
        report.skipped++
        continue
      }
      const [hosts, keyType, b64] = fields
      if (hosts!.startsWith('|')) {
        report.hashed++
        continue
      }
      const blob = b64 && /^[A-Za-z0-9+/]+=*$/.test(b64) ? Buffer.from(b64, 'base64') : undefined
      const key = blob && hostKeyOf(blob)
      if (!keyType || !key || key.keyType !== keyType || !(keyType in HOST_KEY_ALGORITHMS)) {
        report.skipped++
        continue
      }
      for (const name of hosts!.split(',')) {
        const m = /^\[([^\]]+)\]:(\d+)$/.exec(name)
        const host = m ? m[1]! : name
        const port = m ? Number(m[2]) : 22
        if (!host || /[*?!]/.test(host) || port < 1 || port > 65535) {
          report.skipped++
          continue
        }
        const id = `${normHost(host)}:${port}`
        const prev = found.get(id)
        // One pin per host:port; the strongest key type wins, as ssh2 will then be asked for that type.
        if (!prev || KEY_PREFERENCE.indexOf(keyType) < KEY_PREFERENCE.indexOf(prev.keyType))
          found.set(id, { ...key, host: normHost(host), port })
      }
    }
    const apply = this.db.transaction(() => {
      for (const [id, k] of found) {
        const pin = this.get(k.host, k.port)
        if (!pin) {
          this.trust(k.host, k.port, k.keyType, k.fingerprint, k.publicKey)
          report.added++
        } else if (pin.fingerprint === k.fingerprint) report.unchanged++
        else report.conflicts.push(id)
      }
    })
    apply()
    return report
  }
}

const normHost = (host: string) => host.trim().toLowerCase()
const toPin = (r: PinRow): PinnedHostKey => ({
  host: r.host,
  port: r.port,
  keyType: r.key_type,
  fingerprint: r.fingerprint,
  publicKey: r.public_key,
  trustedAt: r.trusted_at,
})

export interface SshAuth {
  privateKey?: Buffer
  passphrase?: Buffer
  password?: Buffer
  /** Path to an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string
}

export interface OpenSshOptions {
  host: string
  port: number
  user: string
  auth: SshAuth
  hostKeys: HostKeyPins
  /** The fingerprint a person confirmed for a host with no pin yet; it is pinned when it matches. */
  trustFingerprint?: string
  connectTimeoutMs?: number
  keepaliveMs?: number
  signal?: AbortSignal
}

export interface ExecOptions {
  stdin?: Buffer
  timeoutMs?: number
  signal?: AbortSignal
  onStdout?(chunk: string): void
}

export interface ExecResult {
  code: number | null
  signal?: string
  stdout: string
  stderr: string
}

export type SudoMode = 'none' | 'nopasswd' | 'password'

/** Quotes one argument for a POSIX shell (the remote side runs every command through one). */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

const TEMP_DIR = /^\/tmp\/driftwatch\.[A-Za-z0-9]{8}$/
// The session's shell prints its pid (= its process group, as sshd calls setsid) before anything else, so
// a cancel can stop the whole group: see SshSession.kill.
const PGID_MARK = 'DW-PGID:'
const PGID_LINE = /^DW-PGID:(\d+)\n/

interface RawResult {
  code: number | null
  signal?: string
  stdout: Buffer
  stderr: string
}

export class SshSession {
  private closed = false
  private readonly live = new Set<(err: SshError) => void>()

  constructor(
    private readonly client: Client,
    readonly host: string,
    readonly port: number,
    readonly user: string,
    /** The key the server proved it holds, and whether it was pinned before or just now. */
    readonly hostKey: HostKey & { status: 'pinned' | 'trusted-now' },
    /** keepalive interval × (count + 1): how long a silent peer is given before the connection is dropped. */
    keepaliveLimitMs = KEEPALIVE_MS * (KEEPALIVE_COUNT + 1),
  ) {
    let lastError: (Error & { level?: string }) | undefined
    client.on('error', (err: Error & { level?: string }) => (lastError = err))
    client.on('close', () => {
      this.closed = true
      // ssh2 ends a connection whose keepalives go unanswered with a client-timeout error: a stalled peer.
      const err =
        lastError?.level === 'client-timeout'
          ? new SshError(
              'timeout',
              `${this.where} stopped answering (no reply to SSH keepalives within ${fmtMs(keepaliveLimitMs)}); the connection was closed`,
            )
          : new SshError(
              'disconnected',
              `The connection to ${this.where} was cut while a command was running`,
            )
      for (const fail of [...this.live]) fail(err)
    })
  }

  get where(): string {
    return `${this.user}@${this.host}:${this.port}`
  }

  /** True once the connection is gone (closed by us, or cut). */
  get isClosed(): boolean {
    return this.closed
  }

  /** Runs a shell command; rejects with SshError 'timeout' / 'cancelled' after stopping it on the host. */
  async exec(cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.execAs(cmd, opts)
  }

  private async execAs(cmd: string, opts: ExecOptions & { as?: RunAs }): Promise<ExecResult> {
    const r = await this.run(cmd, opts)
    return { code: r.code, signal: r.signal, stdout: r.stdout.toString('utf8'), stderr: r.stderr }
  }

  /**
   * Runs cmd as root. 'password' feeds the password on stdin (never argv) with `sudo -S -k -p ''`,
   * followed by the command's own stdin; 'nopasswd' uses `sudo -n`, which fails rather than waiting for
   * a password.
   */
  async sudo(cmd: string, mode: SudoMode, password?: Buffer, opts: ExecOptions = {}): Promise<ExecResult> {
    if (mode === 'none') return this.exec(cmd, opts)
    if (mode === 'password' && !password?.length)
      throw new SshError(
        'sudo_failed',
        `The sudo mode of ${this.where} is "password" but no password was given`,
      )
    const as: RunAs = { mode, password }
    const r = await this.execAs(asRoot(cmd, as), { ...opts, stdin: sudoStdin(as, opts.stdin), as })
    if (/you must have a tty/i.test(r.stderr))
      throw new SshError(
        'sudo_requiretty',
        `sudo on ${this.host} requires a terminal (requiretty), which a scan does not have: add ` +
          `"Defaults:${this.user} !requiretty" to a file in /etc/sudoers.d on the target`,
      )
    if (
      r.code === 1 &&
      /Sorry, try again|incorrect password attempt|no password was provided/i.test(r.stderr)
    )
      throw new SshError(
        'sudo_failed',
        `sudo refused the password for ${this.user} on ${this.host}: update the sudo password credential`,
      )
    if (r.code === 1 && /a password is required/i.test(r.stderr))
      throw new SshError(
        'sudo_failed',
        `sudo asks ${this.user} for a password on ${this.host}: allow NOPASSWD for ${this.user} in sudoers ` +
          'or set the sudo mode to "password" with a sudo password credential',
      )
    if (r.code === 1 && /is not in the sudoers file|not allowed to execute/i.test(r.stderr))
      throw new SshError('sudo_failed', `${this.user} may not use sudo on ${this.host}: grant it in sudoers`)
    return r
  }

  /** Writes data to remotePath over SFTP (pipelined), then checks its SHA-256 on the host. */
  async upload(data: Buffer, remotePath: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const sftp = await this.untilCut(this.sftp())
    try {
      // ssh2 leaves SFTP requests unanswered when the connection drops: the cut itself ends the wait.
      await this.untilCut(sftpWrite(sftp, remotePath, data, opts.signal))
    } catch (err) {
      throw this.sftpError(err, `Could not upload ${remotePath} to ${this.host}`)
    } finally {
      sftp.end()
    }
    const r = await this.exec(`sha256sum -- ${shq(remotePath)}`, { timeoutMs: 120_000, signal: opts.signal })
    const want = createHash('sha256').update(data).digest('hex')
    const got = r.stdout.split(/\s/)[0]
    if (r.code !== 0 || got !== want)
      throw new SshError(
        'upload_failed',
        r.code !== 0
          ? `Could not check the upload of ${remotePath} on ${this.host}: ${firstLine(r.stderr)}`
          : `The upload of ${remotePath} to ${this.host} arrived damaged (SHA-256 ${got}, expected ${want})`,
      )
  }

  /** Fetches a file gzip-compressed over the command's stdout (an ARF shrinks about tenfold). */
  async download(
    remotePath: string,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Buffer> {
    const r = await this.run(`gzip -1 -c -- ${shq(remotePath)}`, opts)
    if (r.code !== 0)
      throw new SshError(
        'command_failed',
        `Could not read ${remotePath} on ${this.host}: ` +
          (firstLine(r.stderr) || `exit ${r.code ?? r.signal}`),
      )
    return gunzipAsync(r.stdout)
  }

  /** A new private directory /tmp/driftwatch.XXXXXXXX on the host. */
  async mktemp(): Promise<string> {
    const r = await this.exec('mktemp -d /tmp/driftwatch.XXXXXXXX', { timeoutMs: 30_000 })
    const dir = r.stdout.trim()
    if (r.code !== 0 || !TEMP_DIR.test(dir))
      throw new SshError(
        'command_failed',
        `Could not create a temporary folder in /tmp on ${this.host}: ${firstLine(r.stderr) || dir}`,
      )
    return dir
  }

  /** Removes a directory made by mktemp(); refuses any other path, so a bug can never delete elsewhere. */
  async cleanup(dir: string, opts: { sudo?: SudoMode; password?: Buffer } = {}): Promise<void> {
    if (!TEMP_DIR.test(dir)) throw new Error(`Refusing to remove ${dir}: not a Driftwatch temporary folder`)
    const cmd = `rm -rf -- ${shq(dir)}`
    // Files oscap wrote as root may need root to remove when the folder is not the login user's own.
    const r = opts.sudo
      ? await this.sudo(cmd, opts.sudo, opts.password, { timeoutMs: 60_000 })
      : await this.exec(cmd, { timeoutMs: 60_000 })
    if (r.code !== 0)
      throw new SshError('command_failed', `Could not remove ${dir} on ${this.host}: ${firstLine(r.stderr)}`)
  }

  async close(): Promise<void> {
    if (this.closed) return
    await new Promise<void>((resolve) => {
      this.client.once('close', () => resolve())
      this.client.end()
      // A host that never answers the disconnect must not hold the caller.
      setTimeout(() => (this.client.destroy(), resolve()), 3000).unref()
    })
  }

  /** `as`: how the command was raised to root, so a cancel can stop it with the same rights. */
  private run(cmd: string, opts: ExecOptions & { as?: RunAs }): Promise<RawResult> {
    if (this.closed)
      return Promise.reject(new SshError('disconnected', `The connection to ${this.where} is closed`))
    if (opts.signal?.aborted) return Promise.reject(cancelled())
    return new Promise((resolve, reject) => {
      // `exec` replaces the wrapper shell, so the pid printed is the command's (or sudo's) own.
      const wrapped = `printf '${PGID_MARK}%s\\n' "$$" >&2; exec sh -c ${shq(cmd)}`
      const out: Buffer[] = []
      let stderr = ''
      let pgid: number | undefined
      let channel: ClientChannel | undefined
      let timer: NodeJS.Timeout | undefined
      let settled = false
      const decoder = new StringDecoder('utf8')
      const errDecoder = new StringDecoder('utf8')

      const finish = (err: SshError | undefined, result?: RawResult) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
        this.live.delete(onDisconnect)
        if (err) reject(err)
        else resolve(result!)
      }
      const stop = (err: SshError) => {
        if (settled) return
        finish(err)
        void this.kill(channel, pgid, opts.as)
      }
      const onAbort = () => stop(cancelled())
      const onDisconnect = (err: SshError) => finish(err)
      this.live.add(onDisconnect)
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      if (opts.timeoutMs)
        timer = setTimeout(
          () =>
            stop(
              new SshError(
                'timeout',
                `The command on ${this.host} did not finish within ${fmtMs(opts.timeoutMs!)} and was stopped`,
              ),
            ),
          opts.timeoutMs,
        )

      this.client.exec(wrapped, { pty: false }, (err, ch) => {
        if (err)
          return finish(
            new SshError('command_failed', `${this.host} refused to run a command: ${err.message}`),
          )
        channel = ch
        if (settled) return void this.kill(ch, undefined, undefined)
        ch.on('data', (b: Buffer) => {
          out.push(b)
          if (opts.onStdout) {
            const s = decoder.write(b)
            if (s) opts.onStdout(s)
          }
        })
        ch.stderr.on('data', (b: Buffer) => {
          stderr += errDecoder.write(b)
          if (pgid === undefined) {
            const m = PGID_LINE.exec(stderr)
            if (m) {
              pgid = Number(m[1])
              stderr = stderr.slice(m[0].length)
            }
          }
        })
        let code: number | null = null
        let signal: string | undefined
        ch.on('exit', (c: number | null, s?: string) => {
          code = typeof c === 'number' ? c : null
          if (s) signal = s
        })
        ch.on('close', () => {
          if (opts.onStdout) {
            const rest = decoder.end()
            if (rest) opts.onStdout(rest)
          }
          stderr += errDecoder.end()
          if (pgid === undefined) stderr = stderr.replace(PGID_LINE, '')
          finish(undefined, { code, signal, stdout: Buffer.concat(out), stderr })
        })
        if (opts.stdin?.length) ch.write(opts.stdin)
        // EOF at once, so a command that reads stdin never waits for input that will not come.
        ch.end()
      })
    })
  }

  /**
   * Stops a running command. ssh2 sends an RFC 4254 "signal" request, which OpenSSH (7.9+) turns into a
   * killpg of the session as the login user; closing the channel alone would leave a command that does not
   * touch its stdout (a `sleep`, oscap between rules) running. Under sudo neither reaches far enough: sudo
   * relays a signal only to its direct child (the root shell), whose children live on. So a second channel,
   * with the same rights as the command, signals the group and every descendant of its leader, TERM first
   * and KILL two seconds later.
   */
  private async kill(
    channel: ClientChannel | undefined,
    pgid: number | undefined,
    as?: RunAs,
  ): Promise<void> {
    try {
      channel?.signal('TERM')
    } catch {
      // The channel may already be closing.
    }
    if (pgid && !this.closed) {
      // No `--` before `-<pgid>`: dash's kill rejects it; `-<pgid>` alone means the group in dash and bash.
      const script =
        `d() { echo "$1"; for c in $(pgrep -P "$1"); do d "$c"; done; }; p=$(d ${pgid}); ` +
        `kill -TERM $p 2>/dev/null; kill -TERM -${pgid} 2>/dev/null; sleep 2; ` +
        `kill -KILL $p 2>/dev/null; kill -KILL -${pgid} 2>/dev/null; true`
      const cmd = as && as.mode !== 'none' ? asRoot(script, as) : script
      await this.run(cmd, { timeoutMs: 15_000, stdin: as && sudoStdin(as) }).catch(() => undefined)
    }
    channel?.close()
  }

  /** p, or the disconnect error if the connection goes first. */
  private untilCut<T>(p: Promise<T>): Promise<T> {
    if (this.closed)
      return Promise.reject(new SshError('disconnected', `The connection to ${this.where} is closed`))
    return new Promise<T>((resolve, reject) => {
      const onCut = (err: SshError) => reject(err)
      this.live.add(onCut)
      p.then(resolve, reject).finally(() => this.live.delete(onCut))
    })
  }

  private sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) =>
      this.client.sftp((err, sftp) =>
        err
          ? reject(
              new SshError(
                'upload_failed',
                `${this.host} offers no SFTP (${err.message}): enable its sftp subsystem`,
              ),
            )
          : resolve(sftp),
      ),
    )
  }

  private sftpError(err: unknown, what: string): SshError {
    if (err instanceof SshError) return err
    return new SshError('upload_failed', `${what}: ${(err as Error).message}`)
  }
}

// 32 KiB writes with up to 32 in flight: OpenSSH's sftp-server takes at most 256 KiB per request, and
// waiting for each write before the next would make a large datastream crawl on a distant host.
const CHUNK = 32 * 1024
const IN_FLIGHT = 32

async function sftpWrite(sftp: SFTPWrapper, path: string, data: Buffer, signal?: AbortSignal): Promise<void> {
  const handle = await new Promise<Buffer>((resolve, reject) =>
    sftp.open(path, 'w', 0o600, (err, h) => (err ? reject(err) : resolve(h))),
  )
  try {
    let next = 0
    const worker = async () => {
      while (next < data.length) {
        if (signal?.aborted) throw cancelled()
        const at = next
        next += CHUNK
        const len = Math.min(CHUNK, data.length - at)
        await new Promise<void>((resolve, reject) =>
          sftp.write(handle, data, at, len, at, (err) => (err ? reject(err) : resolve())),
        )
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  } finally {
    await new Promise<void>((resolve) => sftp.close(handle, () => resolve()))
  }
}

interface RunAs {
  mode: SudoMode
  password?: Buffer
}

function asRoot(cmd: string, as: RunAs): string {
  if (as.mode === 'none') return cmd
  return `${as.mode === 'password' ? "sudo -S -k -p ''" : 'sudo -n'} -- sh -c ${shq(cmd)}`
}

/** The sudo password (if any) as the first line of stdin, then the command's own input. */
function sudoStdin(as: RunAs, stdin?: Buffer): Buffer | undefined {
  if (as.mode !== 'password' || !as.password) return stdin
  return Buffer.concat([as.password, Buffer.from('\n'), stdin ?? Buffer.alloc(0)])
}

const cancelled = () => new SshError('cancelled', 'The command was cancelled and stopped on the host')
const firstLine = (s: string) => s.trim().split('\n')[0]?.slice(0, 300) ?? ''
const fmtMs = (ms: number) =>
  ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 100) / 10} s`

/** Connects, checks the host key against its pin (or the fingerprint a person confirmed), and logs in. */
export function openSsh(opts: OpenSshOptions): Promise<SshSession> {
  const at = `${opts.host}:${opts.port}`
  if (opts.signal?.aborted)
    return Promise.reject(new SshError('cancelled', `Connecting to ${at} was cancelled`))
  const pin = opts.hostKeys.get(opts.host, opts.port)
  const client = new Client()
  let presented: HostKey | undefined
  let refusal: SshError | undefined
  let handshaken = false
  let sawBanner = false

  const verify = (blob: Buffer): boolean => {
    presented = hostKeyOf(blob)
    if (pin) {
      if (pin.fingerprint === presented.fingerprint && pin.publicKey === presented.publicKey) return true
      refusal = new SshError(
        'host_key_changed',
        `The host key of ${at} changed: pinned ${pin.fingerprint}, now ${presented.fingerprint}. ` +
          'If the change is expected (the host was reinstalled or its keys rotated), remove the old pin ' +
          'and trust the new key; otherwise someone may be intercepting the connection: do not scan.',
        presented,
      )
      return false
    }
    if (opts.trustFingerprint && opts.trustFingerprint.trim() === presented.fingerprint) return true
    refusal = new SshError(
      'host_key_unknown',
      `${at} is not known yet; its host key fingerprint is ${presented.fingerprint} ` +
        `(${presented.keyType}). ` +
        'Check it with the host owner (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and trust it to continue.',
      presented,
    )
    return false
  }

  const config: ConnectConfig = {
    host: opts.host,
    port: opts.port,
    username: opts.user,
    readyTimeout: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    keepaliveInterval: opts.keepaliveMs ?? KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_COUNT,
    hostVerifier: verify,
    algorithms: {
      cipher: [...CIPHERS],
      // With a pin, ask for that key type, so a host with several keys presents the pinned one.
      ...(pin && HOST_KEY_ALGORITHMS[pin.keyType]
        ? { serverHostKey: HOST_KEY_ALGORITHMS[pin.keyType] as ServerHostKeyAlgorithm[] }
        : {}),
    },
    // Exactly the methods configured, no fallbacks: a key target never tries a password, and the reverse.
    authHandler: authMethods(opts),
  }
  if (opts.auth.privateKey) config.privateKey = opts.auth.privateKey
  if (opts.auth.passphrase) config.passphrase = opts.auth.passphrase as unknown as string
  if (opts.auth.password) config.password = opts.auth.password.toString('utf8')
  if (opts.auth.agent) config.agent = opts.auth.agent

  return new Promise((resolve, reject) => {
    let done = false
    const fail = (err: SshError) => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      client.removeAllListeners('ready')
      client.on('error', () => undefined)
      client.destroy()
      reject(err)
    }
    const onAbort = () => fail(new SshError('cancelled', `Connecting to ${at} was cancelled`))
    opts.signal?.addEventListener('abort', onAbort, { once: true })

    client.on('greeting', () => (sawBanner = true))
    client.on('handshake', () => {
      const first = !handshaken
      handshaken = true
      sawBanner = true
      // Pinned only now: the key exchange has proved the server holds the private half. (Re-keying
      // raises 'handshake' again, with the key already checked against the pin set here.)
      if (first && !pin && presented)
        opts.hostKeys.trust(
          opts.host,
          opts.port,
          presented.keyType,
          presented.fingerprint,
          presented.publicKey,
        )
    })
    client.on('ready', () => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      // Later errors surface as 'close' on the session, failing whatever command is running.
      client.on('error', () => undefined)
      resolve(
        new SshSession(
          client,
          opts.host,
          opts.port,
          opts.user,
          { ...presented!, status: pin ? 'pinned' : 'trusted-now' },
          (opts.keepaliveMs ?? KEEPALIVE_MS) * (KEEPALIVE_COUNT + 1),
        ),
      )
    })
    client.on('error', (err: Error & { level?: string; code?: string }) =>
      fail(refusal ?? explain(err, opts, { sawBanner, handshaken, pin })),
    )
    client.on('close', () =>
      fail(refusal ?? new SshError('disconnected', `${at} closed the connection before login completed`)),
    )
    try {
      client.connect(config)
    } catch (err) {
      // ssh2 parses the private key synchronously; never echo the key or passphrase, only what is wrong.
      const msg = (err as Error).message
      fail(
        new SshError(
          'key_unreadable',
          /passphrase|encrypted/i.test(msg)
            ? opts.auth.passphrase
              ? 'The private key could not be decrypted: the passphrase is wrong'
              : 'The private key is protected by a passphrase: add it to the SSH key credential'
            : 'The private key could not be read: use an OpenSSH or PEM private key (RSA, ECDSA or Ed25519)',
        ),
      )
    }
  })
}

export interface HostKeyProbe {
  /** trusted: matches the pin · unknown: no pin yet · changed: differs from the pin. */
  state: 'trusted' | 'unknown' | 'changed'
  presented: HostKey
  pinned?: PinnedHostKey
}

/**
 * Asks a host for its key without logging in (the key exchange stops at our refusal), so a person can be shown
 * the fingerprint before trusting it. Nothing is pinned here.
 */
export function probeHostKey(
  opts: Pick<OpenSshOptions, 'host' | 'port' | 'hostKeys' | 'connectTimeoutMs' | 'signal'>,
): Promise<HostKeyProbe> {
  const at = `${opts.host}:${opts.port}`
  const pin = opts.hostKeys.get(opts.host, opts.port)
  const client = new Client()
  let presented: HostKey | undefined
  let sawBanner = false
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (err?: SshError) => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      client.on('error', () => undefined)
      client.destroy()
      if (presented) {
        const state = !pin
          ? 'unknown'
          : pin.fingerprint === presented.fingerprint && pin.publicKey === presented.publicKey
            ? 'trusted'
            : 'changed'
        resolve({ state, presented, ...(pin ? { pinned: pin } : {}) })
      } else reject(err ?? new SshError('disconnected', `${at} closed the connection before showing its key`))
    }
    const onAbort = () => finish(new SshError('cancelled', `Connecting to ${at} was cancelled`))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    client.on('greeting', () => (sawBanner = true))
    client.on('error', (err: Error & { level?: string; code?: string }) =>
      finish(
        presented
          ? undefined
          : explain(err, { ...opts, user: '', auth: {} }, { sawBanner, handshaken: false, pin }),
      ),
    )
    client.on('close', () => finish())
    client.connect({
      host: opts.host,
      port: opts.port,
      username: 'driftwatch-probe',
      readyTimeout: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      algorithms: {
        cipher: [...CIPHERS],
        ...(pin && HOST_KEY_ALGORITHMS[pin.keyType]
          ? { serverHostKey: HOST_KEY_ALGORITHMS[pin.keyType] as ServerHostKeyAlgorithm[] }
          : {}),
      },
      hostVerifier: (blob: Buffer) => {
        presented = hostKeyOf(blob)
        // Refusing ends the key exchange: nothing is sent that could log in.
        setImmediate(() => finish())
        return false
      },
    })
  })
}

function authMethods(opts: Pick<OpenSshOptions, 'auth'>): AuthenticationType[] {
  const methods: AuthenticationType[] = []
  if (opts.auth.agent) methods.push('agent')
  if (opts.auth.privateKey) methods.push('publickey')
  if (opts.auth.password) methods.push('password')
  return methods
}

function explain(
  err: Error & { level?: string; code?: string },
  opts: OpenSshOptions,
  seen: { sawBanner: boolean; handshaken: boolean; pin?: PinnedHostKey },
): SshError {
  const at = `${opts.host}:${opts.port}`
  const msg = err.message ?? ''
  if (err.level === 'client-authentication') {
    const what = opts.auth.password
      ? 'password'
      : opts.auth.agent && !opts.auth.privateKey
        ? 'agent keys'
        : 'key'
    return new SshError(
      'auth_failed',
      `The server refused the ${what} for user ${opts.user} on ${at}: check the credential and that the ` +
        `${what === 'password' ? 'account allows password logins' : 'public key is in authorized_keys'}`,
    )
  }
  if (err.level === 'agent')
    return new SshError('auth_failed', `The ssh-agent could not be used for ${opts.user} on ${at}: ${msg}`)
  if (err.level === 'client-timeout')
    return seen.sawBanner
      ? new SshError('timeout', `${at} answered but did not complete the SSH login in time`)
      : new SshError(
          'unreachable',
          `Nothing answers on ${at} (no SSH greeting in time): check host, port and firewall`,
        )
  if (err.code === 'ECONNREFUSED')
    return new SshError(
      'unreachable',
      `Nothing answers on ${at} (connection refused): check host, port and sshd`,
    )
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.level === 'client-dns')
    return new SshError('unreachable', `Nothing answers on ${at}: the name ${opts.host} does not resolve`)
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'ETIMEDOUT')
    return new SshError('unreachable', `Nothing answers on ${at} (${err.code}): check the network path`)
  if (seen.pin && /host key/i.test(msg) && !seen.handshaken)
    return new SshError(
      'host_key_changed',
      `The host key of ${at} changed: pinned ${seen.pin.fingerprint} (${seen.pin.keyType}), now the host ` +
        `offers no ${seen.pin.keyType} key at all. If the change is expected, remove the old pin and ` +
        'trust the new key.',
    )
  if (/no matching/i.test(msg))
    return new SshError(
      'disconnected',
      `${at} and Driftwatch share no SSH algorithm (${msg}): update the host's sshd`,
    )
  return new SshError(
    'disconnected',
    `The SSH connection to ${at} failed: ${msg || err.code || 'unknown error'}`,
  )
}

export interface TestSshOptions extends OpenSshOptions {
  sudo: SudoMode
  sudoPassword?: Buffer
  /** The oscap to look for; tests point it at a PATH without oscap. */
  oscapCommand?: string
}

/** "Test connection": every step a scan depends on, each failure with what to do about it. */
export async function testSshConnection(opts: TestSshOptions): Promise<ConnectionReport> {
  const at = `${opts.host}:${opts.port}`
  const steps: ConnectionStep[] = []
  const add = (step: string, ok: boolean, detail: string, fix?: string) =>
    steps.push(fix && !ok ? { step, ok, detail, fix } : { step, ok, detail })
  const report = (): ConnectionReport => {
    const failed = steps.find((s) => !s.ok)
    return {
      ok: !failed,
      message: failed ? failed.detail : `${opts.user}@${at} is ready to scan`,
      steps,
    }
  }
  let session: SshSession
  try {
    session = await openSsh(opts)
  } catch (err) {
    const e = err instanceof SshError ? err : new SshError('disconnected', String(err))
    if (e.code === 'unreachable' || e.code === 'cancelled') {
      add(
        'reachability',
        false,
        e.message,
        'Check the host name, the port and that sshd runs and is reachable',
      )
      return report()
    }
    add('reachability', true, `${at} answers with SSH`)
    if (e.code === 'host_key_unknown' || e.code === 'host_key_changed') {
      add(
        'host key',
        false,
        e.message,
        e.code === 'host_key_unknown'
          ? `Trust ${e.presented?.fingerprint ?? 'the key'} after checking it with the host owner`
          : 'Remove the old pin only if the host owner confirms the new key',
      )
      return report()
    }
    add('host key', e.code !== 'disconnected' && e.code !== 'timeout', 'The host key is trusted')
    add('auth', false, e.message, 'Check the user name and the credential')
    return report()
  }
  try {
    add('reachability', true, `${at} answers with SSH`)
    add(
      'host key',
      true,
      session.hostKey.status === 'pinned'
        ? `Matches the pinned ${session.hostKey.keyType} key ${session.hostKey.fingerprint}`
        : `Trusted and pinned now: ${session.hostKey.keyType} ${session.hostKey.fingerprint}`,
    )
    add('auth', true, `Logged in as ${opts.user}`)
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn()
      } catch (err) {
        add(name, false, err instanceof Error ? err.message : String(err))
      }
    }
    await step('os', async () => {
      const r = await session.exec('cat /etc/os-release', { timeoutMs: 15_000, signal: opts.signal })
      const pretty = /^PRETTY_NAME=(.*)$/m.exec(r.stdout)?.[1]?.replace(/^["']|["']$/g, '')
      add(
        'os',
        !!pretty,
        pretty ?? 'No /etc/os-release on the host',
        'Driftwatch scans Linux hosts with os-release',
      )
    })
    await step('oscap', async () => {
      const r = await session.exec(`${opts.oscapCommand ?? 'oscap'} --version`, {
        timeoutMs: 30_000,
        signal: opts.signal,
      })
      const version = /\(oscap\)\s+(\S+)/.exec(r.stdout)?.[1]
      if (r.code === 0 && version) add('oscap', true, `OpenSCAP ${version}`)
      else
        add(
          'oscap',
          false,
          r.code === 127
            ? `oscap is not installed on ${opts.host}`
            : `oscap does not run: ${firstLine(r.stderr)}`,
          'install openscap-scanner on the target ' +
            '(apt install openscap-scanner / dnf install openscap-scanner)',
        )
    })
    await step('sudo', async () => {
      if (opts.sudo === 'none') {
        const r = await session.exec('id -u', { timeoutMs: 15_000, signal: opts.signal })
        const root = r.stdout.trim() === '0'
        add(
          'sudo',
          root,
          root ? 'Not used: the login is root' : `Not used, and ${opts.user} is not root`,
          'oscap must run as root for most checks: set the sudo mode to NOPASSWD or password',
        )
        return
      }
      try {
        const r = await session.sudo('id -u', opts.sudo, opts.sudoPassword, {
          timeoutMs: 30_000,
          signal: opts.signal,
        })
        const ok = r.code === 0 && r.stdout.trim() === '0'
        add(
          'sudo',
          ok,
          ok ? `sudo (${opts.sudo}) gives root` : `sudo did not give root: ${firstLine(r.stderr)}`,
          'Check the sudoers entry for this user',
        )
      } catch (err) {
        const e = err as SshError
        add(
          'sudo',
          false,
          e.message,
          e.code === 'sudo_requiretty' ? `Add "Defaults:${opts.user} !requiretty"` : undefined,
        )
      }
    })
    await step('temp space', async () => {
      const r = await session.exec('df -Pk /tmp', { timeoutMs: 15_000, signal: opts.signal })
      const kb = Number(r.stdout.trim().split('\n')[1]?.split(/\s+/)[3])
      if (r.code !== 0 || !Number.isFinite(kb)) {
        add('temp space', false, `Could not read the free space in /tmp: ${firstLine(r.stderr)}`)
        return
      }
      const mb = Math.floor(kb / 1024)
      const enough = kb * 1024 >= MIN_TMP_FREE_BYTES
      add(
        'temp space',
        enough,
        enough ? `${mb} MB free in /tmp` : `Only ${mb} MB free in /tmp`,
        `Free at least ${MIN_TMP_FREE_BYTES / 1024 / 1024} MB in /tmp on the target`,
      )
    })
  } finally {
    await session.close()
  }
  return report()
}
