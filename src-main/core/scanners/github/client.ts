// The GitHub REST client every GitHub check goes through: @octokit/rest with the throttling and retry plugins,
// every GET made conditional on the ETag kept in SQLite (a 304 costs no rate-limit point and reuses the stored
// body), capped exponential backoff with full jitter that honours retry-after / x-ratelimit-reset, redirects
// followed by hand so the token never reaches another host, and the rate-limit status kept for the scan info.
import { Octokit } from '@octokit/rest'
import { throttling } from '@octokit/plugin-throttling'
import { retry } from '@octokit/plugin-retry'
import { backoffDelay, retryAfterMs, type BackoffPolicy } from '../../util/backoff'

import type { CachedResponse, EtagCache } from '../../model/github'
import { GithubError } from './errors'

export type { CachedResponse, EtagCache } from '../../model/github'
export { GithubError, type GithubErrorKind } from './errors'

export interface Backoff extends BackoffPolicy {
  /** Retries after the first attempt, per request. */
  retries: number
  /** A rate-limit reset further away than this fails the request instead of stalling the scan. */
  maxWaitMs: number
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, capMs: 60_000, retries: 4, maxWaitMs: 15 * 60_000 }

export interface RateLimitStatus {
  limit: number | null
  remaining: number | null
  used: number | null
  /** ISO time the window resets; '' until a response said. */
  reset: string
  resource: string
}

export interface ClientStats {
  /** HTTP requests sent, retries and redirect hops included. */
  requests: number
  /** Answered 304 Not Modified: no rate-limit cost, body from the cache. */
  notModified: number
  /** Rate-limit points spent: every answered request but a 304. */
  points: number
  retries: number
  redirects: number
  /** Redirects to another host, followed without the token. */
  authStripped: number
}

/** One answered request, kept as evidence of what the checks saw. */
export interface Exchange {
  method: string
  url: string
  status: number
  etag: string
  notModified: boolean
  at: string
  data: unknown
}

/** Thrown inside fetch so octokit retries it like any failed answer, and named as such when retries run out. */
class MalformedResponse extends Error {}
class RedirectRefused extends Error {}

export interface GithubClientOptions {
  baseUrl: string
  token: string
  cache?: EtagCache
  signal?: AbortSignal
  backoff?: Partial<Backoff>
  random?: () => number
  /** The network's fetch (tests may count calls); default the global fetch. */
  fetch?: typeof fetch
  log?(msg: string, fields?: Record<string, unknown>): void
  /** Keep every answered body for the evidence artefact (default true). */
  keepExchanges?: boolean
  userAgent?: string
}

export interface GhResponse<T> {
  status: number
  data: T
  headers: Record<string, string | undefined>
}

