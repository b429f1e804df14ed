// Reads the facts the GitHub checks evaluate, in parallel: an organisation's hooks and Actions settings, and a
// repository's protection, security features, policy, CODEOWNERS and admins. A fact GitHub refuses is kept as
// its error for the checks that need it; a revoked token or spent rate limit stops the scan.
import type { GithubClient } from '../client'
import { GithubError } from '../errors'
import type { Fact, Json, OrgFacts, RepoFacts } from './model'
import { mergeProtection } from './protection'

async function fact<T>(p: Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, data: await p }
  } catch (err) {
    if (err instanceof GithubError) {
      // A revoked token or a spent rate limit stops the scan; a check cannot usefully report it.
      if (err.kind === 'auth' || err.kind === 'rate_limit' || err.kind === 'cancelled') throw err
      return { ok: false, error: err }
    }
    throw err
  }
}

export async function readOrgFacts(client: GithubClient, login: string, org: Json): Promise<OrgFacts> {
  const [hooks, actions, workflow] = await Promise.all([
    fact(client.paginate<Json>('GET /orgs/{org}/hooks', { org: login })),
    fact(client.get<Json>('GET /orgs/{org}/actions/permissions', { org: login }).then((r) => r.data)),
    fact(
      client.get<Json>('GET /orgs/{org}/actions/permissions/workflow', { org: login }).then((r) => r.data),
    ),
  ])
  return { login, org, hooks, actions, workflow }
}

/** 404 means "absent" for these endpoints; other failures stay errors. */
async function absentOn404<T>(p: Promise<T>, absent: T): Promise<T> {
  try {
    return await p
  } catch (err) {
    if (err instanceof GithubError && err.kind === 'not_found') return absent
    throw err
  }
}

const SECURITY_POLICY_PATHS = ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md']

export async function readRepoFacts(
  client: GithubClient,
  repo: Json,
  inOrg: boolean,
  now: Date,
): Promise<RepoFacts> {
  const [owner, name] = String(repo.full_name).split('/') as [string, string]
  const branch = String(repo.default_branch ?? 'main')
  const base = { owner, repo: name }
  const protection = fact(
    (async () => {
      const classic = await absentOn404(
        client
          .get<Json>('GET /repos/{owner}/{repo}/branches/{branch}/protection', { ...base, branch })
          .then((r) => r.data),
        null,
      )
      // Rulesets are newer than branch protection; older GitHub Enterprise Server answers 404 for them.
      let rules: Json[] = []
      try {
        rules = await client.paginate<Json>('GET /repos/{owner}/{repo}/rules/branches/{branch}', {
          ...base,
          branch,
        })
      } catch (err) {
        if (!(err instanceof GithubError) || !['not_found', 'plan', 'forbidden'].includes(err.kind)) throw err
      }
      return mergeProtection(classic, rules)
    })(),
  )
  const vulnerabilityAlerts = fact(
    absentOn404(
      client.get('GET /repos/{owner}/{repo}/vulnerability-alerts', base).then((r) => r.status === 204),
      false,
    ),
  )
  const codeScanning = fact(
    client.get<Json>('GET /repos/{owner}/{repo}/code-scanning/default-setup', base).then((r) => r.data),
  )
  const securityPolicy = fact(
    (async () => {
      for (const path of SECURITY_POLICY_PATHS) {
        const found = await absentOn404(
          client.get('GET /repos/{owner}/{repo}/contents/{path}', { ...base, path }).then(() => true),
          false,
        )
        if (found) return path
      }
      return null
    })(),
  )
  const codeowners = fact(
    absentOn404(
      client
        .get<{ errors: Json[] }>('GET /repos/{owner}/{repo}/codeowners/errors', base)
        .then((r) => ({ present: true, errors: r.data.errors ?? [] })),
      { present: false, errors: [] },
    ),
  )
  const logins = (list: Json[]) => list.map((c) => String(c.login))
  const outsideAdmins = inOrg
    ? fact(
        client
          .paginate<Json>('GET /repos/{owner}/{repo}/collaborators', { ...base, affiliation: 'outside' })
          .then((l) =>
            logins(
              l.filter((c) => ((c.permissions ?? {}) as Json).admin === true || c.role_name === 'admin'),
            ),
          ),
      )
    : Promise.resolve<Fact<string[]>>({ ok: true, data: [] })
  const admins = fact(
    client
      .paginate<Json>('GET /repos/{owner}/{repo}/collaborators', { ...base, permission: 'admin' })
      .then(logins),
  )
  const [p, va, cs, spol, co, oa, ad] = await Promise.all([
    protection,
    vulnerabilityAlerts,
    codeScanning,
    securityPolicy,
    codeowners,
    outsideAdmins,
    admins,
  ])
  return {
    fullName: String(repo.full_name),
    inOrg,
    repo,
    now,
    protection: p,
    vulnerabilityAlerts: va,
    codeScanning: cs,
    securityPolicy: spol,
    codeowners: co,
    outsideAdmins: oa,
    admins: ad,
  }
}
