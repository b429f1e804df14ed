// The "postgresql" test lane: the same test files as the SQLite lanes, with every core they create on a real
// PostgreSQL 15 store instead of a SQLite file. A server is started for each file; each core gets a database of
// its own, copied from one migrated when the file starts (CREATE DATABASE … TEMPLATE), and a core reopened on
// the same data folder gets the same database back, as it would get the same SQLite file.
import { afterAll, beforeAll, vi } from 'vitest'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { openPostgres } from '../../src-main/core/store/sql/postgres'
import { openStore } from '../../src-main/core/store/open'
import type * as AppModule from '../../src-main/core/app'
import { setLaneStore } from './store-lane'

// The lane's files share their worker's modules: this file runs again for each test file, while the mocked app
// module below (and so the storeFor it calls) stays the first file's. So the lane's state is kept in one place
// for the worker, and each file's run of this file starts it afresh.
interface LaneState {
  server: PgService | undefined
  made: number
  byDataDir: Map<string, string>
}
const lane: LaneState = ((globalThis as { __dwPostgresLane?: LaneState }).__dwPostgresLane ??= {
  server: undefined,
  made: 0,
  byDataDir: new Map(),
})

const url = (db: string) => {
  const server = lane.server!
  return `postgres://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${db}`
}

beforeAll(async () => {
  lane.made = 0
  lane.byDataDir.clear()
  const server = (lane.server = await startPostgres({ name: 'store-lane' }))
  const admin = openPostgres(url(server.database))
  try {
    admin.exec('CREATE DATABASE dw_template')
  } finally {
    admin.close()
  }
  openStore(url('dw_template')).close()
  // `driftwatch` child processes (test/helpers/cli.ts, daemon.ts) open the same database as the cores here.
  setLaneStore(storeFor)
})

afterAll(async () => {
  // A file in this lane that made no core here ran on SQLite again and showed nothing about PostgreSQL.
  const made = lane.made
  setLaneStore(undefined)
  lane.byDataDir.clear()
  lane.server = undefined
  await stopAll()
  if (made === 0)
    throw new Error('This file made no core on the PostgreSQL store: it does not belong in the lane')
})

/** A new store database for a core on `dataDir` (the same one again when that folder is reopened). */
export function storeFor(dataDir: string | undefined): string {
  const known = dataDir ? lane.byDataDir.get(dataDir) : undefined
  if (known) return known
  if (!lane.server) throw new Error('The PostgreSQL test lane opened a core before its server started')
  const name = `dw_core_${++lane.made}`
  const admin = openPostgres(url(lane.server.database))
  try {
    admin.exec(`CREATE DATABASE ${name} TEMPLATE dw_template`)
  } finally {
    admin.close()
  }
  if (dataDir) lane.byDataDir.set(dataDir, url(name))
  return url(name)
}

vi.mock('../../src-main/core/app', async (importOriginal) => {
  const real = await importOriginal<typeof AppModule>()
  return {
    ...real,
    createCore: (opts: Parameters<typeof real.createCore>[0]) =>
      real.createCore({ ...opts, store: opts.store ?? storeFor(opts.dataDir) }),
  }
})
