// Controls as the renderer knows them: the frameworks, every control's status for the chosen framework and
// baseline, one control's drill-down, and the CSV downloads (controls, or the targets × families matrix).
import type { StateCreator } from 'zustand'
import type { Req, Res } from '../../src-preload/contract'
import { api } from '../api/client'
import { attempt, failed, idle, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

export interface ControlsSlice {
  controlsStatus: Loadable<Res<'controls.status'>>
  controlDetail: Loadable<Res<'controls.control'>>
  loadControls(req: Req<'controls.status'>): Promise<void>
  loadControl(req: Req<'controls.control'>): Promise<void>
  saveControlsCsv(req: Req<'controls.csv'>): Promise<void>
}

let statusSeq = 0
let detailSeq = 0

export const createControlsSlice: StateCreator<State, [['zustand/devtools', never]], [], ControlsSlice> = (
  set,
  get,
) => ({
  controlsStatus: idle(),
  controlDetail: idle(),
  async loadControls(req) {
    // The framework or baseline can change before an answer arrives: only the newest request may write.
    const mine = ++statusSeq
    set({ controlsStatus: loading(get().controlsStatus) })
    try {
      const res = await api.invoke('controls.status', req)
      if (mine === statusSeq) set({ controlsStatus: ready(res) })
    } catch (err) {
      if (mine === statusSeq) set({ controlsStatus: failed(get().controlsStatus, err) })
    }
  },
  async loadControl(req) {
    const mine = ++detailSeq
    set({ controlDetail: loading(undefined) })
    try {
      const res = await api.invoke('controls.control', req)
      if (mine === detailSeq) set({ controlDetail: ready(res) })
    } catch (err) {
      if (mine === detailSeq) set({ controlDetail: failed(undefined, err) })
    }
  },
  async saveControlsCsv(req) {
    await attempt(get().toast, 'Could not save the CSV', async () => {
      const r = await api.invoke('controls.csv', req)
      const saved = await api.saveText(r.fileName, 'text/csv', r.text)
      if (saved.saved) get().toast('info', `Saved ${saved.fileName}`)
    })
  },
})

export const controlsSelectors = {
  status: (s: State) => s.controlsStatus,
  detail: (s: State) => s.controlDetail,
}
