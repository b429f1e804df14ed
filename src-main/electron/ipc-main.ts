// Binds the contract to Electron's real ipcMain; kept apart from ipc.ts so that one stays testable under Node.
import { ipcMain } from 'electron'
import type { Core } from '../core/app'
import { bindIpc } from './ipc'

export const bindElectronIpc = (core: Core): (() => void) => bindIpc(ipcMain, core)
