// Canary sweep across the scan, alert and export flows (canary.test.ts covers the vault and connection tests
// over HTTP and IPC): secrets carrying unique canary strings — an SSH key and its passphrase, a sudo password,
// database passwords, a GitHub token, a webhook HMAC key, the vault passphrase — are used in real SSH, SQL and
// GitHub scans (successful and refused), a signed webhook alert, and every report and bundle export. Then no
// file in the data dir (the SQLite file, its WAL, evidence decompressed), no exported file (bundles unzipped),
// no log line, no answer or pushed event, and nothing the webhook receiver got may contain any of them.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { unzipSync } from 'fflate'
import { createCore, DB_FILE, type Core } from '../../src-main/core/app'
import { jsonLogger } from '../../src-main/core/ports'
import type { Channel, Req, Res } from '../../src-preload/contract'
import { ALL_SCOPES, hardenedRepo, startGithubServer, type GithubServer } from '../services/github-server'
import {
  NON_ROOT_PASSWORD,
  startMariadb,
  startPostgres,
  startSshd,
  stopAll,
  widenedDebian11Datastream,
  type MariadbService,
  type PgService,
  type SshdService,
} from '../services/lib'
import { ensureBuilt, ROOT } from '../helpers/cli'
import { exportReportTo, importContentFile, verifyBundleFile } from '../helpers/files'
import { signatureValid, startReceiver, type Receiver } from '../helpers/receiver'
import { ed25519KeyPair } from '../helpers/ssh-keys'
import { useTmpDirs } from '../helpers/tmp-dir'
import { setLogConnections } from '../helpers/pg-settings'

const tag = randomBytes(6).toString('hex')
const CANARY = {
  vault: `canary-vault-${tag}`,
  keyPassphrase: `canary-key-pass-${tag}`,
  wrongSudo: `canary-wrong-sudo-${tag}`,
  wrongDb: `canary-wrong-db-${tag}`,
  token: `ghp_canary${tag}Tok`,
  wrongToken: `ghp_canaryWrong${tag}`,
  hmac: `canary-hmac-${tag}`,
}
const PROFILE = 'xccdf_org.ssgproject.content_profile_standard'
const key = ed25519KeyPair({ passphrase: CANARY.keyPassphrase, cipher: 'aes256-ctr', rounds: 16 })

const tmp = useTmpDirs('all')
let core: Core
let dataDir: string
let exportDir: string
let sshd: SshdService
let pgSvc: PgService
let mariadb: MariadbService
let github: GithubServer
let rx: Receiver
let sha256: string
const logs: string[] = []
const answers: string[] = []

/** Calls the core as a face would, keeping every answer (success or error) for the sweep. */
async function call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
  const env = await core.invoke(channel, req)
  answers.push(JSON.stringify(env))
  if (!env.ok) throw new Error(`${channel} failed: ${JSON.stringify(env.error)}`)
  return env.data as Res<C>
}

async function scan(targetId: string, extra: Partial<Req<'scan.start'>> = {}) {
  const { scanId } = await call('scan.start', { targetId, ...extra })
  await core.idle()
  return call('scan.results', { scanId })
}

const cred = async (credential: Req<'credentials.create'>['credential']) =>
  (await call('credentials.create', { credential })).id

beforeAll(async () => {
  ensureBuilt()
  dataDir = join(tmp.make('dw-canary-flows-'), 'data')
  exportDir = tmp.make('dw-canary-exports-')
  ;[sshd, pgSvc, mariadb, github, rx] = await Promise.all([
    startSshd({ name: 'canary' }),
    startPostgres({ name: 'canary-flows' }),
    startMariadb({ name: 'canary-flows' }),
    startGithubServer({
      orgs: [{ login: 'acme' }],
      repos: [hardenedRepo('acme/hardened'), { fullName: 'acme/bare' }],
      tokens: { [CANARY.token]: ALL_SCOPES },
    }),
    startReceiver(),
  ])
  // The canary key may log in as root too.
  appendFileSync(join(sshd.dir, 'authorized_keys'), `${key.public.trim()}\n`)
  core = createCore({
    face: 'serve',
    dataDir,
    logger: jsonLogger((l) => logs.push(l)),
    rendererDir: join(ROOT, 'out/renderer'),
  })
  core.subscribe((name, payload) => answers.push(JSON.stringify({ name, payload })))
  // The watch sends queued alerts (no schedule is saved, so it starts no scan of its own).
  core.watch.start()
  sha256 = (await importContentFile(core, await widenedDebian11Datastream(tmp.make('dw-canary-ds-')))).sha256
}, 120_000)

