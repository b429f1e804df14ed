// The encrypted credential vault: a random data key wrapped once per member (each person's or worker's own
// passphrase or key file), every secret sealed
// under it, only ciphertext in SQLite. While unlocked the data key lives in one Buffer in this process,
// zeroed on lock; metadata (names, kinds, user names, fingerprints) stays readable while locked.
// This class is the vault's one door; the work is done by its parts: the key session and its locks
// (session.ts), the passphrase gate and backoff (passphrase.ts), unlocking (unlock.ts), the keychain
// (remembered.ts) and the credentials (credentials.ts).
import type { Sql } from '../store/sql/engine'
import { VaultRepo } from '../store/vault'
import { VaultMembersRepo } from '../store/vault-members'
import type { MemberInfo, MemberSecret } from './members'
import type { CredentialKind, Target } from '../../../src-preload/contract'
import type { MetaInput } from './secrets'
import { CredentialBindings } from './bindings'
import { VaultError } from './errors'
import { VaultControl, type VaultProcess } from './control'
import { CredentialStore } from './credentials'
import { PassphraseGate } from './passphrase'
import { RememberedKey } from './remembered'
import { VaultSession } from './session'
import { Unlocker } from './unlock'
import type { CredentialMeta, LockReason, SecretBuffers, VaultOptions, VaultState } from './types'

export { VaultError, type VaultErrorCode } from './errors'
export {
  DEFAULT_AUTO_LOCK_MINUTES,
  MAX_AUTO_LOCK_MINUTES,
  MIN_PASSPHRASE,
  type CredentialMeta,
  type KeychainPort,
  type LockReason,
  type PassphraseAttempt,
  type PassphraseEvent,
  type PowerEventsPort,
  type SecretBuffers,
  type StateChangeReason,
  type VaultOptions,
  type VaultState,
} from './types'

export { FIRST_MEMBER, type MemberInfo, type MemberSecret } from './members'

const asSecret = (s: string | MemberSecret): MemberSecret => (typeof s === 'string' ? { passphrase: s } : s)

export class Vault {
  readonly bindings: CredentialBindings
  private readonly control: VaultControl
  private readonly session: VaultSession
  private readonly remembered: RememberedKey
  private readonly unlocker: Unlocker
  private readonly credentials: CredentialStore

  constructor(
    sql: Sql,
    private readonly opts: VaultOptions,
  ) {
    const repo = new VaultRepo(sql)
    this.control = new VaultControl(sql, opts.face ?? 'cli', () => opts.clock.now())
    this.session = new VaultSession(opts, this.control, repo)
    this.bindings = new CredentialBindings(
      sql,
      () => this.session.now(),
      opts.bindingAddress ??
        (() => {
          throw new VaultError(
            'invalid',
            'This vault binds no credential to an address: no secret for a target',
          )
        }),
    )
    const members = new VaultMembersRepo(sql)
    const gate = new PassphraseGate(opts, members)
    this.remembered = new RememberedKey(opts, repo, this.session)
    this.unlocker = new Unlocker(opts, repo, members, this.control, this.session, gate, this.remembered)
    this.credentials = new CredentialStore(opts, repo, this.bindings, this.session, gate, () =>
      this.unlocker.member(this.session.member ?? undefined),
    )
  }

  state(): VaultState {
    return this.session.state()
  }

  /**
   * Forgets the key if another process locked the vault since it was unlocked here; true when it did.
   * Run before every use of the key, and polled by the core so the key does not linger until then.
   */
  checkRemoteLock(): boolean {
    return this.session.checkRemoteLock()
  }

  /**
   * Locks this process and tells every other Driftwatch process on this data folder to forget its key; they
   * see it at their next use of a secret at the latest. Returns the other processes as they were.
   */
  lockEverywhere(): { generation: number; others: VaultProcess[] } {
    return this.session.lockEverywhere()
  }

  /** The processes on this data folder that hold or held the vault, besides this one. */
  otherProcesses(): VaultProcess[] {
    return this.control.others()
  }

  /** Creates the vault with its first member (default "owner") and leaves it unlocked. */
  init(secret: string | MemberSecret, opts: { member?: string } = {}): Promise<void> {
    return this.unlocker.init(asSecret(secret), { ...opts, by: this.describeActor() })
  }

  /**
   * Checks a member's passphrase or key file (even when unlocked), then unlocks as that member: the one named,
   * else the default member of this process, else the only one. `remember` keeps the key on this device.
   */
  unlock(secret: string | MemberSecret, opts: { member?: string; remember?: boolean } = {}): Promise<void> {
    return this.unlocker.unlock(asSecret(secret), opts)
  }

  /** The member who unlocked this process's key; null while locked or when the device's keychain did. */
  member(): string | null {
    return this.session.member
  }

