// createCore wires the store, the ports and the rooms, and returns the contract's handlers behind a dispatcher.
// Every face (Electron IPC, the HTTP server, the CLI, tests) talks to Driftwatch only through this.
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { events as eventSchemas, type EventName, type EventPayload } from '../../src-preload/contract'
import { createDispatcher, type Dispatcher, type Handlers } from './dispatch'
import { AppError } from './errors'
import { openDatabase } from './store/db'
import { schemaVersion } from './store/migrations'
import { TargetsRepo } from './store/targets'
import { targetHandlers } from './targets/handlers'
import { vaultHandlers } from './credentials/handlers'
import { contentHandlers } from './content/handlers'
import { ContentRepo } from './store/content'
import { ScansRepo } from './store/scans'
import { scanHandlers } from './scans/handlers'
import { sshRunnerFor } from './scanners/ssh-oscap/ssh-runner'
import { oscapScanner } from './scanners/ssh-oscap/oscap-scanner'
import type { Scanner } from './scanners/scanner'
import { HostKeyStore } from './scanners/ssh-oscap/ssh'
import { Vault, type KeychainPort, type PowerEventsPort } from './vault/vault'
import { Redactor, redactingLogger } from './vault/redact'
import { defaultDataDir } from './paths'
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
import { AuditLog } from './audit/log'
import { auditedHandlers, auditListener } from './audit/hooks'
import { reportHandlers } from './reports/handlers'
import { chromiumPrinter, defaultRendererDir, type PdfPrinter } from './reports/pdf'
import { ReportsRepo } from './store/reports'
import { SigningKeys } from './vault/signing-key'

export interface CoreOptions {
  dataDir?: string
  face: 'desktop' | 'serve' | 'cli'
  clock?: Clock
  notifier?: Notifier
  logger?: Logger
  timers?: Timers
  /** The OS keychain for "remember the vault on this device" (desktop app only). */
  keychain?: KeychainPort
  /** Suspend / screen-lock events that lock the vault (desktop app only). */
  power?: PowerEventsPort
  /** Tests only: cheaper key derivation for new vaults (see Vault). */
  unsafeKdfForTests?: { N: number; r: number; p: number }
  /** better_sqlite3.node for the running runtime when it is not Node's (the Electron shell). */
  sqliteNativeBinding?: string
  /** Prints the report view to PDF (the desktop app passes printToPDF; default: Chromium via playwright-core). */
  pdfPrinter?: PdfPrinter
  /** The built renderer holding report.html (default: beside the built main bundle). */
  rendererDir?: string
}

export interface Core extends Dispatcher {
  handlers: Handlers
  dataDir: string
  vault: Vault
  /** Resolves when no scan is running (tests and the CLI wait on it). */
  idle(): Promise<void>
  /** Subscribe to pushed events; returns the unsubscribe function. */
  subscribe(listener: CoreEventListener): () => void
  close(): void
}

export const DB_FILE = 'driftwatch.db'

export function createCore(opts: CoreOptions): Core {
  const dataDir = opts.dataDir ?? defaultDataDir()
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = openDatabase(join(dataDir, DB_FILE), { nativeBinding: opts.sqliteNativeBinding })
  const redactor = new Redactor()
  // Every log line passes the redactor: no secret the vault handed out, and no secret-shaped text, is written.
  const logger = redactingLogger(opts.logger ?? nullLogger, redactor)
  const listeners = new Set<CoreEventListener>()
  const clock = opts.clock ?? systemClock

  const ctx: CoreContext = {
    db,
    repos: { targets: new TargetsRepo(db) },
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

  const audit = new AuditLog(db, clock, opts.face)
  listeners.add(auditListener(audit))
  const vault = new Vault(db, {
    clock,
    timers: opts.timers ?? systemTimers,
    keychain: opts.keychain,
    power: opts.power,
    redactor,
    unsafeKdfForTests: opts.unsafeKdfForTests,
    onStateChange: (state, reason) => {
      logger.log('info', `vault ${state}`, { reason })
      ctx.emit('vault.changed', { state, reason: reason as EventPayload<'vault.changed'>['reason'] })
    },
  })

  const content = new ContentRepo(db)
  const scans = new ScansRepo(db)
  const interrupted = scans.markInterrupted(clock.now().toISOString())
  if (interrupted) logger.log('warn', `${interrupted} scans were interrupted when Driftwatch last stopped`)
  const hostKeys = new HostKeyStore(db, () => clock.now())
  // The scanners: one per family of target kinds; a new kind is one file and one line here.
  const scanners: Scanner[] = [
    oscapScanner({
      content,
      remoteRunner: async (target, signal, trustFingerprint) => {
        if (target.kind !== 'ssh')
          throw new AppError('unavailable', `Scanning ${target.kind} targets with oscap is not possible`)
        return sshRunnerFor(target, { vault, hostKeys, trustFingerprint, signal })
      },
    }),
  ]
  const scanning = scanHandlers({ ...ctx, scans, scanners })

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'Driftwatch' as const,
      version: pkg.version,
      face: opts.face,
      dataDir,
      platform: process.platform,
      schemaVersion: schemaVersion(db),
    }),
    ...targetHandlers(ctx),
    ...vaultHandlers({ ...ctx, vault }),
    ...contentHandlers({ ...ctx, content }),
    'scan.start': scanning['scan.start'],
    'scan.cancel': scanning['scan.cancel'],
    'scans.list': scanning['scans.list'],
    'scans.latest': scanning['scans.latest'],
    'scan.results': scanning['scan.results'],
    ...reportHandlers({
      ...ctx,
      targets: ctx.repos.targets,
      scans,
      content,
      reports: new ReportsRepo(db),
      version: pkg.version,
      audit,
      signing: new SigningKeys(db, vault, clock),
      printer: opts.pdfPrinter ?? chromiumPrinter(),
      rendererDir: opts.rendererDir ?? defaultRendererDir(),
    }),
  }
  const dispatcher = createDispatcher(auditedHandlers(handlers, audit), logger)

  return {
    async invoke(channel, payload) {
      // Any call from a person's face counts as activity and postpones the vault's idle auto-lock.
      vault.touch()
      return redactor.redactDeep(await dispatcher.invoke(channel, payload))
    },
    handlers,
    dataDir,
    vault,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    idle: () => scanning.idle(),
    close() {
      for (const c of scanning.running.values()) c.abort()
      listeners.clear()
      vault.close()
      if (db.open) db.close()
    },
  }
}
