// The audit's judgement as the renderer knows it: how each scan reads under the exceptions and attestations in
// force, the exceptions themselves, and two scans compared. Form actions throw, so the form can mark its fields.
import type { StateCreator } from 'zustand'
import type { Req, Res } from '../../src-preload/contract'
import { api } from '../api/client'
import { failed, idle, keyedLoader, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

export interface JudgementSlice {
  /** By scan id. */
  judgements: Record<string, Loadable<Res<'scan.judgement'>>>
  exceptions: Loadable<Res<'exceptions.list'>['exceptions']>
  /** By "a|b". */
  comparisons: Record<string, Loadable<Res<'scans.compare'>>>
  loadJudgement(scanId: string): Promise<void>
  loadExceptions(): Promise<void>
  loadComparison(a: string, b: string): Promise<void>
  saveException(req: Req<'exceptions.save'>, scanId: string): Promise<void>
  saveExceptions(req: Req<'exceptions.saveMany'>, scanId: string): Promise<void>
  revokeException(id: string, scanId: string): Promise<void>
  saveAttestation(req: Req<'attestations.save'>, scanId: string): Promise<void>
}

export const judgementSelectors = {
  judgement: (scanId: string | undefined) => (s: State) => (scanId ? s.judgements[scanId] : undefined),
  comparison: (a: string, b: string) => (s: State) => s.comparisons[`${a}|${b}`],
}

export const createJudgementSlice: StateCreator<State, [['zustand/devtools', never]], [], JudgementSlice> = (
  set,
  get,
) => {
  const judgementLoader = keyedLoader(
    () => get().judgements,
    (judgements) => set({ judgements }),
  )
  const compareLoader = keyedLoader(
    () => get().comparisons,
    (comparisons) => set({ comparisons }),
  )
  const after = async (scanId: string) => {
    await Promise.all([get().loadJudgement(scanId), get().loadExceptions()])
  }
  return {
    judgements: {},
    exceptions: idle(),
    comparisons: {},
    loadJudgement: (scanId) => judgementLoader(scanId, () => api.invoke('scan.judgement', { scanId })),
    async loadExceptions() {
      set({ exceptions: loading(get().exceptions) })
      try {
        set({ exceptions: ready((await api.invoke('exceptions.list', {})).exceptions) })
      } catch (err) {
        set({ exceptions: failed(get().exceptions, err) })
      }
    },
    loadComparison: (a, b) => compareLoader(`${a}|${b}`, () => api.invoke('scans.compare', { a, b })),
    async saveException(req, scanId) {
      await api.invoke('exceptions.save', req)
      await after(scanId)
    },
    async saveExceptions(req, scanId) {
      await api.invoke('exceptions.saveMany', req)
      await after(scanId)
    },
    async revokeException(id, scanId) {
      await api.invoke('exceptions.revoke', { id })
      await after(scanId)
    },
    async saveAttestation(req, scanId) {
      await api.invoke('attestations.save', req)
      await after(scanId)
    },
  }
}
