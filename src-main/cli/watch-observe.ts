// What `driftwatch watch` adds to be observed like a daemon: the /metrics and /healthz endpoint (loopback
// unless told otherwise), the self-monitor (memory ceiling, stalled loop) and its alerts.
import { createServer, type Server } from 'node:http'
import { isIP } from 'node:net'
import type { Core } from '../core/app'
import type { Logger } from '../core/ports'
import { systemClock } from '../core/ports'
import { CONTENT_TYPE } from '../core/telemetry/exposition'
import { health } from '../core/telemetry/health'
import { DEFAULT_STALL_MS, SelfMonitor } from '../core/telemetry/self-monitor'
import { CliError } from './common'

export const observeOptions = {
  metrics: { type: 'string' },
  'metrics-public': { type: 'boolean' },
  'max-rss': { type: 'string' },
  'stall-seconds': { type: 'string' },
} as const

export const observeHelp = `  --metrics HOST:PORT  serve Prometheus metrics on http://HOST:PORT/metrics and a health check on
                    /healthz (200 while the scheduler's heartbeat is fresh, 503 with the reasons when
                    not). HOST must be a loopback address (127.0.0.1, ::1, localhost) unless
                    --metrics-public is given: the endpoint has no authentication
  --metrics-public  allow --metrics on a non-loopback address (put it behind a firewall or proxy)
  --max-rss MB      log and alert (through the alert channels, at most hourly) when the process's
                    resident memory passes MB
  --stall-seconds S log and alert when the event loop is blocked longer than S seconds (default ${DEFAULT_STALL_MS / 1000})`

export interface Listen {
  host: string
  port: number
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

/** HOST:PORT or [IPv6]:PORT; refuses anything but loopback unless `allowPublic`. */
export function parseListen(text: string, allowPublic: boolean): Listen {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text)
  if (!m)
    throw CliError.usage(
      `--metrics takes HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464), not "${text.slice(0, 100)}"`,
    )
  const hostText = m[1]!
  const port = Number(m[2])
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw CliError.usage(`--metrics port must be a whole number from 0 to 65535, not "${m[2]}"`)
  const host = hostText.toLowerCase() === 'localhost' ? '127.0.0.1' : hostText
  if (!isIP(host))
    throw CliError.usage(
      `--metrics needs an IP address, not the host name "${hostText.slice(0, 100)}" (use 127.0.0.1 or ::1)`,
    )
  const loopback = LOOPBACK_V4.test(host) || host === '::1' || host === '::ffff:127.0.0.1'
  if (!loopback && !allowPublic)
    throw CliError.usage(
      `--metrics ${text} would answer beyond this computer, and the endpoint has no authentication: ` +
        `use 127.0.0.1 or ::1 (scrape through a proxy), or add --metrics-public to mean it`,
    )
  return { host, port }
}

function number(values: Record<string, unknown>, flag: string, min: number, max: number): number | undefined {
  const v = values[flag]
  if (v === undefined) return undefined
  const n = Number(v)
  if (typeof v !== 'string' || !Number.isFinite(n) || n < min || n > max)
    throw CliError.usage(`--${flag} must be a number from ${min} to ${max}, not "${String(v)}"`)
  return n
}

export interface Observer {
  /** The metrics address actually bound (port 0 picks one), or null without --metrics. */
  url: string | null
  close(): Promise<void>
}

/** Checks the flags before anything starts, so a wrong one stops the command at once. */
export function checkObserveFlags(values: Record<string, unknown>) {
  const listen =
    typeof values.metrics === 'string' ? parseListen(values.metrics, Boolean(values['metrics-public'])) : null
  if (values['metrics-public'] && !listen)
    throw CliError.usage('--metrics-public goes with --metrics HOST:PORT')
  const maxRssMb = number(values, 'max-rss', 16, 1024 * 1024) ?? 0
  const stallSeconds = number(values, 'stall-seconds', 0.1, 3600) ?? DEFAULT_STALL_MS / 1000
  return { listen, maxRssMb, stallSeconds }
}

export async function startObserver(
  core: Core,
  flags: ReturnType<typeof checkObserveFlags>,
  log: Logger,
): Promise<Observer> {
  const monitor = new SelfMonitor({
    clock: systemClock,
    logger: log,
    metrics: core.metrics,
    maxRssBytes: flags.maxRssMb * 1024 * 1024,
    stallMs: flags.stallSeconds * 1000,
    send: (title, text) => core.watch.alertSystem(title, text),
  })
  monitor.start()
  let server: Server | null = null
  let url: string | null = null
  if (flags.listen) {
    const healthNow = () =>
      health({
        clock: systemClock,
        scheduler: core.watch.scheduler,
        vaultWaiting: () =>
          core.vault.state() === 'unlocked'
            ? 0
            : core.watch.status().runs.filter((r) => r.status === 'vault_locked').length,
      })
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
        res.end('method not allowed\n')
        return
      }
      try {
        if (path === '/metrics') {
          const body = core.metrics.render()
          res.writeHead(200, { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' })
          res.end(req.method === 'HEAD' ? undefined : body)
        } else if (path === '/healthz') {
          const h = healthNow()
          res.writeHead(h.ok ? 200 : 503, {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
          })
          res.end(
            req.method === 'HEAD'
              ? undefined
              : JSON.stringify({ status: h.ok ? 'ok' : 'unhealthy', ...h }) + '\n',
          )
        } else {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
          res.end('not found: try /metrics or /healthz\n')
        }
      } catch (err) {
        log.log('error', 'metrics request failed', { path, error: String(err) })
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        res.end('could not read the figures; see the log\n')
      }
    })
    server.requestTimeout = 10_000
    server.headersTimeout = 5_000
    const s = server
    const { host, port } = flags.listen
    await new Promise<void>((resolve, reject) => {
      s.once('error', (err: NodeJS.ErrnoException) => {
        monitor.stop()
        const message =
          err.code === 'EADDRINUSE'
            ? `--metrics ${host}:${port}: the port is already in use`
            : err.code === 'EADDRNOTAVAIL'
              ? `--metrics ${host}:${port}: no network interface of this computer has that address`
              : `--metrics ${host}:${port}: ${err.message}`
        reject(new CliError(message, { code: 'unavailable', message, issues: [] }))
      })
      s.listen(port, host, () => resolve())
    })
    const addr = s.address()
    const bound = typeof addr === 'object' && addr ? addr.port : port
    url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`
    log.log('info', 'metrics listening', { metrics: `${url}/metrics`, health: `${url}/healthz` })
  }
  return {
    url,
    async close() {
      monitor.stop()
      await monitor.idle()
      if (server) {
        server.closeAllConnections()
        await new Promise<void>((r) => server!.close(() => r()))
      }
    },
  }
}
