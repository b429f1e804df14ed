// Scanning a GitHub organisation end to end through the core, against the local GitHub API server: the
// expected status of every check on known repositories, the meaning of GitHub's answers (404 → fail, plan → not
// applicable, missing scope → error naming it, archived → apart), evidence, rate-limit info, incremental
// re-checks with a periodic full refresh, and faults survived or reported clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gunzipSync } from 'node:zlib'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import type { EventPayload, ResultView } from '../../src-preload/contract'
import { ALL_CHECKS } from '../../src-main/core/scanners/github/checks'
import { githubBaseline } from '../../src-main/core/rules/github-baseline'
import { ALL_SCOPES, hardenedRepo, startGithubServer, type GithubServer } from '../services/github-server'
import { call, callError, fakeClock, type FakeClock } from '../helpers/core'
import { useTmpDirs } from '../helpers/tmp-dir'
import { withDataStore } from '../helpers/data-store'

const TOKEN = 'ghp_integration0000000000000000000000000004'
const LIMITED = 'ghp_limitedscope00000000000000000000000005'
const tmp = useTmpDirs('all')
let server: GithubServer
let core: Core
let clock: FakeClock
let dataDir: string
let targetId: string
let credentialId: string

beforeAll(async () => {
  server = await startGithubServer({
    orgs: [
      {
        login: 'acme',
        // The recorded organisation: 2FA not required, members may create public repositories.
        hooks: [
          { url: 'https://hooks.example.com/ci', secret: true },
          { url: 'http://hooks.example.com/legacy', secret: false },
        ],
        allowedActions: 'selected',
        workflowPermissions: 'read',
        canApprovePullRequests: false,
      },
    ],
    repos: [
      hardenedRepo('acme/hardened'),
      { fullName: 'acme/bare', collaborators: [{ login: 'eve', admin: true, outside: true }] },
      {
        fullName: 'acme/private-free',
        private: true,
        protection: 'plan',
        codeScanning: 'plan',
        security: { secret_scanning: 'disabled', secret_scanning_push_protection: 'disabled' },
      },
      { fullName: 'acme/old', archived: true, pushedAt: '2019-01-01T00:00:00Z' },
      hardenedRepo('acme/stale', { pushedAt: '2025-06-01T00:00:00Z', updatedAt: '2025-06-01T00:00:00Z' }),
      hardenedRepo('acme/ruleset-only', {
        protection: 'none',
        rules: [
          {
            type: 'pull_request',
            ruleset_source_type: 'Organization',
            ruleset_source: 'acme',
            ruleset_id: 42,
            parameters: {
              dismiss_stale_reviews_on_push: true,
              require_code_owner_review: false,
              require_last_push_approval: false,
              required_approving_review_count: 1,
              required_review_thread_resolution: true,
            },
          },
          {
            type: 'non_fast_forward',
            ruleset_source_type: 'Organization',
            ruleset_source: 'acme',
            ruleset_id: 42,
          },
          { type: 'deletion', ruleset_source_type: 'Organization', ruleset_source: 'acme', ruleset_id: 42 },
        ],
      }),
    ],
    tokens: { [TOKEN]: ALL_SCOPES, [LIMITED]: ['repo', 'read:org'] },
  })
  dataDir = join(tmp.make('dw-gh-scan-'), 'data')
  clock = fakeClock('2026-12-01T00:00:00.000Z')
  core = createCore({ face: 'cli', dataDir, clock, unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'github scanning passphrase' })
  credentialId = (
    await call(core, 'credentials.create', {
      credential: { kind: 'github-token', name: 'acme audit token', secret: { token: TOKEN } },
    })
  ).id
  targetId = (
    await call(core, 'targets.create', {
      target: { kind: 'github', name: 'acme org', org: 'acme', apiBaseUrl: server.url, credentialId },
    })
  ).id
}, 60_000)

