// A local GitHub REST API on 127.0.0.1 for tests and benchmarks. Organisation, repository and branch-protection
// answers are the recorded real responses of @octokit/fixtures (renamed to the repositories a test describes);
// the other endpoints answer in the shapes of GitHub's OpenAPI description (test/unit/github/server-shapes
// checks them). It keeps ETags (If-None-Match → 304 at no rate-limit cost), sends x-ratelimit headers, checks
// classic-token scopes like GitHub (x-oauth-scopes / x-accepted-oauth-scopes), and can be told to misbehave:
// secondary rate limits with retry-after, 5xx bursts, malformed JSON, an expired token, a redirect elsewhere.
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

type Json = Record<string, unknown>
const require = createRequire(import.meta.url)
const FIXTURES = '@octokit/fixtures/scenarios/api.github.com'
interface Recorded {
  method: string
  path: string
  status: number
  response: unknown
}
const recorded = (scenario: string) =>
  require(`${FIXTURES}/${scenario}/normalized-fixture.json`) as Recorded[]

/** The recorded answers this server replays. */
export const FIXTURE = {
  organization: recorded('get-organization')[0]!.response as Json,
  repository: recorded('get-repository')[0]!.response as Json,
  /** GET protection of an unprotected branch: 404 "Branch not protected". */
  branchNotProtected: recorded('branch-protection')[0]!,
  /** The protection GitHub answered after a PUT that set reviews, checks and restrictions. */
  branchProtected: recorded('branch-protection')[1]!.response as Json,
}

export interface RepoSpec {
  /** owner/name */
  fullName: string
  private?: boolean
  archived?: boolean
  pushedAt?: string
  updatedAt?: string
  defaultBranch?: string
  /** 'none' = the recorded 404; 'recorded' = the recorded protection; or a protection object; 'plan' = 403. */
  protection?: 'none' | 'recorded' | 'plan' | Json
  rules?: Json[]
  /** security_and_analysis statuses (enabled/disabled); null hides the field as for a non-admin token. */
  security?: Partial<
    Record<
      | 'secret_scanning'
      | 'secret_scanning_push_protection'
      | 'dependabot_security_updates'
      | 'advanced_security',
      'enabled' | 'disabled'
    >
  > | null
  deleteBranchOnMerge?: boolean
  vulnerabilityAlerts?: boolean
  codeScanning?: 'configured' | 'not-configured' | 'plan'
  securityPolicyPath?: string | null
  /** null = no CODEOWNERS file; else its errors. */
  codeownersErrors?: Json[] | null
  collaborators?: { login: string; admin: boolean; outside?: boolean }[]
}

export interface OrgSpec {
  login: string
  settings?: Json
  hooks?: { url: string; secret: boolean; insecureSsl?: boolean }[]
  allowedActions?: 'all' | 'local_only' | 'selected'
  workflowPermissions?: 'read' | 'write'
  canApprovePullRequests?: boolean
}

export type Fault =
  | { kind: 'secondary-rate-limit'; retryAfter: number }
  | { kind: '5xx'; status?: number }
  | { kind: 'malformed-json' }
  | { kind: 'expired-token' }
  | { kind: 'redirect'; to: string; status?: number }

export interface LoggedRequest {
  method: string
  path: string
  authorization: string | undefined
  ifNoneMatch: string | undefined
  status: number
  at: number
}

export interface GithubServerOptions {
  orgs?: OrgSpec[]
  repos?: RepoSpec[]
  /** token → classic scopes; a request with another token gets 401 Bad credentials. */
  tokens?: Record<string, string[]>
  /** Primary rate limit per token and hour (GitHub: 5,000 for a personal token). */
  rateLimit?: number
  /** Serve requests without Authorization as GitHub does for public data (the host a redirect leads to). */
  anonymous?: boolean
  /** Host name to use in URLs this server writes (Link headers); default 127.0.0.1. */
  hostName?: string
}

export interface GithubServer {
  url: string
  port: number
  log: LoggedRequest[]
  /** Rate-limit points spent per token. */
  used: Map<string, number>
  /** The next `times` requests whose path matches `match` get `fault` instead of their answer. */
  inject(fault: Fault, opts?: { match?: RegExp; times?: number }): void
  /** Change a repository (a push moves pushed_at and changes what the checks see). */
  update(fullName: string, change: Partial<RepoSpec>): void
  close(): Promise<void>
}

export const ALL_SCOPES = ['repo', 'admin:org', 'admin:org_hook', 'read:user']
const IMPLIED: Record<string, string[]> = {
  repo: ['public_repo', 'security_events'],
  'admin:org': ['write:org', 'read:org'],
}

