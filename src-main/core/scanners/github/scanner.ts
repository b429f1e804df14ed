// The GitHub scanner: an organisation's settings and every repository in scope checked against the
// github-baseline pack. Repositories whose pushed_at/updated_at did not move since their last check keep that
// check's results (a periodic full refresh re-checks them anyway), and every GET is conditional, so watching
// thousands of repositories costs a handful of requests and no rate-limit points when nothing changed.
import type { Target } from '../../../../src-preload/contract'
import type { GithubTarget } from './fields'
import { AppError } from '../../errors'
import { GITHUB_BASELINE_ID } from '../../rules/github-baseline'
import type { RuleResult, ScanContext, ScanOutcome, ScanPlan, ScanRequest, Scanner } from '../scanner'
import type { RepoState } from '../../model/github'
import type { Backoff, EtagCache } from './client'
import { GithubError } from './errors'
import { mapLimit } from '../../util/concurrency'
import {
  DEFAULT_VARIABLES,
  REPO_CHECKS,
  evaluateOrg,
  evaluateRepo,
  readOrgFacts,
  readRepoFacts,
  repoUnreadable,
  type GithubVariables,
} from './checks'

export type { RepoState } from '../../model/github'

type Json = Record<string, unknown>

/** Reads what the last committed scan kept; the new state travels back in the outcome and is kept by its commit. */
export interface RepoStateReader {
  load(targetId: string): Map<string, RepoState>
}

