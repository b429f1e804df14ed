// Running scans: one at a time per target, progress pushed as it happens, cancellable, and committed in
// one transaction at the end (results, evidence, current status). Scanners do the work; this room keeps it.
import { createHash, randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { ScanRow, ScansRepo, ScanTrigger } from '../store/scans'
import { AppError, diskFullError, issuesError, notFound, type FieldIssue } from '../errors'
import { scannerFor, type ScanContext, type ScanPlan, type Scanner } from '../scanners/scanner'
import type { ParsedReq, ScanView, Target } from '../../../src-preload/contract'
import { parseArf } from '../scap/arf'
import { generateFix, RemediationError } from '../scanners/ssh-oscap/remediation'
import { AdaptiveLimit, runAdaptive } from '../util/adaptive-limit'
import { eventLoopLag, every } from '../util/event-loop-lag'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { ContentRepo } from '../store/content'
import { tailoringXml } from '../scap/tailoring-groups'
import type { Policy } from '../policy/policy'
import { applicability } from '../../../src-preload/applicability'
import type { RulePacks } from '../rules/registry'
import { ruleTextOf, ruleTexts } from '../reports/rule-text'

type ScanHandlers = Pick<
  Handlers,
  | 'scan.start'
  | 'scan.startGroup'
  | 'scan.cancel'
  | 'scan.cancelGroup'
  | 'scans.list'
  | 'scans.latest'
  | 'scan.results'
  | 'scan.remediation'
>

export interface ScanDeps extends CoreContext {
  scans: ScansRepo
  /** The imported content and tailorings: a tailored scan's remediation needs the tailoring it ran with. */
  content: ContentRepo
  /** Rule packs: a database or GitHub scan's rule references. */
  packs: RulePacks
  /** The scanners, one per family of target kinds (see scanners/scanner.ts). */
  scanners: readonly Scanner[]
  /** Each target's assigned policy, which a request naming none runs. */
  policy: Policy
  /** The face this core serves: scans started through scan.start from the CLI are recorded as 'cli'. */
  face?: 'desktop' | 'serve' | 'cli'
  /** This process on the store, recorded on each scan it runs (many watchers: a scan's runner may be gone). */
  runner?: string
}

/** A fingerprint of what decides which rules run and how: two scans with different ones are not drift-compared. */
const policyFingerprint = (p: ScanPlan) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        p.sha256 ?? '',
        p.profileId,
        p.tailoring?.sha256 ?? p.tailoringId ?? '',
        p.policyDigest ?? '',
      ]),
    )
    .digest('hex')

const gzipAsync = promisify(gzip)
/** Evidence at least this large is compressed off the event loop. */
const GZIP_OFF_LOOP = 256 * 1024

export const view = (s: ScanRow): ScanView => ({
  id: s.id,
  targetId: s.targetId,
  trigger: s.trigger,
  state: s.state,
  profileId: s.profileId,
  tailoringId: s.tailoringId,
  tailoringName: s.tailoringName,
  tailoringSha256: s.tailoringSha256,
  startedAt: s.startedAt,
  finishedAt: s.finishedAt,
  error: s.error,
  score: s.score,
  counts: s.counts,
  evidence: s.evidence,
  contentSha256: s.info.content ?? '',
  info: s.info,
})

