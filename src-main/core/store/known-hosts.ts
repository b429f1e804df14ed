// The known_hosts aggregate in the store: one pinned SSH host key per host:port, and the statements that read,
// write and remove pins (the SSH room reaches them only through this repository).
import type { Selectable } from 'kysely'
import type { Sql } from './sql/engine'
import type { KnownHosts } from './sql/schema'

/** One pin as the store keeps it; plain data, so the store needs no scanner types. */
export interface KnownHostRow {
  host: string
  port: number
  keyType: string
  fingerprint: string
  publicKey: string
  trustedAt: string
}

const fromRow = (r: Selectable<KnownHosts>): KnownHostRow => ({
  host: r.host,
  port: r.port,
  keyType: r.key_type,
  fingerprint: r.fingerprint,
  publicKey: r.public_key,
  trustedAt: r.trusted_at,
})

export class KnownHostsRepo {
  constructor(private readonly sql: Sql) {}

  get(host: string, port: number): KnownHostRow | undefined {
    const { q } = this.sql
    const row = this.sql.get(
      q.selectFrom('known_hosts').selectAll().where('host', '=', host).where('port', '=', port),
    )
    return row && fromRow(row)
  }

  list(): KnownHostRow[] {
    const { q } = this.sql
    return this.sql.all(q.selectFrom('known_hosts').selectAll().orderBy('host').orderBy('port')).map(fromRow)
  }

  /** Pins a key, replacing any pin of the same host:port (callers decide when that is allowed). */
  put(pin: KnownHostRow): void {
    const { q } = this.sql
    this.sql.run(
      q
        .insertInto('known_hosts')
        .values({
          host: pin.host,
          port: pin.port,
          key_type: pin.keyType,
          fingerprint: pin.fingerprint,
          public_key: pin.publicKey,
          trusted_at: pin.trustedAt,
        })
        .onConflict((oc) =>
          oc.columns(['host', 'port']).doUpdateSet((eb) => ({
            key_type: eb.ref('excluded.key_type'),
            fingerprint: eb.ref('excluded.fingerprint'),
            public_key: eb.ref('excluded.public_key'),
            trusted_at: eb.ref('excluded.trusted_at'),
          })),
        ),
    )
  }

  /** Returns whether a pin was there to remove. */
  remove(host: string, port: number): boolean {
    const { q } = this.sql
    return (
      this.sql.run(q.deleteFrom('known_hosts').where('host', '=', host).where('port', '=', port)).changes > 0
    )
  }

  /** Runs fn in one transaction: an import pins all of its keys or none. */
  atomically<T>(fn: () => T): T {
    return this.sql.transaction(fn)
  }
}
