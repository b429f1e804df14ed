// The Controls page reads each target's control counts as stored at its last scan commit (target_control_counts):
// they must say what the join of current status with the mappings says, after a scan, a removed scan and a
// changed mapping, and across a restart.
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { createCore, DB_FILE } from '../../../src-main/core/app'
import { openDatabase } from '../../../src-main/core/store/db'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import { ScansRepo } from '../../../src-main/core/store/scans'
import { ControlsRepo, type TargetControlRow } from '../../../src-main/core/store/controls'
import type { RuleStatus } from '../../../src-main/core/model/scan'
import { call } from '../../helpers/core'
import { useTmpDirs } from '../../helpers/tmp-dir'

const tmp = useTmpDirs()
const sorted = (rows: TargetControlRow[]) =>
  [...rows].sort((a, b) => `${a.targetId} ${a.controlId}`.localeCompare(`${b.targetId} ${b.controlId}`))

describe('stored control counts', () => {
  it('agree with the join after scans, a removed scan and a changed mapping, and across a restart', async () => {
    const dataDir = tmp.make('dw-control-counts-')
    let core = createCore({ dataDir, face: 'cli' })
    const ids: string[] = []
    for (const name of ['web-1', 'web-2'])
      ids.push(
        (await call(core, 'targets.create', { target: { kind: 'ssh', name, host: 'h', user: 'u' } })).id,
      )
    core.close()
    const [a, b] = ids as [string, string]

    const db = openDatabase(join(dataDir, DB_FILE))
    const controls = new ControlsRepo(sqliteSql(db))
    const scans = new ScansRepo(sqliteSql(db), { onCommitted: (s) => controls.recount(s.targetId) })
    const map = (extra: { ruleId: string; controlId: string }[] = []) =>
      controls.syncSource(
        'content:test',
        [{ ruleId: 'r1', controlId: 'au-2' }, { ruleId: 'r2', controlId: 'ac-2' }, ...extra].map((m) => ({
          ...m,
          framework: 'nist-800-53' as const,
          family: m.controlId.slice(0, 2),
          label: '',
        })),
        't',
      )
    map()
    let n = 0
    const scan = (targetId: string, statuses: Record<string, RuleStatus>) => {
      const id = `scan-${++n}`
      scans.begin({
        id,
        targetId,
        trigger: 'manual',
        profileId: 'p',
        tailoringId: null,
        startedAt: `2030-01-0${n}`,
      })
      scans.commit(
        id,
        {
          results: Object.entries(statuses).map(([ruleId, status]) => ({
            ruleId,
            status,
            severity: 'medium',
            title: ruleId,
            actual: '',
            expected: '',
            message: '',
            idents: [],
          })),
          evidence: [],
          info: {},
        },
        `2030-01-0${n}`,
      )
      return id
    }
    const stored = () =>
      db.prepare('SELECT target_id FROM target_control_counts ORDER BY target_id').pluck().all()
    const agree = () => {
      const kept = sorted(controls.storedStatusByTarget('nist-800-53', ids))
      expect(kept).toEqual(sorted(controls.statusByTarget('nist-800-53', ids)))
      return kept
    }

    scan(a, { r1: 'fail', r2: 'pass' })
    scan(b, { r1: 'pass', r2: 'pass' })
    // Counted at commit, before anyone opens the page.
    expect(stored()).toEqual([a, b].sort())
    expect(agree().find((r) => r.targetId === a && r.controlId === 'au-2')).toMatchObject({
      fail: 1,
      pass: 0,
    })

    const fixed = scan(a, { r1: 'pass', r2: 'pass' })
    expect(agree().find((r) => r.targetId === a && r.controlId === 'au-2')).toMatchObject({
      fail: 0,
      pass: 1,
    })

    // The scan removed (web-1's current statuses, all from it, go with it), then a mapping added: both recounted
    // when read.
    db.prepare('DELETE FROM scans WHERE id = ?').run(fixed)
    expect(agree().some((r) => r.targetId === a && r.controlId === 'au-2')).toBe(false)
    map([{ ruleId: 'r2', controlId: 'cm-6' }])
    expect(
      agree()
        .filter((r) => r.controlId === 'cm-6')
        .map((r) => r.targetId),
    ).toEqual([b])
    db.close()

    core = createCore({ dataDir, face: 'cli' })
    try {
      const s = await call(core, 'controls.status', { framework: 'nist-800-53', targetIds: [a, b] })
      const cm6 = s.controls.find((c) => c.id === 'cm-6')!
      expect(cm6).toMatchObject({ status: 'satisfied', satisfied: 1, assessedTargets: 1 })
      expect(s.controls.find((c) => c.id === 'ac-2')).toMatchObject({ satisfied: 1, notSatisfied: 0 })
    } finally {
      core.close()
    }
  })
})
