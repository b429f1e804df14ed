// "Test connection" for a GitHub target: can we reach the API, does GitHub accept the token (and whose it is),
// which scopes it carries against those the checks need, can it see the organisation, and the rate limit left.
// /rate_limit costs no rate-limit point; the rest are single conditional GETs.
import type { GithubTarget } from './fields'
import type { ConnectionReport, ConnectionStep } from '../scanner'
import type { EtagCache } from './client'
import { GithubError } from './errors'

type Json = Record<string, unknown>

/** Classic-token scopes the checks read with: organisation settings, its hooks, and repository administration. */
const WANTED: [string, string[], string][] = [
  ['repo', ['repo'], 'repository settings, branch protection and collaborators'],
  [
    'admin:org (or read:org)',
    ['admin:org', 'read:org', 'write:org'],
    'organisation settings and Actions permissions',
  ],
  ['admin:org_hook', ['admin:org_hook'], 'organisation webhooks'],
]

export async function testGithubConnection(
  target: GithubTarget,
  token: string,
  deps: { cache?: EtagCache; signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<ConnectionReport> {
  // octokit loads with the client, when a GitHub target is first scanned or tested.
  const { GithubClient } = await import('./client')
  const client = new GithubClient({
    baseUrl: target.apiBaseUrl,
    token,
    cache: deps.cache,
    signal: deps.signal,
    fetch: deps.fetch,
    backoff: { retries: 1, baseMs: 500, capMs: 2000, maxWaitMs: 0 },
    keepExchanges: false,
  })
  const steps: ConnectionStep[] = []
  const failed = (step: string, err: unknown): ConnectionReport => {
    const message = err instanceof GithubError ? err.message : String(err)
    steps.push({ step, ok: false, detail: message })
    return { ok: false, message, steps }
  }
  let login: string
  try {
    const me = await client.get<Json>('GET /user')
    login = String(me.data.login ?? '')
    steps.push({ step: 'connect', ok: true, detail: new URL(target.apiBaseUrl).host })
    steps.push({ step: 'auth', ok: true, detail: `token of ${login}` })
  } catch (err) {
    return failed(err instanceof GithubError && err.kind === 'auth' ? 'auth' : 'connect', err)
  }
  if (client.tokenScopes) {
    const held = new Set(client.tokenScopes)
    const missing = WANTED.filter(([, any]) => !any.some((s) => held.has(s)))
    steps.push({
      step: 'scopes',
      ok: missing.length === 0,
      detail: missing.length
        ? `${client.tokenScopes.join(', ') || 'no scopes'}; missing ${missing.map(([name, , why]) => `${name} (${why})`).join('; ')}: the checks needing them will report the missing scope`
        : client.tokenScopes.join(', '),
    })
  } else
    steps.push({
      step: 'scopes',
      ok: true,
      detail: 'fine-grained token or app: permissions are checked per request',
    })
  if (target.org) {
    try {
      const org = await client.get<Json>('GET /orgs/{org}', { org: target.org })
      const owner = typeof org.data.two_factor_requirement_enabled === 'boolean'
      steps.push({
        step: 'organisation',
        ok: owner,
        detail: owner
          ? `${target.org}: settings visible`
          : `${target.org} is visible, but not its settings: use a token of an owner with admin:org (or read:org)`,
      })
    } catch (err) {
      return failed('organisation', err)
    }
  }
  try {
    const rl = await client.get<{ resources: { core: { limit: number; remaining: number; reset: number } } }>(
      'GET /rate_limit',
    )
    const core = rl.data.resources.core
    steps.push({
      step: 'rate limit',
      ok: core.remaining > 0,
      detail: `${core.remaining} of ${core.limit} left, resets at ${new Date(core.reset * 1000).toISOString()}`,
    })
  } catch (err) {
    // GitHub Enterprise Server with rate limiting off answers 404: nothing to report then.
    if (!(err instanceof GithubError && err.kind === 'not_found')) return failed('rate limit', err)
    steps.push({ step: 'rate limit', ok: true, detail: 'rate limiting is off on this server' })
  }
  const ok = steps.every((s) => s.ok)
  return {
    ok,
    message: ok
      ? `Connected as ${login}`
      : `Connected as ${login}, with warnings: ${steps
          .filter((s) => !s.ok)
          .map((s) => s.step)
          .join(', ')}`,
    steps,
  }
}

/** The "Test connection" answer for a GitHub target: the token from the vault, or why it cannot be had. */
export async function githubTestReport(
  target: GithubTarget,
  vault: {
    state(): string
    list(): { id: string; name: string }[]
    withSecret<T>(
      id: string,
      target: GithubTarget,
      fn: (s: Record<string, Buffer>) => T | Promise<T>,
    ): Promise<T>
  },
  cache?: EtagCache,
): Promise<{ status: 'ok' | 'failed' | 'vault_locked'; message: string; steps: ConnectionStep[] }> {
  const cred = target.credentialId ? vault.list().find((c) => c.id === target.credentialId) : undefined
  if (!cred)
    return {
      status: 'failed',
      message: target.credentialId
        ? 'The token this target uses was deleted; pick another'
        : 'Choose a GitHub token from the vault for this target',
      steps: [],
    }
  if (vault.state() !== 'unlocked')
    return {
      status: 'vault_locked',
      message: `The vault is locked: unlock it to use ${cred.name}`,
      steps: [],
    }
  const token = await vault.withSecret(cred.id, target, (s) => s.token?.toString('utf8') ?? '')
  const r = await testGithubConnection(target, token, { cache })
  return { status: r.ok ? 'ok' : 'failed', message: r.message, steps: r.steps }
}
