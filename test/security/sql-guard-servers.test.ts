// The worst case, on real servers: a superuser scan account (PostgreSQL `postgres`, MariaDB with ALL ON *.*),
// and every hostile corpus query planted straight into the stored pack (the SQLite row changed behind the
// importer's back). Each rule comes back `error` with the guard's reason; nothing reads the canary file, no
// file appears where the servers could write, and a victim session stays alive. With the guard bypassed the
// same detectors see the harm, so these checks can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import pg from 'pg'
import mysql from 'mysql2/promise'
import YAML from 'yaml'
import { createCore, DB_FILE, type Core } from '../../src-main/core/app'
import { openPostgresReadOnly } from '../../src-main/core/scanners/sql/postgres'
import { openMysqlReadOnly } from '../../src-main/core/scanners/sql/mysql'
import type { Res, Target } from '../../src-preload/contract'
import type { SqlTarget } from '../../src-main/core/scanners/sql/connect'
import { startMariadb, startPostgres, stopAll, type MariadbService, type PgService } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { POSTGRES_CORPUS, type HostileQuery } from './corpus/postgres'
import { MYSQL_CORPUS } from './corpus/mysql'
import { fill } from './corpus/fill'

const tmp = useTmpDirs('all')
const TOKEN = `dw-canary-${randomBytes(8).toString('hex')}`
let canaryDir: string
let pgSvc: PgService
let mySvc: MariadbService
let core: Core
let dataDir: string
let pgVictim: pg.Client
let myVictim: mysql.Connection
let myVictimId: number

const values = (): Record<string, string> => ({
  '{CANARY}': join(canaryDir, 'canary.txt'),
  '{DIR}': canaryDir,
  '{OUT}': join(canaryDir, 'dw-out'),
  '{VICTIM_APP}': 'dw-victim',
  '{VICTIM}': String(myVictimId),
})

/** Files named dw-out* anywhere a hostile query could have written one. */
function writtenFiles(): string[] {
  const places = [canaryDir, '/tmp', pgSvc.dataDir, mySvc.dataDir, join(mySvc.dir, 'tmp')]
  return places.flatMap((d) =>
    existsSync(d)
      ? readdirSync(d)
          .filter((f) => f.startsWith('dw-out') || f.startsWith('dw_'))
          .map((f) => join(d, f))
      : [],
  )
}

/** Every evidence artefact the store holds, decompressed, as text. */
function allEvidence(): string {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true })
  try {
    const rows = db.prepare('SELECT gz FROM evidence').all() as { gz: Buffer }[]
    return rows.map((r) => gunzipSync(r.gz).toString('utf8')).join('\n')
  } finally {
    db.close()
  }
}

/** Imports a harmless pack, then rewrites its stored row so each rule carries one hostile query. */
async function plant(kind: 'postgres' | 'mysql', corpus: HostileQuery[]): Promise<string> {
  const id = `planted-${kind}`
  const rules = corpus.map((_, i) => ({
    id: `c-${String(i).padStart(2, '0')}`,
    title: `Harmless check ${i}`,
    query: 'SELECT 1 AS value',
    assert: { type: 'equals', value: 1 },
  }))
  await call(core, 'rules.import', { text: YAML.stringify({ id, title: 'Harmless', kind, rules }) })
  const db = new Database(join(dataDir, DB_FILE))
  try {
    const row = db.prepare('SELECT pack FROM rule_packs WHERE id = ?').get(id) as { pack: string }
    const pack = JSON.parse(row.pack) as { rules: { query: string }[] }
    pack.rules.forEach((r, i) => (r.query = fill(corpus[i]!.sql, values())))
    db.prepare('UPDATE rule_packs SET pack = ? WHERE id = ?').run(JSON.stringify(pack), id)
  } finally {
    db.close()
  }
  return id
}

async function scan(target: Target, profileId: string): Promise<Res<'scan.results'>> {
  const { scanId } = await call(core, 'scan.start', { targetId: target.id, profileId })
  await core.idle()
  return call(core, 'scan.results', { scanId })
}

async function targetFor(kind: 'postgres' | 'mysql'): Promise<Target> {
  const svc = kind === 'postgres' ? pgSvc : mySvc
  const cred = await call(core, 'credentials.create', {
    credential: { kind: 'db-password', name: `${kind} superuser`, secret: { password: svc.password } },
  })
  return call(core, 'targets.create', {
    target: {
      kind,
      name: `${kind} as superuser`,
      host: svc.host,
      port: svc.port,
      database: kind === 'postgres' ? svc.database : '',
      user: svc.user,
      credentialId: cred.id,
      tls: 'disable',
      caFile: '',
    },
  })
}

/** A target for opening the scanner's read-only session directly, without the scanner (and its guard). */
const direct = (svc: PgService | MariadbService, kind: 'postgres' | 'mysql'): SqlTarget =>
  ({
    id: 'direct',
    name: 'direct',
    kind,
    host: svc.host,
    port: svc.port,
    database: kind === 'postgres' ? svc.database : '',
    user: svc.user,
    credentialId: null,
    tls: 'disable',
    caFile: '',
  }) as unknown as SqlTarget

