// Scans as the renderer knows them: each target's latest scan (for scores) and live progress of running ones.
import type { StateCreator } from 'zustand'
import type { EventPayload, Res, ScanProgressEvent, ScanView } from '../../src-preload/contract'
import { api } from '../api/client'
import { errorText, keyedLoader, type Loadable } from './loadable'
import type { State } from './index'

/** A running scan: its latest progress event (a step with its words, or a rule checked) and the rule count so
 * far, which stays on show through the steps after the rules (fetching, cleaning up). */
export interface LiveScan {
  scanId: string
  now: ScanProgressEvent
  done: number
  total: number
}

/** The next live state of a target's scan after one progress event; a new scan starts from zero. */
export function applyProgress(prev: LiveScan | undefined, e: ScanProgressEvent): LiveScan {
  const same = prev?.scanId === e.scanId
  if (e.phase === 'rule') return { scanId: e.scanId, now: e, done: e.done, total: e.total }
  return { scanId: e.scanId, now: e, done: same ? prev.done : 0, total: same ? prev.total : 0 }
}

/** What a running scan is doing, in a few words: the rule being checked or the step's own message. */
export function liveText(l: LiveScan): string {
  if (l.now.phase === 'rule') return l.now.ruleId
  return l.now.message || l.now.phase
}

export interface ScansSlice {
  latest: Record<string, ScanView>
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
    latestError: '',
    live: {},
    history: {},
    results: {},
    loadHistory: (targetId) =>
      historyLoader(targetId, async () => (await api.invoke('scans.list', { targetId })).scans),
    loadResults: (scanId) => resultsLoader(scanId, () => api.invoke('scan.results', { scanId })),
    async loadLatest() {
      try {
        const { scans } = await api.invoke('scans.latest', {})
        set({ latest: Object.fromEntries(scans.map((s) => [s.targetId, s])), latestError: '' })
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
    onFinished(e) {
      const live = { ...get().live }
      delete live[e.targetId]
      set({ live })
      void get().loadLatest()
    },
  }
}

export const scanSelectors = {
  latest: (s: State) => s.latest,
  latestError: (s: State) => s.latestError,
  live: (targetId: string) => (s: State) => s.live[targetId],
  allLive: (s: State) => s.live,
  history: (targetId: string) => (s: State) => s.history[targetId],
  results: (scanId: string | undefined) => (s: State) => (scanId ? s.results[scanId] : undefined),
}
