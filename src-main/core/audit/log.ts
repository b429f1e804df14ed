// The append-only, hash-chained audit log: who did what and when (scans, target and tailoring changes,
// exports, vault unlocks). Each entry carries the SHA-256 of the one before, so a changed or removed entry
// breaks the chain wherever the log travels (the database, or an evidence bundle's audit-log.jsonl).
import { createHash } from 'node:crypto'
import type { Sql } from '../store/sql/engine'
import { AuditLogRepo, type AuditEntry, type AuditWho } from '../store/audit-log'
import type { Clock } from '../ports'

export type { AuditEntry, AuditWho } from '../store/audit-log'

export const GENESIS = '0'.repeat(64)

export type AuditInput = Pick<AuditEntry, 'action'> & Partial<Pick<AuditEntry, 'subject' | 'details'>>

/** Sorted keys at every depth: the same entry always hashes to the same bytes, wherever it is re-read. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const obj = value as Record<string, unknown>
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`
}

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    // Absent from entries made before schema 20, and then left out of the hash as it always was: old entries
    // verify unchanged, and a who added to one later breaks its hash.
    who: e.who,
    action: e.action,
    subject: e.subject,
    details: e.details,
    prevHash: e.prevHash,
  })
  return createHash('sha256').update(body).digest('hex')
}

export interface ChainProblem {
  /** The entry at fault (its sequence number), or the place a removed entry was. */
  seq: number
  message: string
}

/**
 * Checks a chain read from anywhere. `expectHead` (count and last hash, as a signed manifest records them)
 * also catches entries cut off the end, which a chain alone cannot show.
 */
export function verifyChain(
  entries: readonly AuditEntry[],
  expectHead?: { count: number; hash: string },
): ChainProblem[] {
  const problems: ChainProblem[] = []
  let prev = GENESIS
  let expectedSeq = 1
  for (const e of entries) {
    if (e.seq !== expectedSeq)
      problems.push({
        seq: e.seq,
        message:
          e.seq > expectedSeq
            ? `entry ${expectedSeq}${e.seq - expectedSeq > 1 ? `–${e.seq - 1}` : ''} is missing before entry ${e.seq}`
            : `entry ${e.seq} is out of order (expected ${expectedSeq})`,
      })
    if (entryHash(e) !== e.hash)
      problems.push({
        seq: e.seq,
        message: `entry ${e.seq} (${e.action}) was changed: its hash does not match`,
      })
    else if (e.prevHash !== prev)
      problems.push({
        seq: e.seq,
        message: `entry ${e.seq} (${e.action}) does not follow the entry before it: an entry was changed or removed`,
      })
    prev = e.hash
    expectedSeq = e.seq + 1
  }
  if (expectHead) {
    if (entries.length !== expectHead.count)
      problems.push({
        seq: expectHead.count,
        message: `the log has ${entries.length} entries but ${expectHead.count} were recorded`,
      })
    else if (prev !== (expectHead.count === 0 ? GENESIS : expectHead.hash))
      problems.push({ seq: expectHead.count, message: 'the last entry is not the one recorded' })
  }
  return problems
}

export class AuditLog {
  private readonly repo: AuditLogRepo

  constructor(
    sql: Sql,
    private readonly clock: Clock,
    /** The face acting through this core: 'desktop', 'serve' or 'cli'. */
    private readonly actor: string,
    /** Who acts, asked at each entry (the member who unlocked can change while the core runs). */
    private readonly who?: () => AuditWho,
  ) {
    this.repo = new AuditLogRepo(sql)
  }

  /** Appends in one transaction holding the log's lock, so two processes on one store never fork the chain. */
  append(input: AuditInput): AuditEntry {
    return this.repo.append((last) => {
      const base = {
        seq: (last?.seq ?? 0) + 1,
        at: this.clock.now().toISOString(),
        actor: this.actor,
        ...(this.who && { who: this.who() }),
        action: input.action,
        subject: input.subject ?? '',
        details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
        prevHash: last?.hash ?? GENESIS,
      }
      const entry = { ...base, hash: entryHash(base) }
      return {
        entry,
        detailsJson: canonicalJson(entry.details),
        whoJson: entry.who ? canonicalJson(entry.who) : null,
      }
    })
  }

  entries(): AuditEntry[] {
    return this.repo.entries()
  }

  /** Who an entry made now would name. */
  actorNow(): Pick<AuditEntry, 'actor' | 'who'> {
    return { actor: this.actor, ...(this.who && { who: this.who() }) }
  }

  head(): { count: number; hash: string } {
    const last = this.repo.last()
    return { count: this.repo.count(), hash: last?.hash ?? GENESIS }
  }

  verify(): ChainProblem[] {
    return verifyChain(this.entries())
  }
}

/** Who made an entry, in one line: "alice (vault member) · bob@laptop · worker 1f3a…, via cli". */
export function describeWho(e: Pick<AuditEntry, 'actor' | 'who'>): string {
  const w = e.who
  if (!w) return e.actor
  const parts = [
    ...(w.member ? [`${w.member} (vault member)`] : []),
    `${w.user}@${w.host}`,
    ...(w.worker ? [`worker ${w.worker}`] : []),
  ]
  return `${parts.join(' · ')}, via ${e.actor}`
}

/** One JSON object per line, as bundles carry the log: easy to diff, and a changed line names its entry. */
export function toJsonLines(entries: readonly AuditEntry[]): string {
  return entries.map((e) => canonicalJson(e)).join('\n') + (entries.length ? '\n' : '')
}

export function fromJsonLines(text: string): { entries: AuditEntry[]; problems: ChainProblem[] } {
  const entries: AuditEntry[] = []
  const problems: ChainProblem[] = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    try {
      const e = JSON.parse(line) as AuditEntry
      if (typeof e.seq !== 'number' || typeof e.hash !== 'string') throw new Error('not an entry')
      entries.push(e)
    } catch {
      problems.push({ seq: i + 1, message: `line ${i + 1} is not an audit entry` })
    }
  })
  return { entries, problems }
}
