// The PostgreSQL store's baseline against the SQLite store at the same schema version, on a real PostgreSQL 15:
// the same tables, columns (order, nullability, type, default), keys, foreign keys with their ON DELETE, unique
// sets (a NOCASE unique is a unique index on lower(col)), indexes and CHECK counts; and what a user would notice
// on both engines: 'Web' and 'web' cannot both be target names, deleting a target takes its rows with it, the
// audit log refuses changes with the same words, and a JSON column refuses what is not JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { openDatabase, type Db } from '../../src-main/core/store/db'
import { LATEST_VERSION, schemaVersion } from '../../src-main/core/store/migrations'
import { openStore } from '../../src-main/core/store/open'
import {
  POSTGRES_BASELINE,
  POSTGRES_BASELINE_VERSION,
  POSTGRES_SCHEMA_TABLE,
} from '../../src-main/core/store/migrations/postgres-baseline'
import { startPostgres, stopAll, type PgService } from '../services/lib'

let pgs: PgService
let client: pg.Client
let lite: Db

beforeAll(async () => {
  pgs = await startPostgres({ name: 'baseline' })
  const int8AsNumber = (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format)
  client = new pg.Client({
    host: pgs.host,
    port: pgs.port,
    user: pgs.user,
    password: pgs.password,
    database: pgs.database,
    // What the store's executor does: int8 read as a JS number, as better-sqlite3 reads INTEGER.
    types: { getTypeParser: int8AsNumber as typeof pg.types.getTypeParser },
  })
  await client.connect()
  await client.query('BEGIN')
  await client.query(POSTGRES_BASELINE)
  await client.query('COMMIT')
  lite = openDatabase(':memory:', { targetVersion: POSTGRES_BASELINE_VERSION })
})

afterAll(async () => {
  lite?.close()
  await client?.end()
  await stopAll()
})

const SQLITE_TYPES: Record<string, string> = {
  INTEGER: 'bigint',
  REAL: 'double precision',
  TEXT: 'text',
  BLOB: 'bytea',
}
const ON_DELETE: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
}

/** Expression text as both engines print it, without PostgreSQL's casts and parentheses around the whole. */
const norm = (s: string | null): string | null => {
  if (s === null) return null
  const t = s
    .toLowerCase()
    .replace(/::text/g, '')
    .replace(/::bigint/g, '')
    .replace(/\s+/g, '')
  return /^\(.*\)$/.test(t) && !/\)\(/.test(t) ? t.slice(1, -1) : t
}

/** The key list and WHERE of `CREATE [UNIQUE] INDEX name ON table(keys) [WHERE pred]`. */
function parseIndexSql(sql: string): { keys: string[]; where: string | null } {
  const open = sql.indexOf('(', sql.search(/\bON\s/i))
  let depth = 0
  let end = open
  const keys: string[] = []
  let start = open + 1
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === '(') depth++
    else if (sql[i] === ')' && --depth === 0) {
      end = i
      break
    } else if (sql[i] === ',' && depth === 1) {
      keys.push(sql.slice(start, i))
      start = i + 1
    }
  }
  keys.push(sql.slice(start, end))
  const where = /\bWHERE\s+([\s\S]*)$/i.exec(sql.slice(end + 1))
  return { keys: keys.map((k) => k.trim()), where: where?.[1]?.trim() ?? null }
}

interface Shape {
  columns: string[]
  primaryKey: string[]
  foreignKeys: string[]
  uniques: string[]
  indexes: string[]
  checks: number
  triggers: string[]
}

interface LiteColumn {
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
}

