// Scans as the renderer knows them: each target's latest scan (for scores) and live progress of running ones.
import type { StateCreator } from 'zustand'
import type { EventPayload, ScanView } from '../../src-preload/contract'
import { api } from '../api/client'
import type { State } from './index'

export interface LiveScan {
  scanId: string
  phase: string
  message: string
  done: number
  total: number
  lastRule: string
}

export interface ScansSlice {
  latest: Record<string, ScanView>
  live: Record<string, LiveScan>
  loadLatest(): Promise<void>
  onProgress(e: EventPayload<'scan.progress'>): void
  onFinished(e: EventPayload<'scan.finished'>): void
}

export const createScansSlice: StateCreator<State, [['zustand/devtools', never]], [], ScansSlice> = (
  set,
  get,
) => ({
  latest: {},
  live: {},
  async loadLatest() {
    const { scans } = await api.invoke('scans.latest', {})
    set({ latest: Object.fromEntries(scans.map((s) => [s.targetId, s])) })
  },
  onProgress(e) {
    const prev = get().live[e.targetId]
    const next: LiveScan = {
      scanId: e.scanId,
      phase: e.phase,
      message: e.message || prev?.message || '',
      done: e.done ?? prev?.done ?? 0,
      total: e.total ?? prev?.total ?? 0,
      lastRule: e.ruleId ?? prev?.lastRule ?? '',
    }
    set({ live: { ...get().live, [e.targetId]: next } })
  },
  onFinished(e) {
    const live = { ...get().live }
    delete live[e.targetId]
    set({ live })
    void get().loadLatest()
  },
})

export const scanSelectors = {
  latest: (s: State) => s.latest,
  live: (targetId: string) => (s: State) => s.live[targetId],
}
