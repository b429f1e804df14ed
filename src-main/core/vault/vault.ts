// The encrypted credential vault: a random data key wrapped by the master passphrase, every secret sealed
// under it, only ciphertext in SQLite. While unlocked the data key lives in one Buffer in this process,
// zeroed on lock; metadata (names, kinds, user names, fingerprints) stays readable while locked.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Db } from '../store/db'
import { VaultRepo, type CredRow, type VaultRow } from '../store/vault'
import type { Clock, Timers } from '../ports'
import type { CredentialKind, Target } from '../../../src-preload/contract'
import {
  BlobError,
  canonical,
  checksum,
  deriveKey,
  FORMAT_VERSION,
  KDF_DEFAULT,
  KDF_MINIMUM,
  newHeader,
  open,
  pack,
  seal,
  unpack,
  type ScryptCost,
} from './crypto'
import { readHeader } from './header'
import { checkMeta, checkSecret, type MetaInput } from './secrets'
import { RESTORE, VaultError } from './errors'
import type { Redactor } from './redact'
import { CredentialBindings, type BindingAddress } from './bindings'
import { VaultControl, type FailureRecord, type VaultProcess } from './control'

export { VaultError, type VaultErrorCode } from './errors'

export type VaultState = 'uninitialised' | 'locked' | 'unlocked'
/** 'elsewhere': another process on this data folder locked every vault (`driftwatch vault lock`). */
export type LockReason = 'manual' | 'idle' | 'suspend' | 'lock-screen' | 'elsewhere'
/** What a passphrase was asked for, for the audit log. */
export type PassphraseAttempt = 'unlock' | 'change-passphrase' | 'confirm-address'
export type PassphraseEvent =
  | ({ type: 'wrong'; attempt: PassphraseAttempt } & FailureRecord)
  | { type: 'refused'; attempt: PassphraseAttempt; waitMs: number }
export type StateChangeReason = 'init' | 'unlock' | 'passphrase' | 'settings' | LockReason

/** The OS keychain, for "remember on this device" (Electron's safeStorage in the desktop app). */
export interface KeychainPort {
  /** safeStorage's backend on Linux ('basic_text' means a hard-coded key: no protection at all). */
  backend(): string
  isEncryptionAvailable(): boolean
  encrypt(plain: Buffer): Buffer
  decrypt(blob: Buffer): Buffer
}

/** Suspend and screen-lock notifications (Electron's powerMonitor in the desktop app). */
export interface PowerEventsPort {
  /** Returns the unsubscribe function. */
  on(event: 'suspend' | 'lock-screen', cb: () => void): () => void
}

/** What anyone may see of a credential, locked or not: never a secret. */
export interface CredentialMeta {
  id: string
  kind: CredentialKind
  name: string
  meta: { username?: string; notes?: string; fingerprint?: string }
  createdAt: string
  updatedAt: string
  rotatedAt: string | null
}

/** A credential's secret fields by name (password, token, privateKey, passphrase, cert, key). */
export type SecretBuffers = Record<string, Buffer>

export interface VaultOptions {
  clock: Clock
  /** Timers behind a port, so the idle auto-lock runs on a fake clock in tests. */
  timers: Timers
  keychain?: KeychainPort
  power?: PowerEventsPort
  /** Told every secret handed out, and to forget them all on lock. */
  redactor?: Redactor
  onStateChange?(state: VaultState, reason: StateChangeReason): void
  /** Told of each wrong passphrase and each attempt refused by the backoff (never the passphrase itself). */
  onPassphrase?(event: PassphraseEvent): void
  /** Which face this process is ('desktop', 'serve', 'cli'), so a lock from elsewhere can name it. */
  face?: string
  /**
   * Where a target's secrets go, as its kind says (the core passes the registry's answer). Without it no
   * secret is handed out for a target: a vault that cannot bind refuses rather than hands out unbound.
   */
  bindingAddress?: BindingAddress
  /**
   * Tests only: new vaults get these (cheap) parameters, and reading accepts headers down to them instead
   * of KDF_MINIMUM. Never below them, so a downgrade is still refused.
   */
  unsafeKdfForTests?: ScryptCost
}

