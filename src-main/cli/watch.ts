// `driftwatch watch`: the desktop app's background watch as a daemon (or one pass with --once), with JSON logs
// on stderr, an optional PID file, and a graceful SIGTERM: no new scans, running ones finish within the grace
// period or are cancelled and recorded as cancelled, queued alerts are sent, then the process exits.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import type { EventPayload } from '../../src-preload/contract'
import { jsonLogger } from '../core/ports'
import type { Core } from '../core/app'
import { CliError, EXIT, type Command } from './common'
import { envVaultPassphrase, PASSPHRASE_ENV } from './prompt'
import { ConfigError } from '../core/config/source'
import { formatPlan } from '../core/config/plan'
import { applyFile, configCliError } from './config'
import { checkObserveFlags, observeHelp, observeOptions, startObserver } from './watch-observe'
import { watchPassphraseFile } from './watch-vault'
import { readUserFile } from '../core/files/read-user-file'

const DEFAULT_GRACE_S = 30

export const watchCommand: Command = {
  name: 'watch',
  usage: 'watch [--config FILE] [--once] [--pid-file FILE]',
  summary: 'run the scheduled scans, record drift and send alerts',
  help: `Usage: driftwatch watch [--config FILE] [--once] [--pid-file FILE] [--grace SECONDS] [--metrics HOST:PORT]
                       [--only KIND]... [--tag TAG]...

Runs the watch: every schedule's scans at their times, drift recorded as each scan is stored, alerts sent
to the configured channels, weekly/monthly report exports written. Schedules and channels are set up with
"driftwatch schedules" and "driftwatch alerts channels" (or on the Watch page). Logs are JSON lines on
stderr. On a SQLite store only one process watches at a time (the desktop app counts). On a PostgreSQL
store (--store postgres://…) any number of watch processes, on any computers, share the schedules: each
claims due runs one at a time, and a run whose watcher died is taken over by another.

  --config FILE     apply this driftwatch.yml first (as "driftwatch apply -f FILE"), and again on
                    SIGHUP; a file with any problem is refused whole (at start: exit 1; on SIGHUP:
                    logged, and the watch keeps the setup it has)
  --once            run what is due now, wait for it and its alerts, then exit
  --pid-file FILE   write the process id to FILE (refused while another live process holds it)
  --grace SECONDS   on SIGTERM/SIGINT, how long running scans may finish before they are cancelled
                    (default ${DEFAULT_GRACE_S})
  --passphrase-file FILE  unlock the vault with the passphrase in FILE (a systemd credential, a
                    container secret), read at start and again whenever it changes while locked
  --key-file FILE   unlock the vault with this worker's member key file (with --member NAME when the
                    vault has several members), read once at start
  --only KIND       scan only targets of this kind (repeatable; e.g. ssh, postgres); for a watcher
                    that sits next to the hosts it reaches on a shared PostgreSQL store
  --tag TAG         scan only targets with this tag (the target tags set with "targets add --tag",
                    compared without case; repeatable: a target with any of them); same use
${observeHelp}

Credentials come from the vault: set $${PASSPHRASE_ENV} (or --passphrase-file) to unlock it; without
it, targets that need a credential wait ("vault locked") and the rest are scanned.
Exit codes: 0 stopped cleanly · 1 error · 64 wrong usage`,
  options: {
    once: { type: 'boolean' },
    'pid-file': { type: 'string' },
    grace: { type: 'string' },
    config: { type: 'string' },
    'passphrase-file': { type: 'string' },
    'key-file': { type: 'string' },
    only: { type: 'string', multiple: true },
    tag: { type: 'string', multiple: true },
    ...observeOptions,
  },
  async run({ core, values, out }) {
    const log = jsonLogger((line) => out.stderr(line))
    const grace = values.grace === undefined ? DEFAULT_GRACE_S : Number(values.grace)
    if (!Number.isFinite(grace) || grace < 0 || grace > 3600)
      throw CliError.usage(
        `--grace must be a number of seconds from 0 to 3600, not "${String(values.grace)}"`,
      )
    const observe = checkObserveFlags(values)
    const filter = watchFilter(core, values)
    const passFile = typeof values['passphrase-file'] === 'string' ? values['passphrase-file'] : undefined
    const pidFile = typeof values['pid-file'] === 'string' ? values['pid-file'] : undefined
    if (pidFile) writePidFile(pidFile)

    const passphrase = envVaultPassphrase()
    if (passphrase && core.vault.state() === 'locked') {
      try {
        await core.vault.unlock(passphrase)
      } catch (err) {
        if (pidFile) rmSync(pidFile, { force: true })
        const message = `could not unlock the vault: ${(err as Error).message}`
        throw new CliError(message, { code: 'unauthorized', message, issues: [] })
      }
    }
    const keyFile = typeof values['key-file'] === 'string' ? values['key-file'] : undefined
    if (keyFile && !passphrase && core.vault.state() === 'locked') {
      const bytes = (
        await readUserFile(keyFile, { maxBytes: 64 * 1024 }).catch((err: Error) => {
          if (pidFile) rmSync(pidFile, { force: true })
          throw CliError.usage(err.message)
        })
      ).bytes
      try {
        await core.vault.unlock({ keyFile: bytes })
      } catch (err) {
        if (pidFile) rmSync(pidFile, { force: true })
        const message = `could not unlock the vault with the key file: ${(err as Error).message}`
        throw new CliError(message, { code: 'unauthorized', message, issues: [] })
      } finally {
        bytes.fill(0)
      }
    }
    const fromFile = passFile && !passphrase && !keyFile ? watchPassphraseFile(core, passFile, log) : null
    if (fromFile) await fromFile.first()
    else if (core.vault.state() === 'locked')
      log.log('warn', `vault locked; set ${PASSPHRASE_ENV} to scan targets that need credentials`)
    let observer: Awaited<ReturnType<typeof startObserver>>
    try {
      observer = await startObserver(core, observe, log)
    } catch (err) {
      fromFile?.stop()
      if (pidFile) rmSync(pidFile, { force: true })
      throw err
    }

    const configFile = typeof values.config === 'string' ? values.config : undefined
    if (configFile) {
      try {
        const plan = await applyFile(core, configFile)
        log.log('info', 'config applied', {
          file: configFile,
          changes: plan.steps.length,
          plan: formatPlan(plan),
        })
      } catch (err) {
        if (pidFile) rmSync(pidFile, { force: true })
        if (err instanceof ConfigError) throw configCliError(err)
        throw err
      }
    }

    const off = core.subscribe((name, payload) => {
      if (name === 'scan.finished') {
        const p = payload as EventPayload<'scan.finished'>
        log.log(p.state === 'done' ? 'info' : 'warn', 'scan finished', { ...p })
      } else if (name === 'drift.detected') log.log('info', 'drift detected', { ...(payload as object) })
      else if (name === 'scan.leftover')
        log.log('warn', 'scan left files on the host', { ...(payload as object) })
    })

    const status = core.watch.status()
    // On a shared store the others are not in the way: each watcher claims its share of the due runs.
    if (status.elsewhere && core.watch.scheduler.isShared())
      log.log(
        'info',
        `other watchers share this store (${status.elsewhere}); due runs are split between them`,
      )
    else if (status.elsewhere)
      log.log('warn', `another process is watching this data folder (${status.elsewhere}); waiting`)
    core.watch.start(filter)
    log.log('info', 'watch started', {
      pid: process.pid,
      schedules: status.schedules.length,
      once: Boolean(values.once),
      shared: core.watch.scheduler.isShared(),
      ...(filter.onlyKinds.length > 0 && { only: filter.onlyKinds }),
      ...(filter.tags.length > 0 && { tags: filter.tags }),
    })

    if (values.once) {
      try {
        await runOnce(core)
      } finally {
        fromFile?.stop()
        await observer.close()
        off()
        if (pidFile) rmSync(pidFile, { force: true })
      }
      log.log('info', 'watch pass finished')
      return EXIT.ok
    }

    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      log.log('info', 'stopping', { signal, running: core.watch.scheduler.running.size, graceSeconds: grace })
      void shutdown(core, grace * 1000, log).finally(async () => {
        fromFile?.stop()
        await observer.close()
        off()
        if (pidFile) rmSync(pidFile, { force: true })
        log.log('info', 'watch stopped')
        await core.close()
        process.exit(EXIT.ok)
      })
    }
    if (configFile) process.on('SIGHUP', () => void reload(core, configFile, log))
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.once('SIGINT', () => stop('SIGINT'))
    // The scheduler's timers are unref'd (they must not keep a short CLI command alive); this keeps the daemon up.
    setInterval(() => undefined, 1 << 30)
    return EXIT.keepAlive
  },
}

