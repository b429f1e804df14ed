// `serve --open` must leave no usable session token where other local users can look: the opener's command
// line and environment (and every process's, read from /proc) carry at most a one-time code, which a browser
// trades once, within its time limit, for the token. Real CLI, a recording stand-in for xdg-open, real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { createCore, type Core } from '../../src-main/core/app'
import { nullLogger } from '../../src-main/core/ports'
import { startServer, SESSION_PATH, type RunningServer } from '../../src-main/server/http'
import { apiClient, http } from '../helpers/http'
import { ensureBuilt, serveEntry, startServeCli, type ServeProcess } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs('all')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const exchange = (port: number, code: string, headers: Record<string, string> = {}) =>
  http({
    port,
    method: 'POST',
    path: SESSION_PATH,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ code }),
  })

const status = async (port: number, token: string) =>
  (await apiClient(port, token).post('app.info', {})).status

/** Every readable /proc/PID/{cmdline,environ} as text, by pid. */
function procTexts(): Map<string, string> {
  const out = new Map<string, string>()
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let text = ''
    for (const f of ['cmdline', 'environ'])
      try {
        text += readFileSync(join('/proc', pid, f)).toString('latin1') + '\0'
      } catch {
        // the process ended while we looked
      }
    out.set(pid, text)
  }
  return out
}

describe('serve --open through the built CLI with a recording opener', () => {
  let serve: ServeProcess
  let rec: string
  let argv: string[]
  let environ: string[]
  let code: string

  beforeAll(async () => {
    ensureBuilt()
    const entry = serveEntry(tmp.make('driftwatch-stage-'))
    const root = tmp.make('driftwatch-open-')
    rec = join(root, 'rec')
    const bin = join(root, 'bin')
    mkdirSync(rec)
    mkdirSync(bin)
    // Records what any local user could read of it, then stays alive so /proc can be searched meanwhile.
    writeFileSync(
      join(bin, 'xdg-open'),
      `#!/bin/sh\ncat /proc/$$/cmdline > '${rec}/argv'\ncat /proc/$$/environ > '${rec}/environ'\n` +
        `echo $$ > '${rec}/pid'\nsleep 20\n`,
    )
    chmodSync(join(bin, 'xdg-open'), 0o755)
    serve = await startServeCli(entry.bin, tmp.make('driftwatch-open-data-'), 20_000, {
      args: ['--open'],
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, DRIFTWATCH_VAULT_PASSPHRASE: 'not-for-children' },
    })
    for (let waited = 0; !existsSync(join(rec, 'pid')); waited += 100) {
      if (waited > 10_000) throw new Error(`the opener never ran:\n${serve.output().stderr}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    argv = readFileSync(join(rec, 'argv'), 'utf8').split('\0').filter(Boolean)
    environ = readFileSync(join(rec, 'environ'), 'utf8').split('\0').filter(Boolean)
    const url = argv.find((a) => a.startsWith('http://'))
    code = /#code=([A-Za-z0-9_-]+)$/.exec(url ?? '')?.[1] ?? ''
  })

  afterAll(async () => {
    const pid = existsSync(join(rec, 'pid')) ? Number(readFileSync(join(rec, 'pid'), 'utf8')) : 0
    if (pid) process.kill(pid, 'SIGTERM')
    await serve?.stop()
  })

  it("opens 127.0.0.1 with a one-time code: the token is in no process's command line or environment", () => {
    expect(argv.at(-1)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${serve.port}/#code=[A-Za-z0-9_-]{43}$`))
    expect(code).not.toBe(serve.token)
    expect(argv.join(' ')).not.toContain(serve.token)
    expect(environ.join('\n')).not.toContain(serve.token)
    expect(environ.some((e) => e.startsWith('DRIFTWATCH_'))).toBe(false)
    const procs = procTexts()
    // The search reads what it should: the opener, still running, shows its code.
    expect(procs.get(readFileSync(join(rec, 'pid'), 'utf8').trim())).toContain(code)
    for (const [pid, text] of procs) expect(text.includes(serve.token), `/proc/${pid}`).toBe(false)
  })

  it('refuses the code, and everything else the opener was given, as an access token', async () => {
    for (const s of new Set([code, ...argv, ...environ, ...environ.map((e) => e.slice(e.indexOf('=') + 1))]))
      if (/^[\x21-\x7e]+$/.test(s)) expect(await status(serve.port, s), s).toBe(401)
  })

  it.skipIf(!existsSync(CHROMIUM))(
    'a browser trades the code once and drops it from the address; a second trade is refused and replaces the token',
    async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu'],
      })
      try {
        const page = await browser.newPage()
        await page.goto(argv.at(-1)!)
        await expect
          .poll(() => page.evaluate(() => sessionStorage.getItem('driftwatch.token')))
          .toBe(serve.token)
        expect(page.url()).not.toContain('code=')
        expect(await status(serve.port, serve.token)).toBe(200)
      } finally {
        await browser.close()
      }

      // Whoever tries the code next (the code reader, late) gets nothing, and the token the browser got is
      // replaced, so one who was faster than the browser would have lost it too.
      const again = await exchange(serve.port, code)
      expect(again.status).toBe(401)
      expect(again.text).toContain('already used')
      expect(again.text).not.toContain(serve.token)
      expect(await status(serve.port, serve.token)).toBe(401)
      await expect
        .poll(() => serve.output().stdout)
        .toMatch(
          /token\s+was replaced[\s\S]*new address: http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}/,
        )
      const fresh = /new address: http:\/\/127\.0\.0\.1:\d+\/#token=([A-Za-z0-9_-]+)/.exec(
        serve.output().stdout,
      )
      expect(fresh?.[1]).not.toBe(serve.token)
      expect(await status(serve.port, fresh![1]!)).toBe(200)
      for (const s of [code, ...argv]) expect(await status(serve.port, s)).toBe(401)
      expect(serve.output().stderr).not.toContain(fresh![1]!)
    },
  )
})

