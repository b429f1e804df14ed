// The familiar OpenSCAP HTML report of a finished scan: `oscap xccdf generate report` on its stored ARF, run on
// this computer (the same report SCAP Workbench and `oscap --report` write).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalRunner } from './runner'
import { RemediationError } from './remediation'

/** The HTML; throws RemediationError('oscap_missing') when oscap is not installed here. */
export async function generateHtmlReport(arf: Buffer, opts: { signal?: AbortSignal } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'driftwatch-report.'))
  try {
    const path = join(dir, 'arf.xml')
    await writeFile(path, arf)
    const r = await new LocalRunner().exec(['oscap', 'xccdf', 'generate', 'report', path], {
      timeoutMs: 120_000,
      signal: opts.signal,
    })
    if (r.code === 127)
      throw new RemediationError(
        'oscap_missing',
        'The OpenSCAP HTML report is made by oscap, which is not installed on this computer: install ' +
          'openscap-scanner (apt-get install openscap-scanner), or download the ARF and open it in SCAP Workbench',
      )
    if (r.code !== 0 || !r.stdout.includes('<html'))
      throw new RemediationError(
        'failed',
        `oscap could not make the HTML report (exit ${r.code ?? r.signal}): ` +
          r.stderr.trim().split('\n').slice(0, 2).join(' / ').slice(0, 400),
      )
    return r.stdout
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