export const DEFAULT_AUTO_LOCK_MINUTES = 15
export const MAX_AUTO_LOCK_MINUTES = 1440
export const MIN_PASSPHRASE = 12

const KEY_AAD = 'driftwatch-vault-key|'
// A known value sealed under the data key: how a key from the keychain is checked before it is trusted.
const CHECK_AAD = `driftwatch-vault-check|v${FORMAT_VERSION}`
const credAad = (id: string, kind: string) => `driftwatch-credential|v${FORMAT_VERSION}|${id}|${kind}`
const sealedAad = (purpose: string) => `driftwatch-sealed|v${FORMAT_VERSION}|${purpose}`
const REASON_TEXT: Record<LockReason, string> = {
  manual: 'by hand',
  idle: 'after being idle',
  suspend: 'as the computer went to sleep',
  'lock-screen': 'as the screen locked',
  elsewhere: 'from another Driftwatch process',
}

export class Vault {
  private key: Buffer | null = null
  private idleTimer: unknown = null
  private lastActivity = 0
  /** Bumped by every lock, so an unlock whose key derivation straddles a lock does not undo it. */
  private epoch = 0
  private lastLock: LockReason = 'manual'
  private readonly unsubscribe: (() => void)[] = []
  /** The shared lock generation this process's key was unlocked under; a different one means "locked". */
  private generation = 0
  private readonly control: VaultControl
  readonly bindings: CredentialBindings
  private readonly repo: VaultRepo

  constructor(
    db: Db,
    private readonly opts: VaultOptions,
  ) {
    this.control = new VaultControl(db, opts.face ?? 'cli', () => opts.clock.now())
    this.bindings = new CredentialBindings(
      db,
      () => this.now(),
      opts.bindingAddress ??
        (() => {
          throw new VaultError(
            'invalid',
            'This vault binds no credential to an address: no secret for a target',
          )
        }),
    )
    this.repo = new VaultRepo(db)
    if (opts.power) {
      this.unsubscribe.push(opts.power.on('suspend', () => this.lock('suspend')))
      this.unsubscribe.push(opts.power.on('lock-screen', () => this.lock('lock-screen')))
    }
  }

  state(): VaultState {
    if (!this.row()) {
      this.wipeKey()
      return 'uninitialised'
    }
    this.checkRemoteLock()
    return this.key ? 'unlocked' : 'locked'
  }

  /**
   * Forgets the key if another process locked the vault since it was unlocked here; true when it did.
   * Run before every use of the key, and polled by the core so the key does not linger until then.
   */
  checkRemoteLock(): boolean {
    if (!this.key) return false
    let current: number
    try {
      current = this.control.generation()
    } catch {
      return false
    }
    if (current === this.generation) return false
    this.generation = current
    this.lock('elsewhere')
    return true
  }

  /**
   * Locks this process and tells every other Driftwatch process on this data folder to forget its key; they
   * see it at their next use of a secret at the latest. Returns the other processes as they were.
   */
  lockEverywhere(): { generation: number; others: VaultProcess[] } {
    const generation = this.control.bumpGeneration()
    this.lock('manual')
    return { generation, others: this.control.others() }
  }

  /** The processes on this data folder that hold or held the vault, besides this one. */
  otherProcesses(): VaultProcess[] {
    return this.control.others()
  }

