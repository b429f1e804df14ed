// Covers issue 23's "Who may see what" on a real PostgreSQL 15: migration 20 creates the NOLOGIN roles
// driftwatch_auditor, driftwatch_viewer and driftwatch_worker with their grants; a store migrated by a user who
// may not CREATE ROLE still opens (the roles named missing, granted later by the documented steps); a login role
// granted driftwatch_viewer lists targets and scans but changes nothing and reads no key material; one granted
// driftwatch_worker runs the watch (unlocking as its own vault member with a key file) but cannot change targets.
// Roles belong to the server, so the login roles made here have unique names and are dropped at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { sql as raw } from 'kysely'
import pg from 'pg'
import { createCore, type Core } from '../../src-main/core/app'
import { openStore, storeVersion } from '../../src-main/core/store/open'
import { LATEST_VERSION } from '../../src-main/core/store/migrations'
import { missingPostgresRoles, STORE_ROLES } from '../../src-main/core/store/migrations/postgres-roles'
import { VaultMembersRepo } from '../../src-main/core/store/vault-members'
import { VaultRepo } from '../../src-main/core/store/vault'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { startPostgres, stopAll, type PgService } from '../services/lib'
import { call, callError } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'
import { vaultWithPostgresTarget } from '../helpers/vault-target'
import { FAST_KDF } from '../unit/vault/support'

const tmp = useTmpDirs('all')
const PASS = 'roles test passphrase 77'
const tag = `${process.pid}_${randomBytes(3).toString('hex')}`
const made: { role: string; db: string | null }[] = []
let pgs: PgService

const admin = async <T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, db = pgs.database) => {
  const c = new pg.Client({
    host: '127.0.0.1',
    port: pgs.port,
    user: pgs.user,
    password: pgs.password,
    database: db,
  })
  await c.connect()
  try {
    return await c.query<T>(text)
  } finally {
    await c.end()
  }
}
const url = (user: string, password: string, db: string) =>
  `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${pgs.port}/${db}`

