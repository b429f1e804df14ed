// The monitoring KPIs (issue 21): mean time to detect and to resolve from a known history of drift events.
import { describe, expect, it } from 'vitest'
import { computeKpis, type KpiEvent } from '../../../src-main/core/watch/kpis'
import { formatDuration } from '../../../src-preload/durations'

const H = 3600
const t = (hours: number) => new Date(Date.UTC(2030, 0, 1) + hours * H * 1000).toISOString()
const ev = (targetId: string, ruleId: string, type: string, at: number, prevAt: number | null): KpiEvent => ({
  targetId,
  ruleId,
  type,
  at: t(at),
  prevAt: prevAt === null ? null : t(prevAt),
})

describe('computeKpis', () => {
  // db1: rule a passes at 0 h, fails at 2 h (seen 2 h after), fixed at 10 h (8 h to resolve);
  //      rule b passes at 4 h, fails at 5 h (1 h), still failing.
  // db2: rule a fails at 24 h after a pass at 18 h (6 h), fixed at 48 h (24 h); fails again at 50 h after a pass
  //      at 49 h (1 h) and is fixed at 52 h (2 h). A value change and a fix with no regression count for nothing.
  const history: KpiEvent[] = [
    ev('db2', 'a', 'fixed', 52, 51),
    ev('db1', 'a', 'regression', 2, 0),
    ev('db1', 'a', 'fixed', 10, 8),
    ev('db1', 'b', 'regression', 5, 4),
    ev('db1', 'c', 'value', 6, 5),
    ev('db1', 'd', 'fixed', 7, 6),
    ev('db2', 'a', 'regression', 24, 18),
    ev('db2', 'a', 'fixed', 48, 40),
    ev('db2', 'a', 'regression', 50, 49),
  ]

  it('gives each target its mean time to detect and to resolve, and the open regressions', () => {
    const k = computeKpis(history)
    expect(k.targets).toEqual([
      { targetId: 'db1', detections: 2, mttdSeconds: 1.5 * H, resolved: 1, open: 1, mttrSeconds: 8 * H },
      { targetId: 'db2', detections: 2, mttdSeconds: 3.5 * H, resolved: 2, open: 0, mttrSeconds: 13 * H },
    ])
  })

  it('averages every detection and resolution overall, not the targets’ means', () => {
    const k = computeKpis(history)
    // Detect: 2, 1, 6, 1 h → 2.5 h. Resolve: 8, 24, 2 h → 11.33 h.
    expect(k.overall).toEqual({
      detections: 4,
      mttdSeconds: 2.5 * H,
      resolved: 3,
      open: 1,
      mttrSeconds: Math.round((34 * H) / 3),
    })
  })

  it('has no means without events, and no detection time for a regression without a previous scan', () => {
    expect(computeKpis([]).overall).toEqual({
      detections: 0,
      mttdSeconds: null,
      resolved: 0,
      open: 0,
      mttrSeconds: null,
    })
    const k = computeKpis([ev('x', 'a', 'regression', 3, null)])
    expect(k.overall).toMatchObject({ detections: 1, mttdSeconds: null, open: 1 })
  })

  it('reads durations as a person does', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(40)).toBe('40 s')
    expect(formatDuration(14 * 60)).toBe('14 min')
    expect(formatDuration(2.5 * H)).toBe('2 h 30 min')
    expect(formatDuration(51 * H)).toBe('2 d 3 h')
  })
})