/** A repository with every setting the checks look for switched on. */
export function hardenedRepo(fullName: string, extra: Partial<RepoSpec> = {}): RepoSpec {
  return {
    fullName,
    protection: {
      ...FIXTURE.branchProtected,
      required_pull_request_reviews: {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: true,
        require_last_push_approval: true,
        required_approving_review_count: 2,
      },
      required_status_checks: {
        strict: true,
        contexts: ['ci/test'],
        checks: [{ context: 'ci/test', app_id: null }],
      },
      enforce_admins: { ...(FIXTURE.branchProtected.enforce_admins as Json), enabled: true },
      required_linear_history: { enabled: true },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
      required_conversation_resolution: { enabled: true },
      required_signatures: { ...(FIXTURE.branchProtected.required_signatures as Json), enabled: true },
    },
    security: {
      secret_scanning: 'enabled',
      secret_scanning_push_protection: 'enabled',
      dependabot_security_updates: 'enabled',
    },
    deleteBranchOnMerge: true,
    vulnerabilityAlerts: true,
    codeScanning: 'configured',
    securityPolicyPath: '.github/SECURITY.md',
    codeownersErrors: [],
    collaborators: [
      { login: 'alice', admin: true },
      { login: 'bob', admin: false },
    ],
    ...extra,
  }
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v))
const DOCS = 'https://docs.github.com/rest'

