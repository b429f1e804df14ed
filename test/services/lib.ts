// Starts and stops throwaway PostgreSQL, MariaDB and OpenSSH servers on 127.0.0.1 for integration tests.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import mysql from 'mysql2/promise'
import pg from 'pg'

const execFileAsync = promisify(execFile)
const HOST = '127.0.0.1'
const PG_BIN = '/usr/lib/postgresql/15/bin'
const READY_TIMEOUT_MS = 30_000

/** Fixed because the Linux user outlives a run and parallel runs must agree on it. */
export const NON_ROOT_USER = 'dwscan'
export const NON_ROOT_PASSWORD = 'dwscan-test-only-5f2c9a'
const SUDOERS_FILE = '/etc/sudoers.d/driftwatch-test-dwscan'

export interface Service {
  host: string
  port: number
  /** Temp dir holding everything the server writes; removed by stop(). */
  dir: string
  logPath: string
  /** Stops the server and removes dir; safe to call more than once. */
  stop(): Promise<void>
}

export interface TlsFiles {
  caCertPath: string
  serverCertPath: string
  serverKeyPath: string
}

export interface DbOptions {
  /**
   * Hardened = TLS required (own CA, server cert for 127.0.0.1; caCertPath is returned) plus the logging
   * and auth settings a benchmark would ask for. Default = the packaged defaults, so checks fail.
   */
  hardened?: boolean
  /** Goes into the temp dir name, to tell servers apart in /tmp and in errors. */
  name?: string
}

export interface PgOptions extends DbOptions {
  /** postgresql.conf lines appended after the defaults (and after the hardened settings), e.g. "fsync = off". */
  config?: string[]
  /** pg_hba.conf lines replacing the default ones; they must let `postgres` in over TCP from 127.0.0.1. */
  hba?: string[]
  /**
   * listen_addresses instead of 127.0.0.1 (it is set on the command line, which postgresql.conf cannot
   * override). It must include 127.0.0.1; pg_hba.conf should then reject every other address.
   */
  listenAddresses?: string
}

export interface MariadbOptions extends DbOptions {
  /** mariadbd command-line options appended after the others, e.g. "--local-infile=1". */
  args?: string[]
}

export interface PgService extends Service {
  user: string
  password: string
  database: string
  dataDir: string
  socketDir: string
  hardened: boolean
  caCertPath?: string
}

export interface MariadbService extends Service {
  user: string
  password: string
  database: string
  dataDir: string
  socketPath: string
  hardened: boolean
  caCertPath?: string
}

export interface SshdService extends Service {
  user: 'root'
  /** Unencrypted ed25519 key authorised for root. */
  privateKeyPath: string
  /** A second key authorised for root, encrypted with passphrase. */
  passphraseKeyPath: string
  passphrase: string
  /** OpenSSH public key line of the host key, as in known_hosts without the host name. */
  hostPublicKey: string
  /** As `ssh-keygen -lf` prints it: 'SHA256:' + unpadded base64. */
  hostKeyFingerprintSha256: string
  nonRootUser: string
  nonRootPassword: string
  configPath: string
  /** sshd's own pid file; its children are the per-connection processes. */
  pidFile: string
}

interface Running {
  child: ChildProcess
  stop(): Promise<void>
}

const running = new Set<Running>()
/** Temp dirs not yet removed, including those of servers still being set up. */
const liveDirs = new Set<string>()

const starting = new Set<Promise<unknown>>()

/** Lets stopAll wait for starts in flight, e.g. the rest of a Promise.all after one start failed. */
function tracked<T>(start: Promise<T>): Promise<T> {
  starting.add(start)
  start.then(
    () => starting.delete(start),
    () => starting.delete(start),
  )
  return start
}

/** Stops every server this process started and has not stopped yet; meant for afterAll. */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...starting])
  await Promise.all([...running].map((r) => r.stop()))
}

// Last resort when a test file forgets stopAll or a start is cut short: 'exit' handlers must be synchronous.
process.once('exit', () => {
  for (const r of running) killGroup(r.child, 'SIGKILL')
  for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true })
})

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

