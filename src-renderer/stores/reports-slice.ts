// The report builder's state: the scope being built, its live preview (the model the report view draws), and
// exports in progress or done. Previews are debounced and stale answers dropped, so typing stays smooth.
import type { StateCreator } from 'zustand'
import type { ExportFormat, ReportModel, ReportScope, Res } from '../../src-preload/contract'
import { api, ApiCallError } from '../api/client'
import type { State } from './index'

export type BuilderScope = {
  targetIds: string[]
  groups: string[]
  profileIds: string[]
  /** Scans picked instead of a target's latest (one per target). */
  scanIds: string[]
  from: string
  to: string
  includeDrift: boolean
  engagement: { name: string; auditor: string; organisation: string; notes: string }
  /** Two scans compared in an appendix ('' = not chosen); the appendix is added once both are. */
  compare: { a: string; b: string }
}

export interface ReportsSlice {
  reportScope: BuilderScope
  preview: { state: 'idle' | 'loading' | 'ready' | 'error'; model: ReportModel | null; error: string }
  exporting: ExportFormat | null
  /** When the export in progress started (ms), for its progress bar. */
  exportStarted: number
  /** The last export and what became of it: saved (or downloaded) under savedAs, or the dialog was closed. */
  lastExport: (Res<'reports.export'> & { format: ExportFormat; saved: boolean; savedAs: string }) | null
  exportError: string
  setReportScope(patch: Partial<BuilderScope>): void
  loadPreview(): Promise<void>
  exportReport(format: ExportFormat): Promise<void>
}

export const toScope = (s: BuilderScope): ReportScope => ({
  targetIds: s.targetIds,
  groups: s.groups,
  profileIds: s.profileIds,
  scanIds: s.scanIds,
  ...(s.from && { from: s.from }),
  ...(s.to && { to: s.to }),
  includeDrift: s.includeDrift,
  engagement: s.engagement,
  ...(s.compare.a && s.compare.b && { compare: s.compare }),
})

let previewSeq = 0
let timer: ReturnType<typeof setTimeout> | undefined

export const createReportsSlice: StateCreator<State, [['zustand/devtools', never]], [], ReportsSlice> = (
  set,
  get,
) => ({
  reportScope: {
    targetIds: [],
    groups: [],
    profileIds: [],
    scanIds: [],
    from: '',
    to: '',
    includeDrift: true,
    engagement: { name: '', auditor: '', organisation: '', notes: '' },
    compare: { a: '', b: '' },
  },
  preview: { state: 'idle', model: null, error: '' },
  exporting: null,
  exportStarted: 0,
  lastExport: null,
  exportError: '',
  setReportScope(patch) {
    set({ reportScope: { ...get().reportScope, ...patch } })
    clearTimeout(timer)
    timer = setTimeout(() => void get().loadPreview(), 350)
  },
  async loadPreview() {
    const seq = ++previewSeq
    set({ preview: { ...get().preview, state: 'loading' } })
    try {
      const model = await api.invoke('reports.preview', { scope: toScope(get().reportScope) })
      if (seq === previewSeq) set({ preview: { state: 'ready', model, error: '' } })
    } catch (err) {
      if (seq === previewSeq)
        set({
          preview: {
            state: 'error',
            model: null,
            error: err instanceof ApiCallError ? err.message : String(err),
          },
        })
    }
  },
  async exportReport(format) {
    // The export renders the very report the preview shows (its frozen model, by id), never a fresh build.
    const { preview } = get()
    if (preview.state !== 'ready' || !preview.model) return
    set({ exporting: format, exportError: '', exportStarted: Date.now() })
    try {
      const res = await api.invoke('reports.export', { reportId: preview.model.reportId, format })
      // The core only staged the bytes; the save dialog (desktop) or a download (browser) puts them somewhere.
      const saved = await api.saveDownload(res)
      set({ lastExport: { ...res, format, saved: saved.saved, savedAs: saved.fileName } })
    } catch (err) {
      set({ exportError: err instanceof ApiCallError ? err.message : String(err) })
    } finally {
      set({ exporting: null })
    }
  },
})

export const reportSelectors = {
  scope: (s: State) => s.reportScope,
  preview: (s: State) => s.preview,
  exporting: (s: State) => s.exporting,
  exportStarted: (s: State) => s.exportStarted,
  lastExport: (s: State) => s.lastExport,
  exportError: (s: State) => s.exportError,
}
