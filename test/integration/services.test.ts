// Proves the throwaway servers in test/services are usable the way the scanner's integration tests need.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  isPortOpen,
  sshFingerprintSha256,
  startMariadb,
  startPostgres,
  startSshd,
  stopAll,
  widenedDebian11Datastream,
  type MariadbService,
  type PgService,
  type Service,
  type SshdService,
} from '../services/lib'

const execFileAsync = promisify(execFile)

let pgStock: PgService
let pgHardened: PgService
let mariaStock: MariadbService
let mariaHardened: MariadbService
let sshd: SshdService
let scratch: string
const sshClients: Client[] = []

beforeAll(async () => {
  scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-services-test-'))
  // In parallel to save time; if one fails, stopAll in afterAll still waits for and stops the others.
  ;[pgStock, pgHardened, mariaStock, mariaHardened, sshd] = await Promise.all([
    startPostgres({ name: 'stock' }),
    startPostgres({ name: 'hardened', hardened: true }),
    startMariadb({ name: 'stock' }),
    startMariadb({ name: 'hardened', hardened: true }),
    startSshd(),
  ])
})

afterAll(async () => {
  for (const c of sshClients) c.end()
  await stopAll()
  if (scratch) await fsp.rm(scratch, { recursive: true, force: true })
})

async function pgQuery(config: pg.ClientConfig, sql: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionTimeoutMillis: 5000, ...config })
  try {
    await client.connect()
    const { rows } = await client.query(sql)
    return rows[0] as Record<string, unknown>
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function mysqlQuery(config: mysql.ConnectionOptions, sql: string): Promise<Record<string, unknown>> {
  const conn = await mysql.createConnection({ connectTimeout: 5000, ...config })
  try {
    const [rows] = await conn.query(sql)
    return (rows as Record<string, unknown>[])[0] ?? {}
  } finally {
    await conn.end()
  }
}

type SshAuth = Pick<ConnectConfig, 'username' | 'privateKey' | 'passphrase' | 'password'>

/** Connects, accepting only the host key whose fingerprint startSshd() reported. */
async function sshConnect(auth: SshAuth): Promise<{ client: Client; hostKey: Buffer | undefined }> {
  let hostKey: Buffer | undefined
  const client = new Client()
  sshClients.push(client)
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject)
    client.connect({
      host: sshd.host,
      port: sshd.port,
      readyTimeout: 10_000,
      ...auth,
      hostVerifier: (key: Buffer) => {
        hostKey = key
        return sshFingerprintSha256(key) === sshd.hostKeyFingerprintSha256
      },
    })
  })
  return { client, hostKey }
}

function sshExec(
  client: Client,
  command: string,
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error)
      let out = ''
      let err = ''
      stream.on('data', (d: Buffer) => (out += d.toString()))
      stream.stderr.on('data', (d: Buffer) => (err += d.toString()))
      stream.on('close', (code: number) => resolve({ code, out, err }))
      stream.end(stdin)
    })
  })
}

describe('postgres, stock settings', () => {
  it('accepts the superuser password over TCP and is our PostgreSQL 15', async () => {
    const { host, port, user, password, database } = pgStock
    const row = await pgQuery(
      { host, port, user, password, database },
      "SELECT current_setting('server_version') AS version, current_setting('port') AS port," +
        " current_setting('ssl') AS ssl, current_setting('log_connections') AS log_connections",
    )
    expect(row).toEqual({
      version: expect.stringMatching(/^15\.\d+/),
      port: String(port),
      ssl: 'off',
      log_connections: 'off',
    })
  })

  it('rejects a wrong password', async () => {
    const { host, port, user, database } = pgStock
    await expect(pgQuery({ host, port, user, database, password: 'wrong' }, 'SELECT 1')).rejects.toThrow(
      /password authentication failed/,
    )
  })
})

