// Scheduled report exports as the Watch page knows them: the list (with each one's next run and last result)
// and the actions on it, through the same channels as `driftwatch schedules --report`. The folder is shown,
// never set, from here (SECURITY.md section 14).
import type { StateCreator } from 'zustand'
import type { Req, ReportScheduleView } from '../../src-preload/contract'
import { api } from '../api/client'
import { attempt, failed, idle, loading, ready, type Loadable } from './loadable'
import type { State } from './index'

export interface ReportExportsSlice {
  reportExports: Loadable<ReportScheduleView[]>
  loadReportExports(): Promise<void>
  /** Throws on failure, so the form can mark the fields at fault. */
  saveReportExport(input: Req<'reports.schedules.save'>): Promise<ReportScheduleView>
  removeReportExport(id: string): Promise<boolean>
  /** Writes one export now; the toast names the files written, or why not. */
  runReportExport(id: string): Promise<void>
}

export const createReportExportsSlice: StateCreator<
  State,
  [['zustand/devtools', never]],
  [],
  ReportExportsSlice
> = (set, get) => ({
  reportExports: idle(),
  async loadReportExports() {
    set({ reportExports: loading(get().reportExports) })
    try {
      set({ reportExports: ready((await api.invoke('reports.schedules.list', {})).schedules) })
    } catch (err) {
      set({ reportExports: failed(get().reportExports, err) })
    }
  },
  async saveReportExport(input) {
    const saved = await api.invoke('reports.schedules.save', input)
    await get().loadReportExports()
    return saved
  },
  async removeReportExport(id) {
    const ok = await attempt(get().toast, 'Could not remove the report export', () =>
      api.invoke('reports.schedules.remove', { id }),
    )
    if (ok) get().toast('info', 'Report export removed')
    await get().loadReportExports()
    return ok
  },
  async runReportExport(id) {
    await attempt(get().toast, 'Could not export now', async () => {
      const r = await api.invoke('reports.schedules.run', { id })
      if (r.lastError) get().toast('error', `Export ${r.name}: ${r.lastError}`)
      else get().toast('info', `Wrote ${r.lastFiles.join(', ')} to ${r.folder}`)
    })
    await get().loadReportExports()
  },
})

export const reportExportSelectors = {
  reportExports: (s: State) => s.reportExports,
}
