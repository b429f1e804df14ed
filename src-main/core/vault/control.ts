// What every Driftwatch process on one data folder shares about its vault, through the database they all
// open: a lock generation (`driftwatch vault lock` bumps it, each process forgets its key when it sees it
// move) and the processes holding the vault. The wrong-passphrase count behind the unlock backoff is each
// member's own (store/vault-members.ts), shared the same way; `backoffDelay` is its rule.
import { randomUUID } from 'node:crypto'
import type { Sql } from '../store/sql/engine'
import { VaultControlRepo, type ControlRow } from '../store/vault-control'

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

/** How long the attempt after `failures` wrong passphrases in a row must wait (0 under FREE_ATTEMPTS). */
export function backoffDelay(failures: number): number {
  return failures < FREE_ATTEMPTS
    ? 0
    : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(20, failures - FREE_ATTEMPTS))
}

export interface FailureRecord {
  failures: number
  /** 0 while under FREE_ATTEMPTS; otherwise how long the next attempt must wait. */
  delayMs: number
}

export class VaultControl {
  /** This process's row in vault_processes. */
  readonly processId = randomUUID()
  private readonly startedAt: string
  private readonly repo: VaultControlRepo

  constructor(
    sql: Sql,
    private readonly face: string,
    private readonly now: () => Date,
  ) {
    this.startedAt = now().toISOString()
    this.repo = new VaultControlRepo(sql)
  }

  generation(): number {
    return this.row().lock_generation
  }

  /** Tells every process on this data folder to forget its key; returns the new generation. */
  bumpGeneration(): number {
    this.repo.bumpGeneration()
    return this.generation()
  }

  /** Records whether this process holds the key now and which lock generation it has seen. */
  report(unlocked: boolean, generation: number): void {
    this.repo.upsertProcess({
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
    this.repo.deleteProcess(this.processId)
  }

  /** The other processes that ever held the vault; rows of processes that died without saying so are dropped. */
  others(): VaultProcess[] {
    const rows = this.repo.processesOtherThan(this.processId)
    const live: VaultProcess[] = []
    for (const r of rows) {
      if (!alive(r.pid)) {
        this.repo.deleteProcess(r.id)
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

  private row(): ControlRow {
    return this.repo.row()
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
