// The GitHub client against the local GitHub API server: conditional requests (304 → cached body, no rate-limit
// point), rate-limit status, backoff through secondary rate limits and 5xx bursts, malformed JSON, an expired
// token, a missing scope named, and the token never following a redirect to another host.
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { GithubClient, GithubError, type Backoff } from '../../../src-main/core/scanners/github/client'
import { backoffDelay } from '../../../src-main/core/util/backoff'
import { HttpCacheRepo } from '../../../src-main/core/store/github'
import { openDatabase, type Db } from '../../../src-main/core/store/db'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import {
  ALL_SCOPES,
  startGithubServer,
  type GithubServer,
  type GithubServerOptions,
} from '../../services/github-server'
import { useTmpDirs } from '../../helpers/tmp-dir'

const TOKEN = 'ghp_test0000000000000000000000000000000001'
const tmp = useTmpDirs()
const servers: GithubServer[] = []
const dbs: Db[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
  for (const d of dbs.splice(0)) d.close()
})

async function setup(opts: GithubServerOptions = {}, backoff: Partial<Backoff> = { baseMs: 20, capMs: 200 }) {
  const server = await startGithubServer({
    orgs: [{ login: 'acme', hooks: [{ url: 'https://hooks.example.com', secret: true }] }],
    repos: [{ fullName: 'acme/api' }],
    tokens: { [TOKEN]: ALL_SCOPES },
    ...opts,
  })
  servers.push(server)
  const db = openDatabase(join(tmp.make('dw-gh-client-'), 'driftwatch.db'))
  dbs.push(db)
  const cache = new HttpCacheRepo(sqliteSql(db))
  const client = (token = TOKEN) => new GithubClient({ baseUrl: server.url, token, cache, backoff })
  return { server, cache, client }
}

const repoPath = '/repos/acme/api'

describe('conditional requests', () => {
  it('sends the stored ETag, reuses the body on a 304, and spends no rate-limit point on it', async () => {
    const { server, client } = await setup()
    const first = client()
    const a = await first.get<{ full_name: string }>('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'api',
    })
    expect(a.data.full_name).toBe('acme/api')
    expect(first.stats).toMatchObject({ requests: 1, points: 1, notModified: 0 })
    expect(first.rateLimit.remaining).toBe(4999)

    // A new client (the next scan) on the same SQLite cache.
    const second = client()
    const b = await second.get<{ full_name: string }>('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'api',
    })
    expect(b.data).toEqual(a.data)
    expect(second.stats).toMatchObject({ requests: 1, points: 0, notModified: 1 })
    expect(server.log.at(-1)).toMatchObject({ status: 304, ifNoneMatch: expect.stringMatching(/^W\/"/) })
    expect(server.used.get(TOKEN)).toBe(1)
    // Rate-limit status visible: remaining did not move, and the reset time is known.
    expect(second.rateLimit).toMatchObject({ limit: 5000, remaining: 4999, resource: 'core' })
    expect(Date.parse(second.rateLimit.reset)).toBeGreaterThan(Date.now())

    // A change on the server: a new ETag, a 200, and the new body replaces the cached one.
    server.update('acme/api', { pushedAt: '2026-11-20T00:00:00Z' })
    const c = await client().get<{ pushed_at: string }>('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'api',
    })
    expect(c.data.pushed_at).toBe('2026-11-20T00:00:00Z')
    expect(server.log.at(-1)!.status).toBe(200)
  })

  it('paginates with Link headers, every page conditional', async () => {
    const repos = Array.from({ length: 230 }, (_, i) => ({ fullName: `acme/r${i}` }))
    const { server, client } = await setup({ repos })
    const first = client()
    expect(await first.paginate('GET /orgs/{org}/repos', { org: 'acme' })).toHaveLength(230)
    expect(first.stats.points).toBe(3)
    const second = client()
    expect(await second.paginate('GET /orgs/{org}/repos', { org: 'acme' })).toHaveLength(230)
    expect(second.stats).toMatchObject({ requests: 3, points: 0, notModified: 3 })
    expect(server.log.slice(-3).map((l) => l.status)).toEqual([304, 304, 304])
  })
})

describe('the HTTP cache', () => {
  it('keeps bodies gzipped in SQLite and drops entries nobody used for a while', () => {
    const db = openDatabase(join(tmp.make('dw-gh-cache-'), 'driftwatch.db'))
    dbs.push(db)
    let now = new Date('2026-01-01T00:00:00Z')
    const cache = new HttpCacheRepo(sqliteSql(db), () => now)
    const body = Buffer.from(JSON.stringify({ big: 'x'.repeat(10_000) }))
    cache.put('a', { etag: 'W/"a"', headers: { 'content-type': 'application/json' }, body })
    cache.put('b', { etag: 'W/"b"', headers: {}, body })
    const stored = db.prepare("SELECT length(gz) AS n FROM http_cache WHERE key = 'a'").get() as { n: number }
    expect(stored.n).toBeLessThan(body.length / 10)
    now = new Date('2026-03-01T00:00:00Z')
    expect(cache.get('a')?.body.equals(body)).toBe(true) // a read counts as use
    expect(cache.prune('2026-02-01T00:00:00Z')).toBe(1)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')?.etag).toBe('W/"a"')
  })
})