export interface GithubScannerDeps {
  vault: {
    withSecret<T>(id: string, target: Target, fn: (s: Record<string, Buffer>) => T | Promise<T>): Promise<T>
  }
  cache: EtagCache
  state: RepoStateReader
  now?: () => Date
  /** Overrides of the pack's variables (thresholds). */
  variables?: () => Partial<GithubVariables>
  backoff?: Partial<Backoff>
  /** Repositories checked at the same time (each makes up to ten requests). */
  concurrency?: number
  fetch?: typeof fetch
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i

export function githubScanner(deps: GithubScannerDeps): Scanner {
  const now = deps.now ?? (() => new Date())
  return {
    kinds: ['github'],

    plan(target: Target, req: ScanRequest): ScanPlan {
      const t = target as GithubTarget
      const profileId = req.profileId ?? GITHUB_BASELINE_ID
      if (profileId !== GITHUB_BASELINE_ID)
        throw new AppError(
          'validation',
          `GitHub targets are checked with the ${GITHUB_BASELINE_ID} pack, not ${profileId}`,
          [{ path: 'profileId', message: `Use ${GITHUB_BASELINE_ID}` }],
        )
      const url = new URL(t.apiBaseUrl)
      // The token travels in every request: plain http is accepted only to this computer (a test server).
      if (url.protocol !== 'https:' && !LOOPBACK.test(url.hostname))
        throw new AppError(
          'validation',
          `The API base URL ${t.apiBaseUrl} must use https: the token would travel in clear`,
          [{ path: 'apiBaseUrl', message: 'Use https://' }],
        )
      if (!t.org && t.repos.some(isPattern))
        throw new AppError(
          'validation',
          'Repository patterns (* and !) select from an organisation: give the organisation too',
          [{ path: 'org', message: 'Needed for patterns' }],
        )
      if (!t.credentialId)
        throw new AppError(
          'validation',
          `${t.name} has no GitHub token: choose one from the vault on the target`,
          [{ path: 'credentialId', message: 'Choose a GitHub token' }],
        )
      return { profileId, tailoringId: null }
    },

    async scan(target: Target, plan: ScanPlan, ctx: ScanContext): Promise<ScanOutcome> {
      const t = target as GithubTarget
      const own = Object.fromEntries(
        (Object.keys(DEFAULT_VARIABLES) as (keyof GithubVariables)[])
          .filter((k) => t[k] !== undefined)
          .map((k) => [k, t[k]]),
      )
      const v: GithubVariables = { ...DEFAULT_VARIABLES, ...deps.variables?.(), ...own }
      const startedAt = now()
      // Results carry over only when computed by the same pack with the same thresholds.
      const packKey = `${plan.profileId} ${JSON.stringify(v)}`
      const token = await deps.vault.withSecret(t.credentialId!, t, (s) => {
        if (!s.token) throw new AppError('validation', 'The chosen credential is not a GitHub token')
        return s.token.toString('utf8')
      })
      // octokit loads with the client, when a GitHub target is first scanned or tested.
      const { GithubClient } = await import('./client')
      const client = new GithubClient({
        baseUrl: t.apiBaseUrl,
        token,
        cache: deps.cache,
        signal: ctx.signal,
        backoff: deps.backoff,
        fetch: deps.fetch,
        log: (msg, fields) => ctx.log(msg, fields),
      })
      const host = new URL(t.apiBaseUrl).host
      ctx.progress({
        phase: 'connect',
        message: `Asking ${host} for ${t.org || `${t.repos.length} repositories`}`,
      })

      const results: RuleResult[] = []
      // Repositories are read and checked a few at a time; each request is conditional, so an unchanged
      // repository costs no rate-limit point.
      const lanes = Math.max(1, deps.concurrency ?? 4)
      const previous = deps.state.load(t.id)
      const nextState: RepoState[] = []
      const carried: { repo: string; checkedAt: string }[] = []
      const archived: string[] = []
      let fullRefresh = 0

      // Nothing of a scan that does not finish is kept: the repository state is written only by the scan's
      // commit, so a later scan never carries forward results that no scan stored.
      const fail = (err: unknown): never => {
        throw err instanceof GithubError ? new AppError('unavailable', err.message) : err
      }

      // 1. The organisation and its settings; the repositories in scope with their pushed_at / updated_at.
      let listed: Json[] = []
      const missing: string[] = []
      try {
        if (t.org) {
          let org: Json
          try {
            org = (await client.get<Json>('GET /orgs/{org}', { org: t.org })).data
          } catch (err) {
            if (err instanceof GithubError && err.kind === 'not_found')
              throw new GithubError(
                'not_found',
                `The organisation ${t.org} does not exist on ${host} or this token cannot see it`,
              )
            throw err
          }
          results.push(...evaluateOrg(await readOrgFacts(client, t.org, org), v))
          const all = await client.paginate<Json>('GET /orgs/{org}/repos', { org: t.org, type: 'all' })
          const sel = selection(t.repos)
          listed = all.filter((r) => sel.wants(String(r.full_name)))
          const found = new Set(all.map((r) => String(r.full_name).toLowerCase()))
          missing.push(...sel.exact.filter((n) => !found.has(n.toLowerCase())))
        } else {
          // Listed twice (in any case) is checked once: results are keyed by repository.
          const unique = [...new Map(t.repos.map((n) => [n.toLowerCase(), n])).values()]
          const found = await mapLimit(unique, lanes, async (name): Promise<Json | undefined> => {
            const [owner, repo] = name.split('/')
            try {
              return (await client.get<Json>('GET /repos/{owner}/{repo}', { owner, repo })).data
            } catch (err) {
              if (err instanceof GithubError && err.kind === 'not_found') missing.push(name)
              else if (err instanceof GithubError && !['auth', 'rate_limit', 'cancelled'].includes(err.kind))
                results.push(...repoUnreadable(name, err, v))
              else throw err
              return undefined
            }
          })
          listed = found.filter((r): r is Json => r !== undefined)
        }
      } catch (err) {
        fail(err)
      }
      for (const name of missing)
        results.push(
          ...repoUnreadable(
            name,
            new GithubError('not_found', `${name} does not exist on ${host} or this token cannot see it`),
            v,
          ),
        )

      // 2. Which repositories need a check: archived ones are reported apart, unchanged ones keep their results.
      const toCheck: Json[] = []
      const refreshBefore = startedAt.getTime() - v.fullRefreshHours * 3_600_000
      for (const r of listed) {
        const name = String(r.full_name)
        if (r.archived === true) {
          archived.push(name)
          results.push({
            ruleId: `repo-archived@${name}`,
            status: 'informational',
            severity: 'info',
            title: `Archived repository (read-only, not checked) — ${name}`,
            actual: 'archived',
            expected: '',
            message: `Archived; last push ${String(r.pushed_at ?? 'never')}`,
            idents: [],
          })
          continue
        }
        const prev = previous.get(name)
        const unchanged =
          prev &&
          prev.pack === packKey &&
          prev.pushedAt === String(r.pushed_at ?? '') &&
          prev.updatedAt === String(r.updated_at ?? '') &&
          prev.results.length === REPO_CHECKS.length &&
          !prev.results.some((x) => x.status === 'error')
        if (unchanged && Date.parse(prev.checkedAt) >= refreshBefore) {
          results.push(...prev.results)
          nextState.push(prev)
          carried.push({ repo: name, checkedAt: prev.checkedAt })
        } else {
          if (unchanged) fullRefresh++
          toCheck.push(r)
        }
      }

      // 3. Check the changed repositories, `lanes` at a time.
      let done = 0
      const total = toCheck.length
      const check = async (r: Json) => {
        if (ctx.signal.aborted) throw new GithubError('cancelled', 'The scan was cancelled')
        const name = String(r.full_name)
        const [owner, repo] = name.split('/')
        let repoResults: RuleResult[]
        try {
          // The list gives a minimal repository; the full one (conditional, so often free) has the settings.
          const full = t.org ? (await client.get<Json>('GET /repos/{owner}/{repo}', { owner, repo })).data : r
          const facts = await readRepoFacts(client, full, Boolean(t.org) || isOrgOwned(full), now())
          repoResults = evaluateRepo(facts, v)
        } catch (err) {
          if (err instanceof GithubError && !['auth', 'rate_limit', 'cancelled'].includes(err.kind))
            repoResults = repoUnreadable(name, err, v)
          else throw err
        }
        results.push(...repoResults)
        nextState.push({
          repo: name,
          pushedAt: String(r.pushed_at ?? ''),
          updatedAt: String(r.updated_at ?? ''),
          checkedAt: now().toISOString(),
          pack: packKey,
          results: repoResults,
        })
        done++
        const worst =
          repoResults.find((x) => x.status === 'error') ?? repoResults.find((x) => x.status === 'fail')
        ctx.progress({ phase: 'rule', ruleId: name, status: worst?.status ?? 'pass', done, total })
      }
      try {
        await mapLimit(toCheck, lanes, check)
      } catch (err) {
        fail(err)
      }
      // Answers nobody asked for in 30 days (repositories gone from every target) leave the cache.
      deps.cache.prune?.(new Date(startedAt.getTime() - 30 * 86_400_000).toISOString())

      const rl = client.rateLimit
      const info: Record<string, string> = {
        pack: plan.profileId,
        apiBaseUrl: t.apiBaseUrl,
        repositories: String(listed.length),
        checked: String(total),
        unchanged: String(carried.length),
        fullRefresh: String(fullRefresh),
        archived: String(archived.length),
        requests: String(client.stats.requests),
        notModified: String(client.stats.notModified),
        rateLimitPoints: String(client.stats.points),
        retries: String(client.stats.retries),
        rateLimitRemaining: rl.remaining === null ? '' : String(rl.remaining),
        rateLimitLimit: rl.limit === null ? '' : String(rl.limit),
        rateLimitReset: rl.reset,
      }
      if (client.tokenScopes) info.tokenScopes = client.tokenScopes.join(', ')
      const evidence = {
        kind: 'driftwatch.github-api-responses',
        version: 1,
        target: { id: t.id, name: t.name, org: t.org, repos: t.repos, apiBaseUrl: t.apiBaseUrl },
        pack: plan.profileId,
        variables: v,
        startedAt: startedAt.toISOString(),
        finishedAt: now().toISOString(),
        stats: client.stats,
        rateLimit: rl,
        archived,
        unchanged: carried,
        responses: client.exchanges,
      }
      return {
        results,
        evidence: [
          {
            mediaType: 'application/json',
            name: 'github-api-responses.json',
            bytes: Buffer.from(JSON.stringify(evidence)),
          },
        ],
        info,
        githubRepoState: nextState,
      }
    },
  }
}

const isOrgOwned = (repo: Json) => ((repo.owner ?? {}) as Json).type === 'Organization'

const isPattern = (entry: string) => entry.startsWith('!') || entry.includes('*')

/** A target's repository list against an organisation: none = all; names and patterns include; !patterns exclude. */
export function selection(entries: readonly string[]) {
  const re = (glob: string) =>
    new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`, 'i')
  const include = entries.filter((e) => !e.startsWith('!')).map(re)
  const exclude = entries.filter((e) => e.startsWith('!')).map((e) => re(e.slice(1)))
  return {
    /** Names given without a pattern: reported when the organisation does not have them. */
    exact: entries.filter((e) => !isPattern(e)),
    wants: (fullName: string) =>
      (include.length === 0 || include.some((r) => r.test(fullName))) &&
      !exclude.some((r) => r.test(fullName)),
  }
}
