// What the browser tests share: a built app, a real `driftwatch serve` on a temp data dir, Debian's Chromium.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process'
import { ensureBuilt } from '../helpers/cli'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'

export { ensureBuilt }
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ROOT = resolve(import.meta.dirname, '../..')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SHOTS = join(ROOT, 'test-results', 'screenshots')

export interface Served {
  url: string
  origin: string
  dataDir: string
  child: ChildProcess
  stderr(): string
  stop(): Promise<void>
}

export async function serve(env: NodeJS.ProcessEnv = {}): Promise<Served> {
  ensureBuilt()
  const dataDir = mkdtempSync(join(tmpdir(), 'dw-e2e-'))
  const child = spawn(process.execPath, [join(ROOT, 'bin/driftwatch.js'), 'serve', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${err}`)), 15_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /serving on (http:\/\/\S+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        ok(m[1])
      }
    })
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}: ${err}`)))
  })
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}; install Debian's "chromium" package`)
  mkdirSync(SHOTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

export const shot = (name: string) => join(SHOTS, `${name}.png`)

export interface OpenOptions {
  width: number
  height: number
  /** Playwright's default timeout for the page's waits (ms). */
  timeout: number
  /** A context of its own that accepts downloads (exports saved by the page). */
  downloads?: boolean
  /** Runs before the first navigation, e.g. to listen for dialogs or responses. */
  beforeGoto?: (page: Page) => void
}

/** The usual start of a UI test: Chromium, one page of the given size, the served app open in it. */
export async function openApp(app: Served, opts: OpenOptions): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium()
  const viewport = { width: opts.width, height: opts.height }
  const page = opts.downloads
    ? await (await browser.newContext({ viewport, acceptDownloads: true })).newPage()
    : await browser.newPage({ viewport })
  page.setDefaultTimeout(opts.timeout)
  opts.beforeGoto?.(page)
  await page.goto(app.url)
  return { browser, page }
}

/** One call of the contract over serve's HTTP API with the session token, as the page makes it. */
export async function apiCall<T>(app: Served, channel: string, req: unknown): Promise<T> {
  const token = /#token=([A-Za-z0-9_-]+)/.exec(app.url)?.[1] ?? ''
  const res = await fetch(`${app.origin}/api/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(req),
  })
  const env = (await res.json()) as { ok: boolean; data: T; error?: unknown }
  if (!env.ok) throw new Error(`${channel}: ${JSON.stringify(env.error)}`)
  return env.data
}

export interface CliSyncOptions {
  /** Written to the command's stdin (a secret for --secret-stdin). */
  input?: string
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv
  timeout?: number
}

/** `driftwatch ARGS… --data-dir <serve's folder>` to its end, as a second process beside serve. */
export function cliSync(app: Served, args: string[], opts: CliSyncOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(ROOT, 'bin/driftwatch.js'), ...args, '--data-dir', app.dataDir], {
    encoding: 'utf8',
    input: opts.input,
    ...(opts.timeout ? { timeout: opts.timeout } : {}),
    env: { ...process.env, ...opts.env },
  })
}