describe('one-time codes in-process', () => {
  let core: Core
  let server: RunningServer
  const codeOf = (url: string) => /#code=(.+)$/.exec(url)![1]!

  beforeAll(async () => {
    const root = tmp.make('driftwatch-codes-')
    mkdirSync(join(root, 'renderer'))
    writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>Driftwatch</title>\n')
    core = createCore({ dataDir: join(root, 'data'), face: 'serve' })
    server = await startServer({
      core,
      rendererDir: join(root, 'renderer'),
      logger: nullLogger,
      codeTtlMs: 400,
    })
  })

  afterAll(async () => {
    await server?.close()
    core?.close()
  })

  it('trades a fresh code for the token once', async () => {
    const code = codeOf(server.oneTimeUrl())
    const first = await exchange(server.port, code)
    expect(first.status).toBe(200)
    expect(first.headers['cache-control']).toBe('no-store')
    expect(first.json()).toEqual({ ok: true, data: { token: server.token } })
  })

  it('refuses a code after it expired, and one never issued', async () => {
    const code = codeOf(server.oneTimeUrl())
    await new Promise((r) => setTimeout(r, 600))
    const late = await exchange(server.port, code)
    expect(late.status).toBe(401)
    expect(late.text).toContain('unknown or has expired')
    expect((await exchange(server.port, 'x'.repeat(43))).status).toBe(401)
    expect(await status(server.port, server.token)).toBe(200)
  })

  it('checks Host, Origin and the body type before looking at the code', async () => {
    const code = codeOf(server.oneTimeUrl())
    expect((await exchange(server.port, code, { host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await exchange(server.port, code, { origin: 'http://evil.example' })).status).toBe(403)
    const form = await http({
      port: server.port,
      method: 'POST',
      path: SESSION_PATH,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ code }),
    })
    expect(form.status).toBe(415)
    // None of those spent the code.
    expect((await exchange(server.port, code)).status).toBe(200)
  })
})
