// One zustand store of typed slices; middleware is applied once here, on the combined store.
import { create } from 'zustand'
import { devtools } from 'zustand/middleware'
import { createAppSlice, type AppSlice } from './app-slice'
import { createTargetsSlice, type TargetsSlice } from './targets-slice'
import { createVaultSlice, type VaultSlice } from './vault-slice'
import { createContentSlice, type ContentSlice } from './content-slice'
import { createScansSlice, type ScansSlice } from './scans-slice'
import { createWatchSlice, type WatchSlice } from './watch-slice'
import { createReportsSlice, type ReportsSlice } from './reports-slice'

export type State = AppSlice &
  TargetsSlice &
  VaultSlice &
  ContentSlice &
  ScansSlice &
  WatchSlice &
  ReportsSlice

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
    }),
    { name: 'driftwatch', enabled: import.meta.env.DEV },
  ),
)
