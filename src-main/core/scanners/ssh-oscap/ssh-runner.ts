// The SSH side of the scan pipeline: a Runner over an SshSession, with every command run in the target's
// sudo mode (the sudo password only ever on stdin) and the target's credentials taken from the vault.
import type { SshTarget } from '../ssh'
import type { Vault } from '../../vault/vault'
import type { ExecOptions, ExecResult, Runner } from './runner'
import type { HostKeyPins } from './host-key-store'
import { openSsh, type OpenSshOptions, type SshAuth } from './ssh-connect'
import { shq, type SshSession, type SudoMode } from './ssh-session'

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
  mktemp(): Promise<string> {
    return this.session.mktemp()
  }
  upload(data: Buffer, path: string): Promise<void> {
    return this.session.upload(data, path)
  }
  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.session.sudo(argv.map(shq).join(' '), this.sudo, this.sudoPassword, opts)
  }
  download(path: string): Promise<Buffer> {
    return this.session.download(path)
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
