// Golden files change only through `npm run golden:update`, and that script refuses to run in CI, so a CI run
// can never rewrite a file it is meant to check.
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { GOLDEN_FILES, ROOT } from '../golden/golden-files'

const run = promisify(execFile)

describe('npm run golden:update', () => {
  it('is the package script that rewrites golden files', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(pkg.scripts['golden:update']).toBe('node scripts/update-golden.mjs')
  })

  it('refuses to run when CI is set, and writes nothing', async () => {
    const before = GOLDEN_FILES.map((g) => readFileSync(join(ROOT, g.path), 'utf8'))
    const err = await run(process.execPath, [join(ROOT, 'scripts/update-golden.mjs')], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    )
    expect(err?.code).toBe(1)
    expect(err?.stderr).toMatch(/golden:update refuses to run in CI/)
    expect(GOLDEN_FILES.map((g) => readFileSync(join(ROOT, g.path), 'utf8'))).toEqual(before)
  })
})
