// createCore wires the store, the ports and the rooms, and returns the contract's handlers behind a dispatcher.
// Every face (Electron IPC, the HTTP server, the CLI, tests) talks to Driftwatch only through this.
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { hostname, userInfo } from 'node:os'
import {
  events as eventSchemas,
  type Envelope,
  type EventName,
  type EventPayload,
  type Res,
} from '../../src-preload/contract'
import { createDispatcher, kindHooks, type Dispatcher, type Handlers } from './dispatch'
import { notFound } from './errors'
import { openStore, storeVersion } from './store/open'
import { TargetsRepo } from './store/targets'
import { KnownHostsRepo } from './store/known-hosts'
import { targetHandlers } from './targets/handlers'
import { vaultHandlers } from './credentials/handlers'
import { contentHandlers } from './content/handlers'
import { ContentRepo } from './store/content'
import { ScansRepo } from './store/scans'
import { scanHandlers } from './scans/handlers'
import { createPolicy } from './policy/policy'
import { TargetPacksRepo } from './store/target-packs'
import { commitHooks, createWatch, type Watch } from './watch/watch'
import { WatchRepo } from './store/watch'
import { AlertsRepo } from './store/alerts'
import { DriftRepo } from './store/drift'
import type { Scanner } from './scanners/scanner'
import { HostKeyStore } from './scanners/ssh-oscap/host-key-store'
import { hostHandlers } from './hosts/handlers'
import { BUILT_IN_KINDS, Kinds } from './scanners/registry'
import { atomically } from './store/atomic'
import type { AnyKind, KindEnv } from './scanners/kind'
import { RulePacks } from './rules/registry'
import { RulePacksRepo } from './store/rule-packs'
import { ruleHandlers } from './rules/handlers'
import { GithubRepoStateRepo, HttpCacheRepo } from './store/github'
import { Vault, type KeychainPort, type PowerEventsPort } from './vault/vault'
import { Redactor, redactingLogger } from './vault/redact'
import { defaultDataDir, ensurePrivateDataDir } from './paths'
import {
  nullLogger,
  silentNotifier,
  systemClock,
  systemTimers,
  type Clock,
  type Timers,
  type CoreEventListener,
  type Logger,
  type Notifier,
} from './ports'
import type { CoreContext } from './context'
import pkg from '../../package.json'
import { AuditLog, describeWho } from './audit/log'
import { auditedHandlers, auditListener } from './audit/hooks'
import { reportHandlers } from './reports/handlers'
import { ControlsService } from './controls/service'
import { controlHandlers } from './controls/handlers'
import { ControlsRepo } from './store/controls'
import { chromiumPrinter, defaultRendererDir, type PdfPrinter } from './reports/pdf'
import { ReportsRepo } from './store/reports'
import { SigningKeys } from './vault/signing-key'
import { DOWNLOAD_LIMITS, FileStaging, UPLOAD_LIMITS } from './files/staging'
import { JudgementRepo } from './store/judgement'
import { ExpiryWatch } from './judgement/expiry'
import { judgementHandlers } from './judgement/handlers'
import { ReportExports } from './watch/report-exports'
import { ReportSchedulesRepo } from './store/report-schedules'
import { WatchMetrics } from './telemetry/watch-metrics'
import { readKpis } from './watch/kpis'
import { TelemetryRepo } from './store/telemetry'
import { SharedWatchRepo } from './store/shared-watch'