afterAll(async () => {
  core?.close()
  await server?.close()
})

async function scan(id = targetId) {
  const progress: EventPayload<'scan.progress'>[] = []
  let finished: EventPayload<'scan.finished'> | undefined
  const off = core.subscribe((name, p) => {
    if (name === 'scan.progress') progress.push(p as EventPayload<'scan.progress'>)
    if (name === 'scan.finished') finished = p as EventPayload<'scan.finished'>
  })
  const { scanId } = await call(core, 'scan.start', { targetId: id })
  await core.idle()
  off()
  const { scan, results } = await call(core, 'scan.results', { scanId })
  const by = new Map(results.map((r) => [r.ruleId, r]))
  return { scan, results, by, progress, finished: finished! }
}

const statuses = (by: Map<string, ResultView>, repo: string) =>
  Object.fromEntries(
    ALL_CHECKS.filter((c) => c.scope === 'repo').map((c) => [c.id, by.get(`${c.id}@${repo}`)?.status]),
  )

describe('the github-baseline pack', () => {
  it('has at least 25 checks, each with CIS Software Supply Chain or OpenSSF Scorecard references and its NIST 800-53 controls', () => {
    expect(githubBaseline.id).toBe('github-baseline')
    expect(githubBaseline.rules.length).toBeGreaterThanOrEqual(25)
    for (const r of githubBaseline.rules) {
      expect(
        r.references.some((x) => /CIS Software Supply Chain|OpenSSF Scorecard/.test(x.system)),
        r.id,
      ).toBe(true)
      expect(
        r.references.some((x) => x.system === 'NIST-800-53'),
        r.id,
      ).toBe(true)
      expect(
        r.references.every((x) => /CIS Software Supply Chain|OpenSSF Scorecard|^NIST-800-53$/.test(x.system)),
        r.id,
      ).toBe(true)
    }
    expect(new Set(githubBaseline.rules.map((r) => r.id)).size).toBe(githubBaseline.rules.length)
  })
})