function sqliteShapes(db: Db): Map<string, Shape> {
  const shapes = new Map<string, Shape>()
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string; sql: string }[]
  for (const { name: table, sql } of tables) {
    const cols = db.pragma(`table_info(${table})`) as LiteColumn[]
    const autoincrement = /(\w+)\s+INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT/i.exec(sql)?.[1]
    const nocase = new Set(
      [...sql.matchAll(/^\s*"?(\w+)"?\s+TEXT\b[^,\n]*COLLATE\s+NOCASE/gim)].map((m) => m[1]),
    )
    const key = (col: string) => (nocase.has(col) ? `lower(${col})` : col)
    // PostgreSQL makes primary key columns NOT NULL; SQLite's rowid tables let them hold NULL (never stored).
    const columns = cols.map(
      (c) =>
        `${c.name} ${SQLITE_TYPES[c.type] ?? `?${c.type}`}` +
        `${c.notnull || c.pk ? ' not null' : ''}` +
        `${c.name === autoincrement ? ' identity' : c.dflt_value === null ? '' : ` default ${norm(c.dflt_value)}`}`,
    )
    const primaryKey = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name)
    const fkRows = db.pragma(`foreign_key_list(${table})`) as {
      id: number
      table: string
      from: string
      to: string
      on_delete: string
      on_update: string
    }[]
    const foreignKeys = [...new Set(fkRows.map((f) => f.id))].map((id) => {
      const parts = fkRows.filter((f) => f.id === id)
      const [first] = parts
      return (
        `(${parts.map((p) => p.from).join(',')}) → ${first?.table}(${parts.map((p) => p.to).join(',')})` +
        ` on delete ${first?.on_delete} on update ${first?.on_update}`
      )
    })
    const uniques: string[] = []
    const indexes: string[] = []
    for (const idx of db.pragma(`index_list(${table})`) as {
      name: string
      unique: number
      origin: string
    }[]) {
      const own = db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
        .get(idx.name) as { sql: string | null } | undefined
      let keys: string[]
      let where: string | null = null
      if (own?.sql) {
        const parsed = parseIndexSql(own.sql)
        keys = parsed.keys.map((k) => (/^\w+$/.test(k) ? key(k) : (norm(k) ?? k)))
        where = norm(parsed.where)
      } else {
        const info = db.pragma(`index_xinfo(${idx.name})`) as { name: string; key: number; coll: string }[]
        keys = info.filter((i) => i.key === 1).map((i) => (i.coll === 'NOCASE' ? `lower(${i.name})` : i.name))
      }
      const text = `(${keys.join(',')})${where ? ` where ${where}` : ''}`
      // A primary key is compared as such, unless NOCASE makes its uniqueness something else.
      if (idx.origin === 'pk' && !keys.some((k) => k.startsWith('lower('))) continue
      if (idx.unique) uniques.push(text)
      else indexes.push(`${idx.name} ${text}`)
    }
    const checks = sql.match(/\bCHECK\s*\(/gi)?.length ?? 0
    const triggers = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(table) as {
        name: string
      }[]
    ).map((t) => t.name)
    shapes.set(table, {
      columns,
      primaryKey,
      foreignKeys: foreignKeys.sort(),
      uniques: uniques.sort(),
      indexes: indexes.sort(),
      checks,
      triggers: triggers.sort(),
    })
  }
  return shapes
}

