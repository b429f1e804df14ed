// An SSH session to a scan target: commands with timeouts and cancellation that really stop the remote
// process, sudo fed through stdin, verified SFTP uploads, compressed downloads, private temp folders.
import { createHash } from 'node:crypto'
import { StringDecoder } from 'node:string_decoder'
import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2'
import { cancelled, firstLine, fmtMs, KEEPALIVE_COUNT, KEEPALIVE_MS, SshError } from './ssh-common'
import type { HostKey } from './host-key'
import { mapLimit } from '../../util/concurrency'

const gunzipAsync = promisify(gunzip)

export interface ExecOptions {
  stdin?: Buffer
  timeoutMs?: number
  signal?: AbortSignal
  onStdout?(chunk: string): void
  /** Raw stdout as it arrives (a gzip stream), instead of keeping it for the result. */
  onStdoutBytes?(chunk: Buffer): void
  /** stderr text as it arrives (after the session's own pid line). */
  onStderr?(chunk: string): void
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
const MISSING = 'DW-MISSING'

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
              `The connection to ${this.where} was cut while a command was running (${
                // What ssh2 saw (a reset, a protocol error, the server's disconnect message), so the log
                // says who cut it; no error at all means the peer closed the connection cleanly.
                lastError ? lastError.message : 'closed by the server or the network, without an error'
              })`,
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
    await this.write([{ data, path: remotePath }], opts)
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

  /**
   * Writes files over one SFTP channel (pipelined, all at once), unchecked: the caller verifies their SHA-256 on
   * the host before anything reads them (the scan does it in the same command that runs oscap).
   */
  async write(files: { data: Buffer; path: string }[], opts: { signal?: AbortSignal } = {}): Promise<void> {
    const sftp = await this.untilCut(this.sftp())
    try {
      // ssh2 leaves SFTP requests unanswered when the connection drops: the cut itself ends the wait.
      await this.untilCut(Promise.all(files.map((f) => sftpWrite(sftp, f.path, f.data, opts.signal))))
    } catch (err) {
      throw this.sftpError(err, `Could not upload ${files.map((f) => f.path).join(', ')} to ${this.host}`)
    } finally {
      sftp.end()
    }
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

  /**
   * A new private directory /tmp/driftwatch.XXXXXXXX on the host. With `unlessMissing`, the same command first
   * looks the program up on the login's PATH and makes no folder (null) when it is not there: one round trip.
   */
  async mktemp(): Promise<string>
  async mktemp(unlessMissing: string): Promise<string | null>
  async mktemp(unlessMissing?: string): Promise<string | null> {
    const probe = unlessMissing
      ? `command -v ${shq(unlessMissing)} >/dev/null 2>&1 || { echo ${MISSING}; exit 0; }; `
      : ''
    const r = await this.exec(`${probe}mktemp -d /tmp/driftwatch.XXXXXXXX`, { timeoutMs: 30_000 })
    const dir = r.stdout.trim()
    if (unlessMissing && r.code === 0 && dir === MISSING) return null
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
      ? await this.sudo(cmd, opts.sudo, opts.password, { timeoutMs: 60_000 }).catch((err: unknown) => {
          // sudo refused (a wrong or missing sudo password, no sudoers entry): oscap never ran as root either, so
          // the folder holds only what the login user uploaded (the benchmark, ~6 MB) and the login removes it.
          if (err instanceof SshError && err.code === 'sudo_failed')
            return this.exec(cmd, { timeoutMs: 60_000 })
          throw err
        })
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
      let told = 0
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
          if (opts.onStdoutBytes) return opts.onStdoutBytes(b)
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
          if (opts.onStderr && pgid !== undefined && stderr.length > told) {
            opts.onStderr(stderr.slice(told))
            told = stderr.length
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
          if (opts.onStderr && stderr.length > told) opts.onStderr(stderr.slice(told))
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
    const offsets = Array.from({ length: Math.ceil(data.length / CHUNK) }, (_, k) => k * CHUNK)
    await mapLimit(offsets, IN_FLIGHT, async (at) => {
      if (signal?.aborted) throw cancelled()
      const len = Math.min(CHUNK, data.length - at)
      await new Promise<void>((resolve, reject) =>
        sftp.write(handle, data, at, len, at, (err) => (err ? reject(err) : resolve())),
      )
    })
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