describe('scanning a GitHub organisation', () => {
  let first: Awaited<ReturnType<typeof scan>>

  it('gives the expected status for every check on known repositories', async () => {
    first = await scan()
    expect(first.finished).toMatchObject({ state: 'done', error: '' })
    const { by } = first

    // Organisation: the recorded organisation's settings, and the hooks and Actions settings given above.
    expect(by.get('org-2fa-required')).toMatchObject({ status: 'fail', actual: 'false' })
    // A manual check reads not checked, saying how a person verifies it (attested by hand).
    expect(by.get('org-manual-access-review')).toMatchObject({
      status: 'notchecked',
      message: expect.stringMatching(/^Manual check: ask for the record of the last access review/),
    })
    expect(by.get('org-default-permission')).toMatchObject({
      status: 'pass',
      actual: 'read',
      expected: 'default_repository_permission ≤ read',
    })
    expect(by.get('org-members-cannot-create-public-repos')?.status).toBe('fail')
    expect(by.get('org-webhooks-secure')).toMatchObject({ status: 'fail', actual: '2 hooks, 1 insecure' })
    expect(by.get('org-webhooks-secure')?.message).toContain('http://hooks.example.com/legacy')
    expect(by.get('org-actions-allowed-limited')?.status).toBe('pass')
    expect(by.get('org-workflow-token-read-only')?.status).toBe('pass')
    expect(by.get('org-workflows-cannot-approve-prs')?.status).toBe('pass')

    // Everything on: every repository check passes.
    const notPassing = [...by.values()].filter(
      (r) => r.ruleId.endsWith('@acme/hardened') && r.status !== 'pass',
    )
    expect(notPassing).toEqual([])
    expect(Object.keys(statuses(by, 'acme/hardened'))).toHaveLength(23)

    // Nothing on: the recorded 404 "Branch not protected" fails protection and every rule that needs it.
    const bare = statuses(by, 'acme/bare')
    expect(Object.entries(bare).filter(([, s]) => s !== 'fail')).toEqual([
      ['repo-admins-limited', 'pass'], // one admin (eve) ≤ 3
      ['repo-inactive-archived', 'pass'],
    ])
    expect(by.get('repo-branch-protection@acme/bare')?.message).toMatch(/404.*not protected/)
    expect(by.get('repo-no-outside-admins@acme/bare')).toMatchObject({
      actual: '1',
      message: 'Outside admins: eve',
    })
    // A repository's result carries its check's references (found by "CM-3" or a CIS id), and the report its
    // words: remediation and rationale, not blanks.
    const check = githubBaseline.rules.find((r) => r.id === 'repo-branch-protection')!
    expect(by.get('repo-branch-protection@acme/bare')?.references).toEqual(
      check.references.map((x) => ({ system: x.system, id: x.id })),
    )
    const model = await call(core, 'reports.preview', { scope: { targetIds: [targetId] } })
    const finding = model.results.find((r) => r.ruleId === 'repo-branch-protection@acme/bare')!
    expect(finding).toMatchObject({
      status: 'fail',
      remediation: check.remediation,
      rationale: check.rationale,
    })
    expect(finding.references.some((x) => x.system === 'NIST-800-53')).toBe(true)

    // A private repository on a plan without the features: not applicable, saying why.
    const priv = statuses(by, 'acme/private-free')
    expect(priv['repo-branch-protection']).toBe('notapplicable')
    expect(priv['repo-required-approvals']).toBe('notapplicable')
    expect(priv['repo-code-scanning']).toBe('notapplicable')
    expect(priv['repo-secret-scanning']).toBe('notapplicable')
    expect(by.get('repo-branch-protection@acme/private-free')?.message).toMatch(/Upgrade to GitHub Pro/)
    expect(by.get('repo-code-scanning@acme/private-free')?.message).toMatch(/Code Security must be enabled/)
    expect(priv['repo-dependabot-alerts']).toBe('fail')

    // Last push June 2025, scanned December 2026: inactive for more than 365 days and not archived.
    expect(by.get('repo-inactive-archived@acme/stale')).toMatchObject({
      status: 'fail',
      actual: 'last push 548 days ago',
    })

    // Rulesets count as protection; settings only classic protection has stay failed.
    const rs = statuses(by, 'acme/ruleset-only')
    expect(rs['repo-branch-protection']).toBe('pass')
    expect(by.get('repo-branch-protection@acme/ruleset-only')?.actual).toBe('ruleset 42')
    expect(rs['repo-required-approvals']).toBe('fail') // 1 < 2
    expect(rs['repo-dismiss-stale-reviews']).toBe('pass')
    expect(rs['repo-no-force-push']).toBe('pass')
    expect(rs['repo-no-deletion']).toBe('pass')
    expect(rs['repo-conversation-resolution']).toBe('pass')
    expect(rs['repo-linear-history']).toBe('fail')

    // Archived repositories are reported apart, not checked.
    expect(by.get('repo-archived@acme/old')).toMatchObject({ status: 'informational' })
    expect([...by.keys()].filter((k) => k.endsWith('@acme/old'))).toEqual(['repo-archived@acme/old'])

    // References travel with every result.
    expect(by.get('repo-branch-protection@acme/bare')?.idents).toEqual(
      expect.arrayContaining([{ system: 'OpenSSF Scorecard', id: 'Branch-Protection' }]),
    )
  })

  it('keeps the raw API responses as evidence and shows the rate-limit status', async () => {
    const { scan: s } = first
    expect(s.info).toMatchObject({
      repositories: '6',
      archived: '1',
      checked: '5',
      unchanged: '0',
      rateLimitLimit: '5000',
    })
    expect(Number(s.info.rateLimitRemaining)).toBe(5000 - server.used.get(TOKEN)!)
    expect(Number(s.info.rateLimitPoints)).toBe(server.used.get(TOKEN))
    expect(Date.parse(s.info.rateLimitReset!)).toBeGreaterThan(Date.now())
    const { row, infos, cacheRows } = withDataStore(dataDir, (db) => ({
      row: db.get(
        db.q.selectFrom('evidence').select(['media_type', 'gz']).where('sha256', '=', s.evidence!),
      )!,
      infos: db.all(db.q.selectFrom('scans').select('info')).map((r) => r.info),
      cacheRows: db.all(db.q.selectFrom('http_cache').select(['key', 'headers'])),
    }))
    expect(row.media_type).toBe('application/json')
    const ev = JSON.parse(gunzipSync(row.gz).toString('utf8')) as {
      responses: { url: string; status: number; data: unknown }[]
    }
    const prot = ev.responses.find((r) => r.url === '/repos/acme/bare/branches/main/protection')
    expect(prot).toMatchObject({ status: 404, data: { message: 'Branch not protected' } })
    expect(ev.responses.find((r) => r.url === '/orgs/acme')?.data).toMatchObject({ login: 'acme' })
    // Secrets never reach the store: not in evidence, results, or the HTTP cache.
    expect(infos.join(',')).not.toContain(TOKEN)
    expect(gunzipSync(row.gz).toString('utf8')).not.toContain(TOKEN)
    expect(cacheRows.length).toBeGreaterThan(20)
    expect(JSON.stringify(cacheRows)).not.toContain(TOKEN)
  })

  it('re-checks only changed repositories, with conditional requests at no rate-limit cost', async () => {
    const spent = server.used.get(TOKEN)!
    const second = await scan()
    expect(second.scan.info).toMatchObject({ checked: '0', unchanged: '5', rateLimitPoints: '0' })
    expect(Number(second.scan.info.requests)).toBeLessThanOrEqual(6) // org, 3 org settings, 1 page of repositories
    expect(server.used.get(TOKEN)).toBe(spent)
    expect(second.results.map((r) => [r.ruleId, r.status])).toEqual(
      first.results.map((r) => [r.ruleId, r.status]).sort((a, b) => a[0]!.localeCompare(b[0]!)),
    )

    // A push to one repository that also protects its branch: only that one is checked again, and it passes.
    server.update('acme/bare', {
      ...hardenedRepo('acme/bare'),
      pushedAt: '2026-11-30T00:00:00Z',
      updatedAt: '2026-11-30T00:00:00Z',
    })
    const third = await scan()
    expect(third.scan.info).toMatchObject({ checked: '1', unchanged: '4' })
    expect(statuses(third.by, 'acme/bare')['repo-branch-protection']).toBe('pass')
    expect(third.progress.filter((p) => p.phase === 'rule').map((p) => p.ruleId)).toEqual(['acme/bare'])

    // After the full-refresh period every repository is checked again, still mostly from 304s.
    clock.advance(25 * 3_600_000)
    await call(core, 'vault.unlock', { passphrase: 'github scanning passphrase' }) // it locked while idle
    const before = server.used.get(TOKEN)!
    const fourth = await scan()
    expect(fourth.scan.info).toMatchObject({ checked: '5', unchanged: '0', fullRefresh: '5' })
    expect(Number(fourth.scan.info.notModified)).toBeGreaterThan(30)
    expect(server.used.get(TOKEN)! - before).toBe(Number(fourth.scan.info.rateLimitPoints))
  })

  it('names the scope a token lacks, on the checks that need it', async () => {
    const limited = await call(core, 'credentials.create', {
      credential: { kind: 'github-token', name: 'limited token', secret: { token: LIMITED } },
    })
    const t = await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'acme limited',
        org: 'acme',
        apiBaseUrl: server.url,
        credentialId: limited.id,
      },
    })
    const { by, finished } = await scan(t.id)
    expect(finished.state).toBe('done')
    expect(by.get('org-webhooks-secure')).toMatchObject({
      status: 'error',
      message: 'The token lacks the admin:org_hook scope needed for GET /orgs/acme/hooks',
    })
    expect(by.get('org-workflow-token-read-only')?.message).toMatch(/lacks the admin:org scope/)
    expect(by.get('repo-branch-protection@acme/hardened')?.status).toBe('pass')
  })
})

