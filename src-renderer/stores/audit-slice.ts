// The audit log as the Reports page shows it: the latest entries and whether the hash chain is whole, with its
// loading and error state (a log that cannot be read must say so, not vanish).
import type { StateCreator } from 'zustand'
import type { Res } from '../../src-preload/contract'
import { api } from '../api/client'
import { failed, idle, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

export type AuditLog = Res<'audit.list'>

export interface AuditSlice {
  auditLog: Loadable<AuditLog>
  loadAuditLog(limit: number): Promise<void>
}

export const createAuditSlice: StateCreator<State, [['zustand/devtools', never]], [], AuditSlice> = (
  set,
  get,
) => {
  // An export appends to the log while an earlier read may still travel: only the latest answer is kept.
  let seq = 0
  return {
    auditLog: idle(),
    async loadAuditLog(limit) {
      const mine = ++seq
      set({ auditLog: loading(get().auditLog) })
      try {
        const log = await api.invoke('audit.list', { limit })
        if (mine === seq) set({ auditLog: ready(log) })
      } catch (err) {
        if (mine === seq) set({ auditLog: failed(get().auditLog, err) })
      }
    },
  }
}

export const auditSelectors = {
  log: (s: State) => s.auditLog,
}
