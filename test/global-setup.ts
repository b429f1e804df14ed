// Runs once per `vitest run`, before any worker: one folder for the database templates every worker copies
// (test/services/lib.ts), removed when the run ends.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'dw-templates-'))
  // Traversable by the postgres and mysql users, whose bootstraps write inside it.
  chmodSync(dir, 0o755)
  process.env.DW_TEST_TEMPLATES = dir
  return () => rmSync(dir, { recursive: true, force: true })
}