describe('choosing repositories', () => {
  it('takes include and exclude patterns against the organisation, and reports named repositories it lacks', async () => {
    const t = await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'acme some',
        org: 'acme',
        repos: ['acme/*', '!acme/private-*', '!acme/ruleset-only', 'acme/ghost'],
        apiBaseUrl: server.url,
        credentialId,
      },
    })
    const { results, scan: s } = await scan(t.id)
    const repos = new Set(results.filter((r) => r.ruleId.includes('@')).map((r) => r.ruleId.split('@')[1]))
    expect([...repos].sort()).toEqual(['acme/bare', 'acme/ghost', 'acme/hardened', 'acme/old', 'acme/stale'])
    expect(s.info).toMatchObject({ repositories: '4', archived: '1' })
    expect(results.find((r) => r.ruleId === 'repo-branch-protection@acme/ghost')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(
        /acme\/ghost does not exist on 127\.0\.0\.1:\d+ or this token cannot see it/,
      ),
    })

    const noOrg = await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'patterns only',
        repos: ['acme/api-*'],
        apiBaseUrl: server.url,
        credentialId,
      },
    })
    expect(await callError(core, 'scan.start', { targetId: noOrg.id })).toMatchObject({
      code: 'validation',
      issues: [{ path: 'org', message: 'Needed for patterns' }],
    })
  })
})