/** Resolves true when something accepts a TCP connection on the port. */
export function isPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function run(cmd: string, args: string[], opts: { uid?: number; gid?: number; input?: string } = {}) {
  const child = execFileAsync(cmd, args, { uid: opts.uid, gid: opts.gid, maxBuffer: 16 * 1024 * 1024 })
  if (opts.input !== undefined) child.child.stdin?.end(opts.input)
  try {
    return (await child).stdout
  } catch (error) {
    const e = error as Error & { stderr?: string; stdout?: string }
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: error,
    })
  }
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])])
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) }
}

async function makeDir(kind: string, name: string | undefined, owner?: { uid: number; gid: number }) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `dw-${kind}-${name ? `${name}-` : ''}`))
  liveDirs.add(dir)
  if (owner) await fsp.chown(dir, owner.uid, owner.gid)
  return dir
}

async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true })
  liveDirs.delete(dir)
}

async function logTail(logPath: string, lines = 25): Promise<string> {
  const text = await fsp.readFile(logPath, 'utf8').catch(() => '')
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group, so server children (PostgreSQL backends) go too.
    if (child.pid) process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => (clearTimeout(timer), resolve(true)))
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface LaunchSpec {
  what: string
  dir: string
  cmd: string
  args: string[]
  uid?: number
  gid?: number
  /** The signal that makes this server shut down cleanly and quickly. */
  stopSignal: NodeJS.Signals
  ready(): Promise<boolean>
}

/**
 * Spawns a non-daemonising server and waits for ready(). On failure the server is killed but its dir is
 * left for the caller, which may retry on another port.
 */
async function launch(spec: LaunchSpec): Promise<{ logPath: string; stop(): Promise<void> }> {
  const logPath = path.join(spec.dir, `${path.basename(spec.cmd)}.log`)
  const logFd = fs.openSync(logPath, 'a')
  // Detached so the server leads its own process group that stop() can kill as a whole.
  const child = spawn(spec.cmd, spec.args, {
    cwd: spec.dir,
    uid: spec.uid,
    gid: spec.gid,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  })
  fs.closeSync(logFd)
  child.unref()
  let spawnError: Error | undefined
  child.once('error', (error) => (spawnError = error))

  let killing: Promise<void> | undefined
  const kill = () =>
    (killing ??= (async () => {
      if (!exited(child) && child.pid) process.kill(child.pid, spec.stopSignal)
      await waitForExit(child, 10_000)
      killGroup(child, 'SIGKILL')
      running.delete(entry)
    })())
  let stopping: Promise<void> | undefined
  const stop = () => (stopping ??= kill().then(() => removeDir(spec.dir)))
  const entry: Running = { child, stop }
  running.add(entry)

  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    const failure = spawnError
      ? `could not start: ${spawnError.message}`
      : exited(child)
        ? `exited with ${child.exitCode ?? child.signalCode}`
        : Date.now() > deadline
          ? `not ready after ${READY_TIMEOUT_MS} ms`
          : undefined
    if (failure) {
      await kill()
      throw new Error(`${spec.what} ${failure}; log tail:\n${await logTail(logPath)}`)
    }
    if (await spec.ready().catch(() => false)) return { logPath, stop }
    await sleep(100)
  }
}

/** A port picked by freePort() can be taken before the server binds it, so that case is retried. */
async function withFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort())
    } catch (error) {
      if (attempt >= 3 || !/in use/i.test(String(error))) throw error
    }
  }
}

/** Self-signed CA plus a server cert for 127.0.0.1/localhost, readable only by owner. */
export async function makeTlsFiles(dir: string, owner?: { uid: number; gid: number }): Promise<TlsFiles> {
  const files = {
    caCertPath: path.join(dir, 'ca.crt'),
    serverCertPath: path.join(dir, 'server.crt'),
    serverKeyPath: path.join(dir, 'server.key'),
  }
  const caKey = path.join(dir, 'ca.key')
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '7']
  const req = (args: string[]) => run('openssl', ['req', '-x509', ...newKey, ...args])
  await req(['-subj', '/CN=dw test CA', '-keyout', caKey, '-out', files.caCertPath])
  const signed = ['-subj', '/CN=127.0.0.1', '-CA', files.caCertPath, '-CAkey', caKey]
  const ext = [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'extendedKeyUsage=serverAuth',
  ].flatMap((e) => ['-addext', e])
  await req([...signed, ...ext, '-keyout', files.serverKeyPath, '-out', files.serverCertPath])
  await fsp.rm(caKey)
  await fsp.chmod(files.serverKeyPath, 0o600)
  if (owner) for (const f of Object.values(files)) await fsp.chown(f, owner.uid, owner.gid)
  return files
}