export async function startGithubServer(opts: GithubServerOptions = {}): Promise<GithubServer> {
  const orgs = new Map((opts.orgs ?? []).map((o) => [o.login.toLowerCase(), o]))
  const repos = new Map((opts.repos ?? []).map((r) => [r.fullName.toLowerCase(), { ...r }]))
  const tokens = opts.tokens ?? {}
  const limit = opts.rateLimit ?? 5000
  const used = new Map<string, number>()
  const log: LoggedRequest[] = []
  const faults: { fault: Fault; match: RegExp; times: number }[] = []
  const resetAt = Math.floor(Date.now() / 1000) + 3600
  let base = ''

  const repoJson = (r: RepoSpec): Json => {
    const [owner, name] = r.fullName.split('/') as [string, string]
    const text = JSON.stringify(FIXTURE.repository)
      .replaceAll('octokit-fixture-org/hello-world', r.fullName)
      .replaceAll('https://api.github.com', base)
    const j = JSON.parse(text) as Json
    const ownerJson = {
      ...(j.owner as Json),
      login: owner,
      type: orgs.has(owner.toLowerCase()) ? 'Organization' : 'User',
    }
    Object.assign(j, {
      name,
      full_name: r.fullName,
      owner: ownerJson,
      private: r.private ?? false,
      visibility: r.private ? 'private' : 'public',
      archived: r.archived ?? false,
      default_branch: r.defaultBranch ?? 'main',
      pushed_at: r.pushedAt ?? '2026-11-01T10:00:00Z',
      updated_at: r.updatedAt ?? '2026-11-01T10:00:00Z',
      delete_branch_on_merge: r.deleteBranchOnMerge ?? false,
      // Fields GitHub added after the fixture was recorded (required by today's OpenAPI description).
      has_discussions: false,
    })
    if (r.security !== null) {
      const s = r.security ?? {}
      j.security_and_analysis = Object.fromEntries(
        (
          [
            'secret_scanning',
            'secret_scanning_push_protection',
            'dependabot_security_updates',
            'advanced_security',
          ] as const
        )
          .filter((k) => k !== 'advanced_security' || s.advanced_security)
          .map((k) => [k, { status: s[k] ?? 'disabled' }]),
      )
    }
    return j
  }

  const user = (login: string, id: number) => ({
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${base}/users/${login}`,
    html_url: `https://github.com/${login}`,
    followers_url: `${base}/users/${login}/followers`,
    following_url: `${base}/users/${login}/following{/other_user}`,
    gists_url: `${base}/users/${login}/gists{/gist_id}`,
    starred_url: `${base}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/users/${login}/subscriptions`,
    organizations_url: `${base}/users/${login}/orgs`,
    repos_url: `${base}/users/${login}/repos`,
    events_url: `${base}/users/${login}/events{/privacy}`,
    received_events_url: `${base}/users/${login}/received_events`,
    type: 'User',
    site_admin: false,
  })

  type Answer = { status: number; body?: unknown; headers?: Record<string, string>; scopes?: string[] }
  const notFound: Answer = {
    status: 404,
    body: { message: 'Not Found', documentation_url: DOCS, status: '404' },
  }

  /** The answer to a GET, with the scopes GitHub accepts for it (checked before answering). */
  function route(path: string, q: URLSearchParams): Answer {
    let m: RegExpMatchArray | null
    if (path === '/user')
      return {
        status: 200,
        body: {
          ...user('driftwatch-auditor', 4242),
          name: 'Driftwatch auditor',
          company: null,
          blog: '',
          location: null,
          email: null,
          hireable: null,
          bio: null,
          public_repos: 0,
          public_gists: 0,
          followers: 0,
          following: 0,
          created_at: '2020-01-01T00:00:00Z',
          updated_at: '2026-01-01T00:00:00Z',
          user_view_type: 'public',
        },
      }
    if ((m = path.match(/^\/orgs\/([^/]+)$/))) {
      const o = orgs.get(m[1]!.toLowerCase())
      if (!o) return notFound
      const text = JSON.stringify(FIXTURE.organization).replaceAll('octokit-fixture-org', o.login)
      return { status: 200, body: { ...(JSON.parse(text) as Json), ...o.settings } }
    }
    if ((m = path.match(/^\/orgs\/([^/]+)\/repos$/))) {
      const o = orgs.get(m[1]!.toLowerCase())
      if (!o) return notFound
      const all = [...repos.values()].filter(
        (r) => r.fullName.split('/')[0]!.toLowerCase() === o.login.toLowerCase(),
      )
      const per = Math.min(100, Number(q.get('per_page') ?? 30))
      const page = Math.max(1, Number(q.get('page') ?? 1))
      const last = Math.max(1, Math.ceil(all.length / per))
      const slice = all.slice((page - 1) * per, page * per).map((r) => {
        const j = repoJson(r)
        delete j.security_and_analysis
        return j
      })
      const link = (p: number, rel: string) =>
        `<${base}/orgs/${o.login}/repos?type=${q.get('type') ?? 'all'}&per_page=${per}&page=${p}>; rel="${rel}"`
      const links = [
        page < last ? link(page + 1, 'next') : '',
        page < last ? link(last, 'last') : '',
        page > 1 ? link(1, 'first') : '',
      ]
      return {
        status: 200,
        body: slice,
        headers: links.some(Boolean) ? { link: links.filter(Boolean).join(', ') } : {},
      }
    }
    if ((m = path.match(/^\/orgs\/([^/]+)\/hooks$/))) {
      const o = orgs.get(m[1]!.toLowerCase())
      if (!o) return notFound
      return {
        scopes: ['admin:org_hook'],
        status: 200,
        body: (o.hooks ?? []).map((h, i) => ({
          id: 100 + i,
          url: `${base}/orgs/${o.login}/hooks/${100 + i}`,
          ping_url: `${base}/orgs/${o.login}/hooks/${100 + i}/pings`,
          deliveries_url: `${base}/orgs/${o.login}/hooks/${100 + i}/deliveries`,
          name: 'web',
          events: ['push', 'pull_request'],
          active: true,
          config: {
            url: h.url,
            content_type: 'json',
            insecure_ssl: h.insecureSsl ? '1' : '0',
            ...(h.secret ? { secret: '********' } : {}),
          },
          updated_at: '2026-10-01T00:00:00Z',
          created_at: '2026-10-01T00:00:00Z',
          type: 'Organization',
        })),
      }
    }
    if ((m = path.match(/^\/orgs\/([^/]+)\/actions\/permissions$/))) {
      const o = orgs.get(m[1]!.toLowerCase())
      if (!o) return notFound
      const allowed = o.allowedActions ?? 'all'
      return {
        scopes: ['admin:org'],
        status: 200,
        body: {
          enabled_repositories: 'all',
          allowed_actions: allowed,
          ...(allowed === 'selected'
            ? { selected_actions_url: `${base}/orgs/${o.login}/actions/permissions/selected-actions` }
            : {}),
        },
      }
    }
    if ((m = path.match(/^\/orgs\/([^/]+)\/actions\/permissions\/workflow$/))) {
      const o = orgs.get(m[1]!.toLowerCase())
      if (!o) return notFound
      return {
        scopes: ['admin:org'],
        status: 200,
        body: {
          default_workflow_permissions: o.workflowPermissions ?? 'write',
          can_approve_pull_request_reviews: o.canApprovePullRequests ?? true,
        },
      }
    }
    if (!(m = path.match(/^\/repos\/([^/]+\/[^/]+)(\/.*)?$/))) return notFound
    const r = repos.get(m[1]!.toLowerCase())
    if (!r) return notFound
    const rest = m[2] ?? ''
    if (rest === '') return { status: 200, body: repoJson(r) }
    const branch = r.defaultBranch ?? 'main'
    if (rest === `/branches/${branch}/protection`) {
      const p = r.protection ?? 'none'
      if (p === 'plan')
        return {
          scopes: ['repo'],
          status: 403,
          body: {
            message: 'Upgrade to GitHub Pro or make this repository public to enable this feature.',
            documentation_url: DOCS,
            status: '403',
          },
        }
      if (p === 'none') return { scopes: ['repo'], status: 404, body: FIXTURE.branchNotProtected.response }
      const body = p === 'recorded' ? FIXTURE.branchProtected : p
      const text = JSON.stringify(body).replaceAll('https://api.github.com', base)
      return { scopes: ['repo'], status: 200, body: JSON.parse(text) }
    }
    if (rest === `/rules/branches/${branch}`) return { status: 200, body: r.rules ?? [] }
    if (rest === '/vulnerability-alerts')
      return r.vulnerabilityAlerts ? { scopes: ['repo'], status: 204 } : { ...notFound, scopes: ['repo'] }
    if (rest === '/code-scanning/default-setup') {
      if ((r.codeScanning ?? 'not-configured') === 'plan')
        return {
          scopes: ['repo', 'security_events'],
          status: 403,
          body: {
            message: 'Code Security must be enabled for this repository to use code scanning.',
            documentation_url: DOCS,
            status: '403',
          },
        }
      return {
        scopes: ['repo', 'security_events'],
        status: 200,
        body:
          r.codeScanning === 'configured'
            ? {
                state: 'configured',
                languages: ['javascript-typescript'],
                query_suite: 'default',
                updated_at: '2026-10-01T00:00:00Z',
                schedule: 'weekly',
              }
            : { state: 'not-configured', languages: [], query_suite: 'default', updated_at: null },
      }
    }
    if ((m = rest.match(/^\/contents\/(.+)$/))) {
      const p = decodeURIComponent(m[1]!)
      if (!r.securityPolicyPath || p !== r.securityPolicyPath) return notFound
      const content = Buffer.from('# Security policy\n\nReport vulnerabilities to security@example.com.\n')
      const sha = createHash('sha1').update(content).digest('hex')
      const self = `${base}/repos/${r.fullName}/contents/${p}?ref=${branch}`
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          size: content.length,
          name: p.split('/').pop(),
          path: p,
          content: content.toString('base64'),
          sha,
          url: self,
          git_url: `${base}/repos/${r.fullName}/git/blobs/${sha}`,
          html_url: `https://github.com/${r.fullName}/blob/${branch}/${p}`,
          download_url: `https://raw.githubusercontent.com/${r.fullName}/${branch}/${p}`,
          _links: {
            self,
            git: `${base}/repos/${r.fullName}/git/blobs/${sha}`,
            html: `https://github.com/${r.fullName}/blob/${branch}/${p}`,
          },
        },
      }
    }
    if (rest === '/codeowners/errors') {
      if (r.codeownersErrors === null || r.codeownersErrors === undefined) return notFound
      return { status: 200, body: { errors: r.codeownersErrors } }
    }
    if (rest === '/collaborators') {
      const affiliation = q.get('affiliation') ?? 'all'
      const permission = q.get('permission')
      const list = (r.collaborators ?? [])
        .filter((c) => affiliation !== 'outside' || c.outside)
        .filter((c) => affiliation !== 'direct' || !c.outside)
        .filter((c) => permission !== 'admin' || c.admin)
        .map((c, i) => ({
          ...user(c.login, 5000 + i),
          permissions: { pull: true, triage: true, push: true, maintain: c.admin, admin: c.admin },
          role_name: c.admin ? 'admin' : 'write',
        }))
      return { scopes: ['repo'], status: 200, body: list }
    }
    return notFound
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base)
    const path = url.pathname
    const auth = req.headers.authorization
    const inm = req.headers['if-none-match']
    const token = auth?.replace(/^(token|bearer)\s+/i, '')
    const send = (status: number, body: Buffer | null, headers: Record<string, string> = {}) => {
      log.push({
        method: req.method ?? '',
        path: path + url.search,
        authorization: auth,
        ifNoneMatch: inm,
        status,
        at: Date.now(),
      })
      res.writeHead(status, { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) })
      res.end(body ?? undefined)
    }
    const key = token ?? 'anonymous'
    const rate = (cost: number) => {
      const spent = (used.get(key) ?? 0) + cost
      used.set(key, spent)
      const lim = token ? limit : 60
      return {
        'x-ratelimit-limit': String(lim),
        'x-ratelimit-remaining': String(Math.max(0, lim - spent)),
        'x-ratelimit-used': String(spent),
        'x-ratelimit-reset': String(resetAt),
        'x-ratelimit-resource': 'core',
      }
    }
    const scopes = token !== undefined ? tokens[token] : undefined
    const scopeHeader: Record<string, string> = scopes ? { 'x-oauth-scopes': scopes.join(', ') } : {}
    const jsonHeaders = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
    }

    const fi = faults.findIndex((f) => f.times > 0 && f.match.test(path))
    if (fi >= 0) {
      const f = faults[fi]!
      f.times--
      const fault = f.fault
      switch (fault.kind) {
        case 'secondary-rate-limit':
          return send(
            403,
            json({
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
              documentation_url: DOCS,
            }),
            { ...jsonHeaders, ...rate(1), 'retry-after': String(fault.retryAfter) },
          )
        case '5xx':
          return send(fault.status ?? 502, json({ message: 'Server Error' }), { ...jsonHeaders, ...rate(1) })
        case 'malformed-json':
          return send(200, Buffer.from('{"id": 1296269, "name": "hello-wo'), { ...jsonHeaders, ...rate(1) })
        case 'expired-token':
          return send(401, json({ message: 'Bad credentials', documentation_url: DOCS, status: '401' }), {
            ...jsonHeaders,
            ...rate(1),
          })
        case 'redirect':
          return send(fault.status ?? 302, null, { location: `${fault.to}${path}${url.search}`, ...rate(1) })
      }
    }

    if (req.method !== 'GET') return send(404, json({ message: 'Not Found' }), jsonHeaders)
    if (token === undefined ? !opts.anonymous : !scopes)
      return send(
        401,
        json({
          message: token ? 'Bad credentials' : 'Requires authentication',
          documentation_url: DOCS,
          status: '401',
        }),
        {
          ...jsonHeaders,
          ...rate(1),
        },
      )
    if (token && (used.get(key) ?? 0) >= limit)
      return send(403, json({ message: 'API rate limit exceeded for user ID 1.', documentation_url: DOCS }), {
        ...jsonHeaders,
        ...rate(0),
        ...scopeHeader,
      })

    if (path === '/rate_limit') {
      // Free, as on GitHub: it reports the limit without spending it.
      const h = rate(0)
      const core = {
        limit: Number(h['x-ratelimit-limit']),
        remaining: Number(h['x-ratelimit-remaining']),
        used: Number(h['x-ratelimit-used']),
        reset: resetAt,
      }
      const search = { limit: 30, remaining: 30, used: 0, reset: resetAt }
      return send(200, json({ resources: { core, search }, rate: core }), {
        ...jsonHeaders,
        ...h,
        ...scopeHeader,
      })
    }
    const answer = route(path, url.searchParams)
    if (answer.scopes && scopes) {
      const held = new Set(scopes.flatMap((s) => [s, ...(IMPLIED[s] ?? [])]))
      if (!answer.scopes.some((s) => held.has(s)))
        return send(404, json({ message: 'Not Found', documentation_url: DOCS, status: '404' }), {
          ...jsonHeaders,
          ...rate(1),
          ...scopeHeader,
          'x-accepted-oauth-scopes': answer.scopes.join(', '),
        })
    }
    const accepted: Record<string, string> = answer.scopes
      ? { 'x-accepted-oauth-scopes': answer.scopes.join(', ') }
      : {}
    const body = answer.body === undefined ? null : json(answer.body)
    const etag = body && answer.status === 200 ? `W/"${createHash('sha1').update(body).digest('hex')}"` : ''
    // A conditional request that matches costs nothing, as on GitHub.
    if (etag && inm === etag) return send(304, null, { etag, ...rate(0), ...scopeHeader, ...accepted })
    return send(answer.status, body, {
      ...(body ? jsonHeaders : {}),
      ...(etag ? { etag, 'cache-control': 'private, max-age=60, s-maxage=60' } : {}),
      ...rate(1),
      ...scopeHeader,
      ...accepted,
      ...answer.headers,
    })
  })
  server.keepAliveTimeout = 2000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  base = `http://${opts.hostName ?? '127.0.0.1'}:${port}`
  return {
    url: base,
    port,
    log,
    used,
    inject(fault, o = {}) {
      faults.push({ fault, match: o.match ?? /./, times: o.times ?? 1 })
    },
    update(fullName, change) {
      const r = repos.get(fullName.toLowerCase())
      if (!r) throw new Error(`no repository ${fullName}`)
      Object.assign(r, change)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
