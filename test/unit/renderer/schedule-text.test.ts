// The Watch page's countdown to a schedule's next run and its wording of how often a schedule runs.
import { describe, expect, it } from 'vitest'
import { countdown, inZone, scheduleEvery } from '../../../src-renderer/lib/schedule-text'

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
    days: [],
    zone: '',
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

  it('lists the times of a daily, weekly or monthly schedule with the zone they are read in', () => {
    const at = { dailyTimes: ['02:00', '14:30'], intervalMinutes: 0 }
    expect(scheduleEvery({ ...at, kind: 'daily', days: [], zone: 'Europe/Paris' })).toBe(
      'daily at 02:00, 14:30 (Europe/Paris)',
    )
    expect(scheduleEvery({ ...at, kind: 'weekly', days: [0, 1], zone: 'UTC' })).toBe(
      'every Monday, Sunday at 02:00, 14:30 (UTC)',
    )
    expect(scheduleEvery({ ...at, kind: 'monthly', days: [31], zone: 'America/New_York' })).toBe(
      'monthly on day 31 at 02:00, 14:30 (America/New_York)',
    )
  })

  it('reads a next run in the schedule’s zone, naming it', () => {
    // 01:00 UTC on 9 March 2026 is 02:00 in Paris (winter time) and 21:00 the day before in New York (EDT).
    expect(inZone('2026-03-09T01:00:00.000Z', 'Europe/Paris')).toMatch(/9.*2026.*02:00.*\(Europe\/Paris\)$/)
    expect(inZone('2026-03-09T01:00:00.000Z', 'America/New_York')).toMatch(
      /8.*2026.*21:00 EDT \(America\/New_York\)$/,
    )
  })
})
