// The watch room: the scheduler, the alert outbox's sender, desktop notifications and the watch/drift/alerts
// channels. The scan commit records drift and queues alerts (commitHooks); this room acts on them afterwards.
import { randomUUID } from 'node:crypto'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { Timers } from '../ports'
import type { Vault } from '../vault/vault'
import type { ScansRepo, CommitHooks } from '../store/scans'
import type { WatchRepo, ScheduleRow } from '../store/watch'
import type { AlertsRepo, ChannelRow } from '../store/alerts'
import type { DriftRepo } from '../store/drift'
import type { SharedWatchRepo } from '../store/shared-watch'
import { AppError, notFound } from '../errors'
import { calendarOf, nextSlot, Scheduler } from './scheduler'
import { CLAIM_TTL_MS } from './shared-mode'
import { readKpis } from './kpis'
import { AlertDispatcher } from './alerts/dispatcher'
import { channelSaver } from './save-channel'
import { sendSystemAlert } from './alerts/system'
import type { WatchStatus, ParsedReq } from '../../../src-preload/contract'
import { DRIFT_TYPE_LABELS } from '../../../src-preload/labels'
import { zoneOf } from '../../../src-preload/calendar'
import type { Policy } from '../policy/policy'

type WatchHandlers = Pick<
  Handlers,
  | 'watch.status'
  | 'watch.schedules.save'
  | 'watch.schedules.remove'
  | 'watch.pause'
  | 'watch.resume'
  | 'watch.runNow'
  | 'watch.settings'
  | 'drift.events'
  | 'drift.event'
  | 'drift.timeline'
  | 'drift.kpis'
  | 'alerts.channels.list'
  | 'alerts.channels.save'
  | 'alerts.channels.remove'
  | 'alerts.channels.test'
  | 'alerts.deliveries'
  | 'alerts.list'
  | 'alerts.acknowledge'
>

export interface WatchStores {
  watch: WatchRepo
  alerts: AlertsRepo
  drift: DriftRepo
}

/** What the watch adds to every scan's commit transaction: its thresholds, and alerts opened with the drift. */
export const commitHooks = (s: WatchStores, claims?: SharedWatchRepo): CommitHooks => ({
  thresholds: () => s.watch.settings().thresholds,
  onDrift: (scan, events, at) => void s.alerts.recordDrift(scan, events, at),
  // Many watchers: a scheduled scan commits only while its due time's claim is still its own.
  ...(claims && { fence: (scanId: string, at: string) => claims.commitFence(scanId, at) }),
})

export interface WatchDeps extends CoreContext, WatchStores {
  scans: ScansRepo
  vault: Vault
  timers: Timers
  /** Each target's assigned policy: a schedule naming none runs it. */
  policy: Pick<Policy, 'assigned'>
  scanning: {
    start(req: ParsedReq<'scan.start'>, opts: { trigger: 'schedule' }): { scanId: string }
    scanning(targetId: string): boolean
    running: Map<string, AbortController>
  }
  /** Subscribes to the core's own events (scan.finished, drift.detected, vault.changed). */
  listen(l: (name: string, payload: unknown) => void): () => void
  random?: () => number
  redact?(text: string): string
  /** Other watchers that run while the watch runs (the exceptions' expiry watch). */
  companions?: { start(): void; stop(): void }[]
  /** This process's id on the store (its scans name it). */
  owner?: string
  /** Many watchers on one store: the claims (see scheduler.ts); absent, one process holds the watch lease. */
  claims?: SharedWatchRepo
  /** The face this process serves, as the store's process list shows it. */
  face?: string
}

/** Which targets a watcher scans (`driftwatch watch --only KIND --tag TAG`); empty lists: all. */
export interface WatchFilter {
  onlyKinds: string[]
  tags: string[]
}

export interface Watch {
  handlers: WatchHandlers
  scheduler: Scheduler
  dispatcher: AlertDispatcher
  /**
   * Starts scheduling and sending in this process (desktop app, `driftwatch watch`, `serve --watch`). With many
   * watchers on the store, `filter` limits this one to some kinds and groups.
   */
  start(filter?: WatchFilter): void
  stop(): void
  status(): WatchStatus
  /** A message about this process itself (the self-monitor) to every enabled channel, sent at once. */
  alertSystem(title: string, text: string): Promise<{ sent: number; failed: number }>
}

