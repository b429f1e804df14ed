// The CLI's cold start: `driftwatch targets list` as a person runs it (a new Node process on the built CLI, a
// store with 50 targets), wall time, CPU time and peak RSS measured by /usr/bin/time, median of several runs,
// beside `node -e 0` (Node starting and doing nothing) in the same loop.
import { it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src-main/core/app'
import { BIN as CLI, ensureBuilt } from '../test/helpers/cli'
import { call } from '../test/helpers/core'

const RUNS = 9
const TIME = '/usr/bin/time'
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Run {
  wallMs: number
  cpuMs: number
  rssMiB: number
}

/** One process under /usr/bin/time: elapsed, user + system CPU, maximum resident set size. */
function measure(args: string[]): Run {
  const r = spawnSync(TIME, ['-f', 'DWTIME %e %U %S %M', process.execPath, ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`)
  const m = /DWTIME (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr)
  if (!m) throw new Error(`no timing from ${TIME}: ${r.stderr}`)
  return { wallMs: +m[1]! * 1000, cpuMs: (+m[2]! + +m[3]!) * 1000, rssMiB: +m[4]! / 1024 }
}

const summary = (runs: Run[]) => ({
  wallMs: median(runs.map((r) => r.wallMs)),
  cpuMs: median(runs.map((r) => r.cpuMs)),
  rssMiB: median(runs.map((r) => r.rssMiB)),
})

it('cold start: driftwatch targets list', async () => {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed (Debian package "time")`)
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-cold-'))
  const core = createCore({ dataDir: dir, face: 'cli' })
  for (let i = 0; i < 50; i++)
    await call(core, 'targets.create', {
      target: { kind: 'ssh', name: `host-${i}`, host: `10.0.0.${i + 1}`, user: 'auditor', tags: ['prod'] },
    })
  core.close()

  const list: Run[] = []
  const version: Run[] = []
  const floor: Run[] = []
  // Interleaved, so a burst of load from elsewhere falls on every kind of run alike.
  for (let i = 0; i < RUNS; i++) {
    list.push(measure([CLI, 'targets', 'list', '--data-dir', dir]))
    version.push(measure([CLI, '--version']))
    floor.push(measure(['-e', '0']))
  }
  rmSync(dir, { recursive: true, force: true })

  const l = summary(list)
  const v = summary(version)
  const f = summary(floor)
  const row = (name: string, s: Run) =>
    `  ${name}: wall ${s.wallMs.toFixed(0)} ms, CPU ${s.cpuMs.toFixed(0)} ms, peak RSS ${s.rssMiB.toFixed(0)} MiB  | ` +
    `baseline (node -e 0): wall ${f.wallMs.toFixed(0)} ms, CPU ${f.cpuMs.toFixed(0)} ms, ${f.rssMiB.toFixed(0)} MiB  | ` +
    `ratio wall ${(s.wallMs / f.wallMs).toFixed(2)}, CPU ${(s.cpuMs / f.cpuMs).toFixed(2)}`
  console.log(
    [
      `bench cold-start (median of ${RUNS} runs each, 50 targets; aim: targets list ≤ 150 ms wall on a quiet machine)`,
      row('driftwatch targets list', l),
      row('driftwatch --version', v),
    ].join('\n'),
  )
}, 600_000)
