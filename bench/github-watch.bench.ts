// Watching a GitHub organisation of 1,000 repositories: requests and rate-limit points of a first scan, of an
// unchanged second scan (conditional requests + incremental re-checks), after 10 pushes, and of the daily full
// refresh (every repository re-checked, conditional requests only), all
// against the local GitHub API server through the real core. The baseline is the first scan: the aim is that an
// unchanged second scan costs at most 10% of it.
import { it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../src-main/core/app'
import { hardenedRepo, startGithubServer, ALL_SCOPES, type RepoSpec } from '../test/services/github-server'
import { time } from './report'

const N = 1000
const TOKEN = 'ghp_bench0000000000000000000000000000006'

async function must<T>(p: Promise<{ ok: true; data: unknown } | { ok: false; error: { message: string } }>) {
  const env = await p
  if (!env.ok) throw new Error(env.error.message)
  return env.data as T
}

it(`github watch: ${N} repositories, first scan vs unchanged second scan`, async () => {
  const repos: RepoSpec[] = Array.from({ length: N }, (_, i) =>
    i % 2 ? hardenedRepo(`bench/repo-${i}`) : { fullName: `bench/repo-${i}` },
  )
  // A limit high enough for a first scan of 1,000 repositories (a GitHub App on Enterprise Cloud has 15,000/h).
  const server = await startGithubServer({
    orgs: [{ login: 'bench' }],
    repos,
    tokens: { [TOKEN]: ALL_SCOPES },
    rateLimit: 50_000,
  })
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-gh-'))
  // A clock the bench can move a day ahead, to price the periodic full refresh.
  let offset = 0
  const clock = { now: () => new Date(Date.now() + offset) }
  const core: Core = createCore({
    dataDir: dir,
    face: 'cli',
    clock,
    unsafeKdfForTests: { N: 1024, r: 8, p: 1 },
  })
  try {
    await must(core.invoke('vault.init', { passphrase: 'bench passphrase 1234' }))
    const cred = await must<{ id: string }>(
      core.invoke('credentials.create', {
        credential: { kind: 'github-token', name: 'bench', secret: { token: TOKEN } },
      }),
    )
    const target = await must<{ id: string }>(
      core.invoke('targets.create', {
        target: {
          kind: 'github',
          name: 'bench org',
          org: 'bench',
          apiBaseUrl: server.url,
          credentialId: cred.id,
        },
      }),
    )
    const run = async () => {
      let scanId = ''
      const ms = await time(async () => {
        scanId = (await must<{ scanId: string }>(core.invoke('scan.start', { targetId: target.id }))).scanId
        await core.idle()
      })
      const { scan, results } = await must<{
        scan: { state: string; error: string; info: Record<string, string> }
        results: unknown[]
      }>(core.invoke('scan.results', { scanId }))
      if (scan.state !== 'done') throw new Error(`scan ${scan.state}: ${scan.error}`)
      return { ms, info: scan.info, results: results.length }
    }
    const spent = () => server.used.get(TOKEN) ?? 0
    const logAt = () => server.log.length

    let l0 = logAt()
    let p0 = spent()
    const first = await run()
    const firstCost = { requests: logAt() - l0, points: spent() - p0 }

    l0 = logAt()
    p0 = spent()
    const second = await run()
    const secondCost = { requests: logAt() - l0, points: spent() - p0 }

    for (let i = 0; i < 10; i++)
      server.update(`bench/repo-${i * 97}`, {
        pushedAt: '2026-11-27T00:00:00Z',
        updatedAt: '2026-11-27T00:00:00Z',
      })
    l0 = logAt()
    p0 = spent()
    const third = await run()
    const thirdCost = { requests: logAt() - l0, points: spent() - p0 }

    offset = 25 * 3_600_000
    await must(core.invoke('vault.unlock', { passphrase: 'bench passphrase 1234' }))
    l0 = logAt()
    p0 = spent()
    const fourth = await run()
    const fourthCost = { requests: logAt() - l0, points: spent() - p0 }

    const line = (name: string, r: typeof first, c: typeof firstCost) =>
      `  ${name}: ${c.requests} requests, ${c.points} rate-limit points (server counts; client says ` +
      `${r.info.requests} requests, ${r.info.rateLimitPoints} points, ${r.info.notModified} × 304), ` +
      `${r.info.checked} repos checked, ${r.info.unchanged} unchanged, ${r.results} results, ${r.ms.toFixed(0)} ms`
    const pct = (a: number, b: number) => (b ? ((a / b) * 100).toFixed(2) : '0.00')
    console.log(
      [
        `bench github-watch (${N} repositories; baseline = the first scan)`,
        line('first scan', first, firstCost),
        line('second scan, nothing changed', second, secondCost),
        line('third scan, 10 repositories pushed', third, thirdCost),
        line('fourth scan, a day later (full refresh, nothing changed)', fourth, fourthCost),
        `  second / first: requests ${pct(secondCost.requests, firstCost.requests)}%, rate-limit points ` +
          `${pct(secondCost.points, firstCost.points)}%  (aim ≤ 10%)  | ratio ${(secondCost.requests / firstCost.requests).toFixed(4)}`,
        `  rate limit after the runs: ${fourth.info.rateLimitRemaining}/${fourth.info.rateLimitLimit}, resets ${fourth.info.rateLimitReset}`,
      ].join('\n'),
    )
  } finally {
    core.close()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