async function postgresShapes(c: pg.Client): Promise<Map<string, Shape>> {
  const shapes = new Map<string, Shape>()
  const tables = await c.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  )
  for (const { table_name: table } of tables.rows) {
    const cols = await c.query<{
      column_name: string
      data_type: string
      is_nullable: string
      column_default: string | null
      is_identity: string
    }>(
      `SELECT column_name, data_type, is_nullable, column_default, is_identity FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    )
    const columns = cols.rows.map(
      (r) =>
        `${r.column_name} ${r.data_type}${r.is_nullable === 'NO' ? ' not null' : ''}` +
        `${r.is_identity === 'YES' ? ' identity' : r.column_default === null ? '' : ` default ${norm(r.column_default)}`}`,
    )
    const constraints = await c.query<{
      contype: string
      cols: string[]
      ref: string | null
      refcols: string[]
      confdeltype: string
      confupdtype: string
    }>(
      `SELECT c.contype,
         array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
         c.confrelid::regclass::text AS ref,
         array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS refcols,
         c.confdeltype, c.confupdtype
       FROM pg_constraint c WHERE c.conrelid = $1::regclass`,
      [table],
    )
    const primaryKey = constraints.rows.find((r) => r.contype === 'p')?.cols ?? []
    const foreignKeys = constraints.rows
      .filter((r) => r.contype === 'f')
      .map(
        (r) =>
          `(${r.cols.join(',')}) → ${r.ref}(${r.refcols.join(',')})` +
          ` on delete ${ON_DELETE[r.confdeltype]} on update ${ON_DELETE[r.confupdtype]}`,
      )
    const idx = await c.query<{
      name: string
      unique: boolean
      primary: boolean
      keys: string[]
      pred: string | null
    }>(
      `SELECT i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
         array(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k) AS keys,
         pg_get_expr(x.indpred, x.indrelid, true) AS pred
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = $1::regclass`,
      [table],
    )
    const uniques: string[] = []
    const indexes: string[] = []
    for (const r of idx.rows) {
      if (r.primary) continue
      const pred = norm(r.pred)
      const text = `(${r.keys.map((k) => norm(k)).join(',')})${pred ? ` where ${pred}` : ''}`
      if (r.unique) uniques.push(text)
      else indexes.push(`${r.name} ${text}`)
    }
    const triggers = await c.query<{ tgname: string }>(
      'SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal',
      [table],
    )
    shapes.set(table, {
      columns,
      primaryKey,
      foreignKeys: foreignKeys.sort(),
      uniques: uniques.sort(),
      indexes: indexes.sort(),
      checks: constraints.rows.filter((r) => r.contype === 'c').length,
      triggers: triggers.rows.map((t) => t.tgname).sort(),
    })
  }
  return shapes
}

describe('the PostgreSQL baseline has the SQLite schema of its version', () => {
  let liteShapes: Map<string, Shape>
  let pgShapes: Map<string, Shape>
  beforeAll(async () => {
    liteShapes = sqliteShapes(lite)
    pgShapes = await postgresShapes(client)
  })

  it('records its version where PRAGMA user_version is kept in SQLite', async () => {
    expect(schemaVersion(lite)).toBe(POSTGRES_BASELINE_VERSION)
    const rows = await client.query(`SELECT version FROM ${POSTGRES_SCHEMA_TABLE}`)
    expect(rows.rows).toEqual([{ version: POSTGRES_BASELINE_VERSION }])
    await expect(client.query(`INSERT INTO ${POSTGRES_SCHEMA_TABLE} (version) VALUES (18)`)).rejects.toThrow(
      /duplicate key/,
    )
  })

  it('has the same tables', () => {
    const pgTables = [...pgShapes.keys()].filter((t) => t !== POSTGRES_SCHEMA_TABLE).sort()
    expect(pgTables).toEqual([...liteShapes.keys()].sort())
    expect(pgTables.length).toBeGreaterThan(30)
  })

  it('has, table by table, the same columns, keys, foreign keys, unique sets, indexes and CHECKs', () => {
    for (const [table, want] of liteShapes) {
      const got = pgShapes.get(table)
      expect({ table, ...got }).toEqual({ table, ...want, triggers: got?.triggers })
      // Every SQLite trigger has its PostgreSQL counterpart (which also refuses TRUNCATE).
      expect(got?.triggers).toEqual(expect.arrayContaining(want.triggers))
    }
  })

  it('stays the same schema as SQLite after every later migration (each one’s PostgreSQL body)', async () => {
    // A second database on the same server, opened the way Driftwatch opens a team store: baseline, then v18+.
    const name = `dw_latest_${process.pid}`
    await client.query(`CREATE DATABASE ${name}`)
    const store = openStore(
      `postgres://${pgs.user}:${encodeURIComponent(pgs.password)}@${pgs.host}:${pgs.port}/${name}`,
    )
    store.close()
    const latest = new pg.Client({
      host: pgs.host,
      port: pgs.port,
      user: pgs.user,
      password: pgs.password,
      database: name,
    })
    await latest.connect()
    const liteLatest = openDatabase(':memory:')
    try {
      const want = sqliteShapes(liteLatest)
      const got = await postgresShapes(latest)
      expect(schemaVersion(liteLatest)).toBe(LATEST_VERSION)
      expect([...got.keys()].filter((t) => t !== POSTGRES_SCHEMA_TABLE).sort()).toEqual(
        [...want.keys()].sort(),
      )
      for (const [table, shape] of want)
        expect({ table, ...got.get(table) }).toEqual({ table, ...shape, triggers: got.get(table)?.triggers })
    } finally {
      liteLatest.close()
      await latest.end()
    }
  })

  it('compares text byte by byte as SQLite does, whatever locale the database was made with', async () => {
    const text = await client.query<{ n: string; collation_name: string | null }>(
      `SELECT table_name || '.' || column_name AS n, collation_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'text'`,
    )
    expect(text.rows.length).toBeGreaterThan(200)
    expect(text.rows.filter((r) => r.collation_name !== 'C')).toEqual([])
  })
})

