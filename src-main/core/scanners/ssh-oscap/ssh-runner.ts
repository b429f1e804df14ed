// The SSH side of the scan pipeline: a Runner over an SshSession, with every command run in the target's
// sudo mode (the sudo password only ever on stdin) and the target's credentials taken from the vault.
import type { SshTarget } from '../ssh'
import type { Vault } from '../../vault/vault'
import { createGunzip } from 'node:zlib'
import type { EvalJob, EvalRun, ExecOptions, ExecResult, Runner } from './runner'
import type { HostKeyPins } from './host-key-store'
import { openSsh, type OpenSshOptions, type SshAuth } from './ssh-connect'
import { shq, type SshSession, type SudoMode } from './ssh-session'

/** Exit codes of the evaluate script that are not oscap's: an upload that does not match, an ARF unreadable. */
const DAMAGED = 86
const UNREADABLE = 87
const DAMAGED_LINE = /^DW-DAMAGED:(\S+) ([0-9a-f]{64}|-)$/m

/**
 * One command: check each uploaded file's SHA-256 (stop with DAMAGED naming it), run oscap with its progress on
 * stderr, and when it produced results (exit 0 or 2) send the ARF gzip-compressed on stdout.
 */
export function evaluateScript(job: EvalJob): string {
  const check = job.files.map((f) => `v ${shq(f.path)} ${f.sha256}`).join('; ')
  return (
    `v() { s=$(sha256sum -- "$1" 2>/dev/null) || s=-; s=\${s%% *}; [ "$s" = "$2" ] || ` +
    `{ echo "DW-DAMAGED:$1 $s" >&2; exit ${DAMAGED}; }; }; ${check}; ` +
    `${job.argv.map(shq).join(' ')} 1>&2; rc=$?; ` +
    `case $rc in 0|2) gzip -1 -c -- ${shq(job.arf)} || exit ${UNREADABLE};; esac; exit $rc`
  )
}

export class SshRunner implements Runner {
  constructor(
    private readonly session: SshSession,
    private readonly sudo: SudoMode,
    private readonly sudoPassword?: Buffer,
    /** Opens a fresh session to the same host (pinned key, same login), to clean up after a cut connection. */
    private readonly reopen?: () => Promise<SshSession>,
    /** Called once on close: zeroes the login secrets kept for reopen. */
    private readonly onClose?: () => void,
  ) {}

  get where(): string {
    return this.session.where
  }
  async workDir(): Promise<string | null> {
    // oscap on the login's PATH and the temp dir in one round trip; under sudo root's PATH may differ, so a
    // miss there is asked again as root (the old, separate check) before oscap is called missing.
    const dir = await this.session.mktemp('oscap')
    if (dir !== null || this.sudo === 'none') return dir
    const r = await this.exec(['oscap', '--version'], { timeoutMs: 30_000 })
    return r.code === 0 ? this.session.mktemp() : null
  }
  upload(files: { data: Buffer; path: string }[], signal?: AbortSignal): Promise<void> {
    return this.session.write(files, { signal })
  }
  evaluate(job: EvalJob, opts: ExecOptions & { onProgress(chunk: string): void }): EvalRun {
    const arf = createGunzip()
    let any = false
    const done = this.session
      .sudo(evaluateScript(job), this.sudo, this.sudoPassword, {
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        onStderr: opts.onProgress,
        onStdoutBytes: (b) => {
          any = true
          arf.write(b)
        },
      })
      .then(
        (r) => {
          // No bytes (oscap failed): an empty stream rather than a gzip error.
          if (any) arf.end()
          else arf.destroy()
          const m = r.code === DAMAGED ? DAMAGED_LINE.exec(r.stderr) : null
          if (m) return { ...r, damaged: { path: m[1]!, sha256: m[2]! } }
          if (r.code === UNREADABLE)
            return { ...r, code: 1, stderr: `Could not read the results ${job.arf}: ${r.stderr}` }
          return r
        },
        (err: Error) => {
          arf.destroy(err)
          throw err
        },
      )
    return { arf, done }
  }
  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.session.sudo(argv.map(shq).join(' '), this.sudo, this.sudoPassword, opts)
  }
  async cleanup(dir: string): Promise<void> {
    // oscap ran as root under sudo, so its files in the temp dir are root's: remove them the same way.
    const opts = { sudo: this.sudo, password: this.sudoPassword }
    if (!this.session.isClosed || !this.reopen) return this.session.cleanup(dir, opts)
    // The connection was cut mid-scan: log in once more so no benchmark copy or partial ARF stays behind.
    const again = await this.reopen()
    try {
      await again.cleanup(dir, opts)
    } finally {
      await again.close()
    }
  }
  async close(): Promise<void> {
    this.sudoPassword?.fill(0)
    this.onClose?.()
    await this.session.close()
  }
}

/** Opens the SSH session a target describes, with its key or password (and sudo password) from the vault. */
export async function sshRunnerFor(
  target: SshTarget,
  deps: {
    vault: Vault
    hostKeys: HostKeyPins
    trustFingerprint?: string
    signal: AbortSignal
    /** Login and keepalive limits (see OpenSshOptions); tests shorten them. */
    timeouts?: Pick<OpenSshOptions, 'connectTimeoutMs' | 'keepaliveMs'>
  },
): Promise<Runner> {
  // Copies owned by this scan, zeroed when it ends; the vault zeroes its own after withSecret returns.
  const copy = (b: Buffer | undefined) => (b ? Buffer.from(b) : undefined)
  const auth: SshAuth = {}
  if (target.auth === 'agent') auth.agent = process.env.SSH_AUTH_SOCK
  else if (target.credentialId)
    await deps.vault.withSecret(target.credentialId, target, (s) => {
      auth.privateKey = copy(s.privateKey)
      auth.passphrase = copy(s.passphrase)
      auth.password = copy(s.password)
    })
  let sudoPassword: Buffer | undefined
  if (target.sudo === 'password' && target.sudoCredentialId)
    await deps.vault.withSecret(target.sudoCredentialId, target, (s) => {
      sudoPassword = copy(s.password)
    })
  const zero = () => {
    for (const b of [auth.privateKey, auth.passphrase, auth.password]) b?.fill(0)
  }
  const open = (trustFingerprint?: string) =>
    openSsh({
      host: target.host,
      port: target.port,
      user: target.user,
      auth,
      hostKeys: deps.hostKeys,
      trustFingerprint,
      signal: deps.signal,
      ...deps.timeouts,
    })
  try {
    const session = await open(deps.trustFingerprint)
    // The login secrets stay (in this scan's own copies) until the runner closes, for one reconnect to clean up.
    return new SshRunner(session, target.sudo, sudoPassword, () => open(), zero)
  } catch (err) {
    sudoPassword?.fill(0)
    zero()
    throw err
  }
}
