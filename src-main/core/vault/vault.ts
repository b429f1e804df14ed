// The encrypted credential vault: a random data key wrapped by the master passphrase, every secret sealed
// under it, only ciphertext in SQLite. While unlocked the data key lives in one Buffer in this process,
// zeroed on lock; metadata (names, kinds, user names, fingerprints) stays readable while locked.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Db } from '../store/db'
import type { Clock, Timers } from '../ports'
import type { CredentialKind } from '../../../src-preload/contract'
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
  type Header,
} from './crypto'
import { describeSecret } from './secrets'
import type { Redactor } from './redact'

export type VaultState = 'uninitialised' | 'locked' | 'unlocked'
export type LockReason = 'manual' | 'idle' | 'suspend' | 'lock-screen'
export type VaultErrorCode =
  | 'uninitialised'
  | 'already_initialised'
  | 'locked'
  | 'wrong_passphrase'
  | 'header_corrupt'
  | 'downgrade'
  | 'truncated'
  | 'tampered'
  | 'not_found'
  | 'duplicate_name'
  | 'invalid'
  | 'keychain_unavailable'
  | 'weak_passphrase'

export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'VaultError'
  }
}

/** The OS keychain, for "remember on this device" (Electron's safeStorage in the desktop app). */
export interface KeychainPort {
  backend(): string
  isEncryptionAvailable(): boolean
  encrypt(plain: Buffer): Buffer
  decrypt(blob: Buffer): Buffer
}

/** Suspend and screen-lock notifications (Electron's powerMonitor in the desktop app). */
export interface PowerEventsPort {
  on(event: 'suspend' | 'lock-screen', cb: () => void): () => void
}

export interface CredentialRecord {
  id: string
  kind: CredentialKind
  name: string
  meta: { username?: string; notes?: string; fingerprint?: string }
  createdAt: string
  updatedAt: string
  rotatedAt: string | null
}

export type SecretBuffers = Record<string, Buffer>

export interface VaultOptions {
  clock: Clock
  timers: Timers
  keychain?: KeychainPort
  power?: PowerEventsPort
  redactor?: Redactor
  onStateChange?(state: VaultState, reason: string): void
  /** Tests only: cheaper key derivation for new vaults. Reading still enforces KDF_MINIMUM unless set. */
  unsafeKdfForTests?: { N: number; r: number; p: number }
}

type VaultRow = {
  header: string
  checksum: string
  wrapped_key: Buffer
  key_check: Buffer
  remembered_key: Buffer | null
  auto_lock_minutes: number
}
type CredRow = {
  id: string
  kind: CredentialKind
  name: string
  meta: string
  ciphertext: Buffer
  created_at: string
  updated_at: string
  rotated_at: string | null
}

const KEY_AAD = 'driftwatch-vault-key|'
const CHECK_AAD = 'driftwatch-vault-check|v1'
const credAad = (id: string, kind: string) => `driftwatch-credential|v${FORMAT_VERSION}|${id}|${kind}`

export class Vault {
  private key: Buffer | null = null
  private idleTimer: unknown = null
  private lastActivity = 0
  private readonly unsubscribe: (() => void)[] = []

  constructor(
    private readonly db: Db,
    private readonly opts: VaultOptions,
  ) {
    if (opts.power) {
      this.unsubscribe.push(opts.power.on('suspend', () => this.lock('suspend')))
      this.unsubscribe.push(opts.power.on('lock-screen', () => this.lock('lock-screen')))
    }
  }

  state(): VaultState {
    if (!this.row()) return 'uninitialised'
    return this.key ? 'unlocked' : 'locked'
  }