const MAX_REDIRECTS = 5
// Scopes that include others (GitHub's classic OAuth scope hierarchy), so "repo" satisfies "public_repo".
const IMPLIED: Record<string, string[]> = {
  repo: ['repo:status', 'repo_deployment', 'public_repo', 'repo:invite', 'security_events'],
  'admin:org': ['write:org', 'read:org', 'manage_runners:org'],
  'write:org': ['read:org'],
  'admin:repo_hook': ['write:repo_hook', 'read:repo_hook'],
  'write:repo_hook': ['read:repo_hook'],
  'admin:org_hook': [],
  user: ['read:user', 'user:email', 'user:follow'],
}
const PLAN_MESSAGE =
  /upgrade to github|plan does not|not available (for|on) (this|your)|advanced security must be enabled|code security must be enabled|requires? github (pro|team|enterprise)/i

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new GithubError('cancelled', 'The scan was cancelled'))
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(new GithubError('cancelled', 'The scan was cancelled'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

const ThrottledOctokit = Octokit.plugin(throttling, retry)

export class GithubClient {
  readonly stats: ClientStats = {
    requests: 0,
    notModified: 0,
    points: 0,
    retries: 0,
    redirects: 0,
    authStripped: 0,
  }
  readonly rateLimit: RateLimitStatus = { limit: null, remaining: null, used: null, reset: '', resource: '' }
  readonly exchanges: Exchange[] = []
  /** The classic-token scopes GitHub reported (x-oauth-scopes); null for fine-grained tokens and apps. */
  tokenScopes: string[] | null = null
  readonly octokit: InstanceType<typeof ThrottledOctokit>
  private readonly backoff: Backoff
  private readonly random: () => number
  private readonly origin: string

  constructor(private readonly opts: GithubClientOptions) {
    const base = new URL(opts.baseUrl)
    this.origin = base.origin
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff }
    this.random = opts.random ?? Math.random
    const log = opts.log ?? (() => undefined)
    const rateHandler =
      (kind: string) =>
      async (
        retryAfter: number,
        options: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        const waitMs = retryAfter * 1000
        if (retryCount >= this.backoff.retries || waitMs > this.backoff.maxWaitMs) return false
        const delay = backoffDelay(retryCount, this.backoff, this.random, waitMs)
        log(`GitHub ${kind} rate limit; retrying`, {
          request: `${options.method} ${options.url}`,
          delayMs: delay,
        })
        this.stats.retries++
        await sleep(delay, opts.signal)
        return true
      }
    this.octokit = new ThrottledOctokit({
      auth: opts.token,
      baseUrl: opts.baseUrl.replace(/\/+$/, ''),
      userAgent: opts.userAgent ?? 'driftwatch',
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      request: { fetch: this.fetch, signal: opts.signal, redirect: 'manual' },
      // The handlers sleep the jittered delay themselves, so the plugin adds nothing on top (base value 0).
      throttle: {
        id: `driftwatch-${base.host}`,
        retryAfterBaseValue: 0,
        onRateLimit: rateHandler('primary'),
        onSecondaryRateLimit: rateHandler('secondary'),
      },
      // retryAfter below is in milliseconds (base value 1), computed by retryRequest as capped full jitter.
      retry: {
        retries: this.backoff.retries,
        retryAfterBaseValue: 1,
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      },
    })
    // plugin-retry documents retryRequest(error, retries, retryAfter) as its retry entry point; replacing the
    // quadratic delay with full jitter (floored by a retry-after the server sent) keeps its counting and limits.
    const retryApi = (
      this.octokit as unknown as {
        retry: { retryRequest: (e: RetryableError, r: number, a: number) => RetryableError }
      }
    ).retry
    retryApi.retryRequest = (error, retries) => {
      const attempt = Number(error.request?.request?.retryCount ?? 0)
      const after = retryAfterMs(error.response?.headers?.['retry-after'])
      const delay = backoffDelay(attempt, this.backoff, this.random, after)
      if (attempt < retries) {
        this.stats.retries++
        log('GitHub request failed; retrying', { status: error.status, delayMs: delay })
      }
      error.request.request = { ...error.request.request, retries, retryAfter: delay }
      return error
    }
  }

  /** GET a route (octokit syntax: 'GET /repos/{owner}/{repo}'), conditional on the stored ETag. */
  async get<T>(route: string, params: Record<string, unknown> = {}): Promise<GhResponse<T>> {
    try {
      const r = await this.octokit.request(route, params)
      return { status: r.status, data: r.data as T, headers: r.headers as Record<string, string | undefined> }
    } catch (err) {
      throw this.explain(err, route, params)
    }
  }

  /** Every page of a list route, following GitHub's Link headers (each page conditional like any GET). */
  async paginate<T>(route: string, params: Record<string, unknown> = {}): Promise<T[]> {
    try {
      return (await this.octokit.paginate(route, { per_page: 100, ...params })) as T[]
    } catch (err) {
      throw this.explain(err, route, params)
    }
  }

  /** Turns an octokit failure into one sentence that says what happened and what to do. */
  explain(err: unknown, route: string, params: Record<string, unknown>): GithubError {
    if (err instanceof GithubError) return err
    const what = route.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`))
    if (this.opts.signal?.aborted) return new GithubError('cancelled', 'The scan was cancelled')
    const e = err as {
      status?: number
      message?: string
      cause?: unknown
      response?: { headers?: Record<string, string | undefined>; data?: unknown }
    }
    const cause = e.cause
    if (cause instanceof GithubError) return cause
    if (cause instanceof MalformedResponse)
      return new GithubError(
        'malformed',
        `${cause.message} (${what}, after ${this.backoff.retries + 1} attempts)`,
        200,
      )
    if (cause instanceof RedirectRefused) return new GithubError('redirect', `${cause.message} (${what})`)
    const status = e.status ?? 0
    const headers = e.response?.headers ?? {}
    const data = e.response?.data as { message?: string } | undefined
    const message = (typeof data === 'object' && data?.message) || e.message || 'no message'
    if (status === 401)
      return new GithubError(
        'auth',
        `GitHub refused the token (401 ${message}): it has expired or been revoked. Rotate the GitHub token in the vault.`,
        401,
      )
    if (status === 403 || status === 404 || status === 422) {
      const missing = this.missingScopes(headers)
      if (missing.length)
        return new GithubError(
          'scope',
          `The token lacks the ${missing.join(' or ')} scope needed for ${what}`,
          status,
          missing,
        )
      const fineGrained = headers['x-accepted-github-permissions']
      if (status === 403 && fineGrained && /not accessible by/i.test(message))
        return new GithubError(
          'scope',
          `The token lacks the ${fineGrained} permission needed for ${what}`,
          status,
          fineGrained.split(/[;,]\s*/),
        )
    }
    if (status === 403 && PLAN_MESSAGE.test(message))
      return new GithubError('plan', `Not available on this plan: ${message}`, status)
    if (
      (status === 403 || status === 429) &&
      (/rate limit/i.test(message) || headers['x-ratelimit-remaining'] === '0')
    )
      return new GithubError(
        'rate_limit',
        `GitHub's rate limit stopped ${what}: ${message}${this.rateLimit.reset ? ` (resets at ${this.rateLimit.reset})` : ''}`,
        status,
      )
    if (status === 404) return new GithubError('not_found', `${what}: 404 ${message}`, 404)
    if (status === 403) return new GithubError('forbidden', `${what}: 403 ${message}`, 403)
    if (status >= 500 && e.response)
      return new GithubError(
        'server',
        `GitHub answered ${status} to ${what} after ${this.backoff.retries + 1} attempts: ${message}`,
        status,
      )
    if (status === 500 && !e.response)
      return new GithubError('network', `Could not reach ${this.origin} for ${what}: ${message}`)
    return new GithubError('forbidden', `${what}: ${status} ${message}`, status)
  }

  private missingScopes(headers: Record<string, string | undefined>): string[] {
    const accepted = (headers['x-accepted-oauth-scopes'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const have = headers['x-oauth-scopes']
    if (!accepted.length || have === undefined) return []
    const held = new Set<string>()
    for (const s of have
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      held.add(s)
      for (const i of IMPLIED[s] ?? []) held.add(i)
    }
    return accepted.some((s) => held.has(s)) ? [] : accepted
  }

  private noteRateLimit(h: Headers) {
    const num = (n: string) => {
      const v = h.get(n)
      return v === null || v === '' || !Number.isFinite(Number(v)) ? null : Number(v)
    }
    const limit = num('x-ratelimit-limit')
    if (limit === null) return
    this.rateLimit.limit = limit
    this.rateLimit.remaining = num('x-ratelimit-remaining')
    this.rateLimit.used = num('x-ratelimit-used')
    const reset = num('x-ratelimit-reset')
    this.rateLimit.reset = reset === null ? '' : new Date(reset * 1000).toISOString()
    this.rateLimit.resource = h.get('x-ratelimit-resource') ?? ''
    const scopes = h.get('x-oauth-scopes')
    if (scopes !== null)
      this.tokenScopes = scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
  }

  /**
   * The fetch octokit calls: adds If-None-Match, replays the stored body on a 304, stores new ETagged bodies,
   * refuses malformed JSON (so it is retried, never cached) and follows redirects itself, dropping the token
   * on any hop to another origin (host or port) and refusing a downgrade from https to http.
   */
  private readonly fetch = async (
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<Response> => {
    const net = this.opts.fetch ?? globalThis.fetch
    const method = (init.method ?? 'GET').toUpperCase()
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const headers = new Headers(init.headers)
    const key = method === 'GET' ? `GET ${url.href} ${headers.get('accept') ?? ''}` : ''
    const cached = key ? this.opts.cache?.get(key) : undefined
    if (cached) headers.set('if-none-match', cached.etag)
    // One controller per request, linked to the scan's signal and unlinked when the request ends: passing the
    // scan's signal itself to thousands of fetches piles listeners onto it.
    const scanSignal = init.signal ?? undefined
    const ac = new AbortController()
    const onAbort = () => ac.abort(scanSignal?.reason)
    if (scanSignal?.aborted) ac.abort(scanSignal.reason)
    scanSignal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await this.exchange(net, method, url, init, headers, key, cached, ac.signal)
    } finally {
      scanSignal?.removeEventListener('abort', onAbort)
    }
  }

  private async exchange(
    net: typeof fetch,
    method: string,
    startUrl: URL,
    init: RequestInit,
    headers: Headers,
    key: string,
    cached: CachedResponse | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    let url = startUrl
    let res: Response
    for (let hop = 0; ; hop++) {
      this.stats.requests++
      res = await net(url, { ...init, method, headers, redirect: 'manual', signal })
      this.noteRateLimit(res.headers)
      if (res.status !== 304) this.stats.points++
      const location = res.headers.get('location')
      if (res.status < 300 || res.status >= 400 || res.status === 304 || !location) break
      if (hop >= MAX_REDIRECTS)
        throw new RedirectRefused(`More than ${MAX_REDIRECTS} redirects from ${this.origin}`)
      const next = new URL(location, url)
      if (url.protocol === 'https:' && next.protocol !== 'https:')
        throw new RedirectRefused(`Refused a redirect from https to ${next.protocol}//${next.host}`)
      if (next.origin !== this.origin && headers.has('authorization')) {
        // The token belongs to the API host; another host (another port counts) never sees it.
        headers.delete('authorization')
        this.stats.authStripped++
        this.opts.log?.('Followed a redirect to another host without the token', { to: next.origin })
      }
      headers.delete('if-none-match')
      this.stats.redirects++
      await res.body?.cancel()
      url = next
    }
    const etagOut = res.headers.get('etag') ?? ''
    if (res.status === 304 && cached) {
      this.stats.notModified++
      const replay = new Headers(cached.headers)
      for (const [k, v] of res.headers) if (k.startsWith('x-ratelimit-') || k === 'date') replay.set(k, v)
      const body = cached.body
      this.record(method, url, 304, cached.etag, true, body, replay.get('content-type'))
      return new Response(new Uint8Array(body), { status: 200, headers: replay })
    }
    const type = res.headers.get('content-type') ?? ''
    if (res.status === 204 || res.status === 205 || res.status === 304 || method === 'HEAD') {
      this.record(method, url, res.status, etagOut, false, Buffer.alloc(0), '')
      return res
    }
    const body = Buffer.from(await res.arrayBuffer())
    if (/json/i.test(type) && body.length) {
      try {
        JSON.parse(body.toString('utf8'))
      } catch {
        throw new MalformedResponse(
          `GitHub answered ${res.status} with malformed JSON (${body.length} bytes that do not parse)`,
        )
      }
    }
    this.record(method, url, res.status, etagOut, false, body, type)
    if (key && res.status === 200 && etagOut && this.opts.cache) {
      const keep: Record<string, string> = {}
      for (const h of [
        'content-type',
        'link',
        'etag',
        'last-modified',
        'x-oauth-scopes',
        'x-accepted-oauth-scopes',
      ])
        if (res.headers.has(h)) keep[h] = res.headers.get(h)!
      this.opts.cache.put(key, { etag: etagOut, headers: keep, body })
    }
    return new Response(new Uint8Array(body), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    })
  }

  private record(
    method: string,
    url: URL,
    status: number,
    etag: string,
    notModified: boolean,
    body: Buffer,
    type: string | null,
  ) {
    if (this.opts.keepExchanges === false) return
    let data: unknown = ''
    if (body.length && /json/i.test(type ?? '')) {
      try {
        data = JSON.parse(body.toString('utf8'))
      } catch {
        data = body.toString('utf8').slice(0, 2000)
      }
    } else if (body.length) data = body.toString('utf8').slice(0, 2000)
    this.exchanges.push({
      method,
      url: url.pathname + url.search,
      status,
      etag,
      notModified,
      at: new Date().toISOString(),
      data,
    })
  }
}

type RetryableError = {
  status?: number
  request: { request?: Record<string, unknown> & { retryCount?: number } }
  response?: { headers?: Record<string, string | undefined> }
}