afterAll(async () => {
  core?.close()
  await Promise.all([github?.close(), rx?.close()])
  await stopAll()
})

it('secrets used in SSH, SQL and GitHub scans, alerts and exports appear nowhere', async () => {
  await call('vault.init', { passphrase: CANARY.vault })

  // SSH: root with the passphrase-protected canary key; dwscan by password with sudo by password; and the
  // same login with a wrong (canary) sudo password, refused.
  const rootKey = await cred({
    kind: 'ssh-key',
    name: 'canary root key',
    secret: { privateKey: key.private, passphrase: CANARY.keyPassphrase },
  })
  const login = await cred({
    kind: 'ssh-password',
    name: 'dwscan login',
    secret: { password: NON_ROOT_PASSWORD },
  })
  const sudo = await cred({
    kind: 'sudo-password',
    name: 'dwscan sudo',
    secret: { password: NON_ROOT_PASSWORD },
  })
  const badSudo = await cred({
    kind: 'sudo-password',
    name: 'wrong sudo',
    secret: { password: CANARY.wrongSudo },
  })
  const ssh = { kind: 'ssh' as const, host: '127.0.0.1', port: sshd.port }
  const rootTarget = await call('targets.create', {
    target: { ...ssh, name: 'ssh root', user: 'root', credentialId: rootKey },
  })
  const sudoTarget = await call('targets.create', {
    target: {
      ...ssh,
      name: 'ssh sudo',
      user: sshd.nonRootUser,
      credentialId: login,
      sudo: 'password',
      sudoCredentialId: sudo,
    },
  })
  const badSudoTarget = await call('targets.create', {
    target: {
      ...ssh,
      name: 'ssh bad sudo',
      user: sshd.nonRootUser,
      credentialId: login,
      sudo: 'password',
      sudoCredentialId: badSudo,
    },
  })
  const trust = { sha256, profileId: PROFILE, trustHostKey: sshd.hostKeyFingerprintSha256 }
  const rootScan = await scan(rootTarget.id, trust)
  expect(rootScan.scan.state, rootScan.scan.error).toBe('done')
  const sudoScan = await scan(sudoTarget.id, trust)
  expect(sudoScan.scan.state, sudoScan.scan.error).toBe('done')
  const refused = await scan(badSudoTarget.id, trust)
  expect(refused.scan.state).toBe('failed')
  expect(refused.scan.error).toMatch(/sudo refused the password/)

  // SQL: PostgreSQL and MariaDB with their (random) passwords, and PostgreSQL with a wrong canary password.
  const sql = async (
    svc: PgService | MariadbService,
    kind: 'postgres' | 'mysql',
    password: string,
    name: string,
  ) =>
    call('targets.create', {
      target: {
        kind,
        name,
        host: '127.0.0.1',
        port: svc.port,
        database: svc.database,
        user: svc.user,
        tls: 'disable',
        caFile: '',
        credentialId: await cred({ kind: 'db-password', name: `${name} password`, secret: { password } }),
      },
    })
  const pgTarget = await sql(pgSvc, 'postgres', pgSvc.password, 'pg')
  const myTarget = await sql(mariadb, 'mysql', mariadb.password, 'mariadb')
  const pgWrong = await sql(pgSvc, 'postgres', CANARY.wrongDb, 'pg wrong')

  // A signed webhook for drift; its HMAC key typed in the channel form goes to the vault.
  const hook = await call('alerts.channels.save', {
    kind: 'webhook',
    name: 'canary hook',
    config: { url: `${rx.url}/hook` },
    secret: CANARY.hmac,
  })
  expect((await call('alerts.channels.test', { id: hook.id })).state).toBe('sent')

  await setLogConnections(pgSvc, 'on')
  expect((await scan(pgTarget.id)).scan.state).toBe('done')
  await setLogConnections(pgSvc, 'off')
  const drifted = await scan(pgTarget.id)
  expect(drifted.scan.state).toBe('done')
  await expect.poll(() => rx.received.length).toBeGreaterThanOrEqual(2)
  expect(rx.received.every((r) => signatureValid(CANARY.hmac, r))).toBe(true)
  expect(rx.received.some((r) => r.body.includes('"regression"'))).toBe(true)

  expect((await scan(myTarget.id)).scan.state).toBe('done')
  const pgRefused = await scan(pgWrong.id)
  expect(pgRefused.scan.state).toBe('failed')
  expect(pgRefused.scan.error).toMatch(/refused user/)

  // GitHub with the canary token, and with a wrong one the server refuses.
  const gh = async (name: string, token: string) =>
    call('targets.create', {
      target: {
        kind: 'github',
        name,
        org: 'acme',
        apiBaseUrl: github.url,
        credentialId: await cred({ kind: 'github-token', name: `${name} token`, secret: { token } }),
      },
    })
  const ghScan = await scan((await gh('acme', CANARY.token)).id)
  expect(ghScan.scan.state, ghScan.scan.error).toBe('done')
  expect(
    github.log.some(
      (r) => r.authorization === `token ${CANARY.token}` || r.authorization === `Bearer ${CANARY.token}`,
    ),
  ).toBe(true)
  const ghRefused = await scan((await gh('acme wrong', CANARY.wrongToken)).id)
  expect(ghRefused.scan.state).toBe('failed')

  // Every export format, the bundle included, and its verification.
  for (const format of ['json', 'csv', 'oscal', 'hdf', 'pdf', 'bundle'] as const) {
    const out = await exportReportTo(core, { scope: {}, format }, join(exportDir, `report-${format}`))
    expect(out.bytes).toBeGreaterThan(0)
  }
  const verified = await verifyBundleFile(core, join(exportDir, 'report-bundle'))
  expect(verified.ok).toBe(true)
  await call('audit.list', { limit: 1000 })
  await call('credentials.list', {})
  await call('alerts.deliveries', {})

  // ---- the sweep ----
  core.close()
  const blobs: { where: string; bytes: Buffer }[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else {
        const bytes = readFileSync(p)
        blobs.push({ where: p, bytes })
        if (p.endsWith('report-bundle'))
          for (const [inner, data] of Object.entries(unzipSync(bytes)))
            blobs.push({ where: `${p}!${inner}`, bytes: Buffer.from(data) })
      }
    }
  }
  walk(dataDir)
  walk(exportDir)
  expect(blobs.some((b) => b.where.endsWith(DB_FILE))).toBe(true)
  expect(blobs.filter((b) => b.where.includes('report-bundle!')).length).toBeGreaterThan(5)
  // Evidence is stored gzip-compressed: read it the way an export does, decompressed.
  const db = new Database(join(dataDir, DB_FILE), { readonly: true })
  for (const row of db.prepare('SELECT sha256, gz FROM evidence').all() as { sha256: string; gz: Buffer }[])
    blobs.push({ where: `evidence ${row.sha256}`, bytes: gunzipSync(row.gz) })
  db.close()
  expect(blobs.filter((b) => b.where.startsWith('evidence ')).length).toBeGreaterThanOrEqual(5)
  const received = rx.received.map((r) => JSON.stringify(r))
  // Controls: the sweep reads what it should (names and rule ids are there, in the clear).
  const has = (text: string) => blobs.some((b) => b.bytes.includes(Buffer.from(text)))
  expect(has('ssh bad sudo')).toBe(true)
  expect(blobs.some((b) => b.where.startsWith('evidence ') && b.bytes.includes('pg-log-connections'))).toBe(
    true,
  )
  expect(blobs.some((b) => b.where.includes('report-bundle!') && b.bytes.includes('acme wrong'))).toBe(true)
  const secrets = [
    ...Object.values(CANARY),
    NON_ROOT_PASSWORD,
    pgSvc.password,
    mariadb.password,
    // The private key's body (its base64 lines), not just its passphrase.
    ...key.private.split('\n').filter((l) => l.length > 40),
  ]
  expect(answers.length).toBeGreaterThan(30)
  expect(logs.length).toBeGreaterThan(5)
  for (const s of secrets) {
    for (const b of blobs) expect(b.bytes.includes(Buffer.from(s)), `${s} in ${b.where}`).toBe(false)
    for (const l of logs) expect(l, 'log line').not.toContain(s)
    for (const a of answers) expect(a, 'answer or event').not.toContain(s)
    for (const r of received) expect(r, 'webhook request').not.toContain(s)
  }
}, 120_000)