  async init(passphrase: string): Promise<void> {
    if (this.row()) throw new VaultError('already_initialised', 'The vault already exists; unlock it instead')
    checkPassphrase(passphrase)
    const header = newHeader(this.opts.unsafeKdfForTests ?? KDF_DEFAULT)
    const headerText = canonical(header)
    const kek = await deriveKey(passphrase, header.kdf)
    const dk = randomBytes(32)
    try {
      const wrapped = seal(kek, dk, KEY_AAD + headerText)
      const now = this.now()
      this.db
        .prepare(
          `INSERT INTO vault (id, header, checksum, wrapped_key, key_check, auto_lock_minutes, created_at, updated_at)
           VALUES (1, ?, ?, ?, ?, 15, ?, ?)`,
        )
        .run(
          headerText,
          checksum(headerText, wrapped),
          wrapped,
          seal(dk, Buffer.from('ok'), CHECK_AAD),
          now,
          now,
        )
      this.key = Buffer.from(dk)
    } finally {
      kek.fill(0)
      dk.fill(0)
    }
    this.activity()
    this.opts.onStateChange?.('unlocked', 'init')
  }

  async unlock(passphrase: string, opts: { remember?: boolean } = {}): Promise<void> {
    const row = this.requireRow()
    const header = this.readHeader(row)
    if (opts.remember) this.requireKeychain()
    const kek = await deriveKey(passphrase, header.kdf)
    let dk: Buffer
    try {
      dk = open(kek, row.wrapped_key, KEY_AAD + row.header)
    } catch (err) {
      if (err instanceof BlobError && err.kind === 'truncated')
        throw new VaultError(
          'truncated',
          'The vault key record is truncated; restore the data folder from a backup',
        )
      throw new VaultError('wrong_passphrase', 'Wrong passphrase')
    } finally {
      kek.fill(0)
    }
    this.setKey(dk)
    if (opts.remember) this.remember()
    this.activity()
    this.opts.onStateChange?.('unlocked', 'unlock')
  }

  /** At start-up: unlock with the key this device remembers, if any. False when there is none or it fails. */
  unlockRemembered(): boolean {
    const row = this.row()
    if (!row?.remembered_key || this.key || !this.keychainReason(false)) return false
    try {
      const dk = this.opts.keychain!.decrypt(row.remembered_key)
      open(dk, row.key_check, CHECK_AAD)
      this.setKey(dk)
    } catch {
      this.forgetDevice()
      return false
    }
    this.activity()
    this.opts.onStateChange?.('unlocked', 'unlock')
    return true
  }

  isRemembered(): boolean {
    return Boolean(this.row()?.remembered_key)
  }

  /** Empty when "remember on this device" can be offered; otherwise the reason it cannot. */
  rememberUnavailableReason(): string {
    return this.keychainReason(true)
  }

  forgetDevice(): void {
    this.db.prepare('UPDATE vault SET remembered_key = NULL WHERE id = 1').run()
  }

  lock(reason: LockReason): void {
    if (!this.key) return
    this.key.fill(0)
    this.key = null
    this.opts.redactor?.forgetSecrets()
    this.clearIdle()
    this.opts.onStateChange?.('locked', reason)
  }

  async changePassphrase(current: string, next: string): Promise<void> {
    checkPassphrase(next)
    const row = this.requireRow()
    const header = this.readHeader(row)
    const oldKek = await deriveKey(current, header.kdf)
    let dk: Buffer
    try {
      dk = open(oldKek, row.wrapped_key, KEY_AAD + row.header)
    } catch {
      throw new VaultError('wrong_passphrase', 'Wrong passphrase: the current passphrase is not this one')
    } finally {
      oldKek.fill(0)
    }
    // Only the data key is re-wrapped, under a fresh salt: no credential is decrypted or re-sealed.
    const fresh = newHeader(this.opts.unsafeKdfForTests ?? KDF_DEFAULT)
    const text = canonical(fresh)
    const kek = await deriveKey(next, fresh.kdf)
    try {
      const wrapped = seal(kek, dk, KEY_AAD + text)
      this.db
        .prepare('UPDATE vault SET header = ?, checksum = ?, wrapped_key = ?, updated_at = ? WHERE id = 1')
        .run(text, checksum(text, wrapped), wrapped, this.now())
      this.setKey(dk)
    } finally {
      kek.fill(0)
    }
    this.activity()
    this.opts.onStateChange?.('unlocked', 'passphrase')
  }

  autoLockMinutes(): number {
    return this.row()?.auto_lock_minutes ?? 15
  }

  setAutoLock(minutes: number): void {
    this.requireRow()
    this.db.prepare('UPDATE vault SET auto_lock_minutes = ? WHERE id = 1').run(minutes)
    this.activity()
  }

