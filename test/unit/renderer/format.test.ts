// How scores, sizes, times, long texts, drift changes and counts read in the app and in the PDF report.
import { describe, expect, it } from 'vitest'
import {
  bytes,
  clip,
  driftChange,
  isoDay,
  plural,
  reportScore,
  scoreBand,
  utcTime,
} from '../../../src-renderer/lib/format'

describe('scores', () => {
  it.each([
    [100, 'good'],
    [90, 'good'],
    [89, 'fair'],
    [70, 'fair'],
    [69, 'poor'],
    [0, 'poor'],
    [null, 'none'],
  ] as const)('%s is in the %s band', (score, band) => {
    expect(scoreBand(score)).toBe(band)
  })

  it('prints a score as a percentage, and n/a without pass or fail results', () => {
    expect(reportScore(87)).toBe('87%')
    expect(reportScore(0)).toBe('0%')
    expect(reportScore(null)).toBe('n/a')
  })
})

describe('times', () => {
  it('reads ISO times as UTC, with or without milliseconds', () => {
    expect(utcTime('2030-01-02T03:04:05.678Z')).toBe('2030-01-02 03:04:05 UTC')
    expect(utcTime('2030-01-02T03:04:05Z')).toBe('2030-01-02 03:04:05 UTC')
    expect(utcTime('')).toBe('')
  })

  it('keeps the date part of a time, or nothing', () => {
    expect(isoDay('2030-01-02T03:04:05.678Z')).toBe('2030-01-02')
    expect(isoDay(null)).toBe('')
  })
})

describe('sizes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [1024 * 1024 - 1, '1024.0 KB'],
    [1024 * 1024, '1.0 MB'],
    [8.3 * 1024 * 1024, '8.3 MB'],
  ])('%d bytes read "%s"', (n, text) => {
    expect(bytes(n)).toBe(text)
  })
})

describe('long texts', () => {
  it('keeps a text up to the limit and says how much it cut beyond', () => {
    expect(clip('short', 10)).toBe('short')
    expect(clip('0123456789', 10)).toBe('0123456789')
    expect(clip('0123456789abc', 10)).toBe('0123456789 … (3 more characters)')
    expect(clip('word     next', 8)).toBe('word … (5 more characters)')
  })
})

describe('drift changes', () => {
  const event = { fromScore: null, toScore: null, fromActual: '', toActual: '', fromStatus: '', toStatus: '' }

  it('shows a score change, with a dash for a missing score', () => {
    expect(driftChange({ ...event, type: 'score', fromScore: 92, toScore: 71 })).toBe('92% → 71%')
    expect(driftChange({ ...event, type: 'score', fromScore: null, toScore: 50 })).toBe('–% → 50%')
  })

  it('shows a value change, with ∅ for an empty value', () => {
    expect(driftChange({ ...event, type: 'value', fromActual: 'on', toActual: 'off' })).toBe('on → off')
    expect(driftChange({ ...event, type: 'value', fromActual: '', toActual: 'off' })).toBe('∅ → off')
  })

  it('shows a status change, and "new" for a rule seen for the first time', () => {
    expect(driftChange({ ...event, type: 'regression', fromStatus: 'pass', toStatus: 'fail' })).toBe(
      'pass → fail',
    )
    expect(driftChange({ ...event, type: 'new-failing', fromStatus: '', toStatus: 'fail' })).toBe(
      'new → fail',
    )
  })
})

describe('counts', () => {
  it('uses the plural for every count but one', () => {
    expect([0, 1, 2].map((n) => plural(n, 'target'))).toEqual(['0 targets', '1 target', '2 targets'])
  })
})
