// The SSH side of the scan pipeline: a Runner over an SshSession, with every command run in the target's
// sudo mode (the sudo password only ever on stdin) and the target's credentials taken from the vault.
import type { Target } from '../../../../src-preload/contract'
import type { Vault } from '../../vault/vault'
import type { ExecOptions, ExecResult, Runner } from './runner'
import { openSsh, shq, type HostKeyPins, type SshAuth, type SshSession, type SudoMode } from './ssh'

export class SshRunner implements Runner {
  constructor(
    private readonly session: SshSession,
    private readonly sudo: SudoMode,
    private readonly sudoPassword?: Buffer,
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
  cleanup(dir: string): Promise<void> {
    // oscap ran as root under sudo, so its files in the temp dir are root's: remove them the same way.
    return this.session.cleanup(dir, { sudo: this.sudo, password: this.sudoPassword })
  }
  async close(): Promise<void> {
    this.sudoPassword?.fill(0)
    await this.session.close()
  }
}

/** Opens the SSH session a target describes, with its key or password (and sudo password) from the vault. */
export async function sshRunnerFor(
  target: Extract<Target, { kind: 'ssh' }>,
  deps: { vault: Vault; hostKeys: HostKeyPins; trustFingerprint?: string; signal: AbortSignal },
): Promise<Runner> {
  // Copies owned by this scan, zeroed when it ends; the vault zeroes its own after withSecret returns.
  const copy = (b: Buffer | undefined) => (b ? Buffer.from(b) : undefined)
  const auth: SshAuth = {}
  if (target.auth === 'agent') auth.agent = process.env.SSH_AUTH_SOCK
  else if (target.credentialId)
    await deps.vault.withSecret(target.credentialId, (s) => {
      auth.privateKey = copy(s.privateKey)
      auth.passphrase = copy(s.passphrase)
      auth.password = copy(s.password)
    })
  let sudoPassword: Buffer | undefined
  if (target.sudo === 'password' && target.sudoCredentialId)
    await deps.vault.withSecret(target.sudoCredentialId, (s) => {
      sudoPassword = copy(s.password)
    })
  try {
    const session = await openSsh({
      host: target.host,
      port: target.port,
      user: target.user,
      auth,
      hostKeys: deps.hostKeys,
      trustFingerprint: deps.trustFingerprint,
      signal: deps.signal,
    })
    return new SshRunner(session, target.sudo, sudoPassword)
  } catch (err) {
    sudoPassword?.fill(0)
    throw err
  } finally {
    for (const b of [auth.privateKey, auth.passphrase, auth.password]) b?.fill(0)
  }
}
