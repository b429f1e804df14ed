// Applies the numbered schema migrations, each in its own transaction under PRAGMA user_version.
import type Database from 'better-sqlite3'
import { migrations } from './list'
import type { Migration } from './migration'

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** A migration that would leave rows pointing at rows that are gone; nothing of it was kept. */
export class MigrationError extends Error {}

/**
 * Brings `db` up to `target`; `list` is a parameter so tests can add a failing or future migration.
 *
 * Each migration runs in its own transaction with foreign keys off, as SQLite prescribes for table rebuilds:
 * with them on, dropping a parent table (to change a CHECK) deletes every row that references it, in cascade.
 * The pragma is a no-op inside a transaction, so it is switched outside, and every reference is checked
 * before the migration commits.
 */
export function migrate(
  db: Database.Database,
  target?: number,
  list: readonly Migration[] = migrations,
): void {
  const latest = list.at(-1)?.version ?? 0
  const current = schemaVersion(db)
  if (current > latest) {
    throw new Error(
      `This data was written by a newer Driftwatch (schema ${current}; this version knows ${latest}). ` +
        'Update Driftwatch to open it.',
    )
  }
  const pending = list.filter((m) => m.version > current && m.version <= (target ?? latest))
  if (pending.length === 0) return
  if (db.inTransaction)
    throw new Error('Migrations cannot run inside a transaction: foreign keys could not be turned off')
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1
  db.pragma('foreign_keys = OFF')
  try {
    for (const m of pending) {
      db.transaction(() => {
        m.up(db)
        const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[]
        if (broken.length > 0) {
          const where = [...new Set(broken.map((b) => `${b.table} → ${b.parent}`))].join(', ')
          throw new MigrationError(
            `Schema migration ${m.version} ("${m.name}") was undone: it would leave ${broken.length} ` +
              `row(s) referring to rows that no longer exist (${where}). Your data is unchanged.`,
          )
        }
        db.pragma(`user_version = ${m.version}`)
      })()
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON')
  }
}
