// The local GitHub server answers in GitHub's shapes: the answers it makes up (beyond the recorded fixtures)
// are validated with ajv against the response schemas of GitHub's OpenAPI description (@octokit/openapi,
// api.github.com.json only — the package holds ~385 MB of descriptions, one is enough).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import {
  ALL_SCOPES,
  FIXTURE,
  hardenedRepo,
  startGithubServer,
  type GithubServer,
} from '../../services/github-server'

const require = createRequire(import.meta.url)
const TOKEN = 'ghp_shapes000000000000000000000000000003'
type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >
}

let server: GithubServer
let doc: Doc
let ajv: Ajv

beforeAll(async () => {
  doc = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as Doc
  // OpenAPI 3.0 schemas: `nullable` is understood by ajv; vendor keywords (x-github, example) are not errors.
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  ajv.addSchema(doc as object, 'gh')
  server = await startGithubServer({
    orgs: [
      {
        login: 'acme',
        hooks: [
          { url: 'https://hooks.example.com/a', secret: true },
          { url: 'http://hooks.example.com/b', secret: false, insecureSsl: true },
        ],
        allowedActions: 'selected',
      },
    ],
    repos: [
      hardenedRepo('acme/hardened', {
        collaborators: [
          { login: 'alice', admin: true },
          { login: 'eve', admin: true, outside: true },
        ],
        codeownersErrors: [
          {
            line: 3,
            column: 1,
            kind: 'Unknown owner',
            source: '* @ghost\n',
            suggestion: null,
            message:
              'Unknown owner on line 3: make sure @ghost exists and has write access to the repository',
            path: '.github/CODEOWNERS',
          },
        ],
        rules: [
          {
            type: 'pull_request',
            ruleset_source_type: 'Organization',
            ruleset_source: 'acme',
            ruleset_id: 42,
            parameters: {
              dismiss_stale_reviews_on_push: true,
              require_code_owner_review: true,
              require_last_push_approval: true,
              required_approving_review_count: 2,
              required_review_thread_resolution: true,
            },
          },
          {
            type: 'non_fast_forward',
            ruleset_source_type: 'Repository',
            ruleset_source: 'acme/hardened',
            ruleset_id: 7,
          },
        ],
      }),
      { fullName: 'acme/bare', codeScanning: 'not-configured' },
    ],
    tokens: { [TOKEN]: ALL_SCOPES },
  })
}, 60_000)
afterAll(() => server?.close())

async function get(path: string) {
  const res = await fetch(server.url + path, { headers: { authorization: `token ${TOKEN}` } })
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as unknown) }
}

function validate(route: string, status: string, body: unknown) {
  const pointer = `gh#/paths/${route.replaceAll('~', '~0').replaceAll('/', '~1')}/get/responses/${status}/content/application~1json/schema`
  const check = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer })
  const ok = check(body)
  return ok ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

const cases: [string, string, string][] = [
  ['/user', '/user', '200'],
  ['/rate_limit', '/rate_limit', '200'],
  ['/orgs/{org}/repos', '/orgs/acme/repos?per_page=100', '200'],
  ['/orgs/{org}/hooks', '/orgs/acme/hooks', '200'],
  ['/orgs/{org}/actions/permissions', '/orgs/acme/actions/permissions', '200'],
  ['/orgs/{org}/actions/permissions/workflow', '/orgs/acme/actions/permissions/workflow', '200'],
  ['/repos/{owner}/{repo}', '/repos/acme/hardened', '200'],
  [
    '/repos/{owner}/{repo}/branches/{branch}/protection',
    '/repos/acme/hardened/branches/main/protection',
    '200',
  ],
  ['/repos/{owner}/{repo}/rules/branches/{branch}', '/repos/acme/hardened/rules/branches/main', '200'],
  [
    '/repos/{owner}/{repo}/code-scanning/default-setup',
    '/repos/acme/hardened/code-scanning/default-setup',
    '200',
  ],
  [
    '/repos/{owner}/{repo}/code-scanning/default-setup',
    '/repos/acme/bare/code-scanning/default-setup',
    '200',
  ],
  ['/repos/{owner}/{repo}/contents/{path}', '/repos/acme/hardened/contents/.github%2FSECURITY.md', '200'],
  ['/repos/{owner}/{repo}/codeowners/errors', '/repos/acme/hardened/codeowners/errors', '200'],
  ['/repos/{owner}/{repo}/collaborators', '/repos/acme/hardened/collaborators?permission=admin', '200'],
]

describe('the local GitHub server', () => {
  it.each(cases)(
    'answers %s in the shape of GitHub’s OpenAPI description (%s)',
    async (route, path, status) => {
      const r = await get(path)
      expect(r.status).toBe(Number(status))
      expect(validate(route, status, r.body)).toEqual([])
    },
  )

  it('the validator does reject a wrong shape (so the cases above can fail)', () => {
    expect(
      validate('/orgs/{org}/actions/permissions/workflow', '200', {
        default_workflow_permissions: 'sometimes',
      }),
    ).not.toEqual([])
    expect(
      validate('/repos/{owner}/{repo}/codeowners/errors', '200', { errors: [{ line: 'three' }] }),
    ).not.toEqual([])
  })

  it('replays the recorded fixtures: organisation, repository, and 404 "Branch not protected"', async () => {
    const org = (await get('/orgs/acme')).body as Record<string, unknown>
    expect(org).toMatchObject({
      login: 'acme',
      default_repository_permission: FIXTURE.organization.default_repository_permission,
    })
    const repo = (await get('/repos/acme/bare')).body as Record<string, unknown>
    expect(repo).toMatchObject({ full_name: 'acme/bare', id: FIXTURE.repository.id })
    const prot = await get('/repos/acme/bare/branches/main/protection')
    expect(prot).toEqual({ status: 404, body: FIXTURE.branchNotProtected.response })
    expect((await get('/repos/acme/hardened/vulnerability-alerts')).status).toBe(204)
    expect((await get('/repos/acme/bare/vulnerability-alerts')).status).toBe(404)
  })
})
