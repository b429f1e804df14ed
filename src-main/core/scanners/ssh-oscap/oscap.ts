// One OpenSCAP evaluation on a Runner: upload the datastream (and tailoring) into a fresh temp dir and
// verify them, run `oscap xccdf eval --progress`, report each rule as it finishes, fetch the ARF, and
// always remove the temp dir. Exit 0 (all pass) and 2 (some fail) are results; 1 is an error.
import type { ScanContext } from '../scanner'
import { sha256, type Runner } from './runner'

export const DEFAULT_TIMEOUT_MS = 45 * 60_000

export interface OscapPlan {
  datastream: Buffer
  profileId: string
  tailoring?: string
  /** The tailoring's customised profile id, evaluated instead of profileId when a tailoring is given. */
  tailoredProfileId?: string
  ruleCount: number
  timeoutMs?: number
}

export class OscapError extends Error {
  constructor(
    readonly code: 'oscap_missing' | 'oscap_failed' | 'cancelled' | 'timeout' | 'upload',
    message: string,
  ) {
    super(message)
  }
}

export async function runOscap(
  runner: Runner,
  plan: OscapPlan,
  ctx: ScanContext,
): Promise<{ arf: Buffer; exitCode: number }> {
  ctx.progress({ phase: 'prepare', message: `Preparing a temporary folder on ${runner.where}` })
  // Errors reaching the target (a refused sudo password, a cut connection) propagate as they are;
  // only a command that ran and failed means oscap is missing.
  const version = await runner.exec(['oscap', '--version'], { timeoutMs: 30_000 })
  if (version.code !== 0)
    throw new OscapError(
      'oscap_missing',
      `oscap is not installed on ${runner.where}: install openscap-scanner there`,
    )
  const dir = await runner.mktemp()
  try {
    ctx.progress({ phase: 'prepare', message: `Working in ${dir} on ${runner.where}` })
    ctx.progress({
      phase: 'upload',
      message: `Uploading the benchmark (${(plan.datastream.length / 1e6).toFixed(1)} MB)`,
    })
    await runner.upload(plan.datastream, `${dir}/ds.xml`)
    const argv = ['oscap', 'xccdf', 'eval', '--progress', '--results-arf', `${dir}/arf.xml`]
    if (plan.tailoring) {
      await runner.upload(Buffer.from(plan.tailoring), `${dir}/tailoring.xml`)
      argv.push(
        '--tailoring-file',
        `${dir}/tailoring.xml`,
        '--profile',
        plan.tailoredProfileId ?? plan.profileId,
      )
    } else argv.push('--profile', plan.profileId)
    argv.push(`${dir}/ds.xml`)
    if (ctx.signal.aborted) throw new OscapError('cancelled', 'The scan was cancelled')

    let done = 0
    let pending = ''
    const timeoutMs = plan.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const started = Date.now()
    const result = await runner.exec(argv, {
      timeoutMs,
      signal: ctx.signal,
      // --progress prints "rule_id:result" per rule as oscap evaluates it.
      onStdout(chunk) {
        pending += chunk
        let nl: number
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim()
          pending = pending.slice(nl + 1)
          const m = /^(xccdf_\S+):(\w+)$/.exec(line)
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
    if (ctx.signal.aborted) throw new OscapError('cancelled', 'The scan was cancelled; oscap was stopped')
    if (result.code === null && Date.now() - started >= timeoutMs)
      throw new OscapError('timeout', `oscap did not finish within ${Math.round(timeoutMs / 60_000)} minutes`)
    if (result.code !== 0 && result.code !== 2)
      throw new OscapError(
        'oscap_failed',
        `oscap failed (exit ${result.code ?? result.signal}): ${firstLines(result.stderr)}`,
      )
    ctx.progress({ phase: 'fetch', message: 'Fetching the results' })
    const arf = await runner.download(`${dir}/arf.xml`)
    return { arf, exitCode: result.code }
  } finally {
    ctx.progress({ phase: 'cleanup', message: `Removing ${dir}` })
    await runner.cleanup(dir).catch((err: unknown) => ctx.log('cleanup failed', { dir, error: String(err) }))
  }
}

export { sha256 }
const firstLines = (s: string) => s.trim().split('\n').slice(0, 3).join(' / ').slice(0, 500)
