// Running scans: one at a time per target, progress pushed as it happens, cancellable, and committed in
// one transaction at the end (results, evidence, current status). Scanners do the work; this room keeps it.
import { randomUUID } from 'node:crypto'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { ContentRepo } from '../store/content'
import type { ScanRow, ScansRepo } from '../store/scans'
import type { Vault } from '../vault/vault'
import { AppError, notFound } from '../errors'
import type { ScanContext, ScanOutcome } from '../scanners/scanner'
import { LocalRunner, type Runner } from '../scanners/ssh-oscap/runner'
import { runOscap, OscapError } from '../scanners/ssh-oscap/oscap'
import { parseArf } from '../scap/arf'
import { writeTailoring } from '../scap/tailoring'
import type { ScanView, Target } from '../../../src-preload/contract'

type ScanHandlers = Pick<
  Handlers,
  'scan.start' | 'scan.cancel' | 'scans.list' | 'scans.latest' | 'scan.results'
>

export interface ScanDeps extends CoreContext {
  content: ContentRepo
  scans: ScansRepo
  vault: Vault
  /** How to reach a target that is not this computer (the SSH runner); absent = only local scans. */
  remoteRunner?(target: Target, signal: AbortSignal, trustHostKey?: string): Promise<Runner>
}

const view = (s: ScanRow): ScanView => ({
  id: s.id,
  targetId: s.targetId,
  trigger: s.trigger,
  state: s.state,
  profileId: s.profileId,
  tailoringId: s.tailoringId,
  startedAt: s.startedAt,
  finishedAt: s.finishedAt,
  error: s.error,
  score: s.score,
  counts: s.counts,
  evidence: s.evidence,
  contentSha256: s.info.content ?? '',
})

export function scanHandlers(
  deps: ScanDeps,
): ScanHandlers & { running: Map<string, AbortController>; idle(): Promise<void> } {
  const { repos, content, scans, clock, emit, logger } = deps
  const running = new Map<string, AbortController>()
  const byTarget = new Map<string, string>()
  const inFlight = new Set<Promise<void>>()

  async function execute(
    scanId: string,
    target: Target,
    plan: Parameters<ScanHandlers['scan.start']>[0],
    controller: AbortController,
  ) {
    const ctx: ScanContext = {
      signal: controller.signal,
      progress: (p) => emit('scan.progress', { scanId, targetId: target.id, message: '', ...p }),
      log: (msg, fields) => logger.log('info', msg, { scanId, ...fields }),
    }
    try {
      const bench = content.benchmark(plan.sha256)
      const raw = content.raw(plan.sha256)
      if (!bench || !raw) throw new AppError('not_found', 'That content is no longer imported')
      const profile = bench.profiles.find((p) => p.id === plan.profileId)
      const tailoring = plan.tailoringId ? content.tailoring(plan.tailoringId) : undefined
      ctx.progress({
        phase: 'connect',
        message: target.kind === 'local' ? 'Scanning this computer' : `Connecting to ${target.name}`,
      })
      const runner: Runner =
        target.kind === 'local'
          ? new LocalRunner()
          : deps.remoteRunner
            ? await deps.remoteRunner(target, controller.signal, plan.trustHostKey)
            : (() => {
                throw new AppError(
                  'unavailable',
                  `Scanning ${target.kind} targets is not available in this build`,
                )
              })()
      let arf: Buffer
      try {
        ;({ arf } = await runOscap(
          runner,
          {
            datastream: raw,
            profileId: plan.profileId,
            tailoring: tailoring ? writeTailoring(tailoring.tailoring) : undefined,
            tailoredProfileId: tailoring?.tailoring.profileId,
            ruleCount: profile?.selected.length ?? bench.rules.length,
          },
          ctx,
        ))
      } finally {
        await runner.close()
      }
      ctx.progress({ phase: 'ingest', message: `Reading the results (${(arf.length / 1e6).toFixed(1)} MB)` })
      const parsed = await parseArf(arf, { signal: controller.signal })
      const rules = new Map(bench.rules.map((r) => [r.id, r]))
      const outcome: ScanOutcome = {
        results: parsed.results
          .filter((r) => r.status !== 'notselected')
          .map((r) => ({
            ...r,
            title: r.title || rules.get(r.ruleId)?.title || r.ruleId,
            severity: r.severity || rules.get(r.ruleId)?.severity || 'unknown',
          })),
        evidence: [{ mediaType: 'application/xml+arf', name: 'results-arf.xml', bytes: arf }],
        info: {
          host: parsed.testResult.target ?? '',
          profile: parsed.testResult.profileId ?? plan.profileId,
          content: plan.sha256,
        },
      }
      if (controller.signal.aborted) throw new OscapError('cancelled', 'The scan was cancelled')
      const done = scans.commit(scanId, outcome, clock.now().toISOString())
      emit('scan.finished', { scanId, targetId: target.id, state: 'done', score: done.score, error: '' })
    } catch (err) {
      const cancelled = controller.signal.aborted
      const message = cancelled ? 'The scan was cancelled' : err instanceof Error ? err.message : String(err)
      scans.finish(scanId, cancelled ? 'cancelled' : 'failed', message, clock.now().toISOString())
      logger.log('warn', 'scan failed', { scanId, error: message })
      emit('scan.finished', {
        scanId,
        targetId: target.id,
        state: cancelled ? 'cancelled' : 'failed',
        score: null,
        error: message,
      })
    } finally {
      running.delete(scanId)
      byTarget.delete(target.id)
    }
  }

  return {
    running,
    async idle() {
      await Promise.all([...inFlight])
    },
    'scan.start': (req) => {
      const target = repos.targets.get(req.targetId)
      if (!target) throw notFound('Target')
      if (byTarget.has(target.id)) throw new AppError('conflict', `${target.name} is already being scanned`)
      const bench = content.benchmark(req.sha256)
      if (!bench) throw notFound('That content')
      if (!bench.profiles.some((p) => p.id === req.profileId))
        throw new AppError('validation', `The profile ${req.profileId} is not in ${bench.title}`, [
          { path: 'profileId', message: 'Not a profile of this content' },
        ])
      if (req.tailoringId && !content.tailoring(req.tailoringId)) throw notFound('That tailoring')
      const scanId = randomUUID()
      scans.begin({
        id: scanId,
        targetId: target.id,
        trigger: 'manual',
        profileId: req.profileId,
        tailoringId: req.tailoringId ?? null,
        startedAt: clock.now().toISOString(),
      })
      const controller = new AbortController()
      running.set(scanId, controller)
      byTarget.set(target.id, scanId)
      // A scan outliving its core (closed mid-scan) cannot record its end; that is logged, never thrown.
      const p = execute(scanId, target, req, controller).catch((err: unknown) =>
        logger.log('error', 'scan could not be recorded', { scanId, error: String(err) }),
      )
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p))
      return { scanId }
    },
    'scan.cancel': ({ scanId }) => {
      const c = running.get(scanId)
      c?.abort()
      return { cancelled: Boolean(c) }
    },
    'scans.list': ({ targetId }) => ({ scans: scans.list(targetId).map(view) }),
    'scans.latest': () => ({ scans: scans.latestPerTarget().map(view) }),
    'scan.results': ({ scanId }) => {
      const s = scans.get(scanId)
      if (!s) throw notFound('That scan')
      return { scan: view(s), results: scans.results(scanId) }
    },
  }
}