interface Template {
  dataDir: string
  /** The superuser password set when the template was made (PostgreSQL); each copy shares it. */
  password: string
}

/**
 * `initdb` and `mariadb-install-db` run once per test run and variant; each server starts from a copy of
 * that data folder (`cp -a`, owners kept), which costs a tenth of a fresh bootstrap. The files are what a
 * fresh bootstrap writes; each server's own settings are written into its copy afterwards. Under vitest the
 * folder is shared by every worker of the run (test/global-setup.ts makes and removes it); elsewhere
 * (benchmarks, scripts) it belongs to the process.
 */
const templates = new Map<string, Promise<Template>>()
let ownTemplateRoot: Promise<string> | undefined

function templateRoot(): Promise<string> {
  const shared = process.env.DW_TEST_TEMPLATES
  if (shared) return Promise.resolve(shared)
  // Traversable by the postgres and mysql users, whose bootstraps write inside it.
  ownTemplateRoot ??= makeDir('templates', String(process.pid)).then(async (dir) => {
    await fsp.chmod(dir, 0o755)
    return dir
  })
  return ownTemplateRoot
}

function template(
  key: string,
  owner: { uid: number; gid: number },
  make: (dataDir: string, password: string) => Promise<void>,
): Promise<Template> {
  let made = templates.get(key)
  if (!made) {
    made = (async () => {
      const root = await templateRoot()
      const final = path.join(root, key)
      const read = async (): Promise<Template> => ({
        dataDir: path.join(final, 'data'),
        password: (await fsp.readFile(path.join(final, 'password'), 'utf8')).trim(),
      })
      if (fs.existsSync(final)) return read()
      // Built aside, then renamed into place: another worker sees either nothing or the whole template.
      const staging = await fsp.mkdtemp(path.join(root, `.${key}-`))
      try {
        await fsp.chown(staging, owner.uid, owner.gid)
        const password = randomBytes(12).toString('hex')
        await fsp.writeFile(path.join(staging, 'password'), `${password}\n`, { mode: 0o600 })
        await make(path.join(staging, 'data'), password)
        await fsp.rename(staging, final)
      } catch (error) {
        await fsp.rm(staging, { recursive: true, force: true })
        // Lost the race to a worker that renamed its own first: use that one.
        if (fs.existsSync(path.join(final, 'password'))) return read()
        throw error
      }
      return read()
    })()
    templates.set(key, made)
    // A failed bootstrap is not cached: the next start tries again and reports its own error.
    made.catch(() => templates.delete(key))
  }
  return made
}

async function copyTemplate(t: Template, dataDir: string): Promise<Template> {
  await run('cp', ['-a', t.dataDir, dataDir])
  return t
}

function pgTemplate(hardened: boolean, owner: { uid: number; gid: number }): Promise<Template> {
  return template(`postgres${hardened ? '-hardened' : ''}`, owner, async (dataDir, password) => {
    const pwFile = path.join(path.dirname(dataDir), 'pwfile')
    await fsp.writeFile(pwFile, `${password}\n`, { mode: 0o600 })
    await fsp.chown(pwFile, owner.uid, owner.gid)
    try {
      // initdb refuses to run as root, hence uid/gid.
      await run(
        `${PG_BIN}/initdb`,
        [
          ...[
            '-D',
            dataDir,
            '-U',
            'postgres',
            `--pwfile=${pwFile}`,
            '-E',
            'UTF8',
            '--no-locale',
            '--no-sync',
            // 1 MB WAL segments instead of 16: every server starts from a copy of this folder (39 MB -> 29 MB).
            '--wal-segsize=1',
          ],
          ...(hardened ? ['--data-checksums'] : []),
        ],
        owner,
      )
    } finally {
      await fsp.rm(pwFile, { force: true })
    }
  })
}