/** A new login role (unique on this server) granted `grant`, dropped after the file. */
async function loginRole(what: string, grant?: string, db: string | null = null) {
  const role = `dw_${what}_${tag}`
  const password = randomBytes(12).toString('hex')
  await admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`)
  if (grant) await admin(`GRANT ${grant} TO ${role}`)
  made.push({ role, db })
  return { role, password }
}

const denied = (sql: Sql, text: string) => {
  try {
    sql.exec(text)
  } catch (err) {
    return (err as { code?: string }).code
  }
  return 'allowed'
}

beforeAll(async () => {
  pgs = await startPostgres({ name: 'roles' })
}, 120_000)

afterAll(async () => {
  for (const { role, db } of made.reverse()) {
    if (db) await admin(`DROP DATABASE IF EXISTS ${db}`)
    for (const d of (await admin<{ datname: string }>(`SELECT datname FROM pg_database WHERE datallowconn`))
      .rows)
      await admin(`DROP OWNED BY ${role}`, d.datname)
    await admin(`DROP ROLE ${role}`)
  }
  await stopAll()
})

describe('PostgreSQL roles', () => {
  // First in the file: on this new server no driftwatch role exists yet.
  it('a store migrated by a user who may not create roles opens, names them missing, and is granted later', async () => {
    const db = `dw_noroles_${tag}`
    const owner = await loginRole('owner', undefined, db)
    await admin(`CREATE DATABASE ${db} OWNER ${owner.role}`)
    const sql = openStore(url(owner.role, owner.password, db))
    try {
      expect(storeVersion(sql)).toBe(LATEST_VERSION)
      expect(missingPostgresRoles(sql)).toEqual([...STORE_ROLES])
      // The documented way on: an administrator creates the roles, the store's owner grants them.
      for (const r of STORE_ROLES) await admin(`CREATE ROLE ${r} NOLOGIN`)
      expect(missingPostgresRoles(sql)).toEqual([])
      expect(
        sql.get(raw<{ missing: string[] }>`SELECT driftwatch_grant_roles() AS missing`.compile(sql.q)),
      ).toEqual({
        missing: [],
      })
    } finally {
      sql.close()
    }
    const can = await admin<{ read: boolean; write: boolean; wrap: boolean }>(
      `SELECT has_table_privilege('driftwatch_viewer', 'targets', 'SELECT') AS read,
              has_table_privilege('driftwatch_viewer', 'targets', 'INSERT') AS write,
              has_column_privilege('driftwatch_viewer', 'vault_members', 'wrapped_key', 'SELECT') AS wrap`,
      db,
    )
    expect(can.rows).toEqual([{ read: true, write: false, wrap: false }])
  })

  describe('on a store the owner migrated', () => {
    let db: string
    let targetId: string
    const keyFile = randomBytes(64)
    beforeAll(async () => {
      db = `dw_team_${tag}`
      await admin(`CREATE DATABASE ${db}`)
      const core = createCore({
        face: 'cli',
        dataDir: tmp.make('dw-roles-'),
        store: url(pgs.user, pgs.password, db),
        unsafeKdfForTests: FAST_KDF,
      })
      try {
        ;({ targetId } = await vaultWithPostgresTarget(core, pgs, { passphrase: PASS }))
        await call(core, 'scan.start', { targetId })
        await core.idle()
        await core.vault.addMember('worker-1', { keyFile: Buffer.from(keyFile) })
        await call(core, 'watch.schedules.save', { targetId, intervalMinutes: 60 })
      } finally {
        core.close()
      }
    }, 120_000)

    it('a viewer lists targets and scans, changes nothing, and reads no key material', async () => {
      const viewer = await loginRole('viewer', 'driftwatch_viewer')
      const sql = openStore(url(viewer.role, viewer.password, db))
      try {
        const names = sql.all(raw<{ name: string }>`SELECT name FROM targets`.compile(sql.q))
        expect(names).toEqual([{ name: 'billing-pg' }])
        const scans = sql.all(raw<{ state: string }>`SELECT state FROM scans`.compile(sql.q))
        expect(scans).toEqual([{ state: 'done' }])
        // What listing the vault needs: names and kinds, no ciphertext, no wrap.
        expect(new VaultRepo(sql).credentials().map((c) => c.name)).toEqual(['pg admin'])
        expect(new VaultMembersRepo(sql).list().map((m) => [m.name, m.secret_kind])).toEqual([
          ['owner', 'passphrase'],
          ['worker-1', 'key-file'],
        ])
        const forbidden = '42501'
        for (const text of [
          `INSERT INTO targets (id, name, kind, host, description, settings, created_at, updated_at)
             VALUES ('t2', 'x', 'postgres', 'h', '', '{}', 't', 't')`,
          `UPDATE targets SET name = 'renamed'`,
          `DELETE FROM scans`,
          `UPDATE scans SET state = 'failed'`,
          `INSERT INTO audit_log (seq, at, actor, action, prev_hash, hash) VALUES (999, 't', 'x', 'x', 'p', 'h')`,
          `SELECT wrapped_key FROM vault_members`,
          `SELECT header FROM vault_members`,
          `SELECT ciphertext FROM credentials`,
          `SELECT key_check FROM vault`,
          `SELECT sealed_private FROM signing_keys`,
        ])
          expect([text, denied(sql, text)]).toEqual([text, forbidden])
      } finally {
        sql.close()
      }
    })

    it('a worker runs the watch as its own vault member, recorded as such, but cannot change targets', async () => {
      const worker = await loginRole('worker', 'driftwatch_worker')
      let core: Core | undefined
      try {
        core = createCore({
          face: 'cli',
          dataDir: tmp.make('dw-roles-w-'),
          store: url(worker.role, worker.password, db),
          vaultMember: 'worker-1',
          unsafeKdfForTests: FAST_KDF,
        })
        await core.vault.unlock({ keyFile })
        expect(core.vault.member()).toBe('worker-1')
        core.watch.start()
        const deadline = Date.now() + 90_000
        let byWatch: { state: string }[] = []
        while (Date.now() < deadline) {
          byWatch = (await admin<{ state: string }>(`SELECT state FROM scans WHERE trigger = 'schedule'`, db))
            .rows
          if (byWatch.some((s) => s.state !== 'running')) break
          await new Promise((r) => setTimeout(r, 250))
        }
        expect(byWatch).toEqual([{ state: 'done' }])
        await core.idle()
        const finished = (
          await admin<{ who: string }>(
            `SELECT who FROM audit_log WHERE action = 'scan.finished' ORDER BY seq DESC LIMIT 1`,
            db,
          )
        ).rows[0]!
        expect(JSON.parse(finished.who)).toMatchObject({
          member: 'worker-1',
          worker: core.watch.scheduler.owner,
        })
        const refused = await callError(core, 'targets.remove', { id: targetId })
        expect(refused.code).toBe('forbidden')
        expect(refused.message).toMatch(
          /^The PostgreSQL store refused targets.remove to your database role \(permission denied for table \w+\)/,
        )
        expect((await admin(`SELECT name FROM targets`, db)).rows).toEqual([{ name: 'billing-pg' }])
      } finally {
        core?.close()
      }
    }, 120_000)
  })
})
