// The audit log's rows: appended one at a time behind the last entry, read back in order. The chain's rules
// (hashing, checking) live in audit/log.ts; the triggers that refuse UPDATE and DELETE in migration 9 (and in
// the PostgreSQL baseline).
import type { Selectable } from 'kysely'
import type { Sql } from './sql/engine'
import type { AuditLog } from './sql/schema'

/**
 * Who made an entry (schema 20 on): the vault member who unlocked the process, when one did; the operating
 * system's user and host; the watch worker, for a worker's entries. Absent from older entries.
 */
export interface AuditWho {
  member?: string
  user: string
  host: string
  worker?: string
}

export interface AuditEntry {
  seq: number
  at: string
  /** The face the entry came through: desktop, serve or cli. */
  actor: string
  who?: AuditWho
  action: string
  subject: string
  details: Record<string, unknown>
  prevHash: string
  hash: string
}

const toEntry = (r: Selectable<AuditLog>): AuditEntry => ({
  seq: Number(r.seq),
  at: r.at,
  actor: r.actor,
  ...(r.who !== null && { who: JSON.parse(r.who) as AuditWho }),
  action: r.action,
  subject: r.subject,
  details: JSON.parse(r.details) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
})

export class AuditLogRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * Builds the next entry from the last one and inserts it in one transaction holding the log's lock, so two
   * processes on one store never fork the chain. `next` also gives the details and who as they are stored
   * (canonical JSON).
   */
  append(
    next: (last: { seq: number; hash: string } | undefined) => {
      entry: AuditEntry
      detailsJson: string
      whoJson: string | null
    },
  ): AuditEntry {
    const { q } = this.sql
    return this.sql.transaction((): AuditEntry => {
      this.sql.lock('audit_log')
      const { entry, detailsJson, whoJson } = next(this.last())
      this.sql.run(
        q.insertInto('audit_log').values({
          seq: entry.seq,
          at: entry.at,
          actor: entry.actor,
          who: whoJson,
          action: entry.action,
          subject: entry.subject,
          details: detailsJson,
          prev_hash: entry.prevHash,
          hash: entry.hash,
        }),
      )
      return entry
    })
  }

  entries(): AuditEntry[] {
    const { q } = this.sql
    return this.sql.all(q.selectFrom('audit_log').selectAll().orderBy('seq')).map(toEntry)
  }

  last(): { seq: number; hash: string } | undefined {
    const { q } = this.sql
    const row = this.sql.get(
      q.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1),
    )
    return row && { seq: Number(row.seq), hash: row.hash }
  }

  count(): number {
    const { q } = this.sql
    return this.sql.get(q.selectFrom('audit_log').select(({ fn }) => fn.countAll<number>().as('n')))?.n ?? 0
  }
}