/** Runs one statement written with ? placeholders on SQLite. */
const onLite = (sql: string, ...params: unknown[]) => lite.prepare(sql).run(...params)
/** The same statement on PostgreSQL. */
const onPg = (sql: string, ...params: unknown[]) => {
  let n = 0
  return client.query(
    sql.replace(/\?/g, () => `$${++n}`),
    params,
  )
}
/** Runs a statement on both engines; resolves to their errors (undefined when it went through). */
async function onBoth(sql: string, ...params: unknown[]): Promise<{ lite?: Error; pg?: Error }> {
  let liteErr: Error | undefined
  try {
    onLite(sql, ...params)
  } catch (e) {
    liteErr = e as Error
  }
  const pgErr = await onPg(sql, ...params).then(
    () => undefined,
    (e: Error) => e,
  )
  return { lite: liteErr, pg: pgErr }
}
async function countBoth(sql: string, ...params: unknown[]): Promise<{ lite: number; pg: number }> {
  const l = (lite.prepare(sql).get(...params) as { n: number }).n
  const p = (await onPg(sql, ...params)).rows[0].n as number
  return { lite: l, pg: p }
}

const AT = '2026-12-03T07:00:00.000Z'
const addTarget = (id: string, name: string) =>
  onBoth(
    `INSERT INTO targets (id, name, kind, settings, created_at, updated_at) VALUES (?, ?, 'local', '{}', ?, ?)`,
    id,
    name,
    AT,
    AT,
  )