export function scanHandlers(deps: ScanDeps): ScanHandlers & {
  running: Map<string, AbortController>
  idle(): Promise<void>
  /** scan.start with a trigger: the UI's path is 'manual' ('cli' from the CLI), the watch's 'schedule'. */
  start(req: ParsedReq<'scan.start'>, opts?: { trigger?: ScanTrigger }): { scanId: string }
  /** Whether a scan of the target is running now. */
  scanning(targetId: string): boolean
} {
  const { repos, scans, clock, emit, logger } = deps
  const running = new Map<string, AbortController>()
  const byTarget = new Map<string, string>()
  const inFlight = new Set<Promise<void>>()
  /** Each running scan's end, for a group scan to wait on before it starts the next target. */
  const ends = new Map<string, Promise<void>>()
  /** Each group scan's cancel and the scans it has started. */
  const groups = new Map<string, { controller: AbortController; scans: Set<string> }>()

  /** The tailoring file a tailored scan ran with, or a reason a person can act on when it is gone or changed. */
  function tailoringFor(s: ScanRow, ranProfile: string | undefined): string {
    const row = deps.content.tailoring(s.tailoringId ?? '')
    if (!row)
      throw new AppError(
        'not_found',
        'This scan ran with a tailoring that has since been deleted: remediation needs it to know the policy. ' +
          'Import the tailoring again, or scan again and remediate that scan',
      )
    if (ranProfile && row.tailoring.profileId !== ranProfile)
      throw new AppError(
        'conflict',
        `The tailoring "${row.name}" now defines ${row.tailoring.profileId}, but this scan ran ${ranProfile}: ` +
          'scan again with it and remediate that scan',
      )
    const bench = deps.content.benchmark(s.info.content || row.contentSha256, row.benchmarkId)
    return tailoringXml(row.tailoring, bench)
  }

  async function execute(
    scanId: string,
    target: Target,
    scanner: Scanner,
    plan: ScanPlan,
    controller: AbortController,
  ) {
    const later: (() => Promise<void>)[] = []
    const ctx: ScanContext = {
      signal: controller.signal,
      progress: (p) => emit('scan.progress', { scanId, targetId: target.id, ...p }),
      log: (msg, fields) => logger.log('info', msg, { scanId, ...fields }),
      after: (task) => void later.push(task),
      leftOnHost: (message) => emit('scan.leftover', { scanId, targetId: target.id, message }),
    }
    // What the scanner left for later (a remote temp dir to remove) runs once the scan's end is recorded and
    // announced, so nobody waits for it; idle() still does, so a CLI run never exits before it is done.
    const runLater = () => {
      const p = Promise.allSettled(later.map((task) => task())).then((rs) => {
        for (const r of rs)
          if (r.status === 'rejected')
            logger.log('warn', 'work after the scan failed', { scanId, error: String(r.reason) })
      })
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p))
    }
    try {
      const outcome = await scanner.scan(target, plan, ctx)
      if (controller.signal.aborted) throw new Error('The scan was cancelled')
      // Large evidence (an ARF of megabytes) is compressed on the thread pool, so the commit that follows holds
      // the event loop briefly; small evidence (a database's or GitHub's JSON) is compressed in the commit, as
      // it takes under a millisecond and keeps the scan's end in step with the watch's clock.
      const gz = outcome.evidence.some((e) => e.bytes.length >= GZIP_OFF_LOOP)
        ? await Promise.all(outcome.evidence.map((e) => gzipAsync(e.bytes)))
        : []
      if (controller.signal.aborted) throw new Error('The scan was cancelled')
      const done = scans.commit(scanId, outcome, clock.now().toISOString(), gz)
      if (done.drift.length > 0) {
        const types: Record<string, number> = {}
        for (const e of done.drift) types[e.type] = (types[e.type] ?? 0) + 1
        emit('drift.detected', { scanId, targetId: target.id, eventIds: done.drift.map((e) => e.id), types })
      }
      emit('scan.finished', { scanId, targetId: target.id, state: 'done', score: done.score, error: '' })
    } catch (err) {
      const cancelled = controller.signal.aborted
      const message = cancelled
        ? 'The scan was cancelled'
        : (diskFullError(err)?.message ?? (err instanceof Error ? err.message : String(err)))
      try {
        scans.finish(scanId, cancelled ? 'cancelled' : 'failed', message, clock.now().toISOString())
      } catch (again) {
        // The store cannot take even that (a full disk): the row stays 'running', the next start marks it
        // interrupted, and the person still hears why now.
        logger.log('error', 'scan end could not be recorded', { scanId, error: String(again) })
      }
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
      runLater()
    }
  }

  function start(req: ParsedReq<'scan.start'>, opts: { trigger?: ScanTrigger } = {}) {
    const target = repos.targets.get(req.targetId)
    if (!target) throw notFound('Target')
    if (byTarget.has(target.id)) throw new AppError('conflict', `${target.name} is already being scanned`)
    const scanner = scannerFor(deps.scanners, target.kind)
    if (!scanner) throw new AppError('unavailable', `Scanning ${target.kind} targets is not available yet`)
    const plan = scanner.plan(target, deps.policy.request(target, req))
    const scanId = randomUUID()
    scans.begin({
      id: scanId,
      targetId: target.id,
      trigger: opts.trigger ?? (deps.face === 'cli' ? 'cli' : 'manual'),
      profileId: plan.profileId,
      tailoringId: plan.tailoringId,
      tailoringName: plan.tailoring?.name ?? null,
      tailoringSha256: plan.tailoring?.sha256 ?? null,
      policy: policyFingerprint(plan),
      startedAt: clock.now().toISOString(),
      runner: deps.runner,
    })
    const controller = new AbortController()
    running.set(scanId, controller)
    byTarget.set(target.id, scanId)
    // A scan outliving its core (closed mid-scan) cannot record its end; that is logged, never thrown.
    const p = execute(scanId, target, scanner, plan, controller).catch((err: unknown) =>
      logger.log('error', 'scan could not be recorded', { scanId, error: String(err) }),
    )
    inFlight.add(p)
    ends.set(scanId, p)
    void p.finally(() => {
      inFlight.delete(p)
      ends.delete(scanId)
    })
    return { scanId }
  }

  /**
   * The request a target of a group gets: content and profile for kinds scanned with content; the others run
   * their assigned or default pack, or the one profileId names when the group is scanned without content. A
   * group request naming no policy leaves each target to its assigned one. Each takes the host key confirmed
   * for it, if any.
   */
  const groupRequest = (t: Target, req: ParsedReq<'scan.startGroup'>): ParsedReq<'scan.start'> => {
    const trustHostKey = req.trustHostKeys?.[t.id]
    if (deps.kinds.get(t.kind)?.policy.content)
      return {
        targetId: t.id,
        sha256: req.sha256,
        profileId: req.profileId,
        tailoringId: req.tailoringId,
        trustHostKey,
      }
    return { targetId: t.id, profileId: req.sha256 ? undefined : req.profileId, trustHostKey }
  }

  /** A confirmation is for a member of the group whose kind pins host keys; anything else is a mistake to name. */
  function checkConfirmations(req: ParsedReq<'scan.startGroup'>, members: Target[]) {
    const issues: FieldIssue[] = []
    for (const id of Object.keys(req.trustHostKeys ?? {})) {
      const t = members.find((m) => m.id === id)
      const path = `trustHostKeys.${id.slice(0, 60)}`
      if (!t)
        issues.push({
          path,
          message: `No target ${JSON.stringify(id.slice(0, 60))} in the group "${req.group}"`,
        })
      else if (!deps.kinds.get(t.kind)?.policy.hostKey)
        issues.push({ path, message: `${t.name} has no host key to confirm` })
    }
    if (issues.length) throw issuesError(issues)
  }

  function startGroup(req: ParsedReq<'scan.startGroup'>) {
    const members = repos.targets.list({ group: req.group })
    if (members.length === 0) throw notFound(`The group "${req.group}"`)
    checkConfirmations(req, members)
    const queued: Target[] = []
    const skipped: { targetId: string; name: string; reason: string }[] = []
    // Plans are checked now, so a target that cannot be scanned (no content chosen for a host) is named at once.
    for (const t of members) {
      const scanner = scannerFor(deps.scanners, t.kind)
      try {
        if (!scanner) throw new AppError('unavailable', `Scanning ${t.kind} targets is not available yet`)
        scanner.plan(t, deps.policy.request(t, groupRequest(t, req)))
        if (byTarget.has(t.id)) throw new AppError('conflict', 'already being scanned')
        queued.push(t)
      } catch (err) {
        skipped.push({
          targetId: t.id,
          name: t.name,
          reason: err instanceof Error ? err.message : String(err),
        })
      }
    }
    // As many at a time as this computer and the hosts allow (util/adaptive-limit.ts): each lane takes the next
    // target when its scan ends, and a target that cannot start is logged, not thrown, so one host's failure
    // (or a slow one) never stops the others.
    const groupScanId = randomUUID()
    const group = { controller: new AbortController(), scans: new Set<string>() }
    groups.set(groupScanId, group)
    const cpus = availableParallelism()
    const limiter = new AdaptiveLimit(
      { initial: req.concurrency ?? cpus, max: req.concurrency ?? Math.min(16, 4 * cpus) },
      () => performance.now(),
    )
    const lag = eventLoopLag()
    const pool = runAdaptive(
      queued,
      async (t) => {
        if (group.controller.signal.aborted) return
        try {
          const { scanId } = start(groupRequest(t, req), { trigger: 'group' })
          group.scans.add(scanId)
          await ends.get(scanId)
        } catch (err) {
          logger.log('warn', 'group scan: a target could not start', { targetId: t.id, error: String(err) })
        }
      },
      { limiter, every, lag: () => lag.read(), signal: group.controller.signal },
    ).finally(() => {
      lag.stop()
      groups.delete(groupScanId)
      logger.log('debug', 'group scan ended', {
        group: req.group,
        groupScanId,
        cancelled: group.controller.signal.aborted,
        lanes: limiter.history,
      })
    })
    inFlight.add(pool)
    void pool.finally(() => inFlight.delete(pool))
    return { groupScanId, queued: queued.map((t) => ({ targetId: t.id, name: t.name })), skipped }
  }

  return {
    running,
    start,
    scanning: (targetId) => byTarget.has(targetId),
    async idle() {
      // Scans started while waiting (the watch starts the next as one ends) are waited for too.
      while (inFlight.size > 0) await Promise.all([...inFlight])
    },
    'scan.start': (req) => start(req),
    'scan.startGroup': (req) => startGroup(req),
    'scan.cancel': ({ scanId }) => {
      const c = running.get(scanId)
      c?.abort()
      return { cancelled: Boolean(c) }
    },
    'scan.cancelGroup': ({ groupScanId }) => {
      const g = groups.get(groupScanId)
      if (!g) return { cancelled: false }
      g.controller.abort()
      for (const scanId of g.scans) running.get(scanId)?.abort()
      return { cancelled: true }
    },
    'scans.list': ({ targetId }) => ({ scans: scans.list(targetId).map(view) }),
    'scans.latest': () => {
      // A failed scan, or one with content for another platform, never replaces the score people rely on.
      const meaningful = scans.latestMeaningfulPerTarget((c) => applicability(c).meaningful)
      const since = new Map(meaningful.map((s) => [s.targetId, s.startedAt]))
      const attempts = scans.latestEndedPerTarget().filter((s) => (since.get(s.targetId) ?? '') < s.startedAt)
      return { scans: meaningful.map(view), attempts: attempts.map(view) }
    },
    'scan.remediation': async ({ scanId, type }) => {
      const s = scans.get(scanId)
      if (!s) throw notFound('That scan')
      const arf = s.evidence ? scans.evidence(s.evidence) : undefined
      if (s.state !== 'done' || !arf || arf.mediaType !== 'application/xml+arf')
        throw new AppError('validation', 'Remediation scripts come from a finished OpenSCAP scan')
      const failedRules = s.counts.fail ?? 0
      if (failedRules === 0)
        throw new AppError('validation', 'No rule failed in this scan: nothing to remediate')
      const { testResult } = await parseArf(arf.bytes)
      const tailoring = s.tailoringId ? tailoringFor(s, testResult.profileId) : undefined
      try {
        const script = await generateFix(arf.bytes, testResult.id, type, { tailoring })
        const target = repos.targets.get(s.targetId)?.name ?? 'target'
        const stamp = s.startedAt.slice(0, 10)
        const safe = target.replace(/[^A-Za-z0-9._-]+/g, '-')
        return {
          fileName: `${safe}-${stamp}-remediation.${type === 'bash' ? 'sh' : 'yml'}`,
          script,
          failedRules,
        }
      } catch (err) {
        if (err instanceof RemediationError)
          throw new AppError(err.code === 'oscap_missing' ? 'unavailable' : 'internal', err.message)
        throw err
      }
    },
    'scan.results': ({ scanId }) => {
      const s = scans.get(scanId)
      if (!s) throw notFound('That scan')
      // Each rule's references ride along, so a person can find it by CCE, NIST 800-53, CIS or PCI DSS id.
      const text = ruleTexts(deps)(s)
      const results = scans.results(scanId).map((r) => ({
        ...r,
        evidence: r.evidence ?? [],
        references: ruleTextOf(text, r.ruleId)?.references ?? [],
      }))
      return { scan: view(s), results }
    },
  }
}