describe('backoff', () => {
  it('is capped exponential with full jitter, never below what the server asked for', () => {
    const b: Backoff = { baseMs: 100, capMs: 1000, retries: 4, maxWaitMs: 60_000 }
    expect(backoffDelay(0, b, () => 0.999)).toBe(99)
    expect(backoffDelay(3, b, () => 0.999)).toBe(799)
    expect(backoffDelay(10, b, () => 0.999)).toBe(999)
    expect(backoffDelay(10, b, () => 0)).toBe(0)
    expect(backoffDelay(2, b, () => 0.5, 5000)).toBe(5000)
  })

  it('waits out a secondary rate limit for at least retry-after, then succeeds', async () => {
    const { server, client } = await setup()
    server.inject({ kind: 'secondary-rate-limit', retryAfter: 1 }, { match: /^\/repos\/acme\/api$/ })
    const c = client()
    const r = await c.get<{ name: string }>('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })
    expect(r.data.name).toBe('api')
    const hits = server.log.filter((l) => l.path === repoPath)
    expect(hits.map((h) => h.status)).toEqual([403, 200])
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(1000)
    expect(c.stats.retries).toBe(1)
  })

  it('survives a burst of 5xx and names the status when the burst outlasts the retries', async () => {
    const { server, client } = await setup()
    server.inject({ kind: '5xx', status: 502 }, { match: /^\/repos\/acme\/api$/, times: 3 })
    const r = await client().get<{ name: string }>('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'api',
    })
    expect(r.data.name).toBe('api')
    expect(server.log.map((l) => l.status)).toEqual([502, 502, 502, 200])

    server.inject({ kind: '5xx', status: 503 }, { match: /^\/repos\/acme\/api$/, times: 10 })
    const err = await client()
      .get('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GithubError)
    expect((err as GithubError).kind).toBe('server')
    expect((err as GithubError).message).toMatch(
      /GitHub answered 503 to GET \/repos\/acme\/api after 5 attempts/,
    )
  })

  it('fails at once, naming the reset time, when the primary rate limit is spent for longer than it may wait', async () => {
    const { client } = await setup({ rateLimit: 2 })
    const c = client()
    await c.get('GET /orgs/{org}', { org: 'acme' })
    await c.get('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })
    const t0 = Date.now()
    const err = (await c
      .get('GET /orgs/{org}/hooks', { org: 'acme' })
      .catch((e: unknown) => e)) as GithubError
    expect(err.kind).toBe('rate_limit')
    expect(err.message).toMatch(/rate limit.*resets at \d{4}-\d\d-\d\dT/)
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(c.rateLimit.remaining).toBe(0)
  })
})

describe('bad answers', () => {
  it('retries malformed JSON, never caches it, and says so when it persists', async () => {
    const { server, client, cache } = await setup()
    server.inject({ kind: 'malformed-json' }, { match: /^\/repos\/acme\/api$/ })
    const ok = await client().get<{ name: string }>('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'api',
    })
    expect(ok.data.name).toBe('api')

    server.inject({ kind: 'malformed-json' }, { match: /^\/orgs\/acme$/, times: 10 })
    const err = (await client()
      .get('GET /orgs/{org}', { org: 'acme' })
      .catch((e: unknown) => e)) as GithubError
    expect(err.kind).toBe('malformed')
    expect(err.message).toMatch(/malformed JSON.*\/orgs\/acme/)
    expect(cache.size()).toBe(1) // only the good repository answer
  })

  it('reports an expired token as such, without retrying', async () => {
    const { server, client } = await setup()
    server.inject({ kind: 'expired-token' })
    const err = (await client()
      .get('GET /orgs/{org}', { org: 'acme' })
      .catch((e: unknown) => e)) as GithubError
    expect(err.kind).toBe('auth')
    expect(err.message).toMatch(/401 Bad credentials.*expired or been revoked/)
    expect(server.log).toHaveLength(1)
    expect(err.message).not.toContain(TOKEN)
  })

  it('names the scope a token lacks', async () => {
    const limited = 'ghp_limited000000000000000000000000000002'
    const { client } = await setup({ tokens: { [limited]: ['repo', 'read:org'] } })
    const err = (await client(limited)
      .get('GET /orgs/{org}/hooks', { org: 'acme' })
      .catch((e: unknown) => e)) as GithubError
    expect(err.kind).toBe('scope')
    expect(err.message).toBe('The token lacks the admin:org_hook scope needed for GET /orgs/acme/hooks')
  })
})

describe('redirects', () => {
  it('never sends the token to another host (localhost is not 127.0.0.1), but keeps it on the same host', async () => {
    const { server, client } = await setup()
    const other = await startGithubServer({
      repos: [{ fullName: 'acme/api' }],
      anonymous: true,
      hostName: 'localhost',
    })
    servers.push(other)
    expect(other.url).toMatch(/^http:\/\/localhost:\d+$/)
    server.inject({ kind: 'redirect', to: other.url }, { match: /^\/repos\/acme\/api$/ })
    const c = client()
    const r = await c.get<{ name: string }>('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' })
    expect(r.data.name).toBe('api')
    expect(server.log[0]).toMatchObject({ status: 302, authorization: `token ${TOKEN}` })
    expect(other.log).toHaveLength(1)
    expect(other.log[0]).toMatchObject({ path: repoPath, status: 200, authorization: undefined })
    expect(c.stats.authStripped).toBe(1)

    // A redirect within the API host (a renamed repository) keeps the token.
    server.inject({ kind: 'redirect', to: server.url, status: 301 }, { match: /^\/orgs\/acme$/ })
    await c.get('GET /orgs/{org}', { org: 'acme' })
    expect(server.log.slice(-2).map((l) => [l.status, l.authorization])).toEqual([
      [301, `token ${TOKEN}`],
      [200, `token ${TOKEN}`],
    ])
  })
})
