import { describe, expect, it } from 'vitest'
import { day, when } from '../../src-preload/dates'

const T = '2026-12-02T08:40:12.345Z'

describe('dates read one unambiguous way per locale, zone stated', () => {
  it('names the month and the zone, 24-hour, in each locale', () => {
    expect(when(T, { locale: 'en-GB' })).toBe('2 Dec 2026, 08:40 UTC')
    expect(when(T, { locale: 'en-US' })).toBe('Dec 2, 2026, 08:40 UTC')
    expect(when(T, { locale: 'de-DE' })).toBe('2. Dez. 2026, 08:40 UTC')
    // Never a bare numeric date that reads two ways (12/2 vs 2/12).
    for (const locale of ['en-GB', 'en-US', 'de-DE', 'fr-FR'])
      expect(when(T, { locale })).not.toMatch(/\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/)
  })

  it('converts to the zone it names', () => {
    expect(when(T, { locale: 'en-GB', timeZone: 'America/New_York' })).toMatch(
      /^2 Dec 2026, 03:40 (GMT-5|EST)$/,
    )
    expect(when('2026-12-01T23:30:00Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toMatch(
      /^2 Dec 2026, 08:30 (GMT\+9|JST)$/,
    )
  })

  it('gives the day alone, empty for no time, and the text back when it is not a time', () => {
    expect(day(T, { locale: 'en-GB' })).toBe('2 Dec 2026')
    expect(when(null)).toBe('')
    expect(when('not a date')).toBe('not a date')
    expect(when(T, { locale: 'xx-invalid-locale-!!' })).toBe('2 Dec 2026, 08:40 UTC')
  })
})
