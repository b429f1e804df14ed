// One OpenSCAP evaluation on a Runner, in as few round trips as it takes: a fresh temp dir (and whether oscap is
// there) in one step, the datastream (and tailoring) uploaded, then one command that verifies them, runs
// `oscap xccdf eval --progress` (each rule reported as it finishes) and streams the ARF back into the reader.
// Exit 0 (all pass) and 2 (some fail) are results; 1 is an error. The caller removes the temp dir.
import { Transform } from 'node:stream'
import type { ScanContext } from '../scanner'
import { sha256, type EvalJob, type EvalRun, type ExecResult, type Runner } from './runner'

export const DEFAULT_TIMEOUT_MS = 45 * 60_000

export interface OscapPlan {
  datastream: Buffer
  profileId: string
  tailoring?: string
  /** The tailoring's customised profile id, evaluated instead of profileId when a tailoring is given. */
  tailoredProfileId?: string
  ruleCount: number
  timeoutMs?: number
  /** oscap has validated these exact bytes before: pass --skip-valid. */
  skipValidation?: boolean
}

export class OscapError extends Error {
  constructor(
    readonly code: 'oscap_missing' | 'oscap_failed' | 'cancelled' | 'timeout' | 'upload',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Runs the evaluation on a runner whose connection the caller owns. The temp dir is made and announced
 * (`onDir`) before anything is written; removing it is the caller's, after the results are kept. The ARF is
 * handed to `ingest` while it arrives, and also returned whole (the evidence keeps it).
 */
export async function runOscap<T>(
  runner: Runner,
  plan: OscapPlan,
  ctx: ScanContext,
  ingest: (arf: NodeJS.ReadableStream) => Promise<T>,
  onDir: (dir: string) => void,
): Promise<{ arf: Buffer; parsed: T; exitCode: number }> {
  ctx.progress({ phase: 'prepare', message: `Preparing a temporary folder on ${runner.where}` })
  // Errors reaching the target (a refused sudo password, a cut connection) propagate as they are;
  // only a command that ran and failed means oscap is missing.
  const dir = await runner.workDir()
  if (dir === null) throw missing(runner)
  onDir(dir)
  ctx.progress({ phase: 'prepare', message: `Working in ${dir} on ${runner.where}` })
  ctx.progress({
    phase: 'upload',
    message: `Uploading the benchmark (${(plan.datastream.length / 1e6).toFixed(1)} MB)`,
  })
  const files = [{ data: plan.datastream, path: `${dir}/ds.xml` }]
  const argv = ['oscap', 'xccdf', 'eval', '--progress', '--results-arf', `${dir}/arf.xml`]
  // Content oscap has already validated (these exact bytes) is not schema-checked again on every scan.
  if (plan.skipValidation) argv.push('--skip-valid')
  if (plan.tailoring) {
    files.push({ data: Buffer.from(plan.tailoring), path: `${dir}/tailoring.xml` })
    argv.push(
      '--tailoring-file',
      `${dir}/tailoring.xml`,
      '--profile',
      plan.tailoredProfileId ?? plan.profileId,
    )
  } else argv.push('--profile', plan.profileId)
  argv.push(`${dir}/ds.xml`)
  await runner.upload(files, ctx.signal)
  if (ctx.signal.aborted) throw new OscapError('cancelled', 'The scan was cancelled')

  const timeoutMs = plan.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const started = Date.now()
  const job = {
    files: files.map((f) => ({ path: f.path, sha256: sha256(f.data) })),
    argv,
    arf: `${dir}/arf.xml`,
  }
  let attempt = await evaluateOnce(runner, job, plan, ctx, ingest, timeoutMs)
  // oscap 1.3's probe threads can die on a NULL pointer when a process they are reading vanishes under them (a
  // busy machine); the crash says nothing about the target. Run it once more, saying so; a second crash is
  // reported as it is.
  const crash = crashOf(attempt.result)
  if (crash && !ctx.signal.aborted && Date.now() - started < timeoutMs) {
    ctx.progress({
      phase: 'prepare',
      message: `oscap crashed (${crash}) on ${runner.where} before it finished; running it again, once`,
    })
    attempt = await evaluateOnce(runner, job, plan, ctx, ingest, timeoutMs - (Date.now() - started))
  }
  const { result, parsing, chunks } = attempt
  if (ctx.signal.aborted) throw new OscapError('cancelled', 'The scan was cancelled; oscap was stopped')
  if (result.damaged)
    throw new OscapError(
      'upload',
      result.damaged.sha256 === '-'
        ? `Could not check the upload of ${result.damaged.path} on ${runner.where}`
        : `The upload of ${result.damaged.path} to ${runner.where} arrived damaged (SHA-256 ${result.damaged.sha256})`,
    )
  if (result.code === null && Date.now() - started >= timeoutMs)
    throw new OscapError('timeout', `oscap did not finish within ${Math.round(timeoutMs / 60_000)} minutes`)
  if (result.code === 127) throw missing(runner)
  if (result.code !== 0 && result.code !== 2)
    throw new OscapError(
      'oscap_failed',
      `oscap failed (exit ${result.code ?? result.signal})${crash ? ', twice' : ''}: ${firstLines(result.stderr)}`,
    )
  const parsed = await parsing
  return { arf: Buffer.concat(chunks), parsed, exitCode: result.code }
}

/** One `oscap xccdf eval`, its progress reported and its ARF read as it arrives. */
async function evaluateOnce<T>(
  runner: Runner,
  job: EvalJob,
  plan: OscapPlan,
  ctx: ScanContext,
  ingest: (arf: NodeJS.ReadableStream) => Promise<T>,
  timeoutMs: number,
): Promise<{ result: Awaited<EvalRun['done']>; parsing: Promise<T>; chunks: Buffer[] }> {
  let done = 0
  let pending = ''
  const run = runner.evaluate(job, {
    timeoutMs,
    signal: ctx.signal,
    // --progress prints "rule_id:result" per rule as oscap evaluates it.
    onProgress(chunk) {
      pending += chunk
      let nl: number
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim()
        pending = pending.slice(nl + 1)
        const m = PROGRESS.exec(line)
        if (m)
          ctx.progress({
            phase: 'rule',
            ruleId: m[1]!,
            status: m[2] as never,
            done: ++done,
            total: plan.ruleCount,
          })
      }
    },
  })
  // The ARF is read as it streams down; its bytes are kept for the evidence.
  const chunks: Buffer[] = []
  let fetching = false
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!fetching) {
        fetching = true
        ctx.progress({ phase: 'fetch', message: 'Fetching the results' })
      }
      chunks.push(chunk)
      cb(null, chunk)
    },
  })
  run.arf.on('error', (err: Error) => tap.destroy(err))
  run.arf.pipe(tap)
  const parsing = ingest(tap)
  parsing.catch(() => undefined)
  return { result: await run.done, parsing, chunks }
}

/** Killed by a crash signal, here (the signal) or through a remote shell (128 + its number). */
function crashOf(r: ExecResult & { damaged?: unknown }): string | null {
  if (r.damaged) return null
  if (r.signal && CRASH_SIGNALS.has(r.signal)) return r.signal
  const byCode: Record<number, string> = { 132: 'SIGILL', 134: 'SIGABRT', 135: 'SIGBUS', 139: 'SIGSEGV' }
  return r.code !== null ? (byCode[r.code] ?? null) : null
}
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGABRT', 'SIGILL'])

const PROGRESS = /^(xccdf_\S+):(\w+)$/
const missing = (runner: Runner) =>
  new OscapError('oscap_missing', `oscap is not installed on ${runner.where}: install openscap-scanner there`)

export { sha256 }
/** oscap's own messages, without its progress lines. */
const firstLines = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter((l) => !PROGRESS.test(l.trim()))
    .slice(0, 3)
    .join(' / ')
    .slice(0, 500)
