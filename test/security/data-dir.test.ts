// The data folder is private and the CLI cannot be made to drive the terminal: a fresh data folder made by the
// real CLI under umask 022 is 0700 with every file 0600 (database, -wal, -shm, exports), a looser old one is
// tightened at start, and a target named with escape sequences is printed escaped by `targets list` and `scan`.
import { beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiClient } from '../helpers/http'
import { ensureBuilt, runCommand, serveEntry, startServeCli, BIN } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs('all')
// eslint-disable-next-line no-control-regex -- what must never reach the terminal raw
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/
const mode = (p: string) => statSync(p).mode & 0o777

/** `driftwatch ARGS` under umask 022, as most shells start. */
const cli022 = (args: string[]) =>
  runCommand('/bin/sh', ['-c', 'umask 022 && exec "$0" "$@"', process.execPath, BIN, ...args])

/** Every path under dir with its mode. */
function modes(dir: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    out[join(e.parentPath, e.name).slice(dir.length + 1)] = mode(join(e.parentPath, e.name))
  return out
}

beforeAll(() => ensureBuilt())

describe('the data folder', () => {
  it('is made 0700 with a 0600 database by the CLI under umask 022', async () => {
    const dataDir = join(tmp.make('driftwatch-modes-'), 'fresh', 'data')
    const r = await cli022(['targets', 'add', '--kind', 'local', '--name', 'here', '--data-dir', dataDir])
    expect(r.code, r.stderr).toBe(0)
    expect(mode(dataDir)).toBe(0o700)
    expect(mode(join(dataDir, 'driftwatch.db'))).toBe(0o600)
    for (const [p, m] of Object.entries(modes(dataDir))) expect(m, p).toBe(0o600)
  })

  it('keeps the -wal and -shm files of a running serve 0600 under umask 022', async () => {
    const dataDir = join(tmp.make('driftwatch-modes-'), 'data')
    const serve = await startServeCli(serveEntry(tmp.make('driftwatch-stage-')).bin, dataDir, 20_000, {
      umask: '022',
    })
    try {
      const created = await apiClient(serve.port, serve.token).post('targets.create', {
        target: { kind: 'local', name: 'while-serving' },
      })
      expect(created.status).toBe(200)
      const files = modes(dataDir)
      expect(Object.keys(files)).toEqual(
        expect.arrayContaining(['driftwatch.db', 'driftwatch.db-wal', 'driftwatch.db-shm']),
      )
      for (const [p, m] of Object.entries(files)) expect(m, p).toBe(0o600)
      expect(mode(dataDir)).toBe(0o700)
    } finally {
      await serve.stop()
    }
  })

  it('tightens an older, looser data folder at start', async () => {
    const dataDir = join(tmp.make('driftwatch-modes-'), 'data')
    expect((await cli022(['targets', 'list', '--data-dir', dataDir])).code).toBe(0)
    mkdirSync(join(dataDir, 'exports'))
    writeFileSync(join(dataDir, 'exports', 'old-report.csv'), 'rule,status\n')
    writeFileSync(join(dataDir, 'driftwatch.db-wal'), '')
    chmodSync(join(dataDir, 'exports', 'old-report.csv'), 0o644)
    chmodSync(join(dataDir, 'driftwatch.db-wal'), 0o666)
    chmodSync(join(dataDir, 'driftwatch.db'), 0o644)
    chmodSync(join(dataDir, 'exports'), 0o755)
    chmodSync(dataDir, 0o755)

    const r = await cli022(['targets', 'list', '--data-dir', dataDir])
    expect(r.code, r.stderr).toBe(0)
    expect(mode(dataDir)).toBe(0o700)
    expect(mode(join(dataDir, 'exports'))).toBe(0o700)
    for (const [p, m] of Object.entries(modes(dataDir))) expect(m, p).toBe(p === 'exports' ? 0o700 : 0o600)
  })
})

describe('terminal escapes from target names', () => {
  const NAME = 'evil\x1b]0;pwned\x07\x1b[2J\x9b31m\u202etxt.exe'
  let dataDir: string

  beforeAll(async () => {
    dataDir = tmp.make('driftwatch-escapes-')
    // Port 1 on this machine: nothing listens, so the scan fails fast and prints the name with its error.
    const add = await runCommand(process.execPath, [
      BIN,
      'targets',
      'add',
      '--kind',
      'postgres',
      '--name',
      NAME,
      '--host',
      '127.0.0.1',
      '--port',
      '1',
      '--user',
      'auditor',
      '--data-dir',
      dataDir,
    ])
    expect(add.code, add.stderr).toBe(0)
    expect(add.stdout).not.toMatch(RAW_CONTROL)
  })

  const expectEscaped = (text: string) => {
    expect(text).not.toMatch(RAW_CONTROL)
    expect(text).toContain('evil\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202etxt.exe')
  }

  it('targets list prints the name escaped; --json stays valid JSON and gives the name back exactly', async () => {
    const list = await runCommand(process.execPath, [BIN, 'targets', 'list', '--data-dir', dataDir])
    expect(list.code).toBe(0)
    expectEscaped(list.stdout)
    const json = await runCommand(process.execPath, [BIN, 'targets', 'list', '--json', '--data-dir', dataDir])
    expect(json.stdout).not.toMatch(RAW_CONTROL)
    expect((JSON.parse(json.stdout) as { name: string }[])[0]?.name).toBe(NAME)
  })

  it('scan prints the name (and its error) escaped, on stdout and stderr', async () => {
    const scan = await runCommand(process.execPath, [BIN, 'scan', NAME, '--data-dir', dataDir])
    expect(scan.code).toBe(1)
    expectEscaped(scan.stdout)
    expect(scan.stderr).not.toMatch(RAW_CONTROL)
  })
})
