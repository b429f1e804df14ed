#!/usr/bin/env node
// Rewrites the golden files (published JSON Schemas) from the code, after a deliberate change. Tests only
// compare; this is the one writer, and it refuses to run in CI, where a rewrite would hide a regression.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runnerImport } from 'vite'

if (process.env.CI) {
  console.error(
    'golden:update refuses to run in CI (CI is set): golden files change only by a reviewed commit',
  )
  process.exit(1)
}

const { module } = await runnerImport(new URL('../test/golden/golden-files.ts', import.meta.url).pathname)
let changed = 0
for (const g of module.GOLDEN_FILES) {
  const file = join(module.ROOT, g.path)
  const fresh = g.generate()
  let old = null
  try {
    old = readFileSync(file, 'utf8')
  } catch {
    // A new golden file: written below.
  }
  if (old === fresh) continue
  writeFileSync(file, fresh)
  changed++
  console.log(`updated ${g.path}`)
}
console.log(changed ? `${changed} golden file(s) rewritten; review the diff` : 'golden files already current')