function mariadbTemplate(owner: { uid: number; gid: number }): Promise<Template> {
  return template('mariadb', owner, async (dataDir) => {
    const tmpDir = path.join(path.dirname(dataDir), 'tmp')
    await fsp.mkdir(tmpDir, { mode: 0o700 })
    await fsp.chown(tmpDir, owner.uid, owner.gid)
    // --no-defaults must come first, or /etc/mysql settings leak in.
    await run('mariadb-install-db', [
      ...['--no-defaults', '--auth-root-authentication-method=normal', '--skip-test-db'],
      // 8 MB of redo log instead of 96: every server starts from a copy of this folder (the server is given
      // the same size, or it would resize the log at its first start).
      '--innodb-log-file-size=8M',
      ...[`--datadir=${dataDir}`, '--user=mysql', `--tmpdir=${tmpDir}`],
    ])
    await fsp.rm(tmpDir, { recursive: true, force: true })
  })
}

/** PostgreSQL 15 from the Debian package, superuser `postgres` with a SCRAM password over TCP. */
export function startPostgres(opts: PgOptions = {}): Promise<PgService> {
  return tracked(postgres(opts))
}

async function postgres(opts: PgOptions): Promise<PgService> {
  const hardened = opts.hardened ?? false
  const owner = await systemUser('postgres')
  const dir = await makeDir('postgres', opts.name, owner)
  const dataDir = path.join(dir, 'data')
  const socketDir = path.join(dir, 'sock')
  try {
    await fsp.mkdir(socketDir, { mode: 0o700 })
    await fsp.chown(socketDir, owner.uid, owner.gid)
    const { password } = await copyTemplate(await pgTemplate(hardened, owner), dataDir)
    const tls = hardened ? await makeTlsFiles(dir, owner) : undefined
    const hba =
      opts.hba ??
      (tls
        ? [
            'local all all peer',
            'hostssl all all 127.0.0.1/32 scram-sha-256',
            'hostnossl all all 0.0.0.0/0 reject',
          ]
        : ['local all all peer', 'host all all 127.0.0.1/32 scram-sha-256'])
    await fsp.writeFile(path.join(dataDir, 'pg_hba.conf'), `${hba.join('\n')}\n`)
    if (tls) {
      const conf = [
        'ssl = on',
        `ssl_cert_file = '${tls.serverCertPath}'`,
        `ssl_key_file = '${tls.serverKeyPath}'`,
        `ssl_ca_file = '${tls.caCertPath}'`,
        "ssl_min_protocol_version = 'TLSv1.2'",
        "password_encryption = 'scram-sha-256'",
        'log_connections = on',
        'log_disconnections = on',
        // What the CIS-style rule pack asks beyond that (pgaudit is not packaged here, so that check fails).
        'logging_collector = on',
        'log_truncate_on_rotation = on',
        "log_line_prefix = '%m [%p]: user=%u,db=%d,app=%a,client=%h '",
        "log_statement = 'ddl'",
        'log_lock_waits = on',
        'log_temp_files = 0',
        'log_replication_commands = on',
        "ssl_ciphers = 'HIGH:!aNULL:!MD5:!3DES'",
        'unix_socket_permissions = 0770',
        "idle_in_transaction_session_timeout = '10min'",
        'archive_mode = on',
        "archive_command = '/bin/true'",
        "shared_preload_libraries = 'passwordcheck'",
      ]
      await fsp.appendFile(
        path.join(dataDir, 'postgresql.conf'),
        `\n# driftwatch hardened\n${conf.join('\n')}\n`,
      )
    }
    if (opts.config?.length)
      await fsp.appendFile(
        path.join(dataDir, 'postgresql.conf'),
        `\n# driftwatch test settings\n${opts.config.join('\n')}\n`,
      )
    const ssl = tls ? { ca: fs.readFileSync(tls.caCertPath, 'utf8') } : false
    const database = 'postgres'
    return await withFreePort(async (port) => {
      const conn = { host: HOST, port, user: 'postgres', password, database }
      const { logPath, stop } = await launch({
        what: 'postgres',
        dir,
        ...owner,
        cmd: `${PG_BIN}/postgres`,
        args: [
          '-D',
          dataDir,
          '-p',
          String(port),
          '-k',
          socketDir,
          '-c',
          `listen_addresses=${opts.listenAddresses ?? HOST}`,
        ],
        // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for clients to leave.
        stopSignal: 'SIGINT',
        ready: async () => {
          const c = new pg.Client({ ...conn, ssl, connectionTimeoutMillis: 2000 })
          try {
            await c.connect()
            await c.query('SELECT 1')
            return true
          } finally {
            await c.end().catch(() => undefined)
          }
        },
      })
      return { ...conn, dataDir, socketDir, hardened, dir, logPath, stop, caCertPath: tls?.caCertPath }
    })
  } catch (error) {
    await removeDir(dir)
    throw error
  }
}

