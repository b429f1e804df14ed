// The Watch page's countdown to a schedule's next run and its wording of how often a schedule runs.
import { describe, expect, it } from 'vitest'
import { countdown, scheduleEvery } from '../../../src-renderer/lib/schedule-text'

const NOW = Date.parse('2030-01-01T12:00:00.000Z')
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString()

describe('countdown', () => {
  it.each([
    [-3600, 'due now'],
    [0, 'due now'],
    [0.4, 'due now'],
    [1, 'in 1 s'],
    [59, 'in 59 s'],
    [60, 'in 1 min 0 s'],
    [61, 'in 1 min 1 s'],
    [3599, 'in 59 min 59 s'],
    [3600, 'in 1 h 0 min'],
    [3600 + 59 * 60 + 59, 'in 1 h 59 min'],
    [86_399, 'in 23 h 59 min'],
    [86_400, 'in 1 d 0 h'],
    [3 * 86_400 + 5 * 3600 + 59 * 60, 'in 3 d 5 h'],
  ])('%d s ahead reads "%s"', (seconds, text) => {
    expect(countdown(at(seconds), NOW)).toBe(text)
  })

  it('rounds to the nearest second, so a tick never shows the same second twice', () => {
    expect(countdown(at(10), NOW + 400)).toBe('in 10 s')
    expect(countdown(at(10), NOW + 600)).toBe('in 9 s')
  })

  it('counts down as time passes', () => {
    const next = at(3 * 3600)
    const shown = [0, 1, 2, 3].map((h) => countdown(next, NOW + h * 3600 * 1000))
    expect(shown).toEqual(['in 3 h 0 min', 'in 2 h 0 min', 'in 1 h 0 min', 'due now'])
  })
})

describe('scheduleEvery', () => {
  const interval = (intervalMinutes: number) => ({
    kind: 'interval' as const,
    dailyTimes: [],
    intervalMinutes,
  })

  it.each([
    [15, 'every 15 min'],
    [90, 'every 90 min'],
    [60, 'every 1 h'],
    [360, 'every 6 h'],
    [1440, 'every 1 d'],
    [2880, 'every 2 d'],
    [1500, 'every 25 h'],
  ])('an interval of %d minutes reads "%s"', (minutes, text) => {
    expect(scheduleEvery(interval(minutes))).toBe(text)
  })

  it('lists the times of a daily schedule', () => {
    expect(scheduleEvery({ kind: 'daily', dailyTimes: ['02:00', '14:30'], intervalMinutes: 0 })).toBe(
      'daily at 02:00, 14:30',
    )
  })
})