const pgVictimAlive = async () => {
  const r = await pgVictim.query('SELECT pg_backend_pid() AS pid')
  return typeof r.rows[0]?.pid === 'number'
}
const myVictimAlive = async () => {
  const [rows] = await myVictim.query('SELECT CONNECTION_ID() AS id')
  return (rows as { id: number }[])[0]?.id === myVictimId
}

beforeAll(async () => {
  canaryDir = tmp.make('dw-canary-')
  // Readable and writable by the servers' own users, so a query that got through could read and write here.
  chmodSync(canaryDir, 0o777)
  writeFileSync(join(canaryDir, 'canary.txt'), `${TOKEN}\n`, { mode: 0o644 })
  ;[pgSvc, mySvc] = await Promise.all([
    startPostgres({ name: 'sec-guard' }),
    startMariadb({ name: 'sec-guard' }),
  ])
  dataDir = tmp.make('dw-sec-guard-')
  core = createCore({ face: 'cli', dataDir, unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'security guard passphrase' })
  pgVictim = new pg.Client({
    host: pgSvc.host,
    port: pgSvc.port,
    user: pgSvc.user,
    password: pgSvc.password,
    database: pgSvc.database,
    application_name: 'dw-victim',
  })
  pgVictim.on('error', () => undefined)
  await pgVictim.connect()
  myVictim = await mysql.createConnection({
    host: mySvc.host,
    port: mySvc.port,
    user: mySvc.user,
    password: mySvc.password,
  })
  myVictim.on('error', () => undefined)
  myVictimId = myVictim.threadId!
}, 180_000)

afterAll(async () => {
  await pgVictim?.end().catch(() => undefined)
  myVictim?.destroy()
  core?.close()
  await stopAll()
})

describe.each([
  ['postgres', POSTGRES_CORPUS],
  ['mysql', MYSQL_CORPUS],
] as const)('hostile %s rules planted in the store, scanned as a superuser', (kind, corpus) => {
  let results: Res<'scan.results'>

  beforeAll(async () => {
    const target = await targetFor(kind)
    results = await scan(target, await plant(kind, corpus))
  }, 120_000)

  it("are each an error with the guard's reason, never run and never drift", () => {
    expect(results.scan.state, results.scan.error).toBe('done')
    expect(results.results).toHaveLength(corpus.length)
    for (const [i, q] of corpus.entries()) {
      const r = results.results.find((x) => x.ruleId === `c-${String(i).padStart(2, '0')}`)
      expect.soft(r?.status, q.sql).toBe('error')
      expect.soft(r?.message, q.sql).toMatch(/^Refused by the SQL guard, not run: /)
      expect.soft(r?.message, q.sql).toMatch(q.refusal)
    }
  })

  it('read no server file, wrote none, and ended no session', async () => {
    expect(JSON.stringify(results)).not.toContain(TOKEN)
    expect(allEvidence()).not.toContain(TOKEN)
    expect(allEvidence()).toContain('"refused": "') // the evidence records each refusal
    expect(writtenFiles()).toEqual([])
    expect(await pgVictimAlive()).toBe(true)
    expect(await myVictimAlive()).toBe(true)
  })
})

describe('with the guard bypassed (the read-only session alone), the same detectors see the harm', () => {
  it('PostgreSQL: a quoted pg_read_file reads the canary, a quoted pg_terminate_backend ends a session', async () => {
    const spare = new pg.Client({
      host: pgSvc.host,
      port: pgSvc.port,
      user: pgSvc.user,
      password: pgSvc.password,
      database: pgSvc.database,
      application_name: 'dw-spare-victim',
    })
    spare.on('error', () => undefined)
    await spare.connect()
    const s = await openPostgresReadOnly(
      direct(pgSvc, 'postgres'),
      { password: pgSvc.password },
      { timeoutMs: 5000 },
    )
    try {
      const read = await s.query(fill(POSTGRES_CORPUS[0]!.sql, values()), 5000)
      expect(JSON.stringify(read)).toContain(TOKEN)
      const kill = fill(POSTGRES_CORPUS[2]!.sql, { ...values(), '{VICTIM_APP}': 'dw-spare-victim' })
      await s.query(kill, 5000)
    } finally {
      await s.close()
    }
    await expect(spare.query('SELECT 1')).rejects.toThrow()
  })

  it('MariaDB: a back-ticked load_file reads the canary', async () => {
    const s = await openMysqlReadOnly(
      direct(mySvc, 'mysql'),
      { password: mySvc.password },
      { timeoutMs: 5000 },
    )
    try {
      const rows = await s.query(fill(MYSQL_CORPUS[0]!.sql, values()), 5000)
      expect(JSON.stringify(rows.map((r) => Object.values(r).map(String)))).toContain(TOKEN)
    } finally {
      await s.close()
    }
  })
})

// Keeps the placeholder list honest: every corpus placeholder has a value here.
it('fills every placeholder', () => {
  for (const q of [...POSTGRES_CORPUS, ...MYSQL_CORPUS])
    expect(fill(q.sql, values())).not.toMatch(/\{[A-Z_]+\}/)
})
