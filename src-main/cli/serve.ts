// `driftwatch serve`: the desktop UI in a browser, on 127.0.0.1 only, until Ctrl+C.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jsonLogger } from '../core/ports'
import { childEnv } from '../core/child-env'
import { startServer } from '../server/http'
import { CliError, EXIT, type Command } from './common'

export const serveCommand: Command = {
  name: 'serve',
  usage: 'serve [--port N] [--open] [--watch]',
  summary: 'open the Driftwatch UI in a browser on 127.0.0.1',
  help: `Usage: driftwatch serve [--port N] [--open] [--watch]

Serves the Driftwatch UI and its API on http://127.0.0.1 only. The address printed here carries the
session's access token after "#": keep it to yourself; anyone without it is refused, and the server answers
only to 127.0.0.1 / localhost (no other host names, no cross-origin calls). Stop it with Ctrl+C.

--open starts the browser with a different address: a one-time code, not the token, because a program's
command line is visible to every user of this computer. The page trades the code for the token once,
within 30 seconds. Should the code be presented twice (someone else read it and was faster), the token is
replaced and the new address printed here.

  --port N   port to listen on (default: a free port)
  --open     open the address in the default browser
  --watch    also run the background watch (scheduled scans and alerts), as the desktop app does`,
  options: { port: { type: 'string' }, open: { type: 'boolean' }, watch: { type: 'boolean' } },
  async run({ core, values, out }) {
    const port = values.port === undefined ? 0 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw CliError.usage(`--port must be a whole number from 1 to 65535, not "${String(values.port)}"`)
    // The UI is built beside out/main; this module is one of the built CLI's chunks (out/main/chunks/).
    const rendererDir = ['../../renderer', '../renderer']
      .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
      .find((dir) => existsSync(join(dir, 'index.html')))
    if (!rendererDir)
      throw new CliError('the UI is not built; run "npm run build" first', {
        code: 'unavailable',
        message: 'UI not built',
        issues: [],
      })
    const logger = jsonLogger((line) => out.stderr(line))
    let server
    try {
      server = await startServer({
        core,
        rendererDir,
        port,
        logger,
        onTokenReplaced: (url) =>
          out.stdout(
            `A one-time code was used twice: someone else on this computer may have taken it. The access token\n` +
              `was replaced and the old one no longer works. Open the new address: ${url}\n`,
          ),
      })
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      const message =
        e.code === 'EADDRINUSE' ? `port ${port} is already in use; pick another with --port` : e.message
      throw new CliError(message, { code: 'unavailable', message, issues: [] })
    }
    out.stdout(`Driftwatch is serving on ${server.url}\n`)
    out.stdout('Open that address (it carries the access token). Press Ctrl+C to stop.\n')
    if (values.open) openInBrowser(server.oneTimeUrl())
    if (values.watch) core.watch.start()
    const stop = () => {
      void server
        .close()
        .then(() => core.close())
        .then(() => process.exit(EXIT.ok))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    return EXIT.keepAlive
  },
}

/** `url` carries a one-time code only: the opener's command line is readable by every local user. */
function openInBrowser(url: string) {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]]
  // The desktop session's variables a browser needs to show itself, and nothing else of this process's.
  const env = childEnv({
    DISPLAY: process.env.DISPLAY,
    WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY,
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR,
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
  })
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true, env })
  child.on('error', () => undefined)
  child.unref()
}