  /** Creates the vault and leaves it unlocked. */
  async init(passphrase: string): Promise<void> {
    if (this.row()) throw alreadyInitialised()
    checkPassphrase(passphrase)
    const orphans = this.repo.credentialCount()
    if (orphans > 0)
      // A new data key could never open them: creating a vault here would quietly lose them for good.
      throw new VaultError(
        'header_corrupt',
        `The vault record is missing but ${orphans} stored credential${orphans === 1 ? ' is' : 's are'} ` +
          `still here; ${RESTORE} rather than creating a new vault, which could not open them`,
      )
    const header = newHeader(this.opts.unsafeKdfForTests ?? KDF_DEFAULT)
    const text = canonical(header)
    const epoch = this.epoch
    const kek = await deriveKey(passphrase, header.kdf)
    const dk = randomBytes(32)
    try {
      // Another face may have created it while scrypt ran.
      if (this.row()) throw alreadyInitialised()
      const wrapped = seal(kek, dk, KEY_AAD + text)
      const now = this.now()
      this.repo.create({
        header: text,
        checksum: checksum(text, wrapped),
        wrappedKey: wrapped,
        keyCheck: seal(dk, Buffer.from('ok'), CHECK_AAD),
        autoLockMinutes: DEFAULT_AUTO_LOCK_MINUTES,
        at: now,
      })
    } catch (err) {
      dk.fill(0)
      throw err
    } finally {
      kek.fill(0)
    }
    if (epoch !== this.epoch) {
      dk.fill(0)
      this.notify('locked', this.lastLock)
      return
    }
    this.setKey(dk)
    this.notify('unlocked', 'init')
  }

  /** Checks the passphrase (even when unlocked), then unlocks; `remember` keeps the key on this device. */
  async unlock(passphrase: string, opts: { remember?: boolean } = {}): Promise<void> {
    const row = this.requireRow()
    const header = readHeader(row, this.floor())
    if (opts.remember) this.requireKeychain()
    const epoch = this.epoch
    const generation = this.control.generation()
    const dk = await this.unwrap(passphrase, row, header.kdf, 'Wrong passphrase', 'unlock')
    if (epoch !== this.epoch || generation !== this.control.generation()) {
      if (generation !== this.control.generation()) this.lastLock = 'elsewhere'
      dk.fill(0)
      throw new VaultError(
        'locked',
        `The vault was locked ${REASON_TEXT[this.lastLock]} while the passphrase was being checked; ` +
          'unlock it again',
      )
    }
    if (opts.remember) {
      let blob: Buffer
      try {
        blob = this.opts.keychain!.encrypt(dk)
      } catch (err) {
        dk.fill(0)
        throw new VaultError(
          'keychain_unavailable',
          `Cannot remember the vault on this device: the system keychain refused (${errText(err)})`,
        )
      }
      this.repo.rememberKey(blob)
    }
    this.setKey(dk)
    this.notify('unlocked', 'unlock')
  }

  /**
   * At start-up: unlocks with the key this device's keychain remembers. False when there is none, the
   * keychain cannot be used now (kept for next time), or the key is not this vault's (then forgotten).
   */
  async unlockRemembered(): Promise<boolean> {
    if (this.key) return true
    const row = this.row()
    if (!row?.remembered_key || this.keychainProblem()) return false
    let dk: Buffer
    try {
      dk = this.opts.keychain!.decrypt(row.remembered_key)
    } catch {
      // A keyring not yet unlocked after login fails the same way: not a reason to forget the device.
      return false
    }
    try {
      open(dk, row.key_check, CHECK_AAD).fill(0)
    } catch {
      dk.fill(0)
      this.forgetDevice()
      return false
    }
    this.setKey(dk)
    this.notify('unlocked', 'unlock')
    return true
  }

  isRemembered(): boolean {
    return Boolean(this.row()?.remembered_key)
  }

  /** Empty when "remember on this device" can be offered; otherwise why it cannot, for the person. */
  rememberUnavailableReason(): string {
    return this.keychainProblem() ?? ''
  }

  forgetDevice(): void {
    if (this.repo.forgetKey()) this.notify(this.state(), 'settings')
  }

  lock(reason: LockReason): void {
    this.epoch++
    this.lastLock = reason
    if (!this.key) return
    this.wipeKey()
    this.report(false)
    this.notify('locked', reason)
  }

