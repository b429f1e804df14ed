// Binds the contract to Electron's real ipcMain; kept apart from ipc.ts so that one stays testable under Node.
import { ipcMain } from 'electron'
import type { Core } from '../core/app'
import type { DesktopFiles } from '../core/files/desktop-files'
import { bindFileIpc, bindIpc } from './ipc'

export const bindElectronIpc = (core: Core): (() => void) => bindIpc(ipcMain, core)
export const bindElectronFileIpc = (files: DesktopFiles): (() => void) => bindFileIpc(ipcMain, files)
