// Files a person names (the CLI's arguments, the desktop app's open dialog) are read without blocking a thread:
// a FIFO with no writer, a device, a socket or a folder is refused at once with what it is; the desktop app's
// save and open dialogs (behind their port) write and read only where the person chose, and never hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import { readUserFile } from '../../src-main/core/files/read-user-file'
import { desktopFiles, type FileDialogs } from '../../src-main/core/files/desktop-files'
import { bindFileIpc } from '../../src-main/electron/ipc'
import { setAppOrigin } from '../../src-main/electron/security'
import { FILE_IPC } from '../../src-preload/files'
import { call } from '../helpers/core'
import { ensureBuilt, runCli } from '../helpers/cli'
import { fakeIpcMain } from '../helpers/ipc'
import { seedSyntheticStore } from '../helpers/report-store'
import { useTmpDirs } from '../helpers/tmp-dir'

const tmp = useTmpDirs('all')
let dir: string
let fifo: string
let socketPath: string
let sock: Server
let core: Core

/** Fails the test instead of hanging it: the reader must answer well within `ms`. */
const within = <T>(p: Promise<T>, ms = 3000): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  ])

beforeAll(async () => {
  dir = tmp.make('dw-user-files-')
  fifo = join(dir, 'bundle.zip')
  execFileSync('mkfifo', [fifo])
  mkdirSync(join(dir, 'folder.xml'))
  writeFileSync(join(dir, 'big.xml'), Buffer.alloc(2048, 0x41))
  writeFileSync(join(dir, 'ok.txt'), 'hello\n')
  socketPath = join(dir, 'socket.xml')
  sock = createServer()
  await new Promise<void>((r) => sock.listen(socketPath, r))
  core = createCore({ face: 'desktop', dataDir: tmp.make('dw-user-files-core-') })
}, 30_000)

afterAll(async () => {
  core?.close()
  await new Promise((r) => sock?.close(r))
})

describe('readUserFile', () => {
  it('refuses a FIFO with no writer at once, without blocking', async () => {
    await expect(within(readUserFile(fifo, { maxBytes: 1024 }))).rejects.toThrow(
      `Cannot read ${fifo}: it is a FIFO (named pipe), not a regular file`,
    )
  })

  it('refuses a folder, a character device, a socket, a missing file and one over the limit, by name', async () => {
    const cases: [string, string][] = [
      [join(dir, 'folder.xml'), 'it is a folder, not a regular file'],
      ['/dev/zero', 'it is a character device, not a regular file'],
      ['/dev/null', 'it is a character device, not a regular file'],
      [socketPath, 'it is a socket or a device, not a regular file'],
      [join(dir, 'missing.xml'), 'no such file'],
      [join(dir, 'big.xml'), 'it is larger than 1024 bytes'],
    ]
    for (const [path, reason] of cases)
      await expect(within(readUserFile(path, { maxBytes: 1024 })), path).rejects.toThrow(
        `Cannot read ${path}: ${reason}`,
      )
  })

  it('reads a regular file whole', async () => {
    const f = await readUserFile(join(dir, 'ok.txt'), { maxBytes: 1024 })
    expect(f).toMatchObject({ fileName: 'ok.txt', path: join(dir, 'ok.txt') })
    expect(f.bytes.toString()).toBe('hello\n')
  })
})

describe('the CLI refuses what is not a regular file, promptly', () => {
  it('content import, verify and rules import name the FIFO or folder and exit 1', async () => {
    ensureBuilt()
    const dataDir = tmp.make('dw-user-files-cli-')
    const runs: [string[], RegExp][] = [
      [['content', 'import', fifo], /it is a FIFO \(named pipe\), not a regular file/],
      [['verify', fifo], /it is a FIFO \(named pipe\), not a regular file/],
      [['verify', join(dir, 'folder.xml')], /it is a folder, not a regular file/],
      [['rules', 'import', '/dev/zero'], /it is a character device, not a regular file/],
      [['tailoring', 'import', fifo, '--name', 'x', '--content', 'x'], /no imported content|FIFO/],
    ]
    for (const [args, message] of runs) {
      const started = Date.now()
      const r = await within(runCli([...args, '--data-dir', dataDir]), 20_000)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr, args.join(' ')).toMatch(message)
      expect(Date.now() - started).toBeLessThan(20_000)
    }
  }, 120_000)
})