  /** The vault's members (names and how they unlock; never a wrap). Readable while locked. */
  members(): MemberInfo[] {
    return this.unlocker.listMembers()
  }

  /** Another person or worker with their own passphrase or key file; needs the vault unlocked. */
  addMember(name: string, secret: MemberSecret): Promise<MemberInfo> {
    return this.unlocker.addMember(name, secret, this.describeActor())
  }

  /** Deletes the member's wrap of the key (nothing else changes); needs the vault unlocked; never the last. */
  removeMember(name: string): MemberInfo {
    return this.unlocker.removeMember(name)
  }

  /**
   * At start-up: unlocks with the key this device's keychain remembers. False when there is none, the
   * keychain cannot be used now (kept for next time), or the key is not this vault's (then forgotten).
   */
  unlockRemembered(): Promise<boolean> {
    return this.remembered.unlock()
  }

  isRemembered(): boolean {
    return this.remembered.isRemembered()
  }

  /** Empty when "remember on this device" can be offered; otherwise why it cannot, for the person. */
  rememberUnavailableReason(): string {
    return this.remembered.unavailableReason()
  }

  forgetDevice(): void {
    this.remembered.forget()
  }

  lock(reason: LockReason): void {
    this.session.lock(reason)
  }

  /**
   * The explicit act that lets a credential be used at a new address: the passphrase again (with the same
   * backoff as an unlock), then the target's address is bound to each credential. Returns what was bound.
   */
  confirmAddress(
    passphrase: string,
    credentialIds: string[],
    target: Target,
  ): Promise<{ address: string | null; bound: { id: string; name: string; from: string[] }[] }> {
    return this.credentials.confirmAddress(passphrase, credentialIds, target)
  }

  /**
   * Re-wraps the data key under a member's new passphrase (and a fresh salt): the member named, else the one who
   * unlocked, else the only one. No other member's wrap and no credential is re-encrypted.
   */
  changePassphrase(current: string, next: string, opts: { member?: string } = {}): Promise<void> {
    return this.unlocker.changePassphrase(current, next, opts)
  }

  autoLockMinutes(): number {
    return this.session.autoLockMinutes()
  }

  /** Minutes of inactivity before the vault locks itself; 0 = never. Persisted with the vault. */
  setAutoLock(minutes: number): void {
    this.session.setAutoLock(minutes)
  }

  /**
   * A person did something: postpones the idle auto-lock. Only faces call this; background work that uses
   * secrets (withSecret) deliberately does not, or a watch schedule would keep the vault open for ever.
   */
  touch(): void {
    this.session.touch()
  }

  list(): CredentialMeta[] {
    return this.credentials.list()
  }

  get(id: string): CredentialMeta {
    return this.credentials.get(id)
  }

  add(kind: CredentialKind, name: string, meta: MetaInput, secret: Record<string, string>): CredentialMeta {
    return this.credentials.add(kind, name, meta, secret)
  }

  /** Renames, edits metadata, and/or rotates the secret (a new secret sets rotatedAt). */
  update(
    id: string,
    change: { name?: string; meta?: MetaInput; secret?: Record<string, string> },
  ): CredentialMeta {
    return this.credentials.update(id, change)
  }

  remove(id: string): void {
    this.credentials.remove(id)
  }

  /**
   * Decrypts into Buffers, hands them to `fn`, and zero-fills them when `fn` settles, also when it throws.
   * `fn` must not keep the Buffers (copy what must outlive the call). `target` is what the secret is for:
   * it is handed out only at an address the credential is bound to (see bindings.ts); null for secrets that
   * go to no target (alert channels).
   */
  withSecret<T>(
    id: string,
    target: Target | null,
    fn: (secret: SecretBuffers) => T | Promise<T>,
  ): Promise<T> {
    return this.credentials.withSecret(id, target, fn)
  }

  /**
   * Seals bytes that are not a credential (the report signing key) under the data key, bound to `purpose`,
   * so such a blob opens only for the same purpose. Needs the vault unlocked; `action` says why, for the error.
   */
  sealFor(purpose: string, plain: Buffer, action: string): Buffer {
    return this.credentials.sealFor(purpose, plain, action)
  }

  /** Opens a blob from sealFor, hands it to `fn`, and zero-fills it when `fn` settles. */
  withSealed<T>(
    purpose: string,
    blob: Buffer,
    action: string,
    fn: (plain: Buffer) => T | Promise<T>,
  ): Promise<T> {
    return this.credentials.withSealed(purpose, blob, action, fn)
  }

  close(): void {
    this.session.close()
  }

  private describeActor(): string {
    try {
      return this.opts.describeActor?.() ?? ''
    } catch {
      return ''
    }
  }
}
