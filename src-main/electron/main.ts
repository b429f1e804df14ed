// The thin desktop shell: one locked-down window on the app:// protocol, a tray icon, and the IPC binding.
// Everything it wires is the same core the CLI and serve mode use; no logic lives here that tests need.
import {
  app,
  BrowserWindow,
  Menu,
  nativeImage,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron'
import { existsSync } from 'node:fs'
import { join, normalize, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createCore, type Core } from '../core/app'
import { jsonLogger } from '../core/ports'
import { forwardEvents } from './ipc'
import { bindElectronIpc } from './ipc-main'
import { isTrustedUrl, lockDown, lockDownSession, setAppOrigin } from './security'
import { electronPrinter } from './print-pdf'

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererDir = join(here, '../renderer')
const APP_ORIGIN = 'app://driftwatch'

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

let win: BrowserWindow | undefined
let tray: Tray | undefined
let core: Core | undefined

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => showWindow())
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error('Driftwatch could not start:', err)
      app.exit(1)
    })
}

async function start() {
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
  setAppOrigin(devUrl ? new URL(devUrl).origin : APP_ORIGIN)
  protocol.handle('app', (request) => {
    const rel = decodeURIComponent(new URL(request.url).pathname).replace(/^\/+/, '') || 'index.html'
    const file = normalize(join(rendererDir, rel))
    if (!file.startsWith(normalize(rendererDir) + sep)) return new Response('Not found', { status: 404 })
    return net.fetch(pathToFileURL(file).toString())
  })
  lockDownSession(session.defaultSession)
  app.on('web-contents-created', (_e, contents) => lockDown(contents, openExternalIfHttps))

  // Same folder as the CLI's default; DRIFTWATCH_DATA_DIR points both faces elsewhere (tests, portable use).
  const dataDir = process.env.DRIFTWATCH_DATA_DIR || app.getPath('userData')
  // better-sqlite3 built for Electron's ABI by `npm start` lives beside node_modules' Node build.
  const electronBinding = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node')
  core = createCore({
    face: 'desktop',
    dataDir,
    pdfPrinter: electronPrinter(() => (devUrl ? new URL(devUrl).origin : APP_ORIGIN)),
    rendererDir,
    logger: jsonLogger((line) => process.stdout.write(line)),
    sqliteNativeBinding: existsSync(electronBinding) ? electronBinding : undefined,
    keychain: {
      backend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os'),
      isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
      encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
      decrypt: (blob) => Buffer.from(safeStorage.decryptString(blob), 'base64'),
    },
    power: {
      on(event, cb) {
        const listener = () => cb()
        if (event === 'suspend') powerMonitor.on('suspend', listener)
        else powerMonitor.on('lock-screen', listener)
        return () => powerMonitor.removeListener(event as 'suspend', listener)
      },
    },
  })
  await core.vault.unlockRemembered()
  bindElectronIpc(core)
  forwardEvents(core, () => win?.webContents)
  createTray()
  await showWindow(devUrl)
}

async function showWindow(devUrl?: string) {
  if (win && !win.isDestroyed()) {
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
    return
  }
  win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Driftwatch',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win?.show())
  await win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`)
}

function createTray() {
  const icon = nativeImage.createFromPath(join(here, '../../resources/tray.png'))
  tray = new Tray(icon)
  tray.setToolTip('Driftwatch')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Driftwatch', click: () => void showWindow() },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  )
  tray.on('click', () => void showWindow())
}

function openExternalIfHttps(url: string) {
  if (/^https:\/\//.test(url) && !isTrustedUrl(url)) void shell.openExternal(url)
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => {
  tray?.destroy()
  core?.close()
})