/** --only and --tag, checked: kinds against the registry, tags as non-empty names. */
function watchFilter(core: Core, values: Record<string, unknown>): { onlyKinds: string[]; tags: string[] } {
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [])
  const onlyKinds = list(values.only).map((k) => k.trim())
  for (const kind of onlyKinds)
    if (!core.kinds.get(kind))
      throw CliError.usage(
        `--only ${JSON.stringify(kind.slice(0, 60))} is not a target kind: expected one of ${core.kinds.names().join(', ')}`,
      )
  const tags = list(values.tag).map((t) => t.trim())
  if (tags.some((t) => t === '')) throw CliError.usage('--tag needs a target tag')
  return { onlyKinds: [...new Set(onlyKinds)], tags: [...new Set(tags)] }
}

let reloading: Promise<void> = Promise.resolve()

/** SIGHUP: the file applied again (one reload at a time); a refused file leaves the running setup as it is. */
function reload(core: Core, file: string, log: ReturnType<typeof jsonLogger>): Promise<void> {
  reloading = reloading.then(async () => {
    log.log('info', 'config reloading', { file })
    try {
      const plan = await applyFile(core, file)
      core.watch.scheduler.tick()
      log.log('info', 'config reloaded', { file, changes: plan.steps.length, plan: formatPlan(plan) })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      log.log('error', 'config not reloaded: the watch keeps its current setup', { file, error: message })
    }
  })
  return reloading
}

