// `npm test`: the electron-vite build first (the CLI, serve and UI tests load it), then eslint, prettier, tsc and
// the whole vitest run side by side. The tests spend about a fifth of two cores' time waiting (servers starting,
// child processes, timers), which the checks fill: they no longer hold the tests back by their own 45-100 s.
// Each check's output is printed whole, under its name, once it ends; the tests print as they go. Arguments
// go to vitest (`npm test -- test/unit`). Any failure fails the run, after every part has finished.
import { spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))

function run(name, cmd, args) {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(bin(cmd), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', (err) => {
      out += `${err.message}\n`
    })
    child.on('close', (code) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1)
      process.stdout.write(`::: ${name} (${secs} s)${code === 0 ? '' : `: FAILED, exit ${code}`}\n${out}`)
      resolve(code === 0)
    })
  })
}

function tests(args) {
  return new Promise((resolve) => {
    // The build above is the one every test uses: the tests' ensureBuilt() does not build again.
    const env = { ...process.env, DW_TEST_PREBUILT: '1' }
    const child = spawn(bin('vitest'), ['run', ...args], { cwd: root, stdio: 'inherit', env })
    child.on('error', (err) => {
      process.stdout.write(`::: tests: ${err.message}\n`)
      resolve(false)
    })
    child.on('close', (code) => resolve(code === 0))
  })
}

if (!(await run('build', 'electron-vite', ['build']))) process.exit(1)
// Every test runs this build. A build during the run (anything that runs the package's `prepare`, such as a
// first `npx driftwatch` in this folder) empties out/ under the other tests' children, which then fail now
// and then with "not built yet"; so a run in which out/ changed fails, saying so, even when its tests passed.
const cliJs = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
const builtAt = statSync(cliJs, { throwIfNoEntry: false })?.mtimeMs
const parts = {
  eslint: run('eslint', 'eslint', ['--max-warnings', '0', '.']),
  prettier: run('prettier', 'prettier', ['--check', '.']),
  typecheck: run('typecheck', 'tsc', ['-p', 'tsconfig.json', '--noEmit']),
  tests: tests(process.argv.slice(2)),
}
const failed = []
for (const [name, passed] of Object.entries(parts)) if (!(await passed)) failed.push(name)
if (statSync(cliJs, { throwIfNoEntry: false })?.mtimeMs !== builtAt) {
  process.stdout.write(
    '::: out/ was rebuilt or removed while the tests ran (see the comment in scripts/test.mjs)\n',
  )
  failed.push('build')
}
if (failed.length) {
  process.stdout.write(`::: npm test FAILED: ${failed.join(', ')}\n`)
  process.exit(1)
}
