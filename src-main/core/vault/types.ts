// What the vault shows the rest of the app: its states and why they change, the edge ports it takes
// (keychain, power events), a credential's public metadata, and the options a face builds it with.
import type { Clock, Timers } from '../ports'
import type { CredentialKind } from '../../../src-preload/contract'
import type { ScryptCost } from './crypto'
import type { FailureRecord } from './control'
import type { Redactor } from './redact'
import type { BindingAddress } from './bindings'

export type VaultState = 'uninitialised' | 'locked' | 'unlocked'
/** 'elsewhere': another process on this data folder locked every vault (`driftwatch vault lock`). */
export type LockReason = 'manual' | 'idle' | 'suspend' | 'lock-screen' | 'elsewhere'
/** What a passphrase was asked for, for the audit log. */
export type PassphraseAttempt = 'unlock' | 'change-passphrase' | 'confirm-address'
export type PassphraseEvent =
  | ({ type: 'wrong'; attempt: PassphraseAttempt; member: string } & FailureRecord)
  | { type: 'refused'; attempt: PassphraseAttempt; member: string; waitMs: number }
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
  /** Who acts, as the audit log names them: recorded as a new member's "added by". */
  describeActor?(): string
  /**
   * Told of each member added or removed, inside the transaction that adds or removes them (for the audit
   * log, whose failure undoes the change; who did it is the audit log's to say).
   */
  onMembers?(event: { type: 'added' | 'removed'; name: string; kind: 'passphrase' | 'key-file' }): void
  /**
   * The member an unlock that names none is for (the CLI's --member, $DRIFTWATCH_VAULT_MEMBER). Without it, and
   * without a name in the call, a vault with one member unlocks as that one and a vault with several asks.
   */
  defaultMember?: string
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
