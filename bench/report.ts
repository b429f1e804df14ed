// How every benchmark prints: its figures, the baseline beside each, and the ratio (ours / baseline).
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
