// The known_hosts aggregate in SQLite: one pinned SSH host key per host:port, and the statements that read,
// write and remove pins (the SSH room reaches them only through this repository).
import type { Db } from './db'

/** One pin as the store keeps it; plain data, so the store needs no scanner types. */
export interface KnownHostRow {
  host: string
  port: number
  keyType: string
  fingerprint: string
  publicKey: string
  trustedAt: string
}

type Row = {
  host: string
  port: number
  key_type: string
  fingerprint: string
  public_key: string
  trusted_at: string
}

const fromRow = (r: Row): KnownHostRow => ({
  host: r.host,
  port: r.port,
  keyType: r.key_type,
  fingerprint: r.fingerprint,
  publicKey: r.public_key,
  trustedAt: r.trusted_at,
})

export class KnownHostsRepo {
  constructor(private readonly db: Db) {}

  get(host: string, port: number): KnownHostRow | undefined {
    const row = this.db.prepare('SELECT * FROM known_hosts WHERE host = ? AND port = ?').get(host, port) as
      Row | undefined
    return row && fromRow(row)
  }

  list(): KnownHostRow[] {
    return (this.db.prepare('SELECT * FROM known_hosts ORDER BY host, port').all() as Row[]).map(fromRow)
  }

  /** Pins a key, replacing any pin of the same host:port (callers decide when that is allowed). */
  put(pin: KnownHostRow): void {
    this.db
      .prepare(
        `INSERT INTO known_hosts (host, port, key_type, fingerprint, public_key, trusted_at)
         VALUES (@host, @port, @keyType, @fingerprint, @publicKey, @trustedAt)
         ON CONFLICT (host, port) DO UPDATE SET key_type = excluded.key_type,
           fingerprint = excluded.fingerprint, public_key = excluded.public_key,
           trusted_at = excluded.trusted_at`,
      )
      .run(pin)
  }

  /** Returns whether a pin was there to remove. */
  remove(host: string, port: number): boolean {
    return this.db.prepare('DELETE FROM known_hosts WHERE host = ? AND port = ?').run(host, port).changes > 0
  }

  /** Runs fn in one transaction: an import pins all of its keys or none. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}
