// Covers issue 15 item 5: the vault passphrase (and any other secret in Driftwatch's environment) never reaches
// a child process. Real children are wrapped: a script standing in front of the real oscap (found through PATH)
// and of the real Chromium (DRIFTWATCH_CHROMIUM) records the environment it was started with, then runs the
// real program, so the PDF is really printed and oscap really answers.
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { childEnv } from '../../src-main/core/child-env'
import { LocalRunner } from '../../src-main/core/scanners/ssh-oscap/runner'
import { chromiumPrinter } from '../../src-main/core/reports/pdf'
import { main } from '../../src-main/cli/main'
import { call, fakeClock, useCores } from '../helpers/core'
import { scriptedScanner } from '../helpers/watch'
import { ensureBuilt, ROOT, runCli } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs()
const cores = useCores()
const CANARY = `canary-passphrase-${process.pid}-${Date.now()}`
const TOKEN = `ghp_canaryToken${process.pid}`

/** A script named `name` in `dir` that writes its environment to `dump` and then runs `real`. */
function wrapper(dir: string, name: string, real: string, dump: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\nenv > '${dump}'\nexec '${real}' "$@"\n`)
  chmodSync(path, 0o755)
  return path
}

const saved = { ...process.env }
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
})

/** This process as a user started it with secrets in its environment. */
function secretsInEnvironment() {
  process.env.DRIFTWATCH_VAULT_PASSPHRASE = CANARY
  process.env.GITHUB_TOKEN = TOKEN
  process.env.DRIFTWATCH_SERVE_TOKEN = TOKEN
}

describe('childEnv', () => {
  it('keeps PATH, locale, home and temp dir, and nothing else', () => {
    const env = childEnv(
      {},
      {
        PATH: '/bin',
        LANG: 'C.UTF-8',
        LC_TIME: 'en_GB.UTF-8',
        HOME: '/root',
        TMPDIR: '/tmp',
        DRIFTWATCH_VAULT_PASSPHRASE: CANARY,
        GITHUB_TOKEN: TOKEN,
        AWS_SECRET_ACCESS_KEY: 'x',
        SSH_AUTH_SOCK: '/run/agent',
      },
    )
    expect(env).toEqual({
      PATH: '/bin',
      LANG: 'C.UTF-8',
      LC_TIME: 'en_GB.UTF-8',
      HOME: '/root',
      TMPDIR: '/tmp',
    })
  })
})

describe('children of Driftwatch', () => {
  beforeAll(() => ensureBuilt(), 300_000)

  it('local oscap runs with no passphrase or token in its environment', async () => {
    const dir = tmp.make('dw-oscap-wrap-')
    const dump = join(dir, 'env.txt')
    wrapper(dir, 'oscap', '/usr/bin/oscap', dump)
    secretsInEnvironment()
    process.env.PATH = `${dir}:${process.env.PATH}`
    const r = await new LocalRunner().exec(['oscap', '--version'], { timeoutMs: 30_000 })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('OpenSCAP')
    const env = readFileSync(dump, 'utf8')
    expect(env).toContain(`PATH=${dir}:`)
    expect(env).not.toContain(CANARY)
    expect(env).not.toContain(TOKEN)
    expect(env).not.toMatch(/^DRIFTWATCH_/m)
  })

  it('Chromium printing a PDF report runs with no passphrase or token in its environment', async () => {
    const dir = tmp.make('dw-chromium-wrap-')
    const dump = join(dir, 'env.txt')
    const chromium = wrapper(dir, 'chromium', '/usr/bin/chromium', dump)
    const clock = fakeClock()
    const core = cores.open({ scanners: [scriptedScanner(clock)], clock })
    const t = await call(core, 'targets.create', {
      target: { kind: 'postgres', name: 'db', host: '127.0.0.1', port: 5432, user: 'u', credentialId: null },
    })
    await call(core, 'scan.start', { targetId: t.id })
    await core.idle()
    const model = await call(core, 'reports.preview', { scope: { targetIds: [t.id] } })
    secretsInEnvironment()
    const { pdf } = await chromiumPrinter(chromium).print({
      model,
      rendererDir: join(ROOT, 'out', 'renderer'),
      headerTemplate: '<span></span>',
      footerTemplate: '<span></span>',
    })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    const env = readFileSync(dump, 'utf8')
    expect(env).toMatch(/^PATH=/m)
    expect(env).not.toContain(CANARY)
    expect(env).not.toContain(TOKEN)
    expect(env).not.toMatch(/^DRIFTWATCH_/m)
  }, 120_000)

  it('the CLI reads $DRIFTWATCH_VAULT_PASSPHRASE once and removes it from its environment', async () => {
    const dataDir = join(tmp.make('dw-cli-env-'), 'data')
    const out = { stdout: () => undefined, stderr: () => undefined }
    process.env.DRIFTWATCH_VAULT_PASSPHRASE = CANARY
    expect(await main(['vault', 'init', '--data-dir', dataDir], out)).toBe(0)
    expect(process.env.DRIFTWATCH_VAULT_PASSPHRASE).toBeUndefined()
    // Still usable by this process, which took it: a later command unlocks with it.
    const said: string[] = []
    const code = await main(['vault', 'unlock', '--data-dir', dataDir], {
      stdout: (t) => said.push(t),
      stderr: (t) => said.push(t),
    })
    expect(said.join('')).toContain('Passphrase accepted')
    expect(code).toBe(0)
  }, 60_000)

  it('a PDF export from the CLI started with the passphrase gives Chromium none of it', async () => {
    const dir = tmp.make('dw-cli-pdf-')
    const dataDir = join(dir, 'data')
    const clock = fakeClock()
    const core = cores.open({ dataDir, scanners: [scriptedScanner(clock)], clock })
    const t = await call(core, 'targets.create', {
      target: { kind: 'postgres', name: 'db', host: '127.0.0.1', port: 5432, user: 'u', credentialId: null },
    })
    await call(core, 'scan.start', { targetId: t.id })
    await core.idle()
    core.close()
    const dump = join(dir, 'env.txt')
    const chromium = wrapper(dir, 'chromium', '/usr/bin/chromium', dump)
    const r = await runCli(
      ['export', '--format', 'pdf', '--target', 'db', '--out', join(dir, 'r.pdf'), '--data-dir', dataDir],
      { env: { DRIFTWATCH_VAULT_PASSPHRASE: CANARY, GITHUB_TOKEN: TOKEN, DRIFTWATCH_CHROMIUM: chromium } },
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(readFileSync(join(dir, 'r.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
    const env = readFileSync(dump, 'utf8')
    expect(env).toMatch(/^PATH=/m)
    expect(env).not.toContain(CANARY)
    expect(env).not.toContain(TOKEN)
  }, 120_000)
})
