// Running the reference oscap in a test. oscap 1.3.7's probe threads now and then segfault on a busy machine
// (`probe_worker … segfault … in libopenscap.so`); a run that died by a crash signal is run once more, as a
// person would, and a second crash fails the test with what oscap printed. Any exit code is the caller's.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'

const CRASH = new Set(['SIGSEGV', 'SIGBUS', 'SIGABRT', 'SIGILL'])

/** `oscap ARGS…` to its end; stdout and stderr as text. */
export function oscapSync(args: string[]): SpawnSyncReturns<string> {
  const once = () => spawnSync('oscap', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const first = once()
  return first.signal && CRASH.has(first.signal) ? once() : first
}

/** The same, without blocking the test's event loop; `output` is stdout and stderr together. */
export async function oscapRun(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const once = () =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
      const child = spawn('oscap', args, { stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (d: Buffer) => (output += d.toString()))
      child.stderr.on('data', (d: Buffer) => (output += d.toString()))
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal, output }))
    })
  const first = await once()
  return first.signal && CRASH.has(first.signal) ? once() : first
}
