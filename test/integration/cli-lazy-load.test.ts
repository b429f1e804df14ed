// The built driftwatch command loads only what the command it runs needs: `targets list` lists the targets
// without loading the web server, an SSH, SQL or GitHub client, a SQL parser, a browser, YAML or zip,
// and a command that needs one of them (`rules export` writes YAML) loads it when it runs.
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureBuilt, runCli } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs()
beforeAll(() => ensureBuilt())

// Records every module the process loads, ES modules through the loader's resolve hook and CommonJS through
// require's resolver, into the file named by DW_LOADED.
const HOOKS = `import { appendFileSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context)
  appendFileSync(process.env.DW_LOADED, r.url + '\\n')
  return r
}`
const REGISTER = (hooks: string) => `import { register, createRequire } from 'node:module'
import { appendFileSync } from 'node:fs'
register(${JSON.stringify(hooks)})
const Module = createRequire(import.meta.url)('node:module')
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args)
  appendFileSync(process.env.DW_LOADED, file + '\\n')
  return file
}`

async function loadedBy(args: string[]): Promise<{ stdout: string; code: number | null; loaded: string[] }> {
  const dir = tmp.make('dw-lazy-')
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS)
  writeFileSync(join(dir, 'register.mjs'), REGISTER(pathToFileURL(join(dir, 'hooks.mjs')).href))
  const log = join(dir, 'loaded.txt')
  writeFileSync(log, '')
  const r = await runCli(args, {
    env: { DW_LOADED: log, NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'register.mjs')).href}` },
  })
  return { stdout: r.stdout, code: r.code, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) }
}

const HEAVY = [
  'node_modules/ssh2/',
  'node_modules/pg/',
  'node_modules/mysql2/',
  'node_modules/@octokit/',
  'node_modules/nodemailer/',
  'node_modules/node-sql-parser/',
  'node_modules/libpg-query/',
  'node_modules/playwright-core/',
  'node_modules/yaml/',
  'node_modules/fflate/',
]

describe('what a command loads', () => {
  it('targets list lists the targets and loads no web server, scanner client, SQL parser, YAML or zip library', async () => {
    const dataDir = tmp.make('dw-lazy-data-')
    const add = await runCli(['targets', 'add', '--kind', 'local', '--name', 'web-1', '--data-dir', dataDir])
    expect(add.code).toBe(0)
    const r = await loadedBy(['targets', 'list', '--data-dir', dataDir])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('web-1')
    // The loader saw the CLI itself and the store's driver: the hooks work.
    expect(r.loaded.some((u) => u.includes('out/main/cli.js'))).toBe(true)
    expect(r.loaded.some((u) => u.includes('node_modules/better-sqlite3/'))).toBe(true)
    expect(r.loaded.filter((u) => HEAVY.some((h) => u.includes(h)))).toEqual([])
    expect(r.loaded.filter((u) => /out\/main\/chunks\/(serve|http)-/.test(u))).toEqual([])
  })

  it('a command that needs YAML loads it when it runs, and writes the pack', async () => {
    const r = await loadedBy(['rules', 'export', 'postgres-cis', '--data-dir', tmp.make('dw-lazy-data-')])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^id: postgres-cis$/m)
    expect(r.loaded.some((u) => u.includes('node_modules/yaml/'))).toBe(true)
  })
})