export interface CoreOptions {
  dataDir?: string
  /**
   * The store: a SQLite file or a postgres:// URL (a team's shared store). Default: driftwatch.db in the data
   * folder. The data folder still keeps what is this computer's own (uploads, staged downloads, logs).
   */
  store?: string
  face: 'desktop' | 'serve' | 'cli'
  clock?: Clock
  notifier?: Notifier
  logger?: Logger
  timers?: Timers
  /** The OS keychain for "remember the vault on this device" (desktop app only). */
  keychain?: KeychainPort
  /** Suspend / screen-lock events that lock the vault (desktop app only). */
  power?: PowerEventsPort
  /** The vault member an unlock that names none is for (the CLI's --member); see VaultOptions.defaultMember. */
  vaultMember?: string
  /** Tests only: cheaper key derivation for new vaults (see Vault). */
  unsafeKdfForTests?: { N: number; r: number; p: number }
  /** better_sqlite3.node for the running runtime when it is not Node's (the Electron shell). */
  sqliteNativeBinding?: string
  /** Scanners tried before the built-in ones (tests use a tiny scripted scanner). */
  scanners?: Scanner[]
  /** Target kinds beside the built-in ones (scanners/registry.ts); tests add one defined in the test. */
  kinds?: AnyKind[]
  /** [0, 1) for the watch's jitter and backoff (tests pass a fixed one). */
  random?: () => number
  /** Prints the report view to PDF (the desktop app passes printToPDF; default: Chromium via playwright-core). */
  pdfPrinter?: PdfPrinter
  /** The built renderer holding report.html (default: beside the built main bundle). */
  rendererDir?: string
  /** Network limits for scans (default: the scanners' own); the fault tests shorten them. */
  network?: NetworkTimeouts
  /**
   * Many watchers share the store's schedules, each claiming due runs (watch/scheduler.ts). Default: on a
   * PostgreSQL store; tests turn it on over SQLite too.
   */
  sharedWatch?: boolean
}

export interface NetworkTimeouts {
  /** Connect and login, SSH and SQL. */
  connectMs?: number
  /** SSH keepalive interval; a peer silent for 4 intervals is dropped. */
  keepaliveMs?: number
  /** SQL: the client's wait for an answer beyond the statement timeout. */
  queryMs?: number
  /** SQL: the statement timeout of a rule's query. */
  statementMs?: number
}

export interface Core extends Dispatcher {
  handlers: Handlers
  dataDir: string
  vault: Vault
  /** Exports waiting for their face to deliver them, by the id reports.export returned. */
  downloads: FileStaging
  /** Files a face read or received for a channel to import, by id. */
  uploads: FileStaging
  /** The background watch; started by the faces that keep running (desktop, `driftwatch watch`). */
  watch: Watch
  /** Scheduled report exports (the CLI sets their folder, which no API caller can). */
  reportExports: ReportExports
  /** The watch's counters and gauges for `driftwatch watch --metrics`. */
  metrics: WatchMetrics
  /** Resolves when no scan is running (tests and the CLI wait on it). */
  idle(): Promise<void>
  /** Subscribe to pushed events; returns the unsubscribe function. */
  subscribe(listener: CoreEventListener): () => void
  /**
   * Stops the watch, cancels running scans and locks the vault at once; the store closes once the work still
   * holding it (an alert delivery in flight, a cancelled scan writing its end) has finished. Resolves then.
   */
  close(): Promise<void>
  /** The target kinds of this core (a driftwatch.yml's targets are checked against their schemas). */
  kinds: Kinds
  /** Runs handler calls as one transaction: all their writes commit together or none do (config apply). */
  atomically<T>(fn: () => Promise<T>): Promise<T>
}

export const DB_FILE = 'driftwatch.db'
/** How long a closing core waits for aborted work to write its end before it closes the store anyway. */
const CLOSE_WAIT_MS = 10_000

/** This computer's user and host, for the audit log (a container without a passwd entry has only a uid). */
function currentOsUser(): { user: string; host: string } {
  let user: string
  try {
    user = userInfo().username
  } catch {
    user = process.env.USER ?? `uid ${process.getuid?.() ?? '?'}`
  }
  return { user, host: hostname() }
}

