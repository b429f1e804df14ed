// Covers the promise that a GitHub scan is kept whole or not at all: the per-repository state a watch reuses is
// written by the scan's commit, so a scan cancelled after its API calls, or whose commit fails, leaves nothing
// the next scan reads; that scan asks GitHub everything again and reaches the verdicts of a first scan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import type { EventPayload } from '../../src-preload/contract'
import { ALL_SCOPES, hardenedRepo, startGithubServer, type GithubServer } from '../services/github-server'
import { call, fakeClock } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'
import { openDataStore, withDataStore } from '../helpers/data-store'

const TOKEN = 'ghp_commitpromise000000000000000000000007'
const tmp = useTmpDirs('all')
let server: GithubServer
let core: Core
let dataDir: string
let credentialId: string

beforeAll(async () => {
  server = await startGithubServer({
    orgs: [{ login: 'acme' }],
    repos: [
      hardenedRepo('acme/hardened'),
      { fullName: 'acme/bare', collaborators: [{ login: 'eve', admin: true, outside: true }] },
      { fullName: 'acme/private-free', private: true, protection: 'plan', codeScanning: 'plan' },
      { fullName: 'acme/old', archived: true, pushedAt: '2019-01-01T00:00:00Z' },
    ],
    tokens: { [TOKEN]: ALL_SCOPES },
  })
  dataDir = join(tmp.make('dw-gh-commit-'), 'data')
  core = createCore({
    face: 'cli',
    dataDir,
    clock: fakeClock('2026-12-01T00:00:00.000Z'),
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  await call(core, 'vault.init', { passphrase: 'github commit passphrase' })
  credentialId = (
    await call(core, 'credentials.create', {
      credential: { kind: 'github-token', name: 'acme token', secret: { token: TOKEN } },
    })
  ).id
}, 60_000)

afterAll(async () => {
  core?.close()
  await server?.close()
})

const newTarget = async (name: string) =>
  (
    await call(core, 'targets.create', {
      target: { kind: 'github', name, org: 'acme', apiBaseUrl: server.url, credentialId },
    })
  ).id

/** A scan through the core; `during` sees each progress event as it is pushed (it may cancel the scan there). */
async function scan(targetId: string, during?: (p: EventPayload<'scan.progress'>) => void) {
  let finished: EventPayload<'scan.finished'> | undefined
  const off = core.subscribe((name, p) => {
    if (name === 'scan.progress') during?.(p as EventPayload<'scan.progress'>)
    if (name === 'scan.finished') finished = p as EventPayload<'scan.finished'>
  })
  const asked = server.log.length
  const { scanId } = await call(core, 'scan.start', { targetId })
  await core.idle()
  off()
  const { scan, results } = await call(core, 'scan.results', { scanId })
  return {
    finished: finished!,
    scan,
    verdicts: results.map((r) => [r.ruleId, r.status, r.actual]),
    requests: server.log.length - asked,
  }
}

/** What the store holds for the target outside its scans, read as the next scan would. */
function keptState(targetId: string) {
  return withDataStore(dataDir, (s) =>
    s.all(s.q.selectFrom('github_repo_state').select('repo').where('target_id', '=', targetId)),
  )
}

describe('a GitHub scan that does not finish', () => {
  let first: Awaited<ReturnType<typeof scan>>

  beforeAll(async () => {
    // The reference: a first scan of the organisation, on a target with no history.
    first = await scan(await newTarget('acme reference'))
    expect(first.finished.state).toBe('done')
    expect(first.scan.info).toMatchObject({ checked: '3', unchanged: '0', archived: '1' })
    expect(first.verdicts.length).toBeGreaterThan(60)
  })

  it('cancelled after its API calls, leaves nothing the next scan reads', async () => {
    const id = await newTarget('acme cancelled')
    let checked = 0
    const cancelled = await scan(id, (p) => {
      if (p.phase !== 'rule' || p.done === undefined) return
      checked = p.done
      // The last repository is checked: every request is made, the results are in hand, nothing is committed.
      if (p.done === p.total) void core.invoke('scan.cancel', { scanId: p.scanId })
    })
    expect(checked).toBe(3)
    expect(cancelled.requests).toBe(first.requests)
    expect(cancelled.finished).toMatchObject({ state: 'cancelled', error: 'The scan was cancelled' })
    expect(cancelled.verdicts).toEqual([])
    expect(keptState(id)).toEqual([])

    // The next scan checks every repository again, with every request, and reaches the first scan's verdicts.
    const next = await scan(id)
    expect(next.finished.state).toBe('done')
    expect(next.scan.info).toMatchObject({ checked: '3', unchanged: '0', fullRefresh: '0' })
    expect(next.requests).toBe(first.requests)
    expect(next.scan.info.requests).toBe(first.scan.info.requests)
    expect(next.verdicts).toEqual(first.verdicts)

    // Once committed, the state is there: the scan after re-checks nothing.
    expect(keptState(id)).toHaveLength(3)
    const third = await scan(id)
    expect(third.scan.info).toMatchObject({ checked: '0', unchanged: '3' })
    expect(third.verdicts).toEqual(first.verdicts)
  })

  it('whose commit fails, leaves no state either', async () => {
    const id = await newTarget('acme commit fails')
    // A real refusal from the store in the middle of the commit, as a full disk or a broken file would give.
    const raw = openDataStore(dataDir)
    const trigger = (sql: string) => raw.exec(sql)
    try {
      trigger(
        raw.dialect === 'sqlite'
          ? `CREATE TRIGGER refuse_commit BEFORE UPDATE OF state ON scans
             WHEN NEW.state = 'done' AND NEW.target_id = '${id}'
             BEGIN SELECT RAISE(ABORT, 'the store refused this scan'); END`
          : `CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql
               AS $$ BEGIN RAISE EXCEPTION 'the store refused this scan'; END $$;
             CREATE TRIGGER refuse_commit BEFORE UPDATE OF state ON scans FOR EACH ROW
               WHEN (NEW.state = 'done' AND NEW.target_id = '${id}') EXECUTE FUNCTION refuse_commit()`,
      )
      const failed = await scan(id)
      expect(failed.finished).toMatchObject({ state: 'failed', error: 'the store refused this scan' })
      expect(failed.requests).toBe(first.requests)
      expect(failed.verdicts).toEqual([])
      expect(keptState(id)).toEqual([])
    } finally {
      trigger(
        raw.dialect === 'sqlite'
          ? 'DROP TRIGGER IF EXISTS refuse_commit'
          : 'DROP TRIGGER IF EXISTS refuse_commit ON scans; DROP FUNCTION IF EXISTS refuse_commit()',
      )
      raw.close()
    }

    const next = await scan(id)
    expect(next.scan.info).toMatchObject({ checked: '3', unchanged: '0' })
    expect(next.requests).toBe(first.requests)
    expect(next.verdicts).toEqual(first.verdicts)
  })
})
