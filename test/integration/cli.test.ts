// Covers the built driftwatch command as a person runs it: help, version and usage errors with their exit
// codes, and managing targets (add, list, edit, remove) in text and --json, with errors naming the flag.
import { beforeAll, describe, expect, it } from 'vitest'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { ensureBuilt, ROOT, runCli, runCommand, type CliResult } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'
import pkg from '../../package.json'

const tmp = useTmpDirs()

beforeAll(() => ensureBuilt())

/** Runs `driftwatch ...args --data-dir <a fresh temp dir, or the one given>`. */
function inDir(dataDir: string) {
  return (...args: string[]) => runCli([...args, '--data-dir', dataDir])
}

const parsed = (r: CliResult): unknown => JSON.parse(r.stdout)

describe('help, version and usage', () => {
  it('--help prints the commands and exits 0', async () => {
    const r = await runCli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: driftwatch <command> [options]')
    expect(r.stdout).toMatch(/targets list\|add\|edit\|remove/)
    expect(r.stdout).toMatch(/serve \[--port N\]/)
  })

  it('a command --help prints its own help and exits 0', async () => {
    const r = await runCli(['targets', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('driftwatch targets add --kind KIND --name NAME')
  })

  it('--version and -v print the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(`${pkg.version}\n`)
    }
  })

  it('no arguments exits 64 with the usage', async () => {
    const r = await runCli([])
    expect(r.code).toBe(64)
    expect(r.stderr).toContain('Usage: driftwatch <command> [options]')
    expect(r.stdout).toBe('')
  })

  it('an unknown command exits 64 and names it', async () => {
    const r = await runCli(['scna'])
    expect(r.code).toBe(64)
    expect(r.stderr).toBe('driftwatch: unknown command "scna". Run "driftwatch --help" for the list.\n')
  })

  it('an unknown option or action exits 64', async () => {
    const dir = tmp.make()
    const flag = await inDir(dir)('targets', 'list', '--colour')
    expect(flag.code).toBe(64)
    expect(flag.stderr).toContain("Unknown option '--colour'")
    const action = await inDir(dir)('targets', 'launch')
    expect(action.code).toBe(64)
    expect(action.stderr).toContain('unknown action "launch"; use list, add, edit or remove')
  })

  it('`npx driftwatch --version` from the repository root runs the package bin', async () => {
    // --no-install: resolve the local bin or fail, never fetch a package of that name from the registry.
    // The first npx in a folder links the project into npx's cache and, as for any install, runs its
    // `prepare` script (the build), which empties out/ while other tests' children run from it: a clean
    // clone's CI failed so ("not built yet"). So this npx has an empty cache of its own (the first-use path,
    // every time) and runs no lifecycle script; the build the other tests use is left as it was.
    const cli = join(ROOT, 'out', 'main', 'cli.js')
    const before = statSync(cli).mtimeMs
    const env = {
      ...process.env,
      npm_config_cache: tmp.make('dw-npx-cache-'),
      npm_config_ignore_scripts: 'true',
    }
    const r = await runCommand('npx', ['--no-install', 'driftwatch', '--version'], { cwd: ROOT, env })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(pkg.version)
    expect(statSync(cli).mtimeMs, 'npx rebuilt out/ under the other tests').toBe(before)
  })
})