describe('the desktop app: native dialogs behind a port', () => {
  /** A stand-in for the native dialogs: answers with the path a person would have chosen. */
  const dialogs = (choice: { save?: string; open?: string }): FileDialogs & { asked: string[] } => {
    const asked: string[] = []
    return {
      asked,
      save: async ({ defaultName }) => (asked.push(defaultName), choice.save),
      open: async ({ title }) => (asked.push(title), choice.open),
    }
  }

  it('saves an export where the person chose; closing the dialog keeps it for another try', async () => {
    await seedSyntheticStore(core, { targets: 1, rules: 10, scans: 1 })
    const res = await call(core, 'reports.export', { scope: {}, format: 'csv' })
    const cancelled = dialogs({})
    expect(await desktopFiles(core, cancelled).saveDownload({ download: res.download })).toEqual({
      ok: true,
      data: { saved: false, fileName: res.fileName },
    })
    expect(cancelled.asked).toEqual([res.fileName])
    const target = join(dir, 'chosen.csv')
    expect(
      await desktopFiles(core, dialogs({ save: target })).saveDownload({ download: res.download }),
    ).toEqual({
      ok: true,
      data: { saved: true, fileName: 'chosen.csv' },
    })
    expect(readFileSync(target, 'utf8').split('\r\n')[0]).toMatch(/^target,/)
    // Saved once: the staged bytes are gone.
    const again = await desktopFiles(core, dialogs({ save: target })).saveDownload({ download: res.download })
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('refuses a renderer that sends a path, and a suggested name is only ever a name', async () => {
    const d = dialogs({ save: join(dir, 'text.yaml') })
    const files = desktopFiles(core, d)
    expect(await files.saveText({ fileName: 'x.yaml', text: 'a', path: '/root/.bashrc' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    })
    expect(await files.saveText({ fileName: '../../.bashrc', text: 'id: x\n' })).toEqual({
      ok: true,
      data: { saved: true, fileName: 'text.yaml' },
    })
    expect(d.asked).toEqual(['bashrc'])
    expect(readFileSync(join(dir, 'text.yaml'), 'utf8')).toBe('id: x\n')
  })

  it('picks a file in the open dialog and stages it for import; a FIFO picked there is refused at once', async () => {
    const picked = await desktopFiles(core, dialogs({ open: join(dir, 'ok.txt') })).pickFile({
      kind: 'bundle',
    })
    expect(picked).toMatchObject({ ok: true, data: { fileName: 'ok.txt', bytes: 6 } })
    const verified = await call(core, 'reports.verify', {
      uploadId: (picked as { data: { uploadId: string } }).data.uploadId,
    })
    expect(verified.ok).toBe(false)
    const fromFifo = await within(desktopFiles(core, dialogs({ open: fifo })).pickFile({ kind: 'bundle' }))
    expect(fromFifo).toMatchObject({
      ok: false,
      error: {
        code: 'validation',
        message: `Cannot read ${fifo}: it is a FIFO (named pipe), not a regular file`,
      },
    })
    expect(await desktopFiles(core, dialogs({})).pickFile({ kind: 'datastream' })).toEqual({
      ok: true,
      data: null,
    })
    expect(await desktopFiles(core, dialogs({})).pickFile({ kind: 'anything' })).toMatchObject({ ok: false })
  })

  it('binds the three file calls over IPC for our own top-level page only', async () => {
    setAppOrigin('app://driftwatch')
    try {
      const ipc = fakeIpcMain()
      const unbind = bindFileIpc(ipc, desktopFiles(core, dialogs({ open: join(dir, 'ok.txt') })))
      expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(FILE_IPC).sort())
      const fromIframe = await ipc.invoke(
        FILE_IPC.pick,
        { kind: 'bundle' },
        {
          url: 'app://driftwatch/index.html',
          parent: {},
        },
      )
      expect(fromIframe).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      const fromPage = await ipc.invoke(
        FILE_IPC.pick,
        { kind: 'bundle' },
        {
          url: 'app://driftwatch/index.html',
          parent: null,
        },
      )
      expect(fromPage).toMatchObject({ ok: true, data: { fileName: 'ok.txt' } })
      unbind()
      expect(ipc.handlers.size).toBe(0)
    } finally {
      setAppOrigin('file://')
    }
  })
})