/** Stops scheduling, lets running scans finish for up to `graceMs`, cancels the rest, flushes alerts. */
async function shutdown(core: Core, graceMs: number, log: ReturnType<typeof jsonLogger>) {
  core.watch.scheduler.stop()
  const finished = core.idle().then(() => true)
  const timedOut = new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())
  if (!(await Promise.race([finished, timedOut]))) {
    const ids = [...core.watch.scheduler.running.keys()]
    log.log('warn', 'cancelling scans still running after the grace period', { scans: ids })
    for (const scanId of ids) await core.invoke('scan.cancel', { scanId })
    await core.idle()
  }
  await core.reportExports.idle()
  core.watch.dispatcher.kick()
  await core.watch.dispatcher.idle()
}

async function runOnce(core: Core) {
  // Scans started as others end are waited for too; then whatever alerts they queued.
  for (;;) {
    await core.idle()
    await core.reportExports.idle()
    await core.watch.dispatcher.idle()
    const now = new Date().toISOString()
    const st = core.watch.status()
    const due = st.runs.some((r) => r.status === 'waiting' && r.nextRunAt <= now)
    if (!st.active || st.paused || (!due && core.watch.scheduler.running.size === 0)) break
    await new Promise((r) => setTimeout(r, 100))
  }
  core.watch.scheduler.stop()
}

function writePidFile(file: string) {
  try {
    const held = Number(readFileSync(file, 'utf8').trim())
    if (Number.isInteger(held) && held > 0 && held !== process.pid) {
      try {
        process.kill(held, 0)
        throw CliError.usage(`another driftwatch watch is running (pid ${held}, ${file})`)
      } catch (err) {
        if (err instanceof CliError) throw err
        // ESRCH: a stale file from a process that died; it is replaced.
      }
    }
  } catch (err) {
    if (err instanceof CliError) throw err
  }
  const fd = openSync(file, 'w', 0o644)
  try {
    writeSync(fd, `${process.pid}\n`)
  } finally {
    closeSync(fd)
  }
}