/** MariaDB 10.11 from the Debian package, with an all-privileges user for TCP logins from 127.0.0.1. */
export function startMariadb(opts: MariadbOptions = {}): Promise<MariadbService> {
  return tracked(mariadb(opts))
}

async function mariadb(opts: MariadbOptions): Promise<MariadbService> {
  const hardened = opts.hardened ?? false
  const owner = await systemUser('mysql')
  const dir = await makeDir('mariadb', opts.name, owner)
  const dataDir = path.join(dir, 'data')
  const socketPath = path.join(dir, 'mysqld.sock')
  // Both the bootstrap and the server put temp tables in tmpdir; the shared /tmp once lost one mid-bootstrap.
  const tmpDir = path.join(dir, 'tmp')
  const user = 'dwadmin'
  // simple_password_check (hardened) wants upper and lower case, a digit and a symbol.
  const password = randomBytes(12).toString('hex') + (hardened ? 'Dw-9' : '')
  const database = 'mysql'
  try {
    await fsp.mkdir(tmpDir, { mode: 0o700 })
    await fsp.chown(tmpDir, owner.uid, owner.gid)
    await copyTemplate(await mariadbTemplate(owner), dataDir)
    const tls = hardened ? await makeTlsFiles(dir, owner) : undefined
    const tlsArgs = tls
      ? [`--ssl-ca=${tls.caCertPath}`, `--ssl-cert=${tls.serverCertPath}`, `--ssl-key=${tls.serverKeyPath}`]
      : []
    const filesDir = path.join(dir, 'files')
    if (hardened) {
      await fsp.mkdir(filesDir, { mode: 0o750 })
      await fsp.chown(filesDir, owner.uid, owner.gid)
    }
    // What the CIS-style rule pack asks beyond TLS. The error log is the file launch() already collects.
    const hardenedArgs = hardened
      ? [
          ...['--local-infile=0', `--secure-file-priv=${filesDir}`, '--symbolic-links=0'],
          '--sql-mode=STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION',
          `--log-error=${path.join(dir, 'mariadbd.log')}`,
          '--automatic-sp-privileges=0',
          ...['--plugin-load-add=server_audit', '--server-audit-logging=ON'],
          `--server-audit-file-path=${path.join(dir, 'audit.log')}`,
          ...['--plugin-load-add=simple_password_check', '--simple-password-check-minimal-length=14'],
          '--plugin-load-add=password_reuse_check',
        ]
      : []
    return await withFreePort(async (port) => {
      const args = [
        ...['--no-defaults', `--datadir=${dataDir}`, `--port=${port}`, `--bind-address=${HOST}`],
        ...[`--socket=${socketPath}`, `--pid-file=${path.join(dir, 'mysqld.pid')}`, '--user=mysql'],
        `--tmpdir=${tmpDir}`,
        // Name resolution only slows logins down and makes host matching depend on /etc/hosts.
        ...['--skip-name-resolve', '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M'],
        ...tlsArgs,
        ...(tls ? ['--require-secure-transport=ON'] : []),
        ...hardenedArgs,
        ...(opts.args ?? []),
      ]
      // The socket is exempt from require_secure_transport, so setup works in both modes.
      const viaSocket = () => mysql.createConnection({ socketPath, user: 'root' })
      const { logPath, stop } = await launch({
        what: 'mariadbd',
        dir,
        cmd: '/usr/sbin/mariadbd',
        args,
        stopSignal: 'SIGTERM',
        ready: async () => ((await viaSocket()).destroy(), true),
      })
      const admin = await viaSocket()
      try {
        // mariadb-install-db also creates password-less root@127.0.0.1; nobody should reach that over TCP.
        const [roots] = await admin.query(
          "SELECT Host FROM mysql.user WHERE User = 'root' AND Host <> 'localhost'",
        )
        for (const { Host } of roots as { Host: string }[]) await admin.query('DROP USER root@?', [Host])
        const create = `CREATE USER ?@'127.0.0.1' IDENTIFIED BY ?${tls ? ' REQUIRE SSL' : ''}`
        await admin.query(create, [user, password])
        await admin.query(`GRANT ALL PRIVILEGES ON *.* TO ?@'127.0.0.1' WITH GRANT OPTION`, [user])
        // Hardened: root keeps signing in over the socket as the OS root user, never with an (empty) password.
        if (hardened) await admin.query('ALTER USER root@localhost IDENTIFIED VIA unix_socket')
        // Set after setup: on the command line it would expire root's never-set password before setup runs.
        if (hardened) await admin.query('SET GLOBAL default_password_lifetime = 365')
      } finally {
        await admin.end()
      }
      const caCertPath = tls?.caCertPath
      return {
        host: HOST,
        port,
        user,
        password,
        database,
        dataDir,
        socketPath,
        hardened,
        caCertPath,
        dir,
        logPath,
        stop,
      }
    })
  } catch (error) {
    await removeDir(dir)
    throw error
  }
}