describe('thresholds', () => {
  it('are set per target, and a change re-checks every repository with the new value', async () => {
    const input = {
      kind: 'github' as const,
      name: 'acme lenient',
      org: 'acme',
      apiBaseUrl: server.url,
      credentialId,
      minApprovingReviews: 1,
    }
    const t = await call(core, 'targets.create', { target: input })
    const first = await scan(t.id)
    expect(first.by.get('repo-required-approvals@acme/ruleset-only')).toMatchObject({
      status: 'pass',
      actual: '1',
      expected: 'required approving reviews ≥ 1',
    })
    await call(core, 'targets.update', { id: t.id, target: { ...input, minApprovingReviews: '' as never } })
    const second = await scan(t.id)
    expect(second.scan.info).toMatchObject({ checked: '5', unchanged: '0' })
    expect(second.by.get('repo-required-approvals@acme/ruleset-only')).toMatchObject({
      status: 'fail',
      expected: 'required approving reviews ≥ 2',
    })
    const bad = await callError(core, 'targets.create', {
      target: {
        ...input,
        name: 'acme strict',
        minApprovingReviews: 9,
        maxDefaultPermission: 'owner' as never,
      },
    })
    expect(bad.issues).toEqual([
      { path: 'target.minApprovingReviews', message: 'Required approvals must be between 0 and 6' },
      { path: 'target.maxDefaultPermission', message: 'Base permission must be none, read, write or admin' },
    ])
  })
})

