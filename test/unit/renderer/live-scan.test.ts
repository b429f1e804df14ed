// Scan progress on the wire is a typed union (a step with its words, or a rule checked with its count), and
// the live scan the renderer draws follows it: counts carry through later steps, a new scan starts from zero.
import { describe, expect, it } from 'vitest'
import { events, type ScanProgressEvent } from '../../../src-preload/contract'
import { applyProgress, liveText } from '../../../src-renderer/stores/live-scan'

const ids = { scanId: 's1', targetId: 't1' }
const step = (phase: 'connect' | 'fetch', message: string, scanId = 's1'): ScanProgressEvent => ({
  ...ids,
  scanId,
  phase,
  message,
})
const rule = (ruleId: string, done: number, total: number): ScanProgressEvent => ({
  ...ids,
  phase: 'rule',
  ruleId,
  status: 'pass',
  done,
  total,
})

describe('scan.progress on the wire', () => {
  const schema = events['scan.progress']
  it('accepts a step with words and a rule with its count', () => {
    expect(schema.safeParse(step('connect', 'Connecting to db:5432')).success).toBe(true)
    expect(schema.safeParse(rule('r1', 3, 10)).success).toBe(true)
  })
  it('refuses a rule event without its count, an unknown status and an unknown phase', () => {
    expect(schema.safeParse({ ...ids, phase: 'rule', ruleId: 'r', status: 'pass' }).success).toBe(false)
    expect(schema.safeParse({ ...rule('r', 1, 2), status: 'maybe' }).success).toBe(false)
    expect(schema.safeParse({ ...ids, phase: 'thinking', message: 'hm' }).success).toBe(false)
    expect(schema.safeParse({ ...ids, phase: 'connect' }).success).toBe(false)
  })
})

describe('live scan', () => {
  it('counts rules and keeps the count through the steps after them', () => {
    let l = applyProgress(undefined, step('connect', 'Connecting'))
    expect([l.done, l.total, liveText(l)]).toEqual([0, 0, 'Connecting'])
    l = applyProgress(l, rule('xccdf_rule_a', 4, 10))
    expect([l.done, l.total, liveText(l)]).toEqual([4, 10, 'xccdf_rule_a'])
    l = applyProgress(l, step('fetch', 'Fetching the results'))
    expect([l.done, l.total, liveText(l)]).toEqual([4, 10, 'Fetching the results'])
  })

  it('starts a new scan of the same target from zero', () => {
    const old = applyProgress(undefined, rule('r', 9, 10))
    const next = applyProgress(old, step('connect', 'Connecting', 's2'))
    expect(next).toMatchObject({ scanId: 's2', done: 0, total: 0 })
  })

  it('names the step when it has no words', () => {
    expect(liveText(applyProgress(undefined, step('fetch', '')))).toBe('fetch')
  })
})