  /** Activity (any call from a face) postpones the idle auto-lock. */
  touch(): void {
    if (this.key) this.activity()
  }

  list(): CredentialRecord[] {
    const rows = this.db
      .prepare(
        'SELECT id, kind, name, meta, created_at, updated_at, rotated_at FROM credentials ORDER BY name COLLATE NOCASE',
      )
      .all() as CredRow[]
    return rows.map(toRecord)
  }

  get(id: string): CredentialRecord {
    const row = this.db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredRow | undefined
    if (!row) throw new VaultError('not_found', 'That credential does not exist (was it deleted?)')
    return toRecord(row)
  }

  add(
    kind: CredentialKind,
    name: string,
    meta: CredentialRecord['meta'],
    secret: Record<string, string>,
  ): CredentialRecord {
    const key = this.requireKey(name)
    this.checkName(name)
    const described = describeSecret(kind, secret)
    const id = randomUUID()
    const now = this.now()
    const plain = pack(secret)
    try {
      this.db
        .prepare(
          `INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at, rotated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
        )
        .run(
          id,
          kind,
          name,
          JSON.stringify({ ...meta, fingerprint: described.fingerprint }),
          seal(key, plain, credAad(id, kind)),
          now,
          now,
        )
    } finally {
      plain.fill(0)
    }
    this.activity()
    return this.get(id)
  }

  update(
    id: string,
    change: { name?: string; meta?: CredentialRecord['meta']; secret?: Record<string, string> },
  ): CredentialRecord {
    const current = this.get(id)
    const key = this.requireKey(current.name)
    if (change.name !== undefined && change.name.toLowerCase() !== current.name.toLowerCase())
      this.checkName(change.name)
    const now = this.now()
    const meta = { ...current.meta, ...change.meta }
    this.db.transaction(() => {
      if (change.secret) {
        meta.fingerprint = describeSecret(current.kind, change.secret).fingerprint
        const plain = pack(change.secret)
        try {
          this.db
            .prepare('UPDATE credentials SET ciphertext = ?, rotated_at = ? WHERE id = ?')
            .run(seal(key, plain, credAad(id, current.kind)), now, id)
        } finally {
          plain.fill(0)
        }
      }
      this.db
        .prepare('UPDATE credentials SET name = ?, meta = ?, updated_at = ? WHERE id = ?')
        .run(change.name ?? current.name, JSON.stringify(meta), now, id)
    })()
    this.activity()
    return this.get(id)
  }

  remove(id: string): void {
    const current = this.get(id)
    this.requireKey(current.name)
    this.db.prepare('DELETE FROM credentials WHERE id = ?').run(id)
  }

  /** Decrypts into Buffers, hands them to `fn`, and zero-fills them afterwards, also when `fn` throws. */
  async withSecret<T>(id: string, fn: (secret: SecretBuffers) => T | Promise<T>): Promise<T> {
    const row = this.db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredRow | undefined
    if (!row) throw new VaultError('not_found', 'That credential does not exist (was it deleted?)')
    const key = this.requireKey(row.name)
    let plain: Buffer
    try {
      plain = open(key, row.ciphertext, credAad(row.id, row.kind))
    } catch (err) {
      if (err instanceof BlobError && err.kind === 'truncated')
        throw new VaultError('truncated', `The stored secret of "${row.name}" is truncated; rotate it`)
      throw new VaultError(
        'tampered',
        `The stored secret of "${row.name}" was modified or damaged and cannot be trusted; rotate it`,
      )
    }
    this.activity()
    try {
      const fields = unpack(plain)
      for (const v of Object.values(fields)) this.opts.redactor?.registerSecret(v.toString('utf8'))
      return await fn(fields)
    } finally {
      plain.fill(0)
    }
  }

  close(): void {
    this.lock('manual')
    for (const u of this.unsubscribe.splice(0)) u()
  }

  private now(): string {
    return this.opts.clock.now().toISOString()
  }

  private row(): VaultRow | undefined {
    return this.db.prepare('SELECT * FROM vault WHERE id = 1').get() as VaultRow | undefined
  }

  private requireRow(): VaultRow {
    const row = this.row()
    if (!row) throw new VaultError('uninitialised', 'There is no vault yet: create one first')
    return row
  }

  private requireKey(what: string): Buffer {
    this.requireRow()
    if (!this.key) throw new VaultError('locked', `The vault is locked: unlock it to use ${what}`)
    return this.key
  }

  private checkName(name: string): void {
    if (this.db.prepare('SELECT 1 FROM credentials WHERE name = ? COLLATE NOCASE').get(name))
      throw new VaultError('duplicate_name', `A credential named "${name}" already exists`)
  }

  /** The header is checked before any key is derived: corruption and downgrades are told apart from typos. */
  private readHeader(row: VaultRow): Header {
    if (row.wrapped_key.length < 1 + 12 + 16 + 32)
      throw new VaultError(
        'truncated',
        'The vault key record is truncated; restore the data folder from a backup',
      )
    if (checksum(row.header, row.wrapped_key) !== row.checksum)
      throw new VaultError(
        'header_corrupt',
        'The vault header is corrupted (its checksum does not match); restore the data folder from a backup',
      )
    let h: Header
    try {
      h = JSON.parse(row.header) as Header
    } catch {
      throw new VaultError(
        'header_corrupt',
        'The vault header is not readable; restore the data folder from a backup',
      )
    }
    if (h.format !== FORMAT_VERSION)
      throw new VaultError(
        'header_corrupt',
        `The vault format ${String(h.format)} is not one this Driftwatch reads (${FORMAT_VERSION})`,
      )
    if (h.cipher !== 'aes-256-gcm' || h.kdf?.alg !== 'scrypt')
      throw new VaultError(
        'downgrade',
        `The vault header names an unsupported algorithm (${String(h.kdf?.alg)}); refusing it`,
      )
    if (!this.opts.unsafeKdfForTests) {
      const min = KDF_MINIMUM
      const weak = !(h.kdf.N >= min.N)
        ? `N=${h.kdf.N} (minimum ${min.N})`
        : !(h.kdf.r >= min.r)
          ? `r=${h.kdf.r} (minimum ${min.r})`
          : !(h.kdf.p >= min.p)
            ? `p=${h.kdf.p} (minimum ${min.p})`
            : !(Buffer.from(h.kdf.salt ?? '', 'base64').length >= min.saltBytes)
              ? `a salt of ${Buffer.from(h.kdf.salt ?? '', 'base64').length} bytes (minimum ${min.saltBytes})`
              : ''
      if (weak)
        throw new VaultError(
          'downgrade',
          `The vault header asks for weaker key derivation than allowed: scrypt ${weak}. Refusing it as a possible downgrade attack`,
        )
    }
    return h
  }

  private setKey(dk: Buffer): void {
    this.key?.fill(0)
    this.key = Buffer.from(dk)
    dk.fill(0)
  }

  private keychainReason(forUi: boolean): string {
    const k = this.opts.keychain
    if (!k) return forUi ? 'not available outside the desktop app' : ''
    if (!k.isEncryptionAvailable()) return forUi ? 'this system offers no keychain' : ''
    if (k.backend() === 'basic_text')
      return forUi ? 'this system keychain stores data unencrypted (basic_text)' : ''
    return forUi ? '' : 'ok'
  }

  private requireKeychain(): void {
    const why = this.keychainReason(true)
    if (why) throw new VaultError('keychain_unavailable', `Cannot remember the vault on this device: ${why}`)
  }

  private remember(): void {
    this.requireKeychain()
    this.db
      .prepare('UPDATE vault SET remembered_key = ? WHERE id = 1')
      .run(this.opts.keychain!.encrypt(this.key!))
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
        if (this.opts.clock.now().getTime() >= due) this.lock('idle')
        else this.armIdle()
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
  if (p.length < 12) throw new VaultError('weak_passphrase', 'Use a passphrase of at least 12 characters')
}

function toRecord(r: CredRow): CredentialRecord {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    meta: JSON.parse(r.meta) as CredentialRecord['meta'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rotatedAt: r.rotated_at,
  }
}