  /**
   * The explicit act that lets a credential be used at a new address: the passphrase again (with the same
   * backoff as an unlock), then the target's address is bound to each credential. Returns what was bound.
   */
  async confirmAddress(
    passphrase: string,
    credentialIds: string[],
    target: Target,
  ): Promise<{ address: string | null; bound: { id: string; name: string; from: string[] }[] }> {
    const row = this.requireRow()
    const header = readHeader(row, this.floor())
    const creds = credentialIds.map((id) => this.get(id))
    this.requireKey(`confirm ${creds.map((c) => c.name).join(', ') || 'a credential'}`)
    ;(await this.unwrap(passphrase, row, header.kdf, 'Wrong passphrase', 'confirm-address')).fill(0)
    const address = this.bindings.addressOf(target)
    const bound: { id: string; name: string; from: string[] }[] = []
    if (address !== null)
      for (const c of creds) {
        const from = this.bindings.addresses(c.id)
        if (this.bindings.add(c.id, address, 'confirmed')) bound.push({ id: c.id, name: c.name, from })
      }
    this.activity()
    return { address, bound }
  }

  /** Re-wraps the data key under the new passphrase (and a fresh salt); no credential is re-encrypted. */
  async changePassphrase(current: string, next: string): Promise<void> {
    checkPassphrase(next)
    if (next.normalize('NFKC') === current.normalize('NFKC'))
      throw new VaultError('invalid', 'The new passphrase is the same as the current one')
    const row = this.requireRow()
    const header = readHeader(row, this.floor())
    const epoch = this.epoch
    const dk = await this.unwrap(
      current,
      row,
      header.kdf,
      'The current passphrase is wrong; the passphrase was not changed',
      'change-passphrase',
    )
    const fresh = newHeader(this.opts.unsafeKdfForTests ?? KDF_DEFAULT)
    const text = canonical(fresh)
    let kek: Buffer
    try {
      kek = await deriveKey(next, fresh.kdf)
    } catch (err) {
      dk.fill(0)
      throw err
    }
    try {
      const wrapped = seal(kek, dk, KEY_AAD + text)
      this.repo.rewrap(text, checksum(text, wrapped), wrapped, this.now())
    } catch (err) {
      dk.fill(0)
      throw err
    } finally {
      kek.fill(0)
    }
    // The new passphrase is in force either way; a lock that came meanwhile still wins.
    if (epoch !== this.epoch) {
      dk.fill(0)
      return
    }
    this.setKey(dk)
    this.notify('unlocked', 'passphrase')
  }

  autoLockMinutes(): number {
    return this.row()?.auto_lock_minutes ?? DEFAULT_AUTO_LOCK_MINUTES
  }

