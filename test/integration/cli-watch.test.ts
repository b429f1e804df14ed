// `driftwatch watch` as a command: its help, wrong usage, and a pass with --once on a store with nothing to do.
import { beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { ensureBuilt, runCli } from '../helpers/cli'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs()
beforeAll(() => ensureBuilt(), 120_000)

describe('driftwatch watch', () => {
  it('is listed in the help and explains itself', async () => {
    const all = await runCli(['--help'])
    expect(all.stdout).toMatch(
      /watch \[--config FILE\] \[--once\] \[--pid-file FILE\]\s+run the scheduled scans/,
    )
    expect(all.stdout).toMatch(/apply -f FILE \[--dry-run\]\s+set up targets, schedules and alerts/)
    const own = await runCli(['watch', '--help'])
    expect(own.code).toBe(0)
    expect(own.stdout).toContain('--grace SECONDS')
    expect(own.stdout).toContain('again on\n                    SIGHUP')
    expect(own.stdout).toContain('DRIFTWATCH_VAULT_PASSPHRASE')
  })

  it('refuses a grace period it cannot use, naming the flag', async () => {
    const r = await runCli(['watch', '--grace', 'soon', '--data-dir', join(tmp.make(), 'd')])
    expect(r.code).toBe(64)
    expect(r.stderr).toContain('--grace must be a number of seconds from 0 to 3600, not "soon"')
  })

  it('runs one pass with --once and exits, logging JSON lines', async () => {
    const r = await runCli(['watch', '--once', '--data-dir', join(tmp.make(), 'd')])
    expect(r.code).toBe(0)
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; level: string })
    expect(lines.map((l) => l.msg)).toEqual(['watch started', 'watch pass finished'])
  })
})
