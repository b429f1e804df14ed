// Scans as the renderer knows them: each target's latest scan (for scores) and live progress of running ones.
import type { StateCreator } from 'zustand'
import type { EventPayload, Req, Res, ScanView } from '../../src-preload/contract'
import { api } from '../api/client'
import { errorText, keyedLoader, type Loadable } from './loadable'
import type { State } from './index'
import { applyProgress, type LiveScan } from './live-scan'

export { applyProgress, liveText, type LiveScan } from './live-scan'

/** A target's latest ended scan when newer than its score's: failed, interrupted, or with rules that did not apply. */
export type Attempt = Pick<ScanView, 'id' | 'state' | 'error' | 'startedAt' | 'counts' | 'score'>

export interface ScansSlice {
  /** Each target's last scan that said something about it (its score stands), by target id. */
  latest: Record<string, ScanView>
  /** By target id: a newer scan that did not replace that score (see Attempt). */
  attempts: Record<string, Attempt>
  latestError: string
  live: Record<string, LiveScan>
  /** Each target's scans, newest first, by target id. */
  history: Record<string, Loadable<ScanView[]>>
  /** A scan's results, by scan id. */
  results: Record<string, Loadable<Res<'scan.results'>>>
  loadLatest(): Promise<void>
  loadHistory(targetId: string): Promise<void>
  loadResults(scanId: string): Promise<void>
  cancelScan(scanId: string): Promise<void>
  onProgress(e: EventPayload<'scan.progress'>): void
  onFinished(e: EventPayload<'scan.finished'>): void
  /** A scan could not remove its temp folder from the host: said at once, naming the target (also audited). */
  onLeftover(e: EventPayload<'scan.leftover'>): void
  /**
   * After events were missed: drops the live progress of scans that ended meanwhile, and counts the group
   * scan's targets whose scan ended meanwhile as done.
   */
  settleMissedEnds(): Promise<void>
  /** The group scan started from this window, until its last target ends or it is stopped. */
  groupScan: GroupScan | null
  /** Starts scanning a group; throws what the core refused, for the bar to say. */
  startGroupScan(req: Req<'scan.startGroup'>): Promise<Res<'scan.startGroup'>>
  /** Stops the group scan: queued targets never start, running scans are cancelled. */
  stopGroupScan(): Promise<void>
}

export interface GroupScan {
  id: string
  group: string
  /** When it was asked for (this computer's clock, as the core's): its targets' scans start after. */
  startedAt: string
  /** Every target queued, and those of them whose scan has not ended yet. */
  queued: string[]
  pending: string[]
}

export const createScansSlice: StateCreator<State, [['zustand/devtools', never]], [], ScansSlice> = (
  set,
  get,
) => {
  const historyLoader = keyedLoader(
    () => get().history,
    (history) => set({ history }),
  )
  const resultsLoader = keyedLoader(
    () => get().results,
    (results) => set({ results }),
  )
  return {
    latest: {},
    attempts: {},
    latestError: '',
    live: {},
    groupScan: null,
    history: {},
    results: {},
    loadHistory: (targetId) =>
      historyLoader(targetId, async () => (await api.invoke('scans.list', { targetId })).scans),
    loadResults: (scanId) => resultsLoader(scanId, () => api.invoke('scan.results', { scanId })),
    async loadLatest() {
      try {
        const { scans, attempts } = await api.invoke('scans.latest', {})
        set({
          latest: Object.fromEntries(scans.map((s) => [s.targetId, s])),
          attempts: Object.fromEntries(attempts.map((s) => [s.targetId, s])),
          latestError: '',
        })
      } catch (err) {
        set({ latestError: errorText(err) })
        get().toast('error', `Could not load the latest scans: ${errorText(err)}`)
      }
    },
    async cancelScan(scanId) {
      try {
        await api.invoke('scan.cancel', { scanId })
      } catch (err) {
        get().toast('error', `Could not cancel the scan: ${errorText(err)}`)
      }
    },
    onProgress(e) {
      set({ live: { ...get().live, [e.targetId]: applyProgress(get().live[e.targetId], e) } })
    },
    onLeftover(e) {
      const name = get().targets.find((t) => t.id === e.targetId)?.name
      get().toast('error', name ? `${name}: ${e.message}` : e.message)
    },
    onFinished(e) {
      const live = { ...get().live }
      delete live[e.targetId]
      set({ live })
      const group = get().groupScan
      if (group?.pending.includes(e.targetId)) {
        const pending = group.pending.filter((id) => id !== e.targetId)
        set({ groupScan: pending.length ? { ...group, pending } : null })
      }
      // A failed scan shows at once, with its reason, wherever the target's status is shown; the reload
      // that follows fills in the rest.
      if (e.state === 'failed') {
        const now = new Date().toISOString()
        const failed: Attempt = {
          id: e.scanId,
          state: 'failed',
          error: e.error,
          startedAt: now,
          counts: {},
          score: null,
        }
        set({ attempts: { ...get().attempts, [e.targetId]: failed } })
      }
      void get().loadLatest()
    },
    async startGroupScan(req) {
      const startedAt = new Date().toISOString()
      const r = await api.invoke('scan.startGroup', req)
      const queued = r.queued.map((q) => q.targetId)
      if (queued.length)
        set({ groupScan: { id: r.groupScanId, group: req.group, startedAt, queued, pending: queued } })
      return r
    },
    async stopGroupScan() {
      const group = get().groupScan
      if (!group) return
      try {
        await api.invoke('scan.cancelGroup', { groupScanId: group.id })
        set({ groupScan: null })
        get().toast('info', `Stopped scanning ${group.group}: no other target of it starts`)
      } catch (err) {
        get().toast('error', `Could not stop the group scan: ${errorText(err)}`)
      }
    },
    async settleMissedEnds() {
      const targetIds = new Set([...Object.keys(get().live), ...(get().groupScan?.pending ?? [])])
      const lists = new Map<string, ScanView[]>()
      await Promise.all(
        [...targetIds].map(async (targetId) => {
          try {
            lists.set(targetId, (await api.invoke('scans.list', { targetId })).scans)
          } catch {
            // unreadable now: its next event, or the next resync, settles it
          }
        }),
      )
      const ended = (targetId: string, which: (x: ScanView) => boolean) =>
        lists.get(targetId)?.some((x) => which(x) && x.state !== 'running') ?? false
      set({
        live: Object.fromEntries(
          Object.entries(get().live).filter(([t, l]) => !ended(t, (x) => x.id === l.scanId)),
        ),
      })
      const group = get().groupScan
      if (!group) return
      const pending = group.pending.filter(
        (t) => !ended(t, (x) => x.trigger === 'group' && x.startedAt >= group.startedAt),
      )
      set({ groupScan: pending.length ? { ...group, pending } : null })
    },
  }
}

export const scanSelectors = {
  latest: (s: State) => s.latest,
  attempt: (targetId: string) => (s: State) => s.attempts[targetId],
  latestError: (s: State) => s.latestError,
  live: (targetId: string) => (s: State) => s.live[targetId],
  allLive: (s: State) => s.live,
  groupScan: (s: State) => s.groupScan,
  history: (targetId: string) => (s: State) => s.history[targetId],
  results: (scanId: string | undefined) => (s: State) => (scanId ? s.results[scanId] : undefined),
}