  /** Minutes of inactivity before the vault locks itself; 0 = never. Persisted with the vault. */
  setAutoLock(minutes: number): void {
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_AUTO_LOCK_MINUTES)
      throw new VaultError(
        'invalid',
        `Auto-lock takes whole minutes from 0 (never) to ${MAX_AUTO_LOCK_MINUTES} (a day), not ${minutes}`,
      )
    this.requireRow()
    this.repo.setAutoLock(minutes, this.now())
    if (this.key) this.activity()
    this.notify(this.state(), 'settings')
  }

  /**
   * A person did something: postpones the idle auto-lock. Only faces call this; background work that uses
   * secrets (withSecret) deliberately does not, or a watch schedule would keep the vault open for ever.
   */
  touch(): void {
    if (this.key && !this.lockIfIdle()) this.activity()
  }

  list(): CredentialMeta[] {
    return this.repo.credentials().map(toMeta)
  }

  get(id: string): CredentialMeta {
    return toMeta(this.credRow(id))
  }

  add(kind: CredentialKind, name: string, meta: MetaInput, secret: Record<string, string>): CredentialMeta {
    const checkedName = checkName(name)
    const key = this.requireKey(`add ${checkedName}`)
    this.checkNameFree(checkedName)
    const { fields, fingerprint } = checkSecret(kind, secret)
    const publicMeta = { ...checkMeta(meta), ...(fingerprint && { fingerprint }) }
    const id = randomUUID()
    const now = this.now()
    const plain = pack(fields)
    try {
      this.repo.addCredential({
        id,
        kind,
        name: checkedName,
        meta: JSON.stringify(publicMeta),
        ciphertext: seal(key, plain, credAad(id, kind)),
        at: now,
      })
    } catch (err) {
      throw uniqueViolation(err, checkedName)
    } finally {
      plain.fill(0)
    }
    this.remember(fields)
    this.activity()
    return this.get(id)
  }

  /** Renames, edits metadata, and/or rotates the secret (a new secret sets rotatedAt). */
  update(
    id: string,
    change: { name?: string; meta?: MetaInput; secret?: Record<string, string> },
  ): CredentialMeta {
    const current = this.get(id)
    const key = this.requireKey(`change ${current.name}`)
    const name = change.name === undefined ? current.name : checkName(change.name)
    if (name.toLowerCase() !== current.name.toLowerCase()) this.checkNameFree(name)
    const meta = { ...current.meta, ...(change.meta && checkMeta(change.meta)) }
    const rotated = change.secret ? checkSecret(current.kind, change.secret) : undefined
    if (rotated) {
      delete meta.fingerprint
      if (rotated.fingerprint) meta.fingerprint = rotated.fingerprint
    }
    const now = this.now()
    const plain = rotated ? pack(rotated.fields) : undefined
    try {
      this.repo.updateCredential(id, {
        name,
        meta: JSON.stringify(meta),
        ciphertext: plain && seal(key, plain, credAad(id, current.kind)),
        at: now,
      })
    } catch (err) {
      throw uniqueViolation(err, name)
    } finally {
      plain?.fill(0)
    }
    if (rotated) this.remember(rotated.fields)
    this.activity()
    return this.get(id)
  }

  remove(id: string): void {
    const current = this.get(id)
    this.requireKey(`remove ${current.name}`)
    this.repo.removeCredential(id)
    this.activity()
  }

  /**
   * Decrypts into Buffers, hands them to `fn`, and zero-fills them when `fn` settles, also when it throws.
   * `fn` must not keep the Buffers (copy what must outlive the call).
   */
  async withSecret<T>(
    id: string,
    /**
     * The target the secret is for: it is handed out only at an address the credential is bound to (see
     * bindings.ts). null for secrets that go to no target (alert channels).
     */
    target: Target | null,
    fn: (secret: SecretBuffers) => T | Promise<T>,
  ): Promise<T> {
    const row = this.credRow(id)
    const key = this.requireKey(`use ${row.name}`)
    if (target) this.bindings.claim(row, target)
    let plain: Buffer
    try {
      plain = open(key, row.ciphertext, credAad(row.id, row.kind))
    } catch (err) {
      throw damaged(row.name, err)
    }
    try {
      let fields: SecretBuffers
      try {
        fields = unpack(plain)
      } catch (err) {
        throw damaged(row.name, err)
      }
      this.remember(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.toString('utf8')])))
      return await fn(fields)
    } finally {
      plain.fill(0)
    }
  }

  /**
   * Seals bytes that are not a credential (the report signing key) under the data key, bound to `purpose`,
   * so such a blob opens only for the same purpose. Needs the vault unlocked; `action` says why, for the error.
   */
  sealFor(purpose: string, plain: Buffer, action: string): Buffer {
    return seal(this.requireKey(action), plain, sealedAad(purpose))
  }

  /** Opens a blob from sealFor, hands it to `fn`, and zero-fills it when `fn` settles. */
  async withSealed<T>(
    purpose: string,
    blob: Buffer,
    action: string,
    fn: (plain: Buffer) => T | Promise<T>,
  ): Promise<T> {
    let plain: Buffer
    try {
      plain = open(this.requireKey(action), blob, sealedAad(purpose))
    } catch (err) {
      if (err instanceof VaultError) throw err
      throw damaged(purpose, err)
    }
    try {
      return await fn(plain)
    } finally {
      plain.fill(0)
    }
  }

  close(): void {
    this.lock('manual')
    for (const u of this.unsubscribe.splice(0)) u()
    try {
      this.control.forget()
    } catch {
      // The store may already be gone; the next lock drops rows of processes that no longer exist.
    }
  }

  /**
   * Derives and opens the data key. Wrong passphrases are counted in the store, which every process shares,
   * so restarting does not reset the backoff; while it runs, attempts are refused before any derivation.
   */
  private async unwrap(
    passphrase: string,
    row: VaultRow,
    kdf: Parameters<typeof deriveKey>[1],
    wrongMessage: string,
    attempt: PassphraseAttempt,
  ): Promise<Buffer> {
    const waitMs = this.control.waitMs()
    if (waitMs > 0) {
      this.tell({ type: 'refused', attempt, waitMs })
      throw new VaultError(
        'backoff',
        `Too many wrong passphrases: wait ${Math.ceil(waitMs / 1000)} s before trying again`,
      )
    }
    const kek = await deriveKey(passphrase, kdf)
    try {
      const dk = open(kek, row.wrapped_key, KEY_AAD + row.header)
      this.control.recordSuccess()
      return dk
    } catch (err) {
      // The checksum vouched for the record, so a failure here is the passphrase (or deliberate tampering,
      // which cannot be told from it without the passphrase).
      if (err instanceof BlobError && err.kind === 'truncated')
        throw new VaultError('truncated', `The vault's wrapped key is truncated; ${RESTORE}`)
      const failure = this.control.recordFailure()
      this.tell({ type: 'wrong', attempt, ...failure })
      throw new VaultError(
        'wrong_passphrase',
        failure.delayMs > 0
          ? `${wrongMessage} (${failure.failures} wrong in a row: the next try must wait ${Math.ceil(failure.delayMs / 1000)} s)`
          : wrongMessage,
      )
    } finally {
      kek.fill(0)
    }
  }

  private tell(event: PassphraseEvent): void {
    try {
      this.opts.onPassphrase?.(event)
    } catch {
      // Auditing must not turn a refused passphrase into another error.
    }
  }

  /** Keeps this process's row in the shared registry current; a failure to write it never undoes a lock. */
  private report(unlocked: boolean): void {
    try {
      this.control.report(unlocked, this.generation)
    } catch {
      // Best effort: `vault lock` reports a process it cannot see as unreachable.
    }
  }

  private floor(): ScryptCost {
    return this.opts.unsafeKdfForTests ?? KDF_MINIMUM
  }

  private now(): string {
    return this.opts.clock.now().toISOString()
  }

  private notify(state: VaultState, reason: StateChangeReason): void {
    try {
      this.opts.onStateChange?.(state, reason)
    } catch {
      // A listener's failure must not undo a lock or an unlock that already happened.
    }
  }

  private row(): VaultRow | undefined {
    return this.repo.row()
  }

  private requireRow(): VaultRow {
    const row = this.row()
    if (!row) throw new VaultError('uninitialised', 'There is no vault yet: create one first')
    return row
  }

  private credRow(id: string): CredRow {
    const row = this.repo.credential(id)
    if (!row) throw new VaultError('not_found', 'That credential does not exist (was it deleted?)')
    return row
  }

  /** The data key, or the reason there is none, saying what the person was trying to do. */
  private requireKey(action: string): Buffer {
    this.requireRow()
    this.checkRemoteLock()
    this.lockIfIdle()
    if (!this.key) throw new VaultError('locked', `The vault is locked: unlock it to ${action}`)
    return this.key
  }

  private checkNameFree(name: string): void {
    if (this.repo.nameTaken(name)) throw duplicate(name)
  }

  private setKey(dk: Buffer): void {
    this.wipeKey()
    // Its own allocation (Buffer.alloc never uses the shared pool), so nothing else aliases the key.
    this.key = Buffer.alloc(dk.length)
    dk.copy(this.key)
    dk.fill(0)
    this.generation = this.control.generation()
    this.report(true)
    this.activity()
  }

  private wipeKey(): void {
    if (!this.key) return
    this.key.fill(0)
    this.key = null
    this.opts.redactor?.forgetSecrets()
    this.clearIdle()
  }

  private remember(fields: Record<string, string>): void {
    for (const v of Object.values(fields)) this.opts.redactor?.registerSecret(v)
  }

  private keychainProblem(): string | null {
    const k = this.opts.keychain
    if (!k) return 'only the desktop app can use the system keychain'
    if (!k.isEncryptionAvailable()) return 'this system offers no keychain'
    // Electron's basic_text backend encrypts with a hard-coded password: as good as storing the key in clear.
    if (k.backend() === 'basic_text') return 'the system keychain stores data unprotected (basic_text)'
    return null
  }

  private requireKeychain(): void {
    const why = this.keychainProblem()
    if (why) throw new VaultError('keychain_unavailable', `Cannot remember the vault on this device: ${why}`)
  }

  /** Locks now if the idle time passed without the timer firing (a blocked loop, a paused process). */
  private lockIfIdle(): boolean {
    const minutes = this.autoLockMinutes()
    if (!this.key || minutes <= 0) return false
    if (this.opts.clock.now().getTime() < this.lastActivity + minutes * 60_000) return false
    this.lock('idle')
    return true
  }

  private activity(): void {
    this.lastActivity = this.opts.clock.now().getTime()
    this.armIdle()
  }

  private armIdle(): void {
    this.clearIdle()
    const minutes = this.autoLockMinutes()
    if (!this.key || minutes <= 0) return
    const due = this.lastActivity + minutes * 60_000
    this.idleTimer = this.opts.timers.setTimeout(
      () => {
        this.idleTimer = null
        // Wall-clock check: timers can fire early or late around sleep; re-arm if it is not yet due.
        if (!this.lockIfIdle()) this.armIdle()
      },
      Math.max(0, due - this.opts.clock.now().getTime()),
    )
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.opts.timers.clearTimeout(this.idleTimer)
    this.idleTimer = null
  }
}

