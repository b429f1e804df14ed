// How every benchmark prints: its figures, the baseline beside each, and the ratio (ours / baseline).
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'

export async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

export interface Figure {
  figure: string
  ms: number
  baselineMs: number
  baseline: string
}

export function report(name: string, figures: Figure[]): void {
  const lines = figures.map(
    (f) =>
      `  ${f.figure}: ${f.ms.toFixed(1)} ms  | baseline (${f.baseline}): ${f.baselineMs.toFixed(1)} ms  | ratio ${(f.ms / f.baselineMs).toFixed(2)}`,
  )
  console.log(`bench ${name}\n${lines.join('\n')}`)
}

/** Wall and CPU time (user + system of this process) of fn: on a shared machine CPU is the fairer figure. */
export async function timeCpu(fn: () => unknown): Promise<{ ms: number; cpuMs: number }> {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { ms, cpuMs: (c.user + c.system) / 1000 }
}

/** A child process's wall and CPU time, as `/usr/bin/time` reports them. */
export function timeChild(cmd: string, args: string[]): { ms: number; cpuMs: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'DWTIME %e %U %S', cmd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const m = /DWTIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr)
  if (!m) throw new Error(`${cmd} did not run: ${r.stderr.slice(-300)}`)
  return { ms: +m[1]! * 1000, cpuMs: (+m[2]! + +m[3]!) * 1000 }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}

/** Median wall and CPU of several runs. */
export function medianOf(runs: { ms: number; cpuMs: number }[]): { ms: number; cpuMs: number } {
  return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)) }
}

/** One row of the table: ours beside the tool, wall and CPU, each with its ratio; and the load. */
export function pairLine(
  name: string,
  ours: { ms: number; cpuMs: number },
  tool: string,
  theirs: { ms: number; cpuMs: number },
  aim: number,
): string {
  const wall = ours.ms / theirs.ms
  const cpu = ours.cpuMs / theirs.cpuMs
  return (
    `${name}: ${ours.ms.toFixed(0)} ms wall / ${ours.cpuMs.toFixed(0)} ms CPU  | ${tool}: ` +
    `${theirs.ms.toFixed(0)} ms wall / ${theirs.cpuMs.toFixed(0)} ms CPU  | ratio ${wall.toFixed(2)} wall, ` +
    `${cpu.toFixed(2)} CPU (aim <= ${aim})  | load ${loadavg()[0]!.toFixed(2)}`
  )
}

/** Where the time of one reader goes: each stage's median wall and CPU. */
export function stagesLine(stages: [string, { ms: number; cpuMs: number }][]): string {
  return stages
    .map(([n, t]) => `    ${n}: ${t.ms.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU`)
    .join('\n')
}