/**
 * Creates (or refreshes) the Linux user NON_ROOT_USER with NON_ROOT_PASSWORD and sudo rights that always
 * ask for that password. The user persists across runs; the sudoers file is only replaced when it changed.
 */
export async function ensureNonRootSudoUser(): Promise<void> {
  try {
    await run('id', ['-u', NON_ROOT_USER])
  } catch {
    await run('useradd', ['--create-home', '--shell', '/bin/bash', NON_ROOT_USER]).catch(async (error) => {
      // Lost a race with a parallel run: fine as long as the user exists now.
      await run('id', ['-u', NON_ROOT_USER]).catch(() => Promise.reject(error))
    })
  }
  await run('chpasswd', [], { input: `${NON_ROOT_USER}:${NON_ROOT_PASSWORD}\n` })
  const sudoers = [
    '# driftwatch integration tests: sudo with password only (see test/services/README.md)',
    `Defaults:${NON_ROOT_USER} authenticate, timestamp_timeout=0, lecture=never`,
    `${NON_ROOT_USER} ALL=(ALL:ALL) ALL`,
    '',
  ].join('\n')
  if ((await fsp.readFile(SUDOERS_FILE, 'utf8').catch(() => '')) === sudoers) return
  // sudo skips files in sudoers.d whose names contain a dot, so a half-written temp file there is inert.
  const tmp = `${SUDOERS_FILE}.${process.pid}.tmp`
  await fsp.writeFile(tmp, sudoers, { mode: 0o440 })
  try {
    await run('visudo', ['-cf', tmp])
    await fsp.rename(tmp, SUDOERS_FILE)
  } finally {
    await fsp.rm(tmp, { force: true })
  }
}

function sshBannerSeen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port })
    const done = (ok: boolean) => (socket.destroy(), resolve(ok))
    socket.setTimeout(2000, () => done(false))
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')))
    socket.once('error', () => done(false))
  })
}

/** A second OpenSSH server with its own config and keys; root logs in by key, NON_ROOT_USER by password. */
export function startSshd(opts: SshdOptions = {}): Promise<SshdService> {
  return tracked(sshd(opts))
}

export interface SshdOptions {
  name?: string
  /** More sshd_config lines, e.g. `SetEnv PATH=...` to hide a command from sessions. */
  extraConfig?: string[]
  /** A fixed port (e.g. to replace a stopped server with one holding another host key); default: a free one. */
  port?: number
}