function checkPassphrase(p: string): void {
  const length = [...p.normalize('NFKC')].length
  if (length < MIN_PASSPHRASE)
    throw new VaultError(
      'weak_passphrase',
      `Use a passphrase of at least ${MIN_PASSPHRASE} characters (this one has ${length}); ` +
        'several words are easy to remember',
    )
}

function checkName(name: unknown): string {
  const n = typeof name === 'string' ? name.trim() : ''
  if (!n) throw new VaultError('invalid', 'name is required')
  if (n.length > 100) throw new VaultError('invalid', 'name is longer than 100 characters')
  return n
}

const alreadyInitialised = () =>
  new VaultError('already_initialised', 'The vault already exists; unlock it instead')
const duplicate = (name: string) =>
  new VaultError('duplicate_name', `A credential named "${name}" already exists`)

/** Another process (the CLI beside the app) can win the race between the name check and the insert. */
function uniqueViolation(err: unknown, name: string): unknown {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' ? duplicate(name) : err
}

function damaged(name: string, err: unknown): VaultError {
  if (err instanceof BlobError && err.kind === 'truncated')
    return new VaultError(
      'truncated',
      `The stored secret of "${name}" is truncated (${err.detail}); rotate it to store it again`,
    )
  return new VaultError(
    'tampered',
    `The stored secret of "${name}" was modified or damaged and cannot be trusted; ` +
      'rotate it to store it again',
  )
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err))

function toMeta(r: CredRow): CredentialMeta {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    meta: JSON.parse(r.meta) as CredentialMeta['meta'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rotatedAt: r.rotated_at,
  }
}
