// The OpenSCAP scanner for this computer and Linux hosts over SSH: the imported datastream (and tailoring)
// evaluated by oscap on a Runner, the ARF read streaming into rule results, and the ARF kept as evidence.
import { createHash } from 'node:crypto'
import type { Target } from '../../../../src-preload/contract'
import { AppError, notFound } from '../../errors'
import type { ContentRepo } from '../../store/content'
import { parseArfWithEvidence, type ArfWithEvidence } from '../../scap/arf-evidence'
import { tailoringXml } from '../../scap/tailoring-groups'
import type { ScanContext, ScanOutcome, ScanPlan, ScanRequest, KindScanner } from '../scanner'
import type { Runner } from './runner'
import { OscapError, runOscap } from './oscap'

export interface OscapScannerDeps {
  content: ContentRepo
  /** Where oscap runs: this computer, or a host over SSH (each kind passes its own). */
  runner(target: Target, signal: AbortSignal, trustHostKey?: string): Promise<Runner>
  /** The first progress line, e.g. "Connecting to web-1". */
  message(target: Target): string
}

export function oscapScanner(deps: OscapScannerDeps): KindScanner {
  const { content } = deps
  return {
    plan(target: Target, req: ScanRequest): ScanPlan {
      // A request naming nothing got the target's assigned tailoring (core/policy) if it had one.
      if (!req.sha256 && !req.profileId && !req.tailoringId) {
        const message = `${target.name} has no assigned tailoring: choose content and a profile, or assign a tailoring to it`
        throw new AppError('validation', message, [{ path: 'sha256', message }])
      }
      if (!req.sha256)
        throw new AppError('validation', 'Choose the benchmark content to scan with', [
          { path: 'sha256', message: 'Choose content' },
        ])
      const bench = content.benchmark(req.sha256)
      if (!bench) throw notFound('That content')
      if (!req.profileId)
        throw new AppError('validation', 'Choose a profile', [
          { path: 'profileId', message: 'Choose a profile' },
        ])
      if (!bench.profiles.some((p) => p.id === req.profileId))
        throw new AppError('validation', `The profile ${req.profileId} is not in ${bench.title}`, [
          { path: 'profileId', message: 'Not a profile of this content' },
        ])
      const row = req.tailoringId ? content.tailoring(req.tailoringId) : undefined
      if (req.tailoringId && !row) throw notFound('That tailoring')
      if (row && (row.contentSha256 !== req.sha256 || row.tailoring.extends !== req.profileId))
        throw new AppError(
          'validation',
          `The tailoring "${row.name}" extends ${row.tailoring.extends} of other content: choose that profile or another tailoring`,
          [{ path: 'tailoringId', message: 'Not a tailoring of this content and profile' }],
        )
      const xml = row ? tailoringXml(row.tailoring, bench) : undefined
      return {
        sha256: req.sha256,
        profileId: req.profileId,
        tailoringId: req.tailoringId ?? null,
        trustHostKey: req.trustHostKey,
        ...(row &&
          xml && {
            tailoring: {
              name: row.name,
              xml,
              sha256: createHash('sha256').update(xml).digest('hex'),
              profileId: row.tailoring.profileId,
            },
          }),
      }
    },

    async scan(target: Target, plan: ScanPlan, ctx: ScanContext): Promise<ScanOutcome> {
      const sha = plan.sha256 ?? ''
      const bench = content.benchmark(sha)
      const raw = content.raw(sha)
      if (!bench || !raw) throw new AppError('not_found', 'That content is no longer imported')
      const profile = bench.profiles.find((p) => p.id === plan.profileId)
      // The file planned (and recorded) is the file run, even if the tailoring is edited meanwhile.
      const tailoring = plan.tailoringId ? content.tailoring(plan.tailoringId) : undefined
      // The exact file oscap runs (the one planned and recorded) is kept with the scan: reports name it by hash
      // and the bundle carries it.
      const tailoringXmlText =
        plan.tailoring?.xml ?? (tailoring ? tailoringXml(tailoring.tailoring, bench) : undefined)
      const tailoringFile = tailoringXmlText === undefined ? undefined : Buffer.from(tailoringXmlText)
      ctx.progress({ phase: 'connect', message: deps.message(target) })
      const runner: Runner = await deps.runner(target, ctx.signal, plan.trustHostKey)
      let dir: string | undefined
      // The same connection removes the temp dir once the results are kept (or the scan failed), then closes.
      const finish = async () => {
        try {
          if (dir) await runner.cleanup(dir)
        } catch (err) {
          ctx.log('cleanup failed', { dir, error: String(err) })
          ctx.leftOnHost?.(
            `Could not remove ${dir} on ${runner.where} after the scan (${(err as Error).message}): it holds ` +
              'a copy of the benchmark and what oscap wrote there; remove it by hand',
          )
        } finally {
          await runner.close()
        }
      }
      let arf: Buffer
      let parsed: ArfWithEvidence
      try {
        ;({ arf, parsed } = await runOscap(
          runner,
          {
            datastream: raw,
            profileId: plan.profileId,
            tailoring: tailoringXmlText,
            tailoredProfileId: plan.tailoring?.profileId ?? tailoring?.tailoring.profileId,
            ruleCount: profile?.selected.length ?? bench.rules.length,
            skipValidation: content.oscapValidated(sha),
          },
          ctx,
          (stream) => parseArfWithEvidence(stream, { signal: ctx.signal }),
          (d) => (dir = d),
        ))
      } finally {
        if (ctx.after) ctx.after(finish)
        else await finish()
      }
      // oscap read these bytes without complaint (results, not exit 1): later scans skip its schema check.
      content.markOscapValidated(sha)
      ctx.progress({ phase: 'ingest', message: `Reading the results (${(arf.length / 1e6).toFixed(1)} MB)` })
      // What each passed, failed or errored rule examined and found, in words, kept with its result: read in the
      // same pass as the results while the ARF arrived.
      const evidence = parsed.evidence
      if (ctx.signal.aborted) throw new OscapError('cancelled', 'The scan was cancelled')
      const rules = new Map(bench.rules.map((r) => [r.id, r]))
      return {
        results: parsed.results
          .filter((r) => r.status !== 'notselected')
          .map((r) => ({
            ...r,
            title: r.title || rules.get(r.ruleId)?.title || r.ruleId,
            severity: r.severity || rules.get(r.ruleId)?.severity || 'unknown',
            evidence: evidence.get(r.ruleId) ?? [],
          })),
        evidence: [
          { mediaType: 'application/xml+arf', name: 'results-arf.xml', bytes: arf },
          ...(tailoringFile
            ? [{ mediaType: 'application/xml+xccdf-tailoring', name: 'tailoring.xml', bytes: tailoringFile }]
            : []),
        ],
        info: {
          host: parsed.testResult.target ?? '',
          profile: parsed.testResult.profileId ?? plan.profileId,
          content: sha,
          ...(tailoringFile && {
            tailoring: plan.tailoring?.name ?? tailoring?.name ?? '',
            tailoringSha256: createHash('sha256').update(tailoringFile).digest('hex'),
          }),
        },
      }
    },
  }
}
