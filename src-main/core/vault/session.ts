// The data key while this process holds it, and everything that takes it away: a lock by hand, the idle
// auto-lock, suspend and screen-lock, and a lock from another Driftwatch process on this data folder.
// The key lives in one Buffer here, zeroed on lock.
import type { VaultRepo, VaultRow } from '../store/vault'
import type { VaultControl, VaultProcess } from './control'
import { VaultError } from './errors'
import {
  DEFAULT_AUTO_LOCK_MINUTES,
  MAX_AUTO_LOCK_MINUTES,
  type LockReason,
  type StateChangeReason,
  type VaultOptions,
  type VaultState,
} from './types'

export const REASON_TEXT: Record<LockReason, string> = {
  manual: 'by hand',
  idle: 'after being idle',
  suspend: 'as the computer went to sleep',
  'lock-screen': 'as the screen locked',
  elsewhere: 'from another Driftwatch process',
}

export class VaultSession {
  private key: Buffer | null = null
  private idleTimer: unknown = null
  private lastActivity = 0
  /** Bumped by every lock, so an unlock whose key derivation straddles a lock does not undo it. */
  private lockEpoch = 0
  private lastLockReason: LockReason = 'manual'
  private readonly unsubscribe: (() => void)[] = []
  /** The shared lock generation this process's key was unlocked under; a different one means "locked". */
  private generation = 0
  /** The member whose passphrase or key file unlocked this process (null: the device's remembered key). */
  private memberName: string | null = null

  constructor(
    private readonly opts: VaultOptions,
    private readonly control: VaultControl,
    private readonly repo: VaultRepo,
  ) {
    if (opts.power) {
      this.unsubscribe.push(opts.power.on('suspend', () => this.lock('suspend')))
      this.unsubscribe.push(opts.power.on('lock-screen', () => this.lock('lock-screen')))
    }
  }

  /** Changes with every lock: compare before and after a slow key derivation. */
  get epoch(): number {
    return this.lockEpoch
  }

  get lastLock(): LockReason {
    return this.lastLockReason
  }

  get hasKey(): boolean {
    return this.key !== null
  }

  /** Who unlocked the key this process holds, when a member did; null while locked. */
  get member(): string | null {
    return this.key ? this.memberName : null
  }

  /**
   * Why the vault was locked since `epoch` and `generation` were read (before a key derivation), or null
   * when it was not.
   */
  lockedSince(epoch: number, generation: number): LockReason | null {
    const current = this.control.generation()
    if (epoch === this.lockEpoch && generation === current) return null
    if (generation !== current) this.lastLockReason = 'elsewhere'
    return this.lastLockReason
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

  lock(reason: LockReason): void {
    this.lockEpoch++
    this.lastLockReason = reason
    if (!this.key) return
    this.wipeKey()
    this.report(false)
    this.notify('locked', reason)
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

  /** A person did something: postpones the idle auto-lock. */
  touch(): void {
    if (this.key && !this.lockIfIdle()) this.activity()
  }

  /** Takes over `dk` (zeroing the caller's copy) as the key of this process, unlocked by `member`. */
  setKey(dk: Buffer, member: string | null): void {
    this.wipeKey()
    this.memberName = member
    // Its own allocation (Buffer.alloc never uses the shared pool), so nothing else aliases the key.
    this.key = Buffer.alloc(dk.length)
    dk.copy(this.key)
    dk.fill(0)
    this.generation = this.control.generation()
    this.report(true)
    this.activity()
  }

  /** The data key, or the reason there is none, saying what the person was trying to do. */
  requireKey(action: string): Buffer {
    this.requireRow()
    this.checkRemoteLock()
    this.lockIfIdle()
    if (!this.key) throw new VaultError('locked', `The vault is locked: unlock it to ${action}`)
    return this.key
  }

  row(): VaultRow | undefined {
    return this.repo.row()
  }

  requireRow(): VaultRow {
    const row = this.row()
    if (!row) throw new VaultError('uninitialised', 'There is no vault yet: create one first')
    return row
  }

  /** The idle auto-lock counts from now. */
  activity(): void {
    this.lastActivity = this.opts.clock.now().getTime()
    this.armIdle()
  }

  notify(state: VaultState, reason: StateChangeReason): void {
    try {
      this.opts.onStateChange?.(state, reason)
    } catch {
      // A listener's failure must not undo a lock or an unlock that already happened.
    }
  }

  now(): string {
    return this.opts.clock.now().toISOString()
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

  /** Keeps this process's row in the shared registry current; a failure to write it never undoes a lock. */
  private report(unlocked: boolean): void {
    try {
      this.control.report(unlocked, this.generation)
    } catch {
      // Best effort: `vault lock` reports a process it cannot see as unreachable.
    }
  }

  private wipeKey(): void {
    if (!this.key) return
    this.key.fill(0)
    this.key = null
    this.memberName = null
    this.opts.redactor?.forgetSecrets()
    this.clearIdle()
  }

  /** Locks now if the idle time passed without the timer firing (a blocked loop, a paused process). */
  private lockIfIdle(): boolean {
    const minutes = this.autoLockMinutes()
    if (!this.key || minutes <= 0) return false
    if (this.opts.clock.now().getTime() < this.lastActivity + minutes * 60_000) return false
    this.lock('idle')
    return true
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
