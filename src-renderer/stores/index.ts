// One zustand store of typed slices; middleware is applied once here, on the combined store.
// Server state lives here, not in pages: loaders record a failure in the slice (a Loadable or an error field)
// for the page to show, and never throw; actions a user starts either toast their failure or, for forms,
// throw it so the form can mark the fields at fault. No failure is swallowed.
import { create } from 'zustand'
import { devtools } from 'zustand/middleware'
import { createAppSlice, type AppSlice } from './app-slice'
import { createTargetsSlice, type TargetsSlice } from './targets-slice'
import { createVaultSlice, type VaultSlice } from './vault-slice'
import { createContentSlice, type ContentSlice } from './content-slice'
import { createScansSlice, type ScansSlice } from './scans-slice'
import { createWatchSlice, type WatchSlice } from './watch-slice'
import { createReportsSlice, type ReportsSlice } from './reports-slice'
import { createAlertsSlice, type AlertsSlice } from './alerts-slice'
import { createDriftSlice, type DriftSlice } from './drift-slice'
import { createRulesSlice, type RulesSlice } from './rules-slice'
import { createAuditSlice, type AuditSlice } from './audit-slice'
import { createJudgementSlice, type JudgementSlice } from './judgement-slice'
import { createControlsSlice, type ControlsSlice } from './controls-slice'
import { createReportExportsSlice, type ReportExportsSlice } from './report-exports-slice'

export type State = AppSlice &
  TargetsSlice &
  VaultSlice &
  ContentSlice &
  ScansSlice &
  WatchSlice &
  ReportsSlice &
  AlertsSlice &
  DriftSlice &
  RulesSlice &
  AuditSlice &
  JudgementSlice &
  ControlsSlice &
  ReportExportsSlice

export const useStore = create<State>()(
  devtools(
    (...a) => ({
      ...createAppSlice(...a),
      ...createTargetsSlice(...a),
      ...createVaultSlice(...a),
      ...createContentSlice(...a),
      ...createScansSlice(...a),
      ...createWatchSlice(...a),
      ...createReportsSlice(...a),
      ...createAlertsSlice(...a),
      ...createDriftSlice(...a),
      ...createRulesSlice(...a),
      ...createAuditSlice(...a),
      ...createJudgementSlice(...a),
      ...createControlsSlice(...a),
      ...createReportExportsSlice(...a),
    }),
    { name: 'driftwatch', enabled: import.meta.env.DEV },
  ),
)
