// The built driftwatch command as a child process: builds out/ when it is missing or older than the sources,
// runs one command to completion, or starts `serve` and reads the address it prints.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { laneStoreEnv } from './store-lane'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'driftwatch.js')
const CLI_JS = join(ROOT, 'out', 'main', 'cli.js')
const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'package.json', 'electron.vite.config.ts']

function newest(path: string): { mtimeMs: number; path: string } {
  const st = statSync(path)
  let best = { mtimeMs: st.mtimeMs, path }
  if (st.isDirectory())
    for (const n of readdirSync(path)) {
      const inner = newest(join(path, n))
      if (inner.mtimeMs > best.mtimeMs) best = inner
    }
  return best
}

/** Why out/main/cli.js is not a build of the sources as they are, or undefined when it is. */
function staleness(): string | undefined {
  if (!existsSync(CLI_JS)) return `${CLI_JS} is missing`
  const built = statSync(CLI_JS).mtimeMs
  const src = SOURCES.map((s) => newest(join(ROOT, s))).reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a))
  if (src.mtimeMs > built)
    return `${src.path} (${new Date(src.mtimeMs).toISOString()}) is newer than out/main/cli.js (${new Date(built).toISOString()})`
  return undefined
}

/**
 * Builds with `npx electron-vite build` unless out/main/cli.js exists and is newer than every source file
 * (a stale build would test yesterday's code). Under `npm test` (scripts/test.mjs), which builds before any
 * test starts, it never builds: a build empties out/ while the other workers' CLI children run from it, so a
 * rebuild there would fail them ("not built yet"); it only says when the sources look newer.
 */
export function ensureBuilt(): void {
  const why = staleness()
  if (!why) return
  if (process.env.DW_TEST_PREBUILT === '1') {
    if (!existsSync(CLI_JS)) throw new Error(`npm test built before the tests, yet ${why}`)
    console.warn(`ensureBuilt: not rebuilding under npm test, though ${why}`)
    return
  }
  console.warn(`ensureBuilt: building, as ${why}`)
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 })
  const after = staleness()
  if (after)
    throw new Error(
      `npx electron-vite build did not produce a fresh build (${after}):\n${r.stdout}\n${r.stderr}`,
    )
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Written to the child's stdin, which is then closed (otherwise stdin is not connected). */
  input?: string
}

/** Runs `node bin/driftwatch.js ...args` to completion. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return runCommand(process.execPath, [BIN, ...args], {
    ...opts,
    env: { ...laneStoreEnv(args), ...opts.env },
  })
}

export function runCommand(cmd: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    if (opts.input !== undefined) child.stdin!.end(opts.input)
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface ServeProcess {
  url: string
  port: number
  token: string
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string }
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<CliResult>
}

/**
 * Where `serve` runs from: bin/driftwatch.js when the UI is built (out/renderer), otherwise a staged copy of
 * built CLI beside a stand-in renderer, so serve mode is still tested while the UI is being written.
 */
export function serveEntry(stageDir: string): { bin: string; staged: boolean } {
  if (existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) return { bin: BIN, staged: false }
  cpSync(join(ROOT, 'bin'), join(stageDir, 'bin'), { recursive: true })
  cpSync(join(ROOT, 'out', 'main'), join(stageDir, 'out', 'main'), { recursive: true })
  cpSync(join(ROOT, 'package.json'), join(stageDir, 'package.json'))
  mkdirSync(join(stageDir, 'out', 'renderer'), { recursive: true })
  writeFileSync(join(stageDir, 'out', 'renderer', 'index.html'), '<!doctype html><title>Driftwatch</title>\n')
  symlinkSync(join(ROOT, 'node_modules'), join(stageDir, 'node_modules'), 'dir')
  return { bin: join(stageDir, 'bin', 'driftwatch.js'), staged: true }
}

export interface ServeOptions {
  /** More arguments after `serve --port 0 --data-dir DIR` (e.g. --open). */
  args?: string[]
  env?: NodeJS.ProcessEnv
  /** Run under this umask (octal text, e.g. "022") through /bin/sh. */
  umask?: string
}

/** Starts `driftwatch serve --port 0 --data-dir DIR` and resolves once it prints its address. */
export function startServeCli(
  bin: string,
  dataDir: string,
  timeoutMs = 20_000,
  opts: ServeOptions = {},
): Promise<ServeProcess & { pid: number }> {
  const argv = [bin, 'serve', '--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])]
  const [cmd, args] = opts.umask
    ? ['/bin/sh', ['-c', `umask ${opts.umask} && exec "$0" "$@"`, process.execPath, ...argv]]
    : [process.execPath, argv]
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...laneStoreEnv(argv), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const exited = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  )
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`serve printed no address within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      )
    }, timeoutMs)
    void exited.then((r) => {
      clearTimeout(timer)
      reject(new Error(`serve exited early with ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`))
    })
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      stdout += s
      const m = /serving on (http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+))/.exec(stdout)
      if (!m) return
      clearTimeout(timer)
      resolve({
        pid: child.pid!,
        url: m[1] as string,
        port: Number(m[2]),
        token: m[3] as string,
        output: () => ({ stdout, stderr }),
        stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
          return exited
        },
      })
    })
  })
}
