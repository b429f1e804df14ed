// Drift as the renderer knows it: the filtered list of drift events, each target's score timeline, and single
// events with their before/after evidence (recorded drift never changes, so an event read once is kept).
import type { StateCreator } from 'zustand'
import type { Req, Res } from '../../src-preload/contract'
import { api } from '../api/client'
import { failed, idle, keyedLoader, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

export interface DriftSlice {
  driftEvents: Loadable<Res<'drift.events'>>
  /** By target id. */
  driftTimelines: Record<string, Loadable<Res<'drift.timeline'>['points']>>
  /** By event id. */
  driftEvent: Record<string, Loadable<Res<'drift.event'>>>
  loadDriftEvents(req: Req<'drift.events'>): Promise<void>
  loadDriftTimeline(targetId: string): Promise<void>
  loadDriftEvent(id: number): Promise<void>
  /** Mean time to detect and to resolve, per target and overall. */
  driftKpis: Loadable<Res<'drift.kpis'>>
  loadDriftKpis(): Promise<void>
}

let eventsSeq = 0

export const createDriftSlice: StateCreator<State, [['zustand/devtools', never]], [], DriftSlice> = (
  set,
  get,
) => {
  const timelineLoader = keyedLoader(
    () => get().driftTimelines,
    (driftTimelines) => set({ driftTimelines }),
  )
  const eventLoader = keyedLoader(
    () => get().driftEvent,
    (driftEvent) => set({ driftEvent }),
  )
  return {
    driftEvents: idle(),
    driftTimelines: {},
    driftEvent: {},
    driftKpis: idle(),
    async loadDriftKpis() {
      set({ driftKpis: loading(get().driftKpis) })
      try {
        set({ driftKpis: ready(await api.invoke('drift.kpis', {})) })
      } catch (err) {
        set({ driftKpis: failed(get().driftKpis, err) })
      }
    },
    async loadDriftEvents(req) {
      // Filters change faster than answers come back: only the newest request may write.
      const mine = ++eventsSeq
      set({ driftEvents: loading(get().driftEvents) })
      try {
        const res = await api.invoke('drift.events', req)
        if (mine === eventsSeq) set({ driftEvents: ready(res) })
      } catch (err) {
        if (mine === eventsSeq) set({ driftEvents: failed(get().driftEvents, err) })
      }
    },
    loadDriftTimeline: (targetId) =>
      timelineLoader(targetId, async () => (await api.invoke('drift.timeline', { targetId })).points),
    async loadDriftEvent(id) {
      if (get().driftEvent[id]?.state === 'ready') return
      await eventLoader(String(id), () => api.invoke('drift.event', { id }))
    },
  }
}

export const driftSelectors = {
  events: (s: State) => s.driftEvents,
  timeline: (targetId: string) => (s: State) => s.driftTimelines[targetId],
  event: (id: number) => (s: State) => s.driftEvent[id],
  kpis: (s: State) => s.driftKpis,
}
