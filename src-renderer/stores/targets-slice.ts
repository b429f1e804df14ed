// Targets as the renderer knows them: the filtered list, the search, the kinds (as data from the core: labels,
// form fields, scan policy), and the actions that change them.
import type { StateCreator } from 'zustand'
import type { KindView, Target, TargetInput } from '../../src-preload/contract'
import { api } from '../api/client'
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
  loadTargets(): Promise<void>
  setTargetsFilter(f: Partial<TargetsFilter>): void
  createTarget(input: TargetInput): Promise<Target>
  updateTarget(id: string, input: TargetInput): Promise<Target>
  duplicateTarget(id: string): Promise<Target>
  removeTarget(id: string): Promise<void>
}

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
  kinds: (s: State) => s.kinds,
  kind: (kind: string | undefined) => (s: State) => s.kinds.find((k) => k.kind === kind),
}