export function createCore(opts: CoreOptions): Core {
  const dataDir = opts.dataDir ?? defaultDataDir()
  ensurePrivateDataDir(dataDir)
  const sql = openStore(opts.store ?? join(dataDir, DB_FILE), {
    nativeBinding: opts.sqliteNativeBinding,
    applicationName: `driftwatch ${opts.face}`,
  })
  const redactor = new Redactor()
  // Every log line passes the redactor: no secret the vault handed out, and no secret-shaped text, is written.
  const logger = redactingLogger(opts.logger ?? nullLogger, redactor)
  const listeners = new Set<CoreEventListener>()
  const clock = opts.clock ?? systemClock

  const kinds = new Kinds([...BUILT_IN_KINDS, ...(opts.kinds ?? [])])
  const ctx: CoreContext = {
    sql,
    repos: { targets: new TargetsRepo(sql, (t) => kinds.address(t)) },
    kinds,
    clock,
    notifier: opts.notifier ?? silentNotifier,
    logger,
    dataDir,
    emit<E extends EventName>(name: E, payload: EventPayload<E>) {
      const checked = eventSchemas[name].parse(payload) as EventPayload<E>
      for (const l of listeners) {
        try {
          l(name, checked)
        } catch (err) {
          logger.log('warn', 'event listener failed', { event: name, error: String(err) })
        }
      }
    },
  }

  // Who makes each audit entry: the member who unlocked the vault here, this computer's user, and the watch
  // worker while this process watches. Read at each entry (an unlock, a lock or a watch start changes it).
  const osUser = currentOsUser()
  let watching = false
  const audit = new AuditLog(sql, clock, opts.face, () => ({
    member: vault.member() ?? undefined,
    ...osUser,
    worker: watching ? watch.scheduler.owner : undefined,
  }))
  listeners.add(auditListener(audit))
  const vault: Vault = new Vault(sql, {
    clock,
    timers: opts.timers ?? systemTimers,
    keychain: opts.keychain,
    power: opts.power,
    redactor,
    unsafeKdfForTests: opts.unsafeKdfForTests,
    face: opts.face,
    defaultMember: opts.vaultMember,
    describeActor: () => describeWho(audit.actorNow()),
    bindingAddress: (t) => kinds.bindingAddress(t),
    // Who tried, as whom, and when (the audit entry's who and time), never what was typed.
    onPassphrase: (e) => {
      const details =
        e.type === 'wrong'
          ? {
              attempt: e.attempt,
              member: e.member,
              failures: e.failures,
              waitSeconds: Math.ceil(e.delayMs / 1000),
            }
          : { attempt: e.attempt, member: e.member, waitSeconds: Math.ceil(e.waitMs / 1000) }
      // Each wrong passphrase is audited; the log hears when the backoff starts or turns an attempt away
      // (a single typo is not worth a warning on the terminal).
      if (e.type === 'wrong') audit.append({ action: 'vault.wrong-passphrase', subject: 'vault', details })
      if (e.type === 'wrong' && e.delayMs > 0) {
        audit.append({ action: 'vault.backoff', subject: 'vault', details })
        logger.log('warn', 'wrong vault passphrases: further attempts wait', details)
      }
      if (e.type === 'refused') logger.log('warn', 'vault passphrase attempt refused: backing off', details)
    },
    onMembers: (e) =>
      audit.append({
        action: e.type === 'added' ? 'vault.member-added' : 'vault.member-removed',
        subject: 'vault',
        details: { member: e.name, kind: e.kind },
      }),
    onStateChange: (state, reason) => {
      logger.log('info', `vault ${state}`, { reason })
      ctx.emit('vault.changed', { state, reason: reason as EventPayload<'vault.changed'>['reason'] })
    },
  })

  // `driftwatch vault lock` from another process: the key is forgotten within a second even when no secret is
  // asked for (every use of a secret checks as well). unref: this must not keep a CLI process alive.
  const lockWatch = setInterval(() => vault.checkRemoteLock(), 1000)
  lockWatch.unref()

  const content = new ContentRepo(sql)
  const watchStores = { watch: new WatchRepo(sql), alerts: new AlertsRepo(sql), drift: new DriftRepo(sql) }
  const controlsRepo = new ControlsRepo(sql)
  // This process on the store: the scans it runs name it, and with many watchers it is the watcher's id.
  const processId = randomUUID()
  const sharedWatch = opts.sharedWatch ?? sql.dialect === 'postgresql'
  const claims = sharedWatch ? new SharedWatchRepo(sql) : undefined
  const scans = new ScansRepo(sql, {
    ...commitHooks(watchStores, claims),
    onCommitted: (scan) => controlsRepo.recount(scan.targetId),
  })
  // One store per computer: a scan still running was left by a process that stopped. A shared store has other
  // processes' scans running: those are marked by the watchers, once their process is seen to be gone.
  const interrupted = sharedWatch ? 0 : scans.markInterrupted(clock.now().toISOString())
  if (interrupted) logger.log('warn', `${interrupted} scans were interrupted when Driftwatch last stopped`)
  const hostKeys = new HostKeyStore(new KnownHostsRepo(sql), () => clock.now())
  const packs = new RulePacks(new RulePacksRepo(sql))
  const env: KindEnv = {
    ...ctx,
    vault,
    packs,
    content,
    hostKeys,
    httpCache: new HttpCacheRepo(sql, () => clock.now()),
    githubState: new GithubRepoStateRepo(sql),
    network: opts.network ?? {},
  }
  // Each kind builds its scanner once; scripted test scanners are tried first.
  const scanners: Scanner[] = [
    ...(opts.scanners ?? []),
    ...kinds.list.map((k) => ({ kinds: [k.kind], ...k.scanner(env) })),
  ]
  const policy = createPolicy({ ...ctx, content, packs, targetPacks: new TargetPacksRepo(sql) })
  const scanning = scanHandlers({
    ...ctx,
    scans,
    scanners,
    content,
    packs,
    policy,
    face: opts.face,
    runner: processId,
  })
  const judgement = new JudgementRepo(sql)
  const expiry = new ExpiryWatch({
    ...ctx,
    judgement,
    alerts: watchStores.alerts,
    targets: ctx.repos.targets,
    timers: opts.timers ?? systemTimers,
    onDrift: (targetId, scanId, events) => {
      const types: Record<string, number> = {}
      for (const e of events) types[e.type] = (types[e.type] ?? 0) + 1
      ctx.emit('drift.detected', { scanId, targetId, eventIds: events.map((e) => e.id), types })
    },
  })
  const now = () => clock.now().getTime()
  const downloads = new FileStaging(DOWNLOAD_LIMITS, now)
  const reportExports = new ReportExports({
    repo: new ReportSchedulesRepo(sql),
    clock,
    timers: opts.timers ?? systemTimers,
    logger,
    dataDir,
    downloads,
    invoke: async (c, r) => (await dispatcher.invoke(c, r)) as Envelope<Res<'reports.export'>>,
    mayRun: () => watch.scheduler.isLeader(),
  })
  const watch: Watch = createWatch({
    companions: [expiry, reportExports],
    ...ctx,
    ...watchStores,
    scans,
    vault,
    timers: opts.timers ?? systemTimers,
    scanning,
    policy,
    random: opts.random,
    owner: processId,
    claims,
    face: opts.face,
    redact: (t) => redactor.redact(t),
    listen: (l) => (listeners.add(l as CoreEventListener), () => listeners.delete(l as CoreEventListener)),
  })

  const metrics = new WatchMetrics({
    store: new TelemetryRepo(sql),
    targets: ctx.repos.targets,
    scans,
    clock,
    listen: (l) => (listeners.add(l as CoreEventListener), () => listeners.delete(l as CoreEventListener)),
    kpis: () => readKpis(watchStores.drift),
  })
  metrics.scheduler = watch.scheduler

  const uploads = new FileStaging(UPLOAD_LIMITS, now)
  const vaultRoom = vaultHandlers({ ...ctx, vault })
  const hostDeps = { ...ctx, vault, hostKeys }
  const controls = new ControlsService({
    controls: controlsRepo,
    content,
    packs,
    targets: ctx.repos.targets,
    judgement,
    now: () => clock.now().toISOString(),
  })
  const handlers: Handlers = {
    'app.info': () => ({
      name: 'Driftwatch' as const,
      version: pkg.version,
      face: opts.face,
      dataDir,
      platform: process.platform,
      schemaVersion: storeVersion(sql),
    }),
    ...targetHandlers(ctx),
    ...vaultRoom,
    ...contentHandlers({ ...ctx, content, uploads }),
    ...hostHandlers(hostDeps),
    'targets.testConnection': async (req) => {
      const t = ctx.repos.targets.get(req.id)
      if (!t) throw notFound('Target')
      const kind = kinds.get(t.kind)
      if (!kind?.test)
        return {
          status: 'unsupported' as const,
          message: `${kind?.label ?? t.kind} targets have no connection to test`,
          steps: [],
        }
      return kind.test(t, env)
    },
    ...ruleHandlers({ ...ctx, packs }),
    'scan.start': scanning['scan.start'],
    'scan.startGroup': scanning['scan.startGroup'],
    'scan.cancel': scanning['scan.cancel'],
    'scan.cancelGroup': scanning['scan.cancelGroup'],
    'scans.list': scanning['scans.list'],
    'scans.latest': scanning['scans.latest'],
    'scan.results': scanning['scan.results'],
    'scan.remediation': scanning['scan.remediation'],
    ...policy.handlers,
    ...watch.handlers,
    ...judgementHandlers({ ...ctx, judgement, scans, packs, audit, uploads }),
    ...controlHandlers(controls),
    ...reportExports.handlers,
    ...reportHandlers({
      ...ctx,
      targets: ctx.repos.targets,
      scans,
      content,
      packs,
      reports: new ReportsRepo(sql),
      version: pkg.version,
      audit,
      signing: new SigningKeys(sql, vault, clock),
      printer: opts.pdfPrinter ?? chromiumPrinter(),
      rendererDir: opts.rendererDir ?? defaultRendererDir(),
      uploads,
      downloads,
      judgement,
    }),
  }
  const dispatcher = createDispatcher(auditedHandlers(handlers, audit), logger, kindHooks(kinds))
  let closed: Promise<void> | undefined

  return {
    async invoke(channel, payload) {
      // Any call from a person's face counts as activity and postpones the vault's idle auto-lock.
      vault.touch()
      return redactor.redactDeep(await dispatcher.invoke(channel, payload))
    },
    handlers,
    dataDir,
    vault,
    downloads,
    uploads,
    watch: {
      ...watch,
      start(filter) {
        watching = true
        watch.start(filter)
      },
      stop() {
        watching = false
        watch.stop()
      },
    },
    reportExports,
    metrics,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    idle: () => scanning.idle(),
    kinds,
    atomically: (fn) => atomically(sql, fn),
    close() {
      if (closed) return closed
      watch.stop()
      clearInterval(lockWatch)
      for (const c of scanning.running.values()) c.abort()
      listeners.clear()
      vault.close()
      // What was still running writes its end before the store goes; a write after it would be lost (and on
      // PostgreSQL it rejects with nobody to hear it). Work that does not end once aborted does not keep the
      // store open for ever; nor does a store already gone make the close fail.
      let giveUp: NodeJS.Timeout | undefined
      const gaveUp = new Promise<void>((resolve) => {
        giveUp = setTimeout(resolve, CLOSE_WAIT_MS)
        giveUp.unref()
      })
      closed = Promise.race([Promise.allSettled([watch.dispatcher.idle(), scanning.idle()]), gaveUp])
        .then(() => sql.close())
        .catch((err: unknown) => logger.log('warn', 'closing the store failed', { error: String(err) }))
        .finally(() => clearTimeout(giveUp))
      return closed
    },
  }
}