export function createWatch(d: WatchDeps): Watch {
  const { watch: repo, alerts, drift, clock, vault, emit, logger } = d
  const now = () => clock.now().toISOString()

  const filter: WatchFilter = { onlyKinds: [], tags: [] }
  const scheduler = new Scheduler({
    owner: d.owner,
    ...(d.claims && {
      shared: {
        repo: d.claims,
        scans: d.scans,
        face: d.face === 'cli' ? 'watch' : (d.face ?? 'watch'),
        onlyKinds: filter.onlyKinds,
        tags: filter.tags,
      },
    }),
    repo,
    targets: d.repos.targets,
    clock,
    timers: d.timers,
    logger,
    random: d.random,
    startScan: (t, req) => d.scanning.start({ targetId: t.id, ...req }, { trigger: 'schedule' }),
    isScanning: (id) => d.scanning.scanning(id),
    vaultLocked: (t) => d.kinds.credentialRefs(t).length > 0 && vault.state() !== 'unlocked',
    onChange: () => {
      // The lease holder also sends the outbox, looking at it on every tick: messages queued by scans that
      // other processes committed (a scan started by hand in the UI) are sent within a minute.
      if (started && scheduler.isActive()) dispatcher.kick()
      tick()
    },
  })
  const dispatcher = new AlertDispatcher({
    alerts,
    targets: d.repos.targets,
    vault,
    clock,
    timers: d.timers,
    logger,
    random: d.random,
    mayDeliver: () => scheduler.isActive(),
    redact: d.redact,
    worker: d.owner,
  })
  let started = false
  let closed = false

  /** Many watchers: the others alive on the store, as the Watch page names them. */
  function watchersElsewhere(claims: SharedWatchRepo): string {
    const since = new Date(clock.now().getTime() - CLAIM_TTL_MS).toISOString()
    const alive = claims.processes().filter((p) => p.id !== scheduler.owner && p.seenAt >= since)
    if (alive.length === 0) return ''
    const named = alive.slice(0, 3).map((p) => `${p.host} pid ${p.pid}`)
    return `${alive.length} Driftwatch watcher${alive.length > 1 ? 's' : ''} (${named.join(', ')}${alive.length > 3 ? ', …' : ''})`
  }

  function trayState(): WatchStatus['tray'] {
    if (repo.paused()) return 'paused'
    if (repo.runs().some((r) => r.status === 'vault_locked')) return 'vault_locked'
    if (alerts.alerts('open').length > 0) return 'drift'
    if (d.scanning.running.size > 0) return 'scanning'
    return 'ok'
  }
  function tick() {
    emit('watch.tick', {
      active: scheduler.isActive(),
      paused: repo.paused(),
      running: scheduler.running.size,
      tray: trayState(),
    })
  }

  const scheduleView = (s: ScheduleRow) => ({
    id: s.id,
    targetId: s.targetId,
    group: s.group,
    kind: s.kind,
    intervalMinutes: s.intervalMinutes,
    dailyTimes: s.dailyTimes,
    ...{ days: s.days, timeZone: s.timeZone, zone: s.kind === 'interval' ? '' : zoneOf(s.timeZone) },
    nextSlotAt:
      s.kind === 'interval' ? null : new Date(nextSlot(s, Date.parse(now()), repo.settings())).toISOString(),
    priority: s.priority,
    jitterSeconds: s.jitterSeconds,
    ...(s.request.sha256 && { sha256: s.request.sha256 }),
    ...(s.request.profileId && { profileId: s.request.profileId }),
    ...(s.request.tailoringId && { tailoringId: s.request.tailoringId }),
    paused: s.paused,
  })

  function status(): WatchStatus {
    const schedules = repo.schedules()
    const pausedTargets = repo.pausedTargets()
    const pausedSchedules = new Set(schedules.filter((s) => s.paused).map((s) => s.id))
    const allPaused = repo.paused()
    const lease = repo.lease()
    const elsewhere = scheduler.isActive()
      ? ''
      : d.claims
        ? watchersElsewhere(d.claims)
        : lease && lease.until > now() && lease.owner !== scheduler.owner
          ? `Driftwatch process ${lease.pid}`
          : ''
    return {
      active: scheduler.isActive(),
      elsewhere,
      paused: repo.paused(),
      pausedTargets: [...pausedTargets],
      schedules: schedules.map(scheduleView),
      runs: repo.runs().map((r) => ({
        ...r,
        status:
          r.status !== 'running' &&
          (allPaused || pausedTargets.has(r.targetId) || pausedSchedules.has(r.scheduleId))
            ? 'paused'
            : r.status,
      })),
      settings: repo.settings(),
      tray: trayState(),
      openAlerts: alerts.alerts('open').length,
    }
  }

  const off = d.listen((name, payload) => {
    if (name === 'scan.finished') {
      const p = payload as { scanId: string; state: 'done' | 'failed' | 'cancelled'; error: string }
      // After the scan room has let go of the target (its finally runs right after this event).
      // Not once the watch has stopped: the store may be closed by then (core.close right after a SIGTERM).
      queueMicrotask(() => {
        if (!closed) scheduler.onScanFinished(p.scanId, p.state, p.error)
      })
    } else if (name === 'drift.detected') {
      const p = payload as { scanId: string; targetId: string; eventIds: number[] }
      notify(p.targetId, p.eventIds)
      if (started) dispatcher.kick()
    } else if (name === 'vault.changed') {
      if (started) {
        scheduler.tick()
        if ((payload as { state: string }).state === 'unlocked') dispatcher.vaultUnlocked()
      }
    }
  })

  function notify(targetId: string, eventIds: number[]) {
    const events = alerts.events(eventIds).filter((e) => e.type !== 'fixed' && e.type !== 'value')
    const worst =
      events.find((e) => e.type === 'regression') ?? events.find((e) => e.type === 'new-failing') ?? events[0]
    if (!worst) return
    const t = d.repos.targets.get(targetId)
    const rules = events.filter((e) => e.ruleId).length
    d.notifier.notify({
      title: `${t?.name ?? 'A target'} drifted`,
      body:
        rules > 1
          ? `${rules} rules changed, e.g. ${worst.title || worst.ruleId} (${DRIFT_TYPE_LABELS[worst.type].toLowerCase()})`
          : `${worst.title || worst.ruleId}: ${DRIFT_TYPE_LABELS[worst.type].toLowerCase()}`,
      link: `#/drift/${worst.id}`,
    })
  }

  /** Whether a schedule names its policy; one that names none runs each target's assigned policy. */
  const named = (req: ParsedReq<'watch.schedules.save'>) =>
    Boolean(req.tailoringId || (req.sha256 && req.profileId))

  function checkScheduleTarget(req: ParsedReq<'watch.schedules.save'>) {
    if (req.targetId) {
      const t = d.repos.targets.get(req.targetId)
      if (!t)
        throw new AppError('validation', 'That target does not exist', [
          { path: 'targetId', message: 'Unknown target' },
        ])
      if (d.kinds.get(t.kind)?.policy.content && !named(req) && !d.policy.assigned(t).tailoring)
        throw new AppError(
          'validation',
          `Scanning ${t.name} needs SCAP content and a profile, or an assigned tailoring`,
          [
            {
              path: req.sha256 ? 'profileId' : 'sha256',
              message: 'Choose the content and profile to scan with',
            },
          ],
        )
      if (req.sha256 && !req.profileId)
        throw new AppError('validation', `Scanning ${t.name} needs a profile of that content`, [
          { path: 'profileId', message: 'Choose a profile' },
        ])
    } else if (req.group) {
      const members = d.repos.targets.list({ group: req.group })
      if (members.length === 0)
        throw new AppError('validation', `No target is in the group "${req.group}"`, [
          { path: 'group', message: 'No target is in this group' },
        ])
      // Left on "Assigned policy", every host of the group needs a tailoring of its own (or its group's).
      const bare = named(req)
        ? []
        : members.filter((t) => d.kinds.get(t.kind)?.policy.content && !d.policy.assigned(t).tailoring)
      if (bare.length || (req.sha256 && !req.profileId))
        throw new AppError(
          'validation',
          `The group "${req.group}" has hosts that need SCAP content and a profile` +
            (bare.length ? ` (no tailoring is assigned to ${bare.map((t) => t.name).join(', ')})` : ''),
          [{ path: 'sha256', message: 'Choose the content and profile to scan with' }],
        )
    }
  }

  const saveChannel = channelSaver({ alerts, vault, emit, now })

  const channelView = (c: ChannelRow) => ({
    id: c.id,
    kind: c.kind,
    name: c.name,
    enabled: c.enabled,
    config: c.config,
    credentialId: c.credentialId,
    throttleMinutes: c.throttleMinutes,
  })

  function evidenceSide(scanId: string | null, ruleId: string) {
    if (!scanId) return null
    const scan = d.scans.get(scanId)
    if (!scan) return null
    const r = ruleId ? drift.result(scanId, ruleId) : undefined
    return {
      scanId,
      at: scan.finishedAt,
      status: r?.status ?? (ruleId ? 'not in this scan' : ''),
      actual: r?.actual ?? (ruleId ? '' : String(scan.score ?? '')),
      expected: r?.expected ?? '',
      message: r?.message ?? '',
      evidence: scan.evidence,
    }
  }

  const handlers: WatchHandlers = {
    'watch.status': () => status(),
    'watch.schedules.save': (req) => {
      checkScheduleTarget(req)
      if (req.id && !repo.schedule(req.id)) throw notFound('That schedule')
      const saved = repo.saveSchedule(
        {
          id: req.id ?? randomUUID(),
          targetId: req.targetId,
          group: req.group,
          kind: req.kind,
          intervalMinutes: req.intervalMinutes,
          ...calendarOf(req),
          priority: req.priority,
          jitterSeconds: req.jitterSeconds,
          request: {
            ...(req.sha256 && { sha256: req.sha256 }),
            ...(req.profileId && { profileId: req.profileId }),
            ...(req.tailoringId && { tailoringId: req.tailoringId }),
          },
          paused: req.paused,
        },
        now(),
      )
      scheduler.tick()
      return scheduleView(saved)
    },
    'watch.schedules.remove': ({ id }) => {
      if (!repo.removeSchedule(id)) throw notFound('That schedule')
      scheduler.tick()
      return { removed: true as const }
    },
    'watch.pause': ({ targetId, scheduleId }) => {
      if (scheduleId) {
        if (!repo.setSchedulePaused(scheduleId, true, now())) throw notFound('That schedule')
      } else if (targetId) {
        if (!d.repos.targets.get(targetId)) throw notFound('Target')
        repo.setTargetPaused(targetId, true, now())
      } else repo.setPaused(true, now())
      scheduler.tick()
      return status()
    },
    'watch.resume': ({ targetId, scheduleId }) => {
      if (scheduleId) {
        if (!repo.setSchedulePaused(scheduleId, false, now())) throw notFound('That schedule')
      } else if (targetId) repo.setTargetPaused(targetId, false, now())
      else repo.setPaused(false, now())
      scheduler.tick()
      return status()
    },
    'watch.runNow': ({ scheduleId }) => {
      if (scheduleId && !repo.schedule(scheduleId)) throw notFound('That schedule')
      const name = (id: string) => d.repos.targets.get(id)?.name ?? id
      const before = status()
      if (before.active || before.elsewhere) {
        // The watching process starts what is due (this one at once; another at its next look, within a minute).
        repo.makeDue(now(), scheduleId)
        scheduler.tick()
        const ranBy = before.active ? ('watch' as const) : ('elsewhere' as const)
        return { ...status(), ranBy, started: [], skipped: [] }
      }
      // Nobody watches: making runs due would change nothing, so this process scans them now.
      const { started, skipped } = scheduler.runHere(scheduleId)
      tick()
      return {
        ...status(),
        ranBy: 'here' as const,
        started: started.map((targetId) => ({ targetId, name: name(targetId) })),
        skipped: skipped.map((s) => ({ ...s, name: name(s.targetId) })),
      }
    },
    'watch.settings': (req) => {
      repo.saveSettings(req, now())
      scheduler.tick()
      return status()
    },
    'drift.events': (f) => drift.events(f),
    'drift.event': ({ id }) => {
      const event = drift.event(id)
      if (!event) throw notFound('That drift event')
      return {
        event,
        before: evidenceSide(event.prevScanId, event.ruleId),
        after: evidenceSide(event.scanId, event.ruleId),
      }
    },
    'drift.timeline': ({ targetId }) => {
      if (!d.repos.targets.get(targetId)) throw notFound('Target')
      return { points: drift.timeline(targetId) }
    },
    'drift.kpis': (f) => {
      if (f.targetId && !d.repos.targets.get(f.targetId)) throw notFound('Target')
      return readKpis(drift, f)
    },
    'alerts.channels.list': () => ({ channels: alerts.channels().map(channelView) }),
    'alerts.channels.save': async (req) => channelView(await saveChannel(req)),
    'alerts.channels.remove': ({ id }) => {
      if (!alerts.removeChannel(id)) throw notFound('That alert channel')
      return { removed: true as const }
    },
    'alerts.channels.test': async ({ id }) => {
      if (!alerts.channel(id)) throw notFound('That alert channel')
      const deliveryId = alerts.queueTest(id, now())
      return dispatcher.sendNow(deliveryId)
    },
    'alerts.deliveries': ({ channelId }) => ({ deliveries: alerts.deliveries(channelId) }),
    'alerts.list': ({ state }) => ({ alerts: alerts.alerts(state) }),
    'alerts.acknowledge': ({ id }) => {
      if (!alerts.acknowledge(id, now())) {
        const a = alerts.alerts().find((x) => x.id === id)
        if (!a) throw notFound('That alert')
        if (a.state !== 'open') throw new AppError('conflict', `That alert is ${a.state} already`)
      }
      tick()
      return alerts.alerts().find((x) => x.id === id)!
    },
  }

  return {
    handlers,
    scheduler,
    dispatcher,
    status,
    alertSystem: (title, text) =>
      sendSystemAlert({ alerts, vault, clock, logger, redact: d.redact }, title, text),
    start(only) {
      if (started) return
      started = true
      if (only) {
        filter.onlyKinds.push(...only.onlyKinds)
        filter.tags.push(...only.tags)
      }
      scheduler.start()
      dispatcher.kick()
      for (const c of d.companions ?? []) c.start()
    },
    stop() {
      started = false
      closed = true
      for (const c of d.companions ?? []) c.stop()
      scheduler.close()
      dispatcher.stop()
      off()
    },
  }
}
