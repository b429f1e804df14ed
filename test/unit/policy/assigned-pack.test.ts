// A database target's policy is its assigned rule pack (with the pack's variables): Scan now naming no pack, a
// schedule left on "Assigned policy" and a group scan all run it; the wrong kind of pack, or a tailoring, is
// refused with the reason. No server is needed: the scan row records its policy before it connects.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase } from '../../../src-main/core/store/db'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import { ScansRepo } from '../../../src-main/core/store/scans'
import { call, callError, useCores } from '../../helpers/core'

const cores = useCores()

async function setup() {
  const core = cores.open({ face: 'desktop', network: { connectMs: 500 } })
  const db = await call(core, 'targets.create', {
    target: { kind: 'postgres', name: 'billing-db', host: '127.0.0.1', port: 1, user: 'ro', groups: ['dbs'] },
  })
  const laptop = await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop', groups: [] } })
  const pack = (values: Record<string, number>) =>
    JSON.stringify({
      id: 'acme-pg',
      title: 'ACME PostgreSQL policy',
      kind: 'postgres',
      extends: 'postgres-cis',
      values,
    })
  await call(core, 'rules.import', { text: pack({ max_authentication_timeout_seconds: 30 }) })
  return { core, db, laptop, pack }
}

describe("a database target's assigned rule pack", () => {
  it('is what scans naming no pack run; another import of its variables is another policy', async () => {
    const { core, db, pack } = await setup()
    expect(await call(core, 'policy.get', { targetId: db.id })).toEqual({ tailoring: null, pack: null })
    expect(await call(core, 'policy.assign', { targetId: db.id, packId: 'acme-pg' })).toEqual({
      tailoring: null,
      pack: { id: 'acme-pg', title: 'ACME PostgreSQL policy' },
    })

    await call(core, 'scan.start', { targetId: db.id })
    await core.idle()
    await call(core, 'scan.startGroup', { group: 'dbs' })
    await core.idle()
    const schedule = await call(core, 'watch.schedules.save', { targetId: db.id, intervalMinutes: 60 })
    expect(schedule).not.toHaveProperty('profileId')
    // The pack's variables change: another policy, though the pack keeps its id.
    await call(core, 'rules.import', {
      text: pack({ max_authentication_timeout_seconds: 10 }),
      replace: true,
    })
    await call(core, 'scan.start', { targetId: db.id })
    await core.idle()
    const { scans } = await call(core, 'scans.list', { targetId: db.id })
    expect(scans.map((s) => [s.trigger, s.profileId])).toEqual([
      ['manual', 'acme-pg'],
      ['group', 'acme-pg'],
      ['manual', 'acme-pg'],
    ])
    // Unreachable (port 1): the scans failed, but they ran the assigned pack, not the default postgres-cis.
    expect(scans.every((s) => s.state === 'failed')).toBe(true)
    // The pack's variables are part of the policy: the re-imported pack is another policy for drift.
    const file = openDatabase(join(core.dataDir, 'driftwatch.db'))
    const policies = scans.map((s) => new ScansRepo(sqliteSql(file)).get(s.id)!.policy)
    file.close()
    expect(policies[1]).toBe(policies[2])
    expect(policies[0]).not.toBe(policies[1])

    // Told otherwise, a scan runs the pack it names.
    await call(core, 'scan.start', { targetId: db.id, profileId: 'postgres-cis' })
    await core.idle()
    expect((await call(core, 'scans.list', { targetId: db.id })).scans[0]!.profileId).toBe('postgres-cis')
  })

  it('is refused for the wrong kind, and a tailoring is refused for a database target', async () => {
    const { core, db, laptop } = await setup()
    expect(await callError(core, 'policy.assign', { targetId: db.id, packId: 'mysql-cis' })).toMatchObject({
      message: 'The rule pack mysql-cis is for mysql targets, not PostgreSQL',
    })
    expect(await callError(core, 'policy.assign', { targetId: db.id, packId: 'nope' })).toMatchObject({
      code: 'not_found',
      message: 'No rule pack "nope"',
    })
    expect(await callError(core, 'policy.assign', { targetId: laptop.id, packId: 'acme-pg' })).toMatchObject({
      message: 'laptop (This computer) takes no rule pack to choose',
    })
    expect(await callError(core, 'policy.assign', { targetId: db.id, tailoringId: 'x' })).toMatchObject({
      issues: [{ path: 'targetId', message: 'billing-db (PostgreSQL) takes no tailoring' }],
    })
    expect(await call(core, 'policy.get', { targetId: db.id })).toEqual({ tailoring: null, pack: null })
  })
})
