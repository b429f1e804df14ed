// The calendar part of the Watch page's forms (scan schedules and report exports): times of day, the days of
// the week or month, and the time zone they are read in. The rules and their messages are the calendar's
// (src-preload/calendar.ts); the server checks again.
import { useState } from 'react'
import { WEEKDAYS, type CalendarKind } from '../../../src-preload/calendar'

const DAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
/** Monday first, as a week reads on a calendar. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0]

/** Every zone this browser knows (IANA names), for the zone field's suggestions. */
const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone')
  } catch {
    return []
  }
})()

export interface CalendarChoice {
  times: string
  setTimes(v: string): void
  weekDays: number[]
  setWeekDays(v: number[]): void
  monthDays: string
  setMonthDays(v: string): void
  timeZone: string
  setTimeZone(v: string): void
  /** What the form sends, or the field problems to show first (a day of the month that is not a number). */
  request(kind: CalendarKind): { dailyTimes: string[]; days: number[]; timeZone: string }
  problems(kind: CalendarKind): Record<string, string>
}

export function useCalendarChoice(init?: {
  times?: string[]
  days?: number[]
  kind?: CalendarKind
  timeZone?: string
}): CalendarChoice {
  const [times, setTimes] = useState((init?.times ?? ['02:00']).join(', '))
  const [weekDays, setWeekDays] = useState<number[]>(init?.kind === 'weekly' ? (init.days ?? [1]) : [1])
  const [monthDays, setMonthDays] = useState(init?.kind === 'monthly' ? (init.days ?? [1]).join(', ') : '1')
  const [timeZone, setTimeZone] = useState(init?.timeZone ?? '')
  const monthList = () => monthDays.split(/[\s,]+/).filter(Boolean)
  return {
    times,
    setTimes,
    weekDays,
    setWeekDays,
    monthDays,
    setMonthDays,
    timeZone,
    setTimeZone,
    request: (kind) => ({
      dailyTimes: times.split(/[\s,]+/).filter(Boolean),
      days: kind === 'weekly' ? weekDays : kind === 'monthly' ? monthList().map(Number) : [],
      timeZone: timeZone.trim(),
    }),
    problems: (kind): Record<string, string> => {
      const bad = kind === 'monthly' ? monthList().find((d) => !/^\d+$/.test(d)) : undefined
      return bad === undefined ? {} : { days: `Days of the month are 1 to 31, not "${bad}"` }
    },
  }
}

interface Props {
  kind: CalendarKind
  choice: CalendarChoice
  errors: Record<string, string>
  /** The request's field names the errors come back under. */
  timesKey: string
  daysKey: string
  /** One day and one time (report exports), rather than lists. */
  single?: boolean
}

export function CalendarFields({ kind, choice: c, errors, timesKey, daysKey, single }: Props) {
  return (
    <>
      {kind === 'weekly' &&
        (single ? (
          <label className="field">
            <span className="label">Day of the week</span>
            <select
              value={c.weekDays[0] ?? 1}
              onChange={(e) => c.setWeekDays([Number(e.target.value)])}
              aria-invalid={Boolean(errors[daysKey])}
            >
              {WEEK_ORDER.map((d) => (
                <option key={d} value={d}>
                  {DAY_LABELS[d]}
                </option>
              ))}
            </select>
            {errors[daysKey] && <span className="field-error">{errors[daysKey]}</span>}
          </label>
        ) : (
          <fieldset className="field weekdays">
            <legend className="label">Days of the week</legend>
            {WEEK_ORDER.map((d) => (
              <label key={d} className="check">
                <input
                  type="checkbox"
                  name={`day-${WEEKDAYS[d]}`}
                  checked={c.weekDays.includes(d)}
                  onChange={(e) =>
                    c.setWeekDays(e.target.checked ? [...c.weekDays, d] : c.weekDays.filter((x) => x !== d))
                  }
                />{' '}
                {DAY_LABELS[d]}
              </label>
            ))}
            {errors[daysKey] && <span className="field-error">{errors[daysKey]}</span>}
          </fieldset>
        ))}
      {kind === 'monthly' && (
        <label className="field">
          <span className="label">
            {single ? 'Day of the month (1–31)' : 'Days of the month (1–31, comma-separated)'}
          </span>
          <input
            value={c.monthDays}
            inputMode="numeric"
            onChange={(e) => c.setMonthDays(e.target.value)}
            aria-invalid={Boolean(errors[daysKey])}
          />
          <span className="muted small">29, 30 or 31 run on the last day of a shorter month.</span>
          {errors[daysKey] && <span className="field-error">{errors[daysKey]}</span>}
        </label>
      )}
      <label className="field">
        <span className="label">{single ? 'Time (HH:MM)' : 'Times (HH:MM, comma-separated)'}</span>
        <input
          value={c.times}
          onChange={(e) => c.setTimes(e.target.value)}
          aria-invalid={Boolean(errors[timesKey])}
        />
        {errors[timesKey] && <span className="field-error">{errors[timesKey]}</span>}
      </label>
      <label className="field">
        <span className="label">Time zone</span>
        <input
          value={c.timeZone}
          list="dw-time-zones"
          placeholder="The watching computer's zone"
          onChange={(e) => c.setTimeZone(e.target.value)}
          aria-invalid={Boolean(errors.timeZone)}
        />
        <datalist id="dw-time-zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <span className="muted small">
          An IANA name such as Europe/Paris; empty: the zone of the computer that watches.
        </span>
        {errors.timeZone && <span className="field-error">{errors.timeZone}</span>}
      </label>
    </>
  )
}