describe('targets', () => {
  it('add, list, edit and remove round-trip in text', async () => {
    const dw = inDir(tmp.make())
    const empty = await dw('targets', 'list')
    expect(empty).toMatchObject({
      code: 0,
      stdout: 'No targets yet. Add one with "driftwatch targets add --help".\n',
    })

    const add = await dw(
      'targets',
      'add',
      '--kind',
      'ssh',
      '--name',
      'web-1',
      '--host',
      '10.0.0.5',
      '--user',
      'auditor',
      '--tag',
      'prod',
      '--tag',
      'pci',
      '--group',
      'web',
    )
    expect(add.code).toBe(0)
    expect(add.stdout).toMatch(/^Added ssh target "web-1" \([0-9a-f-]{36}\)\n$/)
    const pg = await dw(
      'targets',
      'add',
      '--kind',
      'postgres',
      '--name',
      'billing',
      '--host',
      'db',
      '--user',
      'audit',
    )
    expect(pg.code).toBe(0)

    const list = await dw('targets', 'list')
    expect(list.code).toBe(0)
    expect(list.stdout.split('\n')).toEqual([
      expect.stringMatching(/^NAME\s+KIND\s+ADDRESS\s+TAGS\s+GROUPS$/),
      expect.stringMatching(/^billing\s+postgres\s+audit@db:5432\/postgres$/),
      expect.stringMatching(/^web-1\s+ssh\s+auditor@10\.0\.0\.5:22\s+prod,pci\s+web$/),
      '',
    ])
    const filtered = await dw('targets', 'list', '--kind', 'ssh')
    expect(filtered.stdout).toContain('web-1')
    expect(filtered.stdout).not.toContain('billing')
    expect(filtered.stdout).toContain('1 of 2 targets shown')

    const edit = await dw('targets', 'edit', 'WEB-1', '--port', '2222')
    expect(edit).toMatchObject({ code: 0, stdout: 'Updated "web-1"\n' })
    expect((await dw('targets', 'list', '--search', 'pci')).stdout).toMatch(
      /auditor@10\.0\.0\.5:2222\s+prod,pci/,
    )

    const rm = await dw('targets', 'remove', 'web-1')
    expect(rm).toMatchObject({ code: 0, stdout: 'Removed "web-1"\n' })
    expect((await dw('targets', 'list')).stdout).not.toContain('web-1')
  })

  it('add, list, edit and remove round-trip in --json', async () => {
    const dw = inDir(tmp.make())
    const add = await dw('targets', 'add', '--kind', 'github', '--name', 'acme', '--org', 'acme', '--json')
    expect(add.code).toBe(0)
    const created = parsed(add) as { id: string }
    expect(created).toMatchObject({
      kind: 'github',
      name: 'acme',
      org: 'acme',
      apiBaseUrl: 'https://api.github.com',
    })

    const list = await dw('targets', 'list', '--json')
    expect(parsed(list)).toEqual([created])

    const edit = await dw(
      'targets',
      'edit',
      created.id,
      '--repo',
      'acme/api',
      '--description',
      'GitHub estate',
      '--json',
    )
    expect(edit.code).toBe(0)
    expect(parsed(edit)).toMatchObject({
      id: created.id,
      org: 'acme',
      repos: ['acme/api'],
      description: 'GitHub estate',
    })

    const rm = await dw('targets', 'remove', 'acme', '--json')
    expect(rm.code).toBe(0)
    expect(parsed(rm)).toEqual({ removed: created.id, name: 'acme' })
    expect(parsed(await dw('targets', 'list', '--json'))).toEqual([])
  })

  it('an invalid port exits 1 and stderr names --port and the reason', async () => {
    const dw = inDir(tmp.make())
    const r = await dw(
      'targets',
      'add',
      '--kind',
      'ssh',
      '--name',
      'x',
      '--host',
      'h',
      '--user',
      'u',
      '--port',
      '70000',
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('driftwatch targets: invalid input:\n  --port: Port must be between 1 and 65535\n')
    expect(r.stdout).toBe('')
  })

  it('an unknown kind exits 1 and lists the kinds', async () => {
    const r = await inDir(tmp.make())('targets', 'add', '--kind', 'oracle', '--name', 'x')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      '--kind: Unknown target kind "oracle": expected one of local, ssh, postgres, mysql, github',
    )
  })

  it('a duplicate name, in any case, exits 1 and says so', async () => {
    const dw = inDir(tmp.make())
    expect((await dw('targets', 'add', '--kind', 'local', '--name', 'Laptop')).code).toBe(0)
    const r = await dw('targets', 'add', '--kind', 'local', '--name', 'laptop')
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('driftwatch targets: A target named "laptop" already exists\n')
  })

  it('editing or removing an unknown target exits 1 with "no target named"', async () => {
    const dw = inDir(tmp.make())
    const edit = await dw('targets', 'edit', 'ghost', '--port', '22')
    expect(edit.code).toBe(1)
    expect(edit.stderr).toBe('driftwatch targets: no target named "ghost"\n')
    const rm = await dw('targets', 'remove', 'ghost')
    expect(rm.code).toBe(1)
    expect(rm.stderr).toContain('no target named "ghost"')
  })

  it('with --json, an error is a JSON object on stdout with its code and field issues', async () => {
    const dw = inDir(tmp.make())
    const bad = await dw(
      'targets',
      'add',
      '--kind',
      'ssh',
      '--name',
      'x',
      '--host',
      '',
      '--user',
      'u',
      '--json',
    )
    expect(bad.code).toBe(1)
    expect(parsed(bad)).toEqual({
      error: {
        code: 'validation',
        message: expect.stringContaining('Host is required'),
        issues: expect.arrayContaining([{ path: 'target.host', message: 'Host is required' }]),
      },
    })
    const missing = await dw('targets', 'remove', 'ghost', '--json')
    expect(missing.code).toBe(1)
    expect(parsed(missing)).toEqual({
      error: { code: 'not_found', message: 'no target named "ghost"', issues: [] },
    })
  })

  it('keeps its data in --data-dir, shared between runs and separate from another dir', async () => {
    const a = tmp.make()
    expect((await inDir(a)('targets', 'add', '--kind', 'local', '--name', 'here')).code).toBe(0)
    expect((await inDir(a)('targets', 'list')).stdout).toContain('here')
    expect((await inDir(tmp.make())('targets', 'list')).stdout).toContain('No targets yet')
  })
})
