// How every date and time reads, in the app, the report and the CLI alike: day, month by name and year (never
// 12/2 or 2/12), a 24-hour time and the time zone named, in the reader's locale. The report and the app show
// UTC unless a zone is given, so the same moment reads the same on screen and on paper.
export interface WhenOptions {
  /** A BCP 47 locale; default the reader's (navigator.language), else en-GB. */
  locale?: string
  /** An IANA zone; default UTC. */
  timeZone?: string
  /** Leave the time out: "2 Dec 2026". */
  dateOnly?: boolean
}

const defaultLocale = () =>
  (typeof navigator !== 'undefined' && navigator.language) ||
  Intl.DateTimeFormat().resolvedOptions().locale ||
  'en-GB'

const cache = new Map<string, Intl.DateTimeFormat>()
function formatter(locale: string, timeZone: string, dateOnly: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${dateOnly}`
  let f = cache.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      ...(dateOnly
        ? { timeZone }
        : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' }),
    })
    cache.set(key, f)
  }
  return f
}

/** "2 Dec 2026, 08:40 UTC" (en-GB), "Dec 2, 2026, 08:40 UTC" (en-US); '' for no time, the text itself if unreadable. */
export function when(iso: string | null | undefined, opts: WhenOptions = {}): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  let locale = opts.locale ?? defaultLocale()
  try {
    Intl.DateTimeFormat.supportedLocalesOf([locale])
  } catch {
    locale = 'en-GB'
  }
  return formatter(locale, opts.timeZone ?? 'UTC', opts.dateOnly ?? false).format(d)
}

/** The day only, same rules: "2 Dec 2026". */
export const day = (iso: string | null | undefined, opts: Omit<WhenOptions, 'dateOnly'> = {}) =>
  when(iso, { ...opts, dateOnly: true })
