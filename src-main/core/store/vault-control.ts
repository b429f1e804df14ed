// The vault state every process on one data folder shares: the lock generation, the processes holding the
// vault, and the wrong-passphrase count (see vault/control.ts for what they mean).
import type { Db } from './db'

export type ControlRow = { lock_generation: number; failures: number; next_attempt_at: string | null }

export interface ProcessRow {
  id: string
  pid: number
  face: string
  unlocked: number
  seen_generation: number
}

export class VaultControlRepo {
  constructor(private readonly db: Db) {}

  row(): ControlRow {
    const r = this.db
      .prepare('SELECT lock_generation, failures, next_attempt_at FROM vault_control WHERE id = 1')
      .get() as ControlRow | undefined
    // The row is created by the migration; a store restored without it starts over rather than failing.
    if (r) return r
    this.db.prepare('INSERT OR IGNORE INTO vault_control (id) VALUES (1)').run()
    return { lock_generation: 0, failures: 0, next_attempt_at: null }
  }

  bumpGeneration(): void {
    this.db.prepare('UPDATE vault_control SET lock_generation = lock_generation + 1 WHERE id = 1').run()
  }

  upsertProcess(p: {
    id: string
    pid: number
    face: string
    started: string
    unlocked: number
    generation: number
    at: string
  }): void {
    this.db
      .prepare(
        `INSERT INTO vault_processes (id, pid, face, started_at, unlocked, seen_generation, updated_at)
         VALUES (@id, @pid, @face, @started, @unlocked, @generation, @at)
         ON CONFLICT (id) DO UPDATE SET unlocked = @unlocked, seen_generation = @generation, updated_at = @at`,
      )
      .run(p)
  }

  deleteProcess(id: string): void {
    this.db.prepare('DELETE FROM vault_processes WHERE id = ?').run(id)
  }

  processesOtherThan(id: string): ProcessRow[] {
    return this.db
      .prepare('SELECT id, pid, face, unlocked, seen_generation FROM vault_processes WHERE id != ?')
      .all(id) as ProcessRow[]
  }

  setFailures(failures: number, lastFailureAt: string, nextAttemptAt: string | null): void {
    this.db
      .prepare('UPDATE vault_control SET failures = ?, last_failure_at = ?, next_attempt_at = ? WHERE id = 1')
      .run(failures, lastFailureAt, nextAttemptAt)
  }

  clearFailures(): void {
    this.db
      .prepare('UPDATE vault_control SET failures = 0, next_attempt_at = NULL WHERE id = 1 AND failures != 0')
      .run()
  }

  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}
