// createCore wires the store, the ports and the rooms, and returns the contract's handlers behind a dispatcher.
// Every face (Electron IPC, the HTTP server, the CLI, tests) talks to Driftwatch only through this.
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { events as eventSchemas, type EventName, type EventPayload } from '../../src-preload/contract'
import { createDispatcher, type Dispatcher, type Handlers } from './dispatch'
import { openDatabase } from './store/db'
import { schemaVersion } from './store/migrations'
import { TargetsRepo } from './store/targets'
import { targetHandlers } from './targets/handlers'
import { defaultDataDir } from './paths'
import {
  nullLogger,
  silentNotifier,
  systemClock,
  type Clock,
  type CoreEventListener,
  type Logger,
  type Notifier,
} from './ports'
import type { CoreContext } from './context'
import pkg from '../../package.json'

export interface CoreOptions {
  dataDir?: string
  face: 'desktop' | 'serve' | 'cli'
  clock?: Clock
  notifier?: Notifier
  logger?: Logger
  /** better_sqlite3.node for the running runtime when it is not Node's (the Electron shell). */
  sqliteNativeBinding?: string
}

export interface Core extends Dispatcher {
  handlers: Handlers
  dataDir: string
  /** Subscribe to pushed events; returns the unsubscribe function. */
  subscribe(listener: CoreEventListener): () => void
  close(): void
}

export const DB_FILE = 'driftwatch.db'

export function createCore(opts: CoreOptions): Core {
  const dataDir = opts.dataDir ?? defaultDataDir()
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = openDatabase(join(dataDir, DB_FILE), { nativeBinding: opts.sqliteNativeBinding })
  const logger = opts.logger ?? nullLogger
  const listeners = new Set<CoreEventListener>()

  const ctx: CoreContext = {
    db,
    repos: { targets: new TargetsRepo(db) },
    clock: opts.clock ?? systemClock,
    notifier: opts.notifier ?? silentNotifier,
    logger,
    dataDir,
    emit<E extends EventName>(name: E, payload: EventPayload<E>) {
      const checked = eventSchemas[name].parse(payload) as EventPayload<E>
      for (const l of listeners) {
        try {
          l(name, checked)
        } catch (err) {
          logger.log('warn', 'event listener failed', { event: name, error: String(err) })
        }
      }
    },
  }

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'Driftwatch' as const,
      version: pkg.version,
      face: opts.face,
      dataDir,
      platform: process.platform,
      schemaVersion: schemaVersion(db),
    }),
    ...targetHandlers(ctx),
  }
  const dispatcher = createDispatcher(handlers, logger)

  return {
    ...dispatcher,
    handlers,
    dataDir,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      listeners.clear()
      if (db.open) db.close()
    },
  }
}