async function sshd(opts: SshdOptions): Promise<SshdService> {
  await ensureNonRootSudoUser()
  // sshd's privilege separation directory; the package creates it only when its own service starts.
  await fsp.mkdir('/run/sshd', { recursive: true, mode: 0o755 })
  const dir = await makeDir('sshd', opts.name)
  try {
    // Readable for everyone so AuthorizedKeysFile works for the non-root user too; keys stay 0600.
    await fsp.chmod(dir, 0o755)
    const hostKey = path.join(dir, 'ssh_host_ed25519_key')
    const privateKeyPath = path.join(dir, 'id_ed25519')
    const passphraseKeyPath = path.join(dir, 'id_ed25519_passphrase')
    const passphrase = randomBytes(9).toString('base64url')
    const keygen = (file: string, pass: string, comment: string) =>
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', pass, '-C', comment, '-f', file])
    await Promise.all([
      keygen(hostKey, '', 'dw-test-host'),
      keygen(privateKeyPath, '', 'dw-test-root'),
      keygen(passphraseKeyPath, passphrase, 'dw-test-root-passphrase'),
    ])
    const authorizedKeys = path.join(dir, 'authorized_keys')
    const pubs = await Promise.all(
      [privateKeyPath, passphraseKeyPath].map((k) => fsp.readFile(`${k}.pub`, 'utf8')),
    )
    await fsp.writeFile(authorizedKeys, pubs.join(''), { mode: 0o644 })
    const hostPublicKey = (await fsp.readFile(`${hostKey}.pub`, 'utf8')).trim()
    const fingerprint = (await run('ssh-keygen', ['-lf', `${hostKey}.pub`])).split(' ')[1] ?? ''
    const configPath = path.join(dir, 'sshd_config')
    const listen = (start: (port: number) => Promise<SshdService>) =>
      opts.port ? start(opts.port) : withFreePort(start)
    return await listen(async (port) => {
      const config = [
        `Port ${port}`,
        `ListenAddress ${HOST}`,
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        // PAM session modules (pam_loginuid) fail in containers; without PAM sshd checks /etc/shadow itself.
        'UsePAM no',
        // Temp dirs live in world-writable /tmp, which StrictModes would reject.
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        `AllowUsers root ${NON_ROOT_USER}`,
        'LogLevel VERBOSE',
        // oscap-ssh copies files with scp, which runs over sftp since OpenSSH 9.
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        ...(opts.extraConfig ?? []),
      ]
      await fsp.writeFile(configPath, `${config.join('\n')}\n`)
      const { logPath, stop } = await launch({
        what: 'sshd',
        dir,
        // sshd re-executes itself per connection and insists on an absolute path for that.
        cmd: '/usr/sbin/sshd',
        args: ['-D', '-e', '-f', configPath],
        stopSignal: 'SIGTERM',
        ready: () => sshBannerSeen(port),
      })
      return {
        host: HOST,
        port,
        user: 'root',
        privateKeyPath,
        passphraseKeyPath,
        passphrase,
        hostPublicKey,
        hostKeyFingerprintSha256: fingerprint,
        nonRootUser: NON_ROOT_USER,
        nonRootPassword: NON_ROOT_PASSWORD,
        configPath,
        pidFile: path.join(dir, 'sshd.pid'),
        dir,
        logPath,
        stop,
      }
    })
  } catch (error) {
    await removeDir(dir)
    throw error
  }
}

/** 'SHA256:' + unpadded base64 of the key blob, the format `ssh-keygen -lf` prints and ssh2 can be fed. */
export function sshFingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/**
 * Writes the Debian 11 SSG datastream with its Debian version check widened to 11 and 12 into dir
 * (SSG 0.1.65 ships no Debian 12 content) and returns its path; see widen-ssg.sh.
 */
export async function widenedDebian11Datastream(dir: string): Promise<string> {
  const out = path.join(dir, 'ssg-debian11-widened-ds.xml')
  await fsp.copyFile(await widenedOnce(), out)
  return out
}

// Widened once per test run (the run's template folder) and copied: the script's check (`oscap info` on 6 MB)
// costs about half a second of CPU, and some thirty files ask for it. The script renames its result into place,
// so a worker racing another sees the whole file or none.
let widened: Promise<string> | undefined
function widenedOnce(): Promise<string> {
  widened ??= (async () => {
    const file = path.join(await templateRoot(), 'ssg-debian11-widened-ds.xml')
    if (!fs.existsSync(file))
      await run('bash', [fileURLToPath(new URL('./widen-ssg.sh', import.meta.url)), file])
    return file
  })()
  widened.catch(() => (widened = undefined))
  return widened
}
