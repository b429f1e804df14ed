// The Controls view over an estate of every kind Driftwatch scans, in one data folder: this computer and a host
// over SSH (oscap with the widened Debian 11 SSG datastream), MariaDB with its packaged defaults (mysql-cis) and
// a GitHub organisation on the local GitHub API server (github-baseline). Each target's status for every NIST
// 800-53 control its results reference is worked out here from its scan's results, and the view must agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import type { Res, ResultView } from '../../src-preload/contract'
import { startMariadb, startSshd, stopAll, widenedDebian11Datastream } from '../services/lib'
import { ALL_SCOPES, hardenedRepo, startGithubServer, type GithubServer } from '../services/github-server'
import { githubBaseline } from '../../src-main/core/rules/github-baseline'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call } from '../helpers/core'
import { importContentFile } from '../helpers/files'
import { rootKeyTarget } from '../helpers/ssh-target'

const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const TOKEN = 'ghp_estatecontrols000000000000000000000007'
const tmp = useTmpDirs('all')
let core: Core
let github: GithubServer
const ids = { laptop: '', host: '', maria: '', org: '' }
const results: Record<string, ResultView[]> = {}

type Status = 'satisfied' | 'not-satisfied' | 'not-assessed'
/** "CM-6(a)" → cm-6, "IA-2(1)" → ia-2.1: the control an SSG or pack NIST reference names. */
const nistIds = (refs: readonly { system: string; id: string }[]) =>
  refs
    .filter((r) => /800-53/.test(r.system))
    .flatMap((r) => r.id.split(/[,;]/))
    .flatMap((s) => {
      const m = /^([A-Z]{2})-0*(\d+)(?:\((\d+)\))?/i.exec(s.trim())
      return m ? [`${m[1]!.toLowerCase()}-${m[2]}${m[3] ? `.${Number(m[3])}` : ''}`] : []
    })
/** A GitHub result's rule id names its repository ("repo-branch-protection@acme/bare"): its check's references. */
const PACK_REFS = new Map(githubBaseline.rules.map((r) => [r.id, r.references]))
const referencesOf = (r: ResultView) =>
  r.references.length > 0 ? r.references : (PACK_REFS.get(r.ruleId.split('@')[0]!) ?? [])
/** Per control: any failing result fails it; else a passing one satisfies it; nothing else assesses it. */
function expectedStatuses(rs: readonly ResultView[]): Map<string, Status> {
  const out = new Map<string, Status>()
  for (const r of rs)
    for (const c of nistIds(referencesOf(r))) {
      const now = out.get(c) ?? 'not-assessed'
      if (r.status === 'fail') out.set(c, 'not-satisfied')
      else if (r.status === 'pass' && now === 'not-assessed') out.set(c, 'satisfied')
      else out.set(c, now)
    }
  return out
}
const assessed = (m: Iterable<[string, string]>) =>
  Object.fromEntries([...m].filter(([, s]) => s !== 'not-assessed').sort(([a], [b]) => a.localeCompare(b)))
const view = (targetIds?: string[]) => call(core, 'controls.status', { framework: 'nist-800-53', targetIds })
const statusIn = (v: Res<'controls.status'>, id: string) => v.controls.find((c) => c.id === id)?.status
const resultOf = (target: string, ruleId: string) => results[target]!.find((r) => r.ruleId === ruleId)

beforeAll(async () => {
  const dir = tmp.make('dw-controls-estate-')
  const [sshd, maria, gh, ds] = await Promise.all([
    startSshd({ name: 'estate' }),
    startMariadb({ name: 'estate-default' }),
    // The recorded organisation (2FA not required) with one protected repository and one bare one.
    startGithubServer({
      orgs: [{ login: 'acme' }],
      repos: [hardenedRepo('acme/hardened'), { fullName: 'acme/bare' }],
      tokens: { [TOKEN]: ALL_SCOPES },
    }),
    widenedDebian11Datastream(dir),
  ])
  github = gh
  core = createCore({ face: 'cli', dataDir: join(dir, 'data'), unsafeKdfForTests: { N: 1024, r: 8, p: 1 } })
  await call(core, 'vault.init', { passphrase: 'controls estate passphrase' })
  const sha256 = (await importContentFile(core, ds)).sha256
  const secret = (kind: 'db-password' | 'github-token', name: string, s: Record<string, string>) =>
    call(core, 'credentials.create', { credential: { kind, name, secret: s } as never }).then((c) => c.id)
  ids.laptop = (await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })).id
  ids.host = await rootKeyTarget(core, sshd, 'web-host')
  ids.maria = (
    await call(core, 'targets.create', {
      target: {
        kind: 'mysql',
        name: 'shop-db',
        host: maria.host,
        port: maria.port,
        database: '',
        user: maria.user,
        credentialId: await secret('db-password', 'shop-db password', { password: maria.password }),
        tls: maria.caCertPath ? 'verify-full' : 'disable',
        caFile: maria.caCertPath ?? '',
      },
    })
  ).id
  ids.org = (
    await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'acme org',
        org: 'acme',
        apiBaseUrl: github.url,
        credentialId: await secret('github-token', 'acme token', { token: TOKEN }),
      },
    })
  ).id
  const scans = await Promise.all([
    call(core, 'scan.start', { targetId: ids.laptop, sha256, profileId: PROFILE }),
    call(core, 'scan.start', {
      targetId: ids.host,
      sha256,
      profileId: PROFILE,
      trustHostKey: sshd.hostKeyFingerprintSha256,
    }),
    call(core, 'scan.start', { targetId: ids.maria }),
    call(core, 'scan.start', { targetId: ids.org }),
  ])
  await core.idle()
  for (const [key, { scanId }] of Object.keys(ids).map((k, i) => [k, scans[i]!] as const)) {
    const r = await call(core, 'scan.results', { scanId })
    expect(r.scan.state, `${key}: ${r.scan.error}`).toBe('done')
    results[key] = r.results
  }
}, 240_000)

