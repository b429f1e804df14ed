// Targets at estate scale: 10,000 targets added through the contract (validation, name check, labels,
// events) and searched, beside the same rows written and searched with bare better-sqlite3 statements.
import { it } from 'vitest'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src-main/core/app'
import { report, time } from './report'

const N = 10_000

it(`targets: ${N} adds and a search`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'))
  const core = createCore({ dataDir: join(dir, 'core'), face: 'cli' })
  const addCore = await time(async () => {
    for (let i = 0; i < N; i++) {
      const env = await core.invoke('targets.create', {
        target: {
          kind: 'ssh',
          name: `host-${i}`,
          host: `10.0.${i >> 8}.${i & 255}`,
          user: 'auditor',
          tags: ['prod'],
          groups: [`g${i % 20}`],
        },
      })
      if (!env.ok) throw new Error(env.error.message)
    }
  })
  const searchCore = await time(async () => {
    const env = await core.invoke('targets.list', { query: 'host-99' })
    if (!env.ok) throw new Error(env.error.message)
  })
  core.close()

  const raw = new Database(join(dir, 'raw.db'))
  raw.pragma('journal_mode = WAL')
  raw.exec('CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT UNIQUE COLLATE NOCASE, host TEXT, settings TEXT)')
  const ins = raw.prepare('INSERT INTO t VALUES (?, ?, ?, ?)')
  const addRaw = await time(() => {
    for (let i = 0; i < N; i++)
      ins.run(String(i), `host-${i}`, `10.0.${i >> 8}.${i & 255}`, '{"user":"auditor"}')
  })
  const searchRaw = await time(() =>
    raw.prepare("SELECT * FROM t WHERE name LIKE '%host-99%' OR host LIKE '%host-99%'").all(),
  )
  raw.close()
  rmSync(dir, { recursive: true, force: true })

  report('targets', [
    {
      figure: `add ${N} targets (one transaction each)`,
      ms: addCore,
      baselineMs: addRaw,
      baseline: 'bare INSERT, autocommit',
    },
    {
      figure: `search "host-99" in ${N}`,
      ms: searchCore,
      baselineMs: searchRaw,
      baseline: 'bare SELECT ... LIKE',
    },
  ])
}, 300_000)
