// The watch as the renderer knows it: schedules, their runs and the tray state, refreshed by pushed events.
import type { StateCreator } from 'zustand'
import type { WatchStatus } from '../../src-preload/contract'
import { api } from '../api/client'
import type { State } from './index'

export interface WatchSlice {
  watch: WatchStatus | null
  /** Bumped whenever drift is recorded, so open Drift pages reload. */
  driftVersion: number
  loadWatch(): Promise<void>
  onDrift(): void
}

export const createWatchSlice: StateCreator<State, [['zustand/devtools', never]], [], WatchSlice> = (
  set,
  get,
) => ({
  watch: null,
  driftVersion: 0,
  async loadWatch() {
    set({ watch: await api.invoke('watch.status', {}) })
  },
  onDrift() {
    set({ driftVersion: get().driftVersion + 1 })
    void get().loadWatch()
  },
})

export const watchSelectors = {
  status: (s: State) => s.watch,
  driftVersion: (s: State) => s.driftVersion,
}
