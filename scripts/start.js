// `npm start`: runs the desktop app. On first use it fetches the Electron binary and builds better-sqlite3 for
// Electron's ABI into .electron-native/ (node_modules keeps the Node build that the CLI and tests use).
// Where either cannot be had, it says so in one line and opens the same UI with `driftwatch serve` instead.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const quiet = { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }

function built() {
  if (existsSync(join(root, 'out/main/index.js')) && existsSync(join(root, 'out/renderer/index.html')))
    return true
  return spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' }).status === 0
}

function electronPath() {
  const tryPath = () => {
    try {
      return require('electron')
    } catch {
      return undefined
    }
  }
  const found = tryPath()
  if (found && existsSync(found)) return { path: found }
  // The install script was skipped at npm install (allowScripts); run it now to download the binary.
  const r = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], quiet)
  const path = tryPath()
  if (r.status === 0 && path && existsSync(path)) return { path }
  const text = (r.stderr || r.stdout || '').trim().split('\n')
  const why = text.find((l) => /error/i.test(l) && !/^\s+at /.test(l))?.trim() ?? text[0] ?? 'unknown error'
  return { why: `the Electron binary could not be downloaded (${why})` }
}

function sqliteForElectron() {
  const version = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
  const dest = join(root, '.electron-native')
  const stamp = join(dest, 'electron-version')
  if (
    existsSync(join(dest, 'better_sqlite3.node')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === version
  )
    return {}
  // Build in a copy, so the Node build in node_modules stays as it is.
  const work = join(root, '.cache', 'better-sqlite3-electron')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(join(root, '.cache'), { recursive: true })
  cpSync(join(root, 'node_modules/better-sqlite3'), work, { recursive: true })
  const arch = process.arch
  const attempts = [
    [
      join(root, 'node_modules/.bin/prebuild-install'),
      ['--runtime', 'electron', '--target', version, '--arch', arch],
    ],
    [
      'npx',
      [
        '--yes',
        'node-gyp',
        'rebuild',
        '--release',
        `--target=${version}`,
        `--arch=${arch}`,
        '--dist-url=https://electronjs.org/headers',
      ],
    ],
  ]
  for (const [cmd, args] of attempts) {
    const r = spawnSync(cmd, args, { ...quiet, cwd: work })
    const out = join(work, 'build/Release/better_sqlite3.node')
    if (r.status === 0 && existsSync(out)) {
      mkdirSync(dest, { recursive: true })
      cpSync(out, join(dest, 'better_sqlite3.node'))
      writeFileSync(stamp, version)
      return {}
    }
  }
  return {
    why: `better-sqlite3 could not be built for Electron ${version} (no prebuilt binary or headers reachable)`,
  }
}

function fallBackToServe(why) {
  console.log(`Driftwatch: ${why}; opening the same app in your browser with "driftwatch serve" instead.`)
  const child = spawn(process.execPath, [join(root, 'bin/driftwatch.js'), 'serve', '--open'], {
    stdio: 'inherit',
  })
  child.on('exit', (code) => process.exit(code ?? 0))
}

if (!built()) {
  console.error('Driftwatch: the build failed; see the errors above.')
  process.exit(1)
}
const electron = electronPath()
const sqlite = electron.path ? sqliteForElectron() : {}
if (!electron.path) fallBackToServe(electron.why)
else if (sqlite.why) fallBackToServe(sqlite.why)
else {
  const child = spawn(electron.path, [join(root, 'out/main/index.js')], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}
