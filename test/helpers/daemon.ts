// A `driftwatch watch` daemon as a child process: its stderr read as JSON log lines (a line that is not JSON is
// kept as { msg }), a wait for a line the test names, and a clean stop.
import { spawn, type ChildProcess } from 'node:child_process'
import { BIN } from './cli'
import { laneStoreEnv } from './store-lane'

export type LogLine = Record<string, unknown>

export interface Daemon {
  child: ChildProcess
  logs: LogLine[]
  /** Resolves with the first line (already seen or still to come) that `pred` accepts; fails after `ms`. */
  waitLog(pred: (l: LogLine) => boolean, ms?: number): Promise<LogLine>
  /** The exit code once the process has closed its pipes. */
  exited: Promise<number | null>
  /** SIGTERM unless it has already ended; resolves with the exit code. */
  stop(): Promise<number | null>
}

/**
 * Starts `node [nodeArgs] bin/driftwatch.js watch --data-dir <dataDir> ...args` with `env` added to this
 * process's (nodeArgs: a test-only preload such as the fast clock).
 */
export function startWatchDaemon(
  dataDir: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Daemon {
  const argv = ['watch', '--data-dir', dataDir, ...args]
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...argv], {
    env: { ...process.env, ...laneStoreEnv(argv), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: LogLine[] = []
  const waiters: { pred: (l: LogLine) => boolean; ok: (l: LogLine) => void }[] = []
  let buf = ''
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    buf += s
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, i)
      buf = buf.slice(i + 1)
      let l: LogLine
      try {
        l = JSON.parse(text) as LogLine
      } catch {
        l = { msg: text }
      }
      logs.push(l)
      for (const w of [...waiters])
        if (w.pred(l)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.ok(l)
        }
    }
  })
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  return {
    child,
    logs,
    exited,
    waitLog(pred, ms = 30_000) {
      const seen = logs.find(pred)
      if (seen) return Promise.resolve(seen)
      return new Promise((ok, fail) => {
        const t = setTimeout(
          () =>
            fail(
              new Error(
                `no such log line within ${ms} ms:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`,
              ),
            ),
          ms,
        )
        waiters.push({ pred, ok: (l) => (clearTimeout(t), ok(l)) })
      })
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