describe('postgres, hardened', () => {
  const config = () => ({
    host: pgHardened.host,
    port: pgHardened.port,
    user: 'postgres',
    database: 'postgres',
  })

  it('refuses a connection without TLS', async () => {
    await expect(
      pgQuery({ ...config(), password: pgHardened.password, ssl: false }, 'SELECT 1'),
    ).rejects.toThrow(/pg_hba\.conf rejects connection .* no encryption/)
  })

  it('accepts TLS verified with verify-full against the returned CA', async () => {
    const { host, port, user, password, database, caCertPath } = pgHardened
    expect(caCertPath).toBeTruthy()
    const url = new URL(`postgresql://${host}:${port}/${database}`)
    url.username = user
    url.password = password
    url.searchParams.set('sslmode', 'verify-full')
    url.searchParams.set('sslrootcert', caCertPath ?? '')
    const row = await pgQuery(
      { connectionString: url.href },
      'SELECT ssl, version AS tls FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    )
    expect(row).toEqual({ ssl: true, tls: expect.stringMatching(/^TLSv1\.[23]$/) })
    const logging = await pgQuery({ connectionString: url.href }, 'SHOW log_connections')
    expect(logging).toEqual({ log_connections: 'on' })
  })

  it('fails TLS verification without the test CA', async () => {
    const ssl = { rejectUnauthorized: true }
    await expect(pgQuery({ ...config(), password: pgHardened.password, ssl }, 'SELECT 1')).rejects.toThrow(
      /self[- ]signed|unable to (get|verify)/i,
    )
  })
})

describe('mariadb', () => {
  it('accepts the returned user over TCP and is our MariaDB', async () => {
    const { host, port, user, password, database } = mariaStock
    const row = await mysqlQuery(
      { host, port, user, password, database },
      'SELECT VERSION() AS version, @@port AS port, @@require_secure_transport AS rst',
    )
    expect(row).toEqual({ version: expect.stringMatching(/^10\.11\..*MariaDB/), port, rst: 0 })
  })

  it('rejects a wrong password and the password-less root that install-db creates', async () => {
    const { host, port, user } = mariaStock
    await expect(mysqlQuery({ host, port, user, password: 'wrong' }, 'SELECT 1')).rejects.toThrow(
      /Access denied/,
    )
    await expect(mysqlQuery({ host, port, user: 'root' }, 'SELECT 1')).rejects.toThrow(/Access denied/)
  })

  it('hardened: refuses a connection without TLS and accepts one verified against the CA', async () => {
    const { host, port, user, password, caCertPath } = mariaHardened
    await expect(mysqlQuery({ host, port, user, password }, 'SELECT 1')).rejects.toThrow(/Access denied/)
    const ssl = { ca: await fsp.readFile(caCertPath ?? ''), rejectUnauthorized: true }
    const row = await mysqlQuery(
      { host, port, user, password, ssl },
      "SHOW SESSION STATUS LIKE 'Ssl_version'",
    )
    expect(row).toEqual({ Variable_name: 'Ssl_version', Value: expect.stringMatching(/^TLSv1\.[23]$/) })
  })
})

describe('sshd', () => {
  it('lets root in with the key, presents the reported host key and can run oscap', async () => {
    const { client, hostKey } = await sshConnect({
      username: 'root',
      privateKey: fs.readFileSync(sshd.privateKeyPath),
    })
    expect(hostKey?.toString('base64')).toBe(sshd.hostPublicKey.split(' ')[1])
    expect(sshd.hostKeyFingerprintSha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    const id = await sshExec(client, 'id -u')
    expect(id).toMatchObject({ code: 0, out: '0\n' })
    const oscap = await sshExec(client, 'oscap --version')
    expect(oscap.code).toBe(0)
    expect(oscap.out).toMatch(/OpenSCAP command line tool \(oscap\) 1\.3\.\d+/)
  })

  it('offers sftp, which oscap-ssh needs to copy files', async () => {
    const { client } = await sshConnect({
      username: 'root',
      privateKey: fs.readFileSync(sshd.privateKeyPath),
    })
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
      client.sftp((e, s) => (e ? reject(e) : resolve(s))),
    )
    const text = await new Promise<string>((resolve, reject) =>
      sftp.readFile('/etc/debian_version', 'utf8', (e, data) => (e ? reject(e) : resolve(String(data)))),
    )
    expect(text).toBe(fs.readFileSync('/etc/debian_version', 'utf8'))
  })

  it('accepts the passphrase key only with its passphrase', async () => {
    const privateKey = fs.readFileSync(sshd.passphraseKeyPath)
    await expect(sshConnect({ username: 'root', privateKey, passphrase: 'wrong' })).rejects.toThrow(
      /passphrase/i,
    )
    const { client } = await sshConnect({ username: 'root', privateKey, passphrase: sshd.passphrase })
    expect(await sshExec(client, 'whoami')).toMatchObject({ code: 0, out: 'root\n' })
  })

  it('lets the non-root user in by password, and sudo works only with that password', async () => {
    const { nonRootUser: username, nonRootPassword: password } = sshd
    await expect(sshConnect({ username, password: 'wrong' })).rejects.toThrow(/authentication methods failed/)
    const { client } = await sshConnect({ username, password })
    expect(await sshExec(client, 'id -u')).not.toMatchObject({ out: '0\n' })
    const ok = await sshExec(client, "sudo -S -k -p '' id -u", `${password}\n`)
    expect(ok).toMatchObject({ code: 0, out: '0\n' })
    const bad = await sshExec(client, "sudo -S -k -p '' id -u", 'wrong\n')
    expect(bad.code).not.toBe(0)
    expect(bad.out).toBe('')
    expect(bad.err).toMatch(/incorrect password|try again/i)
  })
})

describe('widened Debian 11 SSG datastream', () => {
  it('makes the standard profile evaluate rules on this Debian 12, which the original does not', async () => {
    const widened = await widenedDebian11Datastream(scratch)
    const original = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
    const evaluate = async (ds: string) => {
      const args = ['xccdf', 'eval', '--profile', 'xccdf_org.ssgproject.content_profile_standard', ds]
      // Exit 2 means some rules failed, which is a successful evaluation here.
      const { stdout } = await execFileAsync('oscap', args, { maxBuffer: 64 << 20 }).catch((e) => {
        if (e.code !== 2) throw e
        return e as { stdout: string }
      })
      const counts: Record<string, number> = {}
      for (const m of stdout.matchAll(/^Result\s+(\w+)$/gm)) counts[m[1]!] = (counts[m[1]!] ?? 0) + 1
      return counts
    }
    const [before, after] = await Promise.all([evaluate(original), evaluate(widened)])
    expect(Object.keys(before)).toEqual(['notapplicable'])
    expect((after.pass ?? 0) + (after.fail ?? 0)).toBeGreaterThan(0)
  })
})

describe('stop()', () => {
  it('removes each temp dir, closes the port and can be called twice', async () => {
    const services: Service[] = [pgStock, pgHardened, mariaStock, mariaHardened, sshd]
    for (const c of sshClients) c.end()
    for (const s of services) expect(await isPortOpen(s.port)).toBe(true)
    await Promise.all(services.map((s) => s.stop()))
    for (const s of services) {
      expect(fs.existsSync(s.dir)).toBe(false)
      expect(await isPortOpen(s.port)).toBe(false)
    }
    await Promise.all(services.map((s) => s.stop()))
    await stopAll()
  })
})
