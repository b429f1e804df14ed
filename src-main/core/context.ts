// What every room of the core is handed: the store's repositories, the ports, and the event emitter.
import type { Sql } from './store/sql/engine'
import type { TargetsRepo } from './store/targets'
import type { Kinds } from './scanners/registry'
import type { Clock, Logger, Notifier } from './ports'
import type { EventName, EventPayload } from '../../src-preload/contract'

export interface CoreContext {
  /** The store's engine (SQLite or PostgreSQL) behind one door; repositories take it. */
  sql: Sql
  repos: { targets: TargetsRepo }
  /** The target kinds (scanners/registry.ts): what every room asks instead of branching on a kind. */
  kinds: Kinds
  clock: Clock
  notifier: Notifier
  logger: Logger
  dataDir: string
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void
}
