// Scans, imported content, GitHub's cache and state, and a transaction held across awaits, on both store
// engines: what a person reads back after a scan or an import is the same on SQLite and PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { Sql } from '../../src-main/core/store/sql/engine'
import { ScansRepo, type CommitHooks, type ScanTrigger } from '../../src-main/core/store/scans'
import { DriftRepo } from '../../src-main/core/store/drift'
import { ContentRepo } from '../../src-main/core/store/content'
import { GithubRepoStateRepo, HttpCacheRepo } from '../../src-main/core/store/github'
import { atomically } from '../../src-main/core/store/atomic'
import type { RuleResult, ScanOutcome } from '../../src-main/core/model/scan'
import type { ParsedDatastream, Tailoring } from '../../src-main/core/scap/types'
import type { RepoState } from '../../src-main/core/model/github'
import { ENGINES, addTargetRow, migratedSql } from '../helpers/engines'

let made = 0
/** A new target row (each test scans its own). */
function target(sql: Sql): string {
  const id = `t${String(++made).padStart(3, '0')}`
  return addTargetRow(sql, { id, name: `host ${id}` })
}

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString()

/** `n` rule results, each with its evidence check; rules in `failing` fail. */
function results(n: number, failing: ReadonlySet<number> = new Set()): RuleResult[] {
  return Array.from({ length: n }, (_, i) => {
    const fail = failing.has(i)
    return {
      ruleId: `xccdf_org.example_rule_${String(i).padStart(4, '0')}`,
      status: fail ? 'fail' : 'pass',
      severity: ['high', 'medium', 'low'][i % 3]!,
      title: `Setting ${i} is configured — “quoted” ünïcode`,
      actual: fail ? `value ${i}` : '',
      expected: 'yes',
      message: i % 50 === 0 ? 'line one\nline two' : '',
      idents: [{ system: 'https://ncp.nist.gov/cce', id: `CCE-${80000 + i}-1` }],
      evidence: [
        {
          subject: `/etc/example/${i}.conf`,
          setting: `Setting${i}`,
          found: fail ? [`Setting${i} no`] : [],
          foundCount: fail ? 1 : 0,
          missing: fail ? '' : 'not set',
          expected: 'yes',
          holds: !fail,
          text: `/etc/example/${i}.conf: Setting${i}`,
        },
      ],
    }
  })
}

const outcome = (rs: RuleResult[], extra: Partial<ScanOutcome> = {}): ScanOutcome => ({
  results: rs,
  // Bytes with zeros and high bits, and the same artefact twice: stored once, content-addressed.
  evidence: [
    {
      mediaType: 'application/xml',
      name: 'arf.xml',
      bytes: Buffer.concat([Buffer.from('<arf/>'), randomBytes(4096)]),
    },
    { mediaType: 'application/json', name: 'rows.json', bytes: Buffer.from('{"rows":[0,1]}') },
    { mediaType: 'application/json', name: 'again.json', bytes: Buffer.from('{"rows":[0,1]}') },
  ],
  info: { host: 'example', oscap: '1.3.7' },
  ...extra,
})

function started(
  scans: ScansRepo,
  targetId: string,
  id: string,
  minute: number,
  trigger: ScanTrigger = 'manual',
) {
  scans.begin({ id, targetId, trigger, profileId: 'xccdf_profile', tailoringId: null, startedAt: at(minute) })
}

const currentStatus = (sql: Sql, targetId: string) =>
  sql.all(
    sql.q
      .selectFrom('current_status')
      .select(['rule_id', 'status', 'actual', 'scan_id', 'since'])
      .where('target_id', '=', targetId)
      .orderBy('rule_id'),
  )

const evidenceCount = (sql: Sql) =>
  Number(sql.get(sql.q.selectFrom('evidence').select((eb) => eb.fn.countAll<number>().as('n')))?.n)

