// The checks `npm test` runs before the tests: eslint, prettier and tsc side by side (each is single-threaded,
// so on two cores they finish in about the time of the slowest), then the electron-vite build the UI tests load.
// Each check's output is printed whole, under its name, once it ends; any failure fails the run.
import { spawn } from 'node:child_process'
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

const together = await Promise.all([
  run('eslint', 'eslint', ['--max-warnings', '0', '.']),
  run('prettier', 'prettier', ['--check', '.']),
  run('typecheck', 'tsc', ['-p', 'tsconfig.json', '--noEmit']),
])
if (together.includes(false)) process.exit(1)
if (!(await run('build', 'electron-vite', ['build']))) process.exit(1)