afterAll(async () => {
  core?.close()
  await github?.close()
  await stopAll()
})

describe('the Controls view over this computer, an SSH host, MariaDB and a GitHub organisation', () => {
  it('gives each target, for every NIST control its rules reference, the status its results give', async () => {
    for (const key of Object.keys(ids) as (keyof typeof ids)[]) {
      const expected = expectedStatuses(results[key]!)
      expect(Object.keys(assessed(expected)).length, key).toBeGreaterThan(2)
      const v = await view([ids[key]])
      expect(v.targets.map((t) => t.id)).toEqual([ids[key]])
      expect(assessed(v.controls.map((c) => [c.id, c.status])), key).toEqual(assessed(expected))
    }
  })

  it('reads the kinds’ own findings as controls: SSG CM-6, MariaDB SC-8, GitHub IA-2(1) and CM-3/CM-5', async () => {
    // This computer and the SSH host: SSG's rules reference CM-6 (configuration settings) among many.
    for (const key of ['laptop', 'host'] as const) {
      const cm6 = results[key]!.filter((r) => nistIds(r.references).includes('cm-6'))
      expect(cm6.length, key).toBeGreaterThan(5)
      const want = cm6.some((r) => r.status === 'fail') ? 'not-satisfied' : 'satisfied'
      expect(statusIn(await view([ids[key]]), 'cm-6')).toBe(want)
    }
    // MariaDB with its packaged defaults does not require TLS: SC-8 is not satisfied there.
    expect(resultOf('maria', 'my-require-secure-transport')?.status).toBe('fail')
    expect(statusIn(await view([ids.maria]), 'sc-8')).toBe('not-satisfied')
    // GitHub: the organisation does not require 2FA → IA-2(1); the bare repository is unprotected → CM-3.
    expect(resultOf('org', 'org-2fa-required')?.status).toBe('fail')
    expect(resultOf('org', 'repo-branch-protection@acme/hardened')?.status).toBe('pass')
    expect(resultOf('org', 'repo-branch-protection@acme/bare')?.status).toBe('fail')
    const org = await view([ids.org])
    expect(statusIn(org, 'ia-2.1')).toBe('not-satisfied')
    expect(statusIn(org, 'cm-3')).toBe('not-satisfied')
    expect(statusIn(org, 'cm-5')).toBe('not-satisfied')
    const cm3 = await call(core, 'controls.control', {
      framework: 'nist-800-53',
      controlId: 'cm-3',
      targetIds: [ids.org],
    })
    const rules = new Map(cm3.targets[0]!.rules.map((r) => [r.ruleId, r.status]))
    expect(rules.get('repo-branch-protection@acme/bare')).toBe('fail')
    expect(rules.get('repo-branch-protection@acme/hardened')).toBe('pass')
  })

  it('counts each control over the four targets, and the estate matrix has a row of families per target', async () => {
    const expected = Object.fromEntries(
      Object.entries(ids).map(([k, id]) => [id, expectedStatuses(results[k]!)] as const),
    )
    const all = await view()
    expect(all.targets.map((t) => t.name).sort()).toEqual(['acme org', 'laptop', 'shop-db', 'web-host'])
    for (const c of all.controls) {
      const per = Object.values(expected).map((m) => m.get(c.id) ?? 'not-assessed')
      const got = `${c.id} ${c.satisfied}/${c.notSatisfied}`
      expect(got).toBe(
        `${c.id} ${per.filter((s) => s === 'satisfied').length}/${per.filter((s) => s === 'not-satisfied').length}`,
      )
    }
    // SC-8 across the estate: MariaDB fails it; the cell of its family on that row says so.
    expect(statusIn(all, 'sc-8')).toMatch(/^(partly|not-satisfied)$/)
    const cell = (targetId: string, family: string) =>
      all.matrix.find((m) => m.targetId === targetId && m.family === family)?.status
    for (const [key, id] of Object.entries(ids)) {
      const families = new Set(
        [...expected[id]!].filter(([, s]) => s !== 'not-assessed').map(([c]) => c.slice(0, 2)),
      )
      for (const f of families) expect(`${key} ${f} ${cell(id, f)}`).not.toMatch(/ (undefined|not-assessed)$/)
      // A family where every control the target's rules touch fails reads not satisfied; where none fails, satisfied.
      for (const f of families) {
        const sts = [...expected[id]!].filter(([c, s]) => c.startsWith(`${f}-`) && s !== 'not-assessed')
        const want = sts.every(([, s]) => s === 'not-satisfied')
          ? 'not-satisfied'
          : sts.every(([, s]) => s === 'satisfied')
            ? 'satisfied'
            : 'partly'
        expect(`${key} ${f} ${cell(id, f)}`).toBe(`${key} ${f} ${want}`)
      }
    }
    expect(cell(ids.maria, 'sc')).not.toBe('satisfied')
    expect(cell(ids.org, 'ia')).not.toBe('satisfied')
  })
})
