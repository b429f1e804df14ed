// The thin desktop shell: one locked-down window on the app:// protocol, a tray icon, and the IPC binding.
// Everything it wires is the same core the CLI and serve mode use; no logic lives here that tests need.
import { app, BrowserWindow, net, Notification, powerMonitor, protocol, safeStorage, session } from 'electron'
import { existsSync } from 'node:fs'
import { join, normalize, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createCore, type Core } from '../core/app'
import { jsonLogger } from '../core/ports'
import { forwardEvents } from './ipc'
import { bindElectronFileIpc, bindElectronIpc } from './ipc-main'
import { electronDialogs } from './file-dialogs'
import { desktopFiles } from '../core/files/desktop-files'
import { openExternal } from './open-external'
import { createMainWindow, lockDown, lockDownSession, setAppOrigin } from './security'
import { createWatchTray } from './tray'
import { electronPrinter } from './print-pdf'

// The desktop app never reads the CLI's passphrase variable; an app started from a shell that exported it
// must not hand it to its renderer, GPU and utility processes (or anything they start).
delete process.env.DRIFTWATCH_VAULT_PASSPHRASE

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererDir = join(here, '../renderer')
const APP_ORIGIN = 'app://driftwatch'

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

let win: BrowserWindow | undefined
let closeTray: (() => void) | undefined
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
  app.on('web-contents-created', (_e, contents) => lockDown(contents, openExternal))

  // Same folder as the CLI's default; DRIFTWATCH_DATA_DIR points both faces elsewhere (tests, portable use).
  const dataDir = process.env.DRIFTWATCH_DATA_DIR || app.getPath('userData')
  // better-sqlite3 built for Electron's ABI by `npm start` lives beside node_modules' Node build.
  const electronBinding = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node')
  // A team's PostgreSQL store, if named; taken out of the environment so no child process inherits a password.
  const store = process.env.DRIFTWATCH_STORE || undefined
  delete process.env.DRIFTWATCH_STORE
  core = createCore({
    face: 'desktop',
    dataDir,
    store,
    pdfPrinter: electronPrinter(() => (devUrl ? new URL(devUrl).origin : APP_ORIGIN)),
    rendererDir,
    logger: jsonLogger((line) => process.stdout.write(line)),
    // Drift shows as a desktop notification; clicking it opens the window on that event.
    notifier: {
      notify(n) {
        if (!Notification.isSupported()) return
        const note = new Notification({ title: n.title, body: n.body })
        note.on('click', () => void showWindow(undefined, n.link))
        note.show()
      },
    },
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
  // Exports are saved, and imports read, by main in the native dialogs; the renderer never names a path.
  bindElectronFileIpc(
    desktopFiles(
      core,
      electronDialogs(() => win),
    ),
  )
  forwardEvents(core, () => win?.webContents)
  closeTray = createWatchTray({
    core,
    resourcesDir: join(here, '../../resources'),
    showWindow: (link) => void showWindow(undefined, link),
    quit: () => app.quit(),
  })
  // The desktop app is where the watch lives: scheduled scans keep running with the window closed.
  core.watch.start()
  await showWindow(devUrl)
}

async function showWindow(devUrl?: string, link?: string) {
  // Links come from the core (e.g. "#/drift/12"); only hash routes of our own page are followed.
  const hash = link && /^#\/[A-Za-z0-9/_-]*$/.test(link) ? link : ''
  if (win && !win.isDestroyed()) {
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
    if (hash) void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`)
    return
  }
  win = createMainWindow(BrowserWindow, join(here, '../preload/index.cjs'))
  win.once('ready-to-show', () => win?.show())
  await win.loadURL((devUrl ?? `${APP_ORIGIN}/index.html`) + hash)
}

// Closing the window keeps Driftwatch watching in the tray; "Quit Driftwatch" in its menu ends it.
app.on('window-all-closed', () => undefined)
app.on('will-quit', () => {
  closeTray?.()
  void core?.close()
})