describe.each(ENGINES)('scans, content and GitHub state on %s', (engine) => {
  let sql: Sql
  beforeAll(async () => {
    sql = await migratedSql(engine)
  })

  it('reads a committed scan back as it was stored: results, evidence, counts, current status and drift', () => {
    const scans = new ScansRepo(sql)
    const t = target(sql)
    // More results than one multi-row insert carries.
    const first = results(620, new Set([3, 4]))
    started(scans, t, 'a1', 0)
    const evidenceBefore = evidenceCount(sql)
    const a = scans.commit('a1', outcome(first), at(1))
    expect(a).toMatchObject({
      id: 'a1',
      targetId: t,
      state: 'done',
      finishedAt: at(1),
      counts: { pass: 618, fail: 2 },
      score: 99.7,
      info: { host: 'example', oscap: '1.3.7' },
      drift: [],
    })
    expect(scans.results('a1')).toEqual(first)
    expect(scans.evidence(a.evidence!)?.mediaType).toBe('application/xml')
    expect(scans.evidence(a.evidence!)?.bytes.subarray(0, 6).toString()).toBe('<arf/>')
    expect(evidenceCount(sql)).toBe(evidenceBefore + 2)
    const cs = currentStatus(sql, t)
    expect(cs).toHaveLength(620)
    expect(cs[3]).toEqual({
      rule_id: first[3]!.ruleId,
      status: 'fail',
      actual: 'value 3',
      scan_id: 'a1',
      since: at(1),
    })

    // The next scan: rule 3 passes now, rule 5 fails; rule 4 still fails since the first scan.
    const second = results(620, new Set([4, 5]))
    started(scans, t, 'a2', 10)
    const b = scans.commit('a2', outcome(second), at(11))
    expect(b.drift.map((d) => [d.ruleId, d.type, d.fromStatus, d.toStatus, d.prevScanId])).toEqual([
      [second[3]!.ruleId, 'fixed', 'fail', 'pass', 'a1'],
      [second[5]!.ruleId, 'regression', 'pass', 'fail', 'a1'],
    ])
    const after = new Map(currentStatus(sql, t).map((r) => [r.rule_id, r]))
    expect(after.get(second[4]!.ruleId)).toMatchObject({ status: 'fail', scan_id: 'a2', since: at(1) })
    expect(after.get(second[5]!.ruleId)).toMatchObject({ status: 'fail', scan_id: 'a2', since: at(11) })
    expect(after.get(second[3]!.ruleId)).toMatchObject({ status: 'pass', actual: '', since: at(11) })
  })

  it('lists scans newest first, per target, up to a limit, and each target’s latest', () => {
    const scans = new ScansRepo(sql)
    const [x, y] = [target(sql), target(sql)]
    const only = (rows: { targetId: string; id: string }[]) =>
      rows.filter((r) => r.targetId === x || r.targetId === y).map((r) => r.id)
    started(scans, x, 'x1', 100)
    scans.commit('x1', outcome(results(5, new Set([1]))), at(101))
    started(scans, y, 'y1', 102)
    scans.commit('y1', outcome(results(5)), at(103))
    started(scans, x, 'x2', 104)
    scans.finish('x2', 'failed', 'ssh: connection refused', at(105))
    // Every rule not applicable: stored, but says nothing about the target.
    started(scans, y, 'y2', 106)
    scans.commit('y2', outcome(results(5).map((r) => ({ ...r, status: 'notapplicable' as const }))), at(107))
    started(scans, x, 'x3', 108)
    scans.finish('x3', 'cancelled', 'cancelled by the user', at(109))

    expect(only(scans.list(undefined, 1000))).toEqual(['x3', 'y2', 'x2', 'y1', 'x1'])
    expect(scans.list(x).map((s) => s.id)).toEqual(['x3', 'x2', 'x1'])
    expect(scans.list(x, 2).map((s) => s.id)).toEqual(['x3', 'x2'])
    expect(scans.get('x2')).toMatchObject({ state: 'failed', error: 'ssh: connection refused', score: null })
    expect(only(scans.latestPerTarget())).toEqual(['x1', 'y2'])
    expect(only(scans.latestEndedPerTarget())).toEqual(['x2', 'y2'])
    const meaningful = scans.latestMeaningfulPerTarget((c) => (c.pass ?? 0) + (c.fail ?? 0) > 0)
    expect(only(meaningful)).toEqual(['x1', 'y1'])
    expect(meaningful.find((s) => s.id === 'x1')).toMatchObject({ score: 80, counts: { pass: 4, fail: 1 } })
  })

  it('keeps scans started and finished in the same millisecond in the order they were created', () => {
    const scans = new ScansRepo(sql)
    const drift = new DriftRepo(sql)
    const t = target(sql)
    // A fixed clock (or two watchers in one millisecond): the ids, random in the app, run against creation.
    const ids = ['same-9', 'same-8', 'same-7', 'same-6', 'same-5']
    ids.forEach((id, i) => {
      started(scans, t, id, 400)
      scans.commit(id, outcome(results(5, new Set(i % 2 ? [1] : []))), at(400))
    })
    expect(scans.list(t).map((s) => s.id)).toEqual([...ids].reverse())
    expect(scans.latestMeaningfulPerTarget(() => true).find((s) => s.targetId === t)?.id).toBe('same-5')
    expect(drift.timeline(t).map((p) => p.scanId)).toEqual(ids)
    // Each scan's drift is measured against the one created just before it.
    const last = scans.list(t)[0]!
    expect(last.id).toBe('same-5')
    started(scans, t, 'same-4', 400)
    const next = scans.commit('same-4', outcome(results(5, new Set([2]))), at(400))
    expect(next.drift.length).toBeGreaterThan(0)
    expect(new Set(next.drift.map((d) => d.prevScanId))).toEqual(new Set(['same-5']))
  })

  it('marks scans left running as interrupted, and only those', () => {
    const scans = new ScansRepo(sql)
    const t = target(sql)
    started(scans, t, 'r1', 200, 'schedule')
    started(scans, t, 'r2', 201, 'cli')
    started(scans, t, 'r3', 202)
    scans.commit('r3', outcome(results(3)), at(203))
    const marked = scans.markInterrupted(at(300))
    expect(marked).toBeGreaterThanOrEqual(2)
    expect(scans.list(t).map((s) => [s.id, s.state, s.trigger])).toEqual([
      ['r3', 'done', 'manual'],
      ['r2', 'interrupted', 'cli'],
      ['r1', 'interrupted', 'schedule'],
    ])
    expect(scans.get('r1')).toMatchObject({
      finishedAt: at(300),
      error: 'Driftwatch stopped during this scan',
    })
    expect(scans.markInterrupted(at(301))).toBe(0)
    // A late failure does not overwrite the interruption.
    scans.finish('r1', 'failed', 'late', at(302))
    expect(scans.get('r1')?.state).toBe('interrupted')
  })

  it('leaves nothing of a commit that throws: no results, evidence, status, drift or GitHub state', () => {
    const t = target(sql)
    const good = new ScansRepo(sql)
    const repoState = (n: number): RepoState[] =>
      Array.from({ length: n }, (_, i) => ({
        repo: `org/repo-${i}`,
        pushedAt: at(i),
        updatedAt: at(i),
        checkedAt: at(400),
        pack: 'github-baseline',
        results: results(2),
      }))
    started(good, t, 'g1', 400)
    good.commit('g1', outcome(results(4, new Set([0])), { githubRepoState: repoState(3) }), at(401))
    const statusBefore = currentStatus(sql, t)
    const count = (table: 'results' | 'evidence' | 'drift_events') =>
      sql.get(sql.q.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')))?.n

    const before = { results: count('results'), evidence: count('evidence'), drift: count('drift_events') }
    const hooks: CommitHooks = {
      onDrift: (scan, events) => {
        expect(events.length).toBeGreaterThan(0)
        throw new Error(`alert store refused ${scan.id}`)
      },
    }
    const failing = new ScansRepo(sql, hooks)
    started(failing, t, 'g2', 410)
    expect(() =>
      failing.commit('g2', outcome(results(4, new Set([1])), { githubRepoState: repoState(1) }), at(411)),
    ).toThrow('alert store refused g2')
    expect(failing.get('g2')).toMatchObject({ state: 'running', finishedAt: null, score: null })
    expect(failing.results('g2')).toEqual([])
    expect({ results: count('results'), evidence: count('evidence'), drift: count('drift_events') }).toEqual(
      before,
    )
    expect(currentStatus(sql, t)).toEqual(statusBefore)
    expect([...new GithubRepoStateRepo(sql).load(t).keys()]).toEqual([
      'org/repo-0',
      'org/repo-1',
      'org/repo-2',
    ])

    // The same rule twice in one scan is refused by the store, again leaving nothing.
    started(good, t, 'g3', 420)
    const twice = results(3)
    expect(() => good.commit('g3', outcome([...twice, twice[0]!]), at(421))).toThrow()
    expect(good.results('g3')).toEqual([])
    expect(currentStatus(sql, t)).toEqual(statusBefore)
  })

  it('keeps a GitHub target’s repository state with its scan, replaced by the next one', () => {
    const scans = new ScansRepo(sql)
    const state = new GithubRepoStateRepo(sql)
    const t = target(sql)
    expect(state.load(t).size).toBe(0)
    const repo = (name: string, checkedAt: string): RepoState => ({
      repo: name,
      pushedAt: '2029-12-31T10:00:00Z',
      updatedAt: '2029-12-31T11:00:00Z',
      checkedAt,
      pack: 'github-baseline',
      results: results(3, new Set([2])),
    })
    started(scans, t, 'h1', 500)
    scans.commit(
      'h1',
      outcome(results(3), { githubRepoState: [repo('org/a', at(500)), repo('org/b', at(500))] }),
      at(501),
    )
    expect(state.load(t)).toEqual(
      new Map([
        ['org/a', repo('org/a', at(500))],
        ['org/b', repo('org/b', at(500))],
      ]),
    )
    started(scans, t, 'h2', 510)
    scans.commit('h2', outcome(results(3), { githubRepoState: [repo('org/b', at(510))] }), at(511))
    expect(state.load(t)).toEqual(new Map([['org/b', repo('org/b', at(510))]]))
  })

  it('answers GitHub’s conditional requests from the ETag cache, and forgets entries unused for long', () => {
    let now = new Date('2030-02-01T00:00:00.000Z')
    const cache = new HttpCacheRepo(sql, () => now)
    const body = Buffer.concat([Buffer.from('[{"name":"repo"}]'), Buffer.from([0, 255, 10])])
    cache.put('GET /orgs/example/repos', {
      etag: 'W/"1"',
      headers: { 'x-ratelimit-remaining': '4999' },
      body,
    })
    cache.put('GET /repos/example/old', { etag: '"old"', headers: {}, body: Buffer.from('{}') })
    expect(cache.get('GET /orgs/example/repos')).toEqual({
      etag: 'W/"1"',
      headers: { 'x-ratelimit-remaining': '4999' },
      body,
    })
    expect(cache.get('GET /nothing')).toBeUndefined()
    // A newer answer replaces the entry.
    cache.put('GET /orgs/example/repos', { etag: 'W/"2"', headers: {}, body: Buffer.from('[]') })
    expect(cache.get('GET /orgs/example/repos')?.etag).toBe('W/"2"')
    expect(cache.size()).toBe(2)
    // A month on, the entry read in between stays, the one never read since goes.
    now = new Date('2030-03-01T00:00:00.000Z')
    cache.get('GET /orgs/example/repos')
    expect(cache.prune('2030-02-15T00:00:00.000Z')).toBe(1)
    expect(cache.size()).toBe(1)
    expect(cache.get('GET /repos/example/old')).toBeUndefined()
  })

  it('keeps imported content byte for byte, with its summary and saved tailorings', () => {
    const content = new ContentRepo(sql)
    const raw = Buffer.concat([
      Buffer.from('<?xml version="1.0"?>'),
      randomBytes(64 * 1024),
      Buffer.from([0, 0]),
    ])
    const sha = `sha-${engine}-${made}`
    const parsed = {
      sha256: sha,
      bytes: raw.length,
      scapVersion: '1.3',
      benchmarks: [
        {
          id: 'xccdf_org.example_benchmark',
          title: 'Example',
          version: '0.1',
          datastreamId: 'ds',
          profiles: [{ id: 'p1' }, { id: 'p2' }],
          groups: [],
          rules: [{ id: 'r1' }],
          values: [],
        },
      ],
    } as unknown as ParsedDatastream
    expect(content.has(sha)).toBe(false)
    content.insert(parsed, raw, 'ssg-example-ds.xml', '/home/auditor/ssg-example-ds.xml', at(600))
    // Importing the same bytes again keeps the first import.
    content.insert(parsed, Buffer.from('other'), 'copy.xml', '/tmp/copy.xml', at(601))
    expect(content.has(sha)).toBe(true)
    expect(content.raw(sha)).toEqual(raw)
    expect(new ContentRepo(sql).parsed(sha)).toEqual(parsed)
    expect(content.list().find((c) => c.sha256 === sha)).toEqual({
      sha256: sha,
      fileName: 'ssg-example-ds.xml',
      sourcePath: '/home/auditor/ssg-example-ds.xml',
      bytes: raw.length,
      scapVersion: '1.3',
      importedAt: at(600),
      benchmarks: [
        {
          id: 'xccdf_org.example_benchmark',
          title: 'Example',
          version: '0.1',
          profiles: 2,
          rules: 1,
          values: 0,
        },
      ],
    })

    const tailoring = {
      profileId: 'p1_custom',
      profileTitle: 'Custom',
      extends: 'p1',
      selects: { r1: false },
    } as unknown as Tailoring
    const save = (id: string, name: string, targets: string[] = []) =>
      content.saveTailoring(
        {
          id,
          name,
          contentSha256: sha,
          benchmarkId: 'xccdf_org.example_benchmark',
          tailoring,
          targets,
          groups: [],
        },
        at(610),
      )
    save('tb', 'beta servers', ['t-1'])
    save('ta', 'Alpha servers')
    save('tc', 'Çharlie')
    save('td', 'Delta')
    const mine = () => content.tailorings().filter((x) => x.contentSha256 === sha)
    // Ordered without case (ASCII letters), as SQLite's NOCASE orders.
    expect(mine().map((x) => x.name)).toEqual(['Alpha servers', 'beta servers', 'Delta', 'Çharlie'])
    expect(content.tailoringNameTaken('ALPHA SERVERS')).toBe(true)
    expect(content.tailoringNameTaken('alpha servers', 'ta')).toBe(false)
    expect(content.tailoringNameTaken('çharlie')).toBe(false)
    expect(content.tailoringNameTaken('gamma')).toBe(false)
    // Renaming keeps the id and its creation time.
    save('ta', 'Alpha (renamed)')
    expect(content.tailoring('ta')).toMatchObject({ name: 'Alpha (renamed)', tailoring, createdAt: at(610) })
    // A target has one policy: claiming it for one tailoring takes it from another.
    content.claimAssignments('ta', ['t-1', 't-2'], ['web'], at(620))
    expect(content.tailoring('ta')).toMatchObject({
      targets: ['t-1', 't-2'],
      groups: ['web'],
      updatedAt: at(620),
    })
    expect(content.tailoring('tb')).toMatchObject({ targets: [], updatedAt: at(620) })
    content.unassignTarget('t-2', at(630))
    expect(content.tailoring('ta')?.targets).toEqual(['t-1'])
    expect(content.removeTailoring('td')).toBe(true)
    expect(content.removeTailoring('td')).toBe(false)
    expect(mine().map((x) => x.id)).toEqual(['ta', 'tb', 'tc'])

    expect(content.oscapValidated(sha)).toBe(false)
    content.markOscapValidated(sha)
    content.markOscapValidated(sha)
    expect(content.oscapValidated(sha)).toBe(true)
  })

  it('holds one transaction across awaits: all of it commits, or none of it, and a second is refused', async () => {
    const scans = new ScansRepo(sql)
    const t = target(sql)
    const tick = () => new Promise((r) => setTimeout(r, 5))
    await atomically(sql, async () => {
      started(scans, t, 'k1', 700)
      await tick()
      scans.commit('k1', outcome(results(3)), at(701))
    })
    expect(scans.get('k1')?.state).toBe('done')
    expect(sql.inTransaction).toBe(false)

    await expect(
      atomically(sql, async () => {
        started(scans, t, 'k2', 710)
        await tick()
        scans.commit('k2', outcome(results(3)), at(711))
        await expect(atomically(sql, () => Promise.resolve(1))).rejects.toThrow(
          'A transaction is already open on this store',
        )
        throw new Error('the second target of the file is invalid')
      }),
    ).rejects.toThrow('the second target of the file is invalid')
    expect(scans.get('k2')).toBeUndefined()
    expect(sql.inTransaction).toBe(false)
    expect(scans.list(t).map((s) => s.id)).toEqual(['k1'])
  })
})
