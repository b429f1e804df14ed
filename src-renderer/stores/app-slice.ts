// App-wide state: what Driftwatch is and where it runs, plus passing notices (toasts).
import type { StateCreator } from 'zustand'
import type { Res } from '../../src-preload/contract'
import { api, ApiCallError } from '../api/client'
import type { State } from './index'

export type Toast = { id: number; kind: 'info' | 'error'; text: string }

export interface AppSlice {
  info: Res<'app.info'> | null
  connection: 'connecting' | 'ready' | 'unauthorised' | 'offline'
  /** Pushed events: 'dropped' while the stream is down (what the page shows may be out of date). */
  eventStream: 'live' | 'dropped'
  toasts: Toast[]
  loadInfo(): Promise<void>
  toast(kind: Toast['kind'], text: string): void
  dismissToast(id: number): void
}

let nextToast = 1

export const createAppSlice: StateCreator<State, [['zustand/devtools', never]], [], AppSlice> = (
  set,
  get,
) => ({
  info: null,
  connection: 'connecting',
  eventStream: 'live',
  toasts: [],
  async loadInfo() {
    try {
      const info = await api.invoke('app.info', {})
      set({ info, connection: 'ready' })
    } catch (err) {
      const code = err instanceof ApiCallError ? err.code : 'unavailable'
      set({ connection: code === 'unauthorized' ? 'unauthorised' : 'offline' })
    }
  },
  toast(kind, text) {
    const id = nextToast++
    set({ toasts: [...get().toasts, { id, kind, text }].slice(-3) })
    setTimeout(() => get().dismissToast(id), kind === 'error' ? 8000 : 4000)
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) })
  },
})

export const appSelectors = {
  info: (s: State) => s.info,
  connection: (s: State) => s.connection,
  eventStream: (s: State) => s.eventStream,
  toasts: (s: State) => s.toasts,
}