describe('what a user notices is the same on both engines', () => {
  it("refuses a second target named 'web' beside 'Web'", async () => {
    expect(await addTarget('t-web-1', 'Web')).toEqual({ lite: undefined, pg: undefined })
    const second = await addTarget('t-web-2', 'web')
    expect(second.lite?.message).toBe('UNIQUE constraint failed: targets.name')
    expect(second.pg?.message).toMatch(/duplicate key value violates unique constraint "targets_name"/)
    expect(await countBoth("SELECT count(*) AS n FROM targets WHERE id LIKE 't-web-%'")).toEqual({
      lite: 1,
      pg: 1,
    })
    // A label is one label whatever its case, as SQLite's NOCASE key says.
    const label = "INSERT INTO target_labels (target_id, type, label) VALUES ('t-web-1', 'tag', ?)"
    expect(await onBoth(label, 'Prod')).toEqual({ lite: undefined, pg: undefined })
    const again = await onBoth(label, 'PROD')
    expect([again.lite?.message, again.pg?.message]).toEqual([
      expect.stringMatching(/UNIQUE constraint failed/),
      expect.stringMatching(/duplicate key/),
    ])
  })

  it("deletes a target's scans, results, labels, drift, alerts and schedules with it, and nulls what SET NULL says", async () => {
    expect(await addTarget('t-gone', 'Going')).toEqual({ lite: undefined, pg: undefined })
    const inserts: [string, ...unknown[]][] = [
      ["INSERT INTO target_labels (target_id, type, label) VALUES ('t-gone', 'group', 'dmz')"],
      [
        `INSERT INTO scans (id, target_id, trigger, state, started_at) VALUES ('s-gone', 't-gone', 'manual', 'done', ?)`,
        AT,
      ],
      [
        "INSERT INTO results (scan_id, rule_id, status, severity, title) VALUES ('s-gone', 'r1', 'fail', 'high', 'R')",
      ],
      [
        `INSERT INTO current_status (target_id, rule_id, status, scan_id, since)
         VALUES ('t-gone', 'r1', 'fail', 's-gone', ?)`,
        AT,
      ],
      [
        `INSERT INTO drift_events (target_id, scan_id, rule_id, type, severity, at)
         VALUES ('t-gone', 's-gone', 'r1', 'regression', 'high', ?)`,
        AT,
      ],
      [
        `INSERT INTO alerts (target_id, rule_id, event_id, state, opened_at)
         VALUES ('t-gone', 'r1', (SELECT id FROM drift_events WHERE scan_id = 's-gone'), 'open', ?)`,
        AT,
      ],
      [
        `INSERT INTO schedules (id, target_id, kind, created_at, updated_at)
         VALUES ('sch-gone', 't-gone', 'daily', ?, ?)`,
        AT,
        AT,
      ],
      [
        `INSERT INTO schedule_runs (schedule_id, target_id, next_run_at) VALUES ('sch-gone', 't-gone', ?)`,
        AT,
      ],
      [
        `INSERT INTO credentials (id, kind, name, meta, ciphertext, created_at, updated_at)
         VALUES ('c-gone', 'alert-secret', 'hook secret', '{}', ?, ?, ?)`,
        Buffer.from([1, 2, 3]),
        AT,
        AT,
      ],
      [
        `INSERT INTO alert_channels (id, kind, name, config, credential_id, created_at, updated_at)
         VALUES ('ch-stays', 'webhook', 'Hook', '{}', 'c-gone', ?, ?)`,
        AT,
        AT,
      ],
    ]
    for (const [sql, ...params] of inserts) expect(await onBoth(sql, ...params)).toEqual({})
    // The identity column numbers drift events as AUTOINCREMENT does.
    const ids = await countBoth("SELECT id AS n FROM drift_events WHERE scan_id = 's-gone'")
    expect(ids.pg).toBe(ids.lite)

    expect(await onBoth("DELETE FROM targets WHERE id = 't-gone'")).toEqual({})
    expect(await onBoth("DELETE FROM credentials WHERE id = 'c-gone'")).toEqual({})
    for (const table of [
      'target_labels',
      'current_status',
      'drift_events',
      'alerts',
      'schedules',
      'schedule_runs',
    ])
      expect(await countBoth(`SELECT count(*) AS n FROM ${table} WHERE target_id = 't-gone'`), table).toEqual(
        {
          lite: 0,
          pg: 0,
        },
      )
    expect(await countBoth("SELECT count(*) AS n FROM results WHERE scan_id = 's-gone'")).toEqual({
      lite: 0,
      pg: 0,
    })
    expect(
      await countBoth(
        "SELECT count(*) AS n FROM alert_channels WHERE id = 'ch-stays' AND credential_id IS NULL",
      ),
    ).toEqual({ lite: 1, pg: 1 })
  })

  it('refuses to change or delete an audit log entry, in the same words', async () => {
    const entry = `INSERT INTO audit_log (seq, at, actor, action, prev_hash, hash) VALUES (1, ?, 'cli', 'target.add', '', 'h1')`
    expect(await onBoth(entry, AT)).toEqual({})
    const update = await onBoth("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1")
    expect([update.lite?.message, update.pg?.message]).toEqual([
      'the audit log is append-only',
      'the audit log is append-only',
    ])
    const remove = await onBoth('DELETE FROM audit_log WHERE seq = 1')
    expect([remove.lite?.message, remove.pg?.message]).toEqual([
      'the audit log is append-only',
      'the audit log is append-only',
    ])
    await expect(client.query('TRUNCATE audit_log')).rejects.toThrow('the audit log is append-only')
    expect(await countBoth("SELECT count(*) AS n FROM audit_log WHERE actor = 'cli'")).toEqual({
      lite: 1,
      pg: 1,
    })
  })

  it('refuses what is not JSON in a JSON column and keeps what is', async () => {
    const put = 'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)'
    const bad = await onBoth(put, 'watch', '{"interval": 5', AT)
    expect(bad.lite?.message).toBe('CHECK constraint failed: json_valid(value)')
    expect(bad.pg?.message).toMatch(/violates check constraint "settings_value_check"/)
    expect(await onBoth(put, 'watch', '{"interval": 5, "zone": "Europe/Paris \\u00e9"}', AT)).toEqual({})
    const stored = 'SELECT value FROM settings WHERE key = ?'
    expect((await onPg(stored, 'watch')).rows).toEqual([lite.prepare(stored).get('watch')])
  })

  it('reads back the same values: integers as numbers, reals, blobs as bytes', async () => {
    const vault = `INSERT INTO vault (id, header, checksum, wrapped_key, key_check, auto_lock_minutes, created_at,
      updated_at) VALUES (1, 'h', 'c', ?, ?, 30, ?, ?)`
    expect(await onBoth(vault, Buffer.from([0, 255, 7]), Buffer.alloc(0), AT, AT)).toEqual({})
    expect((await onPg('SELECT * FROM vault')).rows).toEqual([lite.prepare('SELECT * FROM vault').get()])
    expect((await onBoth('UPDATE vault SET id = 2 WHERE id = 1')).pg?.message).toMatch(/vault_id_check/)
  })
})
