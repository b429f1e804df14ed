// What every Driftwatch process on one data folder shares about its vault, through the database they all
// open: a lock generation (`driftwatch vault lock` bumps it, each process forgets its key when it sees it
// move), the processes holding the vault, and the wrong-passphrase count behind the unlock backoff.
import { randomUUID } from 'node:crypto'
import type { Db } from '../store/db'

/** Wrong passphrases allowed before each further attempt must wait. */
export const FREE_ATTEMPTS = 3
export const FIRST_DELAY_MS = 5_000
export const MAX_DELAY_MS = 15 * 60_000

export interface VaultProcess {
  id: string
  pid: number
  face: string
  unlocked: boolean
  seenGeneration: number
}

export interface FailureRecord {
  failures: number
  /** 0 while under FREE_ATTEMPTS; otherwise how long the next attempt must wait. */
  delayMs: number
}

type ControlRow = { lock_generation: number; failures: number; next_attempt_at: string | null }

export class VaultControl {
  /** This process's row in vault_processes. */
  readonly processId = randomUUID()
  private readonly startedAt: string

  constructor(
    private readonly db: Db,
    private readonly face: string,
    private readonly now: () => Date,
  ) {
    this.startedAt = now().toISOString()
  }

  generation(): number {
    return this.row().lock_generation
  }

  /** Tells every process on this data folder to forget its key; returns the new generation. */
  bumpGeneration(): number {
    this.db.prepare('UPDATE vault_control SET lock_generation = lock_generation + 1 WHERE id = 1').run()
    return this.generation()
  }

  /** Records whether this process holds the key now and which lock generation it has seen. */
  report(unlocked: boolean, generation: number): void {
    this.db
      .prepare(
        `INSERT INTO vault_processes (id, pid, face, started_at, unlocked, seen_generation, updated_at)
         VALUES (@id, @pid, @face, @started, @unlocked, @generation, @at)
         ON CONFLICT (id) DO UPDATE SET unlocked = @unlocked, seen_generation = @generation, updated_at = @at`,
      )
      .run({
        id: this.processId,
        pid: process.pid,
        face: this.face,
        started: this.startedAt,
        unlocked: unlocked ? 1 : 0,
        generation,
        at: this.now().toISOString(),
      })
  }

  forget(): void {
    this.db.prepare('DELETE FROM vault_processes WHERE id = ?').run(this.processId)
  }

  /** The other processes that ever held the vault; rows of processes that died without saying so are dropped. */
  others(): VaultProcess[] {
    const rows = this.db
      .prepare('SELECT id, pid, face, unlocked, seen_generation FROM vault_processes WHERE id != ?')
      .all(this.processId) as {
      id: string
      pid: number
      face: string
      unlocked: number
      seen_generation: number
    }[]
    const live: VaultProcess[] = []
    for (const r of rows) {
      if (!alive(r.pid)) {
        this.db.prepare('DELETE FROM vault_processes WHERE id = ?').run(r.id)
        continue
      }
      live.push({
        id: r.id,
        pid: r.pid,
        face: r.face,
        unlocked: r.unlocked === 1,
        seenGeneration: r.seen_generation,
      })
    }
    return live
  }

  /** Milliseconds before another passphrase may be tried (0 = now). */
  waitMs(): number {
    const next = this.row().next_attempt_at
    return next ? Math.max(0, Date.parse(next) - this.now().getTime()) : 0
  }

  /** Counts a wrong passphrase; from the FREE_ATTEMPTS-th on, each further attempt waits twice as long. */
  recordFailure(): FailureRecord {
    return this.db.transaction(() => {
      const failures = this.row().failures + 1
      const delayMs =
        failures < FREE_ATTEMPTS
          ? 0
          : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(20, failures - FREE_ATTEMPTS))
      const at = this.now()
      this.db
        .prepare(
          'UPDATE vault_control SET failures = ?, last_failure_at = ?, next_attempt_at = ? WHERE id = 1',
        )
        .run(failures, at.toISOString(), delayMs ? new Date(at.getTime() + delayMs).toISOString() : null)
      return { failures, delayMs }
    })()
  }

  recordSuccess(): void {
    this.db
      .prepare('UPDATE vault_control SET failures = 0, next_attempt_at = NULL WHERE id = 1 AND failures != 0')
      .run()
  }

  private row(): ControlRow {
    const r = this.db
      .prepare('SELECT lock_generation, failures, next_attempt_at FROM vault_control WHERE id = 1')
      .get() as ControlRow | undefined
    // The row is created by the migration; a store restored without it starts over rather than failing.
    if (r) return r
    this.db.prepare('INSERT OR IGNORE INTO vault_control (id) VALUES (1)').run()
    return { lock_generation: 0, failures: 0, next_attempt_at: null }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else; only ESRCH means gone.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
