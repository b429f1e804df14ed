// Targets as the renderer knows them: the filtered list, the search, the kinds (as data from the core: labels,
// form fields, scan policy), and the actions that change them.
import type { StateCreator } from 'zustand'
import type { KindView, Target, TargetInput } from '../../src-preload/contract'
import { api, ApiCallError } from '../api/client'
import { failed, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

export interface TargetsFilter {
  query: string
  kind?: string
}

export interface TargetsSlice {
  targets: Target[]
  targetsTotal: number
  targetsLoaded: boolean
  targetsError: string | null
  targetsFilter: TargetsFilter
  labels: { tags: string[]; groups: string[] }
  /** The target kinds the core knows; the renderer never branches on a kind's name. */
  kinds: KindView[]
  /** The kind a new target's form starts with. */
  defaultKind: string
  /** One target read by id (a form opened by address); null when the core has no such target. */
  targetById: Record<string, Loadable<Target | null>>
  loadTargets(): Promise<void>
  loadTarget(id: string): Promise<void>
  setTargetsFilter(f: Partial<TargetsFilter>): void
  createTarget(input: TargetInput): Promise<Target>
  updateTarget(id: string, input: TargetInput): Promise<Target>
  duplicateTarget(id: string): Promise<Target>
  removeTarget(id: string): Promise<void>
}

// The latest read of each target by id: an answer that a newer read overtook is dropped.
const targetReads = new Map<string, number>()

export const createTargetsSlice: StateCreator<State, [['zustand/devtools', never]], [], TargetsSlice> = (
  set,
  get,
) => ({
  targets: [],
  targetsTotal: 0,
  targetsLoaded: false,
  targetsError: null,
  targetsFilter: { query: '' },
  labels: { tags: [], groups: [] },
  kinds: [],
  defaultKind: '',
  targetById: {},
  async loadTarget(id) {
    const mine = (targetReads.get(id) ?? 0) + 1
    targetReads.set(id, mine)
    const put = (l: Loadable<Target | null>) => set({ targetById: { ...get().targetById, [id]: l } })
    put(loading(get().targetById[id]))
    try {
      const t = await api.invoke('targets.get', { id })
      if (targetReads.get(id) === mine) put(ready(t))
    } catch (err) {
      if (targetReads.get(id) !== mine) return
      // "No such target" is an answer; any other failure (vault locked, server gone) is an error with its reason.
      put(
        err instanceof ApiCallError && err.code === 'not_found'
          ? ready(null)
          : failed(get().targetById[id], err),
      )
    }
  },
  async loadTargets() {
    const filter = get().targetsFilter
    try {
      const known = get().kinds
      const [{ targets, total }, labels, { kinds, defaultKind }] = await Promise.all([
        api.invoke('targets.list', { query: filter.query, kind: filter.kind }),
        api.invoke('targets.labels', {}),
        // Kinds do not change while the app runs: asked once.
        known.length ? { kinds: known, defaultKind: get().defaultKind } : api.invoke('kinds.list', {}),
      ])
      // A newer filter may have been typed while this answer travelled; keep only the latest.
      if (get().targetsFilter !== filter) return
      set({
        targets,
        targetsTotal: total,
        labels,
        kinds,
        defaultKind,
        targetsLoaded: true,
        targetsError: null,
      })
    } catch (err) {
      set({ targetsError: (err as Error).message, targetsLoaded: true })
    }
  },
  setTargetsFilter(f) {
    set({ targetsFilter: { ...get().targetsFilter, ...f } })
    void get().loadTargets()
  },
  async createTarget(input) {
    const t = await api.invoke('targets.create', { target: input })
    await get().loadTargets()
    return t
  },
  async updateTarget(id, input) {
    const t = await api.invoke('targets.update', { id, target: input })
    await get().loadTargets()
    return t
  },
  async duplicateTarget(id) {
    const t = await api.invoke('targets.duplicate', { id })
    await get().loadTargets()
    return t
  },
  async removeTarget(id) {
    await api.invoke('targets.remove', { id })
    await get().loadTargets()
  },
})

export const targetSelectors = {
  targets: (s: State) => s.targets,
  total: (s: State) => s.targetsTotal,
  loaded: (s: State) => s.targetsLoaded,
  error: (s: State) => s.targetsError,
  filter: (s: State) => s.targetsFilter,
  labels: (s: State) => s.labels,
  byId: (id: string | undefined) => (s: State) => s.targets.find((t) => t.id === id),
  read: (id: string | undefined) => (s: State) => (id ? s.targetById[id] : undefined),
  kinds: (s: State) => s.kinds,
  kind: (kind: string | undefined) => (s: State) => s.kinds.find((k) => k.kind === kind),
}