describe('test connection', () => {
  it('reports the account, the scopes against those the checks need, the organisation and the rate limit', async () => {
    const spent = server.used.get(TOKEN)
    const ok = await call(core, 'targets.testConnection', { id: targetId })
    expect(ok).toMatchObject({ status: 'ok', message: 'Connected as driftwatch-auditor' })
    expect(ok.steps.map((s) => s.step)).toEqual(['connect', 'auth', 'scopes', 'organisation', 'rate limit'])
    expect(ok.steps.at(-1)!.detail).toMatch(/^\d+ of 5000 left, resets at 20\d\d-/)
    // Two rate-limit points a test (/user and the organisation); /rate_limit is free.
    expect(server.used.get(TOKEN)! - spent!).toBe(2)

    const { targets } = await call(core, 'targets.list', { query: 'acme limited' })
    const limited = await call(core, 'targets.testConnection', { id: targets[0]!.id })
    expect(limited.status).toBe('failed')
    expect(limited.steps.find((s) => s.step === 'scopes')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/missing admin:org_hook \(organisation webhooks\)/),
    })

    server.inject({ kind: 'expired-token' })
    const expired = await call(core, 'targets.testConnection', { id: targetId })
    expect(expired).toMatchObject({ status: 'failed', steps: [{ step: 'auth', ok: false }] })
    expect(expired.message).toMatch(/expired or been revoked/)
  })
})

describe('faults', () => {
  it('survives a secondary rate limit and a 5xx in the middle of a scan', async () => {
    const t = await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'two repos',
        repos: ['acme/hardened', 'acme/private-free', 'ACME/Hardened'], // the same repository twice: checked once
        apiBaseUrl: server.url,
        credentialId,
      },
    })
    server.inject({ kind: 'secondary-rate-limit', retryAfter: 1 }, { match: /\/codeowners\/errors$/ })
    server.inject({ kind: '5xx', status: 502 }, { match: /\/vulnerability-alerts$/ })
    const { finished, scan: s, by } = await scan(t.id)
    expect(finished).toMatchObject({ state: 'done', error: '' })
    expect(Number(s.info.retries)).toBe(2)
    expect(by.get('repo-codeowners-valid@acme/hardened')?.status).toBe('pass')
    expect(by.get('repo-dependabot-alerts@acme/hardened')?.status).toBe('pass')
    expect([...by.values()].filter((r) => r.status === 'error')).toEqual([])
  })

  it('cancels promptly while waiting out a long retry-after', async () => {
    const t = await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'cancel me',
        repos: ['acme/hardened'],
        apiBaseUrl: server.url,
        credentialId,
      },
    })
    server.inject({ kind: 'secondary-rate-limit', retryAfter: 120 }, { match: /\/repos\/acme\/hardened$/ })
    let finished: EventPayload<'scan.finished'> | undefined
    const off = core.subscribe((name, p) => {
      if (name === 'scan.finished') finished = p as EventPayload<'scan.finished'>
    })
    const { scanId } = await call(core, 'scan.start', { targetId: t.id })
    await expect.poll(() => server.log.some((l) => l.status === 403)).toBe(true)
    const t0 = Date.now()
    await call(core, 'scan.cancel', { scanId })
    await core.idle()
    off()
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(finished).toMatchObject({ scanId, state: 'cancelled', error: 'The scan was cancelled' })
  })

  it('fails the scan with a clear error when the token has expired, keeping no secret in it', async () => {
    server.inject({ kind: 'expired-token' }, { times: 1 })
    const { finished, scan: s } = await scan()
    expect(finished.state).toBe('failed')
    expect(s.error).toMatch(
      /GitHub refused the token \(401 Bad credentials\): it has expired or been revoked/,
    )
    expect(s.error).not.toContain(TOKEN)
  })

  it('refuses a plain-http API base URL that is not this computer, and a target without a token', async () => {
    const remote = await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'ghes',
        org: 'acme',
        apiBaseUrl: 'http://github.example.com/api/v3',
        credentialId,
      },
    })
    const e1 = await callError(core, 'scan.start', { targetId: remote.id })
    expect(e1).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/must use https: the token would travel in clear/),
    })
    const none = await call(core, 'targets.create', {
      target: { kind: 'github', name: 'no token', org: 'acme', apiBaseUrl: server.url },
    })
    const e2 = await callError(core, 'scan.start', { targetId: none.id })
    expect(e2).toMatchObject({
      code: 'validation',
      issues: [{ path: 'credentialId', message: 'Choose a GitHub token' }],
    })
  })
})
