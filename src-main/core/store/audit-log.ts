// The audit log's rows: appended one at a time behind the last entry, read back in order. The chain's rules
// (hashing, checking) live in audit/log.ts; the triggers that refuse UPDATE and DELETE in migration 9.
import type { Db } from './db'

export interface AuditEntry {
  seq: number
  at: string
  actor: string
  action: string
  subject: string
  details: Record<string, unknown>
  prevHash: string
  hash: string
}

type Raw = {
  seq: number
  at: string
  actor: string
  action: string
  subject: string
  details: string
  prev_hash: string
  hash: string
}
const toEntry = (r: Raw): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  details: JSON.parse(r.details) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
})

export class AuditLogRepo {
  constructor(private readonly db: Db) {}

  /**
   * Builds the next entry from the last one and inserts it in one IMMEDIATE transaction, so two processes on
   * one data folder never fork the chain. `next` also gives the details as they are stored (canonical JSON).
   */
  append(
    next: (last: { seq: number; hash: string } | undefined) => { entry: AuditEntry; detailsJson: string },
  ): AuditEntry {
    const run = this.db.transaction((): AuditEntry => {
      const { entry, detailsJson } = next(this.last())
      this.db
        .prepare(
          `INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          entry.seq,
          entry.at,
          entry.actor,
          entry.action,
          entry.subject,
          detailsJson,
          entry.prevHash,
          entry.hash,
        )
      return entry
    })
    return run.immediate()
  }

  entries(): AuditEntry[] {
    return (this.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Raw[]).map(toEntry)
  }

  last(): { seq: number; hash: string } | undefined {
    return this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n
  }
}
