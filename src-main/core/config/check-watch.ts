// The watch's part of a driftwatch.yml: schedules (every N minutes; daily, weekly or monthly at times in a time
// zone; a schedule that can never fire is refused), alert channels with their settings from each channel's own schema, and the watch settings.
import { z } from 'zod'
import { ALERT_CHANNEL_KINDS, WatchSettingsView } from '../../../src-preload/contract'
import { channelFor } from '../watch/alerts'
import type { DesiredChannel, DesiredSchedule, DesiredWatch } from './model'
import { joinPath, type SecretSource } from './source'
import type { Walk } from './walk'
import { parseWeekday, timeZoneProblem, weekdayProblem } from '../../../src-preload/calendar'
import { describe, shapeKeys } from './walk'

const CADENCES = ['every', 'daily', 'weekly', 'monthly'] as const
const SCHEDULE_KEYS = [
  'target',
  'group',
  ...CADENCES,
  'days',
  'timezone',
  'priority',
  'jitter',
  'paused',
] as const
const MAX_MINUTES = 44640

/** "30m", "2h", "1d", "90" (minutes) → minutes; undefined when unreadable. */
export function parseEvery(v: unknown): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hours?|d|days?)?\s*$/i.exec(v)
  if (!m) return undefined
  const n = Number(m[1])
  const unit = (m[2] ?? 'm').toLowerCase()
  return unit.startsWith('h') ? n * 60 : unit.startsWith('d') ? n * 1440 : n
}

export const formatEvery = (minutes: number): string =>
  minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`

const HHMM = /^([01]?\d|2[0-3]):[0-5]\d$/

/** The times of a daily, weekly or monthly schedule: "02:30" or a list, each HH:MM. */
function checkTimes(w: Walk, path: string, value: unknown, key: string): string[] {
  const out: string[] = []
  const times = typeof value === 'string' ? [value] : value
  if (!Array.isArray(times))
    w.issue(path, `${cap(key)} is a time of day or a list of them, such as ["02:30", "14:00"]`)
  else if (times.length === 0) w.issue(path, 'This schedule never fires: give at least one time of day')
  else if (times.length > 24) w.issue(path, 'At most 24 times a day')
  else
    times.forEach((t, j) => {
      const s = w.text(joinPath(path, j), t, 'Time')
      if (s !== undefined && !HHMM.test(s))
        w.issue(joinPath(path, j), `Times are written HH:MM (00:00 to 23:59), not "${s}"`)
      else if (s !== undefined) out.push(s.padStart(5, '0'))
    })
  return [...new Set(out)].sort()
}
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1)

/** Weekly: mon..sun (or 0..6); monthly: 1..31. */
function checkDays(w: Walk, path: string, value: unknown, kind: 'weekly' | 'monthly'): number[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value]
  if (list.length === 0) {
    w.issue(
      path,
      kind === 'weekly'
        ? 'A weekly schedule names its days: days: [mon, thu]'
        : 'A monthly schedule names its days of the month: days: [1, 15]',
    )
    return []
  }
  const out: number[] = []
  list.forEach((raw, j) => {
    const v = w.resolve(joinPath(path, j), raw)
    const p = Array.isArray(value) ? joinPath(path, j) : path
    if (kind === 'weekly') {
      const d = parseWeekday(v)
      if (d === undefined) w.issue(p, weekdayProblem(v))
      else out.push(d)
    } else {
      const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 31)
        w.issue(p, `Days of the month are 1 to 31 (a shorter month runs on its last day), not ${describe(v)}`)
      else out.push(n)
    }
  })
  return [...new Set(out)].sort((a, b) => a - b)
}

export function checkSchedules(w: Walk, value: unknown): DesiredSchedule[] {
  const out: DesiredSchedule[] = []
  w.list('schedules', value, 'schedules').forEach((item, i) => {
    const path = joinPath('schedules', i)
    const o = w.map(path, item, SCHEDULE_KEYS, 'a schedule')
    if (!o) return
    const target = w.text(joinPath(path, 'target'), o.target, 'Target', { optional: true })
    const group = w.text(joinPath(path, 'group'), o.group, 'Group', { optional: true })
    if ((target === undefined) === (group === undefined))
      w.issue(path, 'A schedule names a target (or a glob such as *-prod) or a group: one of them')
    let kind: DesiredSchedule['kind'] = 'interval'
    let intervalMinutes = 60
    let dailyTimes: string[] = []
    let days: number[] = []
    let timeZone = ''
    const given = CADENCES.filter((k) => o[k] !== undefined)
    if (given.length > 1)
      w.issue(path, `A schedule has one of every, daily, weekly or monthly, not ${given.join(' and ')}`)
    else if (given.length === 0)
      w.issue(
        path,
        'This schedule never fires: give every (e.g. 30m), daily, weekly or monthly (times, e.g. ["02:30"])',
      )
    else if (o.every !== undefined) {
      const ep = joinPath(path, 'every')
      const resolved = w.resolve(ep, o.every)
      const minutes = parseEvery(resolved)
      if (minutes === undefined)
        w.issue(
          ep,
          `Every is a number of minutes or a duration such as 30m, 2h or 1d, not ${describe(resolved)}`,
        )
      else if (minutes <= 0) w.issue(ep, 'This schedule never fires: every must be more than 0 minutes')
      else if (!Number.isInteger(minutes)) w.issue(ep, 'Every must be whole minutes')
      else if (minutes > MAX_MINUTES) w.issue(ep, 'Every must be at most 31 days')
      else intervalMinutes = minutes
      for (const k of ['days', 'timezone'] as const)
        if (o[k] !== undefined)
          w.issue(joinPath(path, k), `"${k}" goes with daily, weekly or monthly times, not with every`)
    } else {
      kind = given[0] as 'daily' | 'weekly' | 'monthly'
      dailyTimes = checkTimes(w, joinPath(path, kind), o[kind], kind)
      if (kind === 'daily') {
        if (o.days !== undefined)
          w.issue(joinPath(path, 'days'), 'A daily schedule runs every day: days go with weekly or monthly')
      } else days = checkDays(w, o.days === undefined ? path : joinPath(path, 'days'), o.days, kind)
      if (o.timezone !== undefined) {
        const zp = joinPath(path, 'timezone')
        const z = w.text(zp, o.timezone, 'Time zone')
        const problem = z === undefined ? '' : timeZoneProblem(z)
        if (problem) w.issue(zp, problem)
        else if (z !== undefined) timeZone = z
      }
    }
    const jp = joinPath(path, 'jitter')
    const jitter = o.jitter === undefined ? 0 : Number(w.resolve(jp, o.jitter))
    if (!Number.isInteger(jitter) || jitter < 0 || jitter > 3600)
      w.issue(jp, 'Jitter is whole seconds from 0 to 3600')
    out.push({
      path,
      target,
      group,
      kind,
      intervalMinutes: kind === 'interval' ? intervalMinutes : 60,
      dailyTimes,
      days,
      timeZone,
      priority: w.bool(joinPath(path, 'priority'), o.priority, 'Priority', false),
      jitterSeconds: Number.isInteger(jitter) ? jitter : 0,
      paused: w.bool(joinPath(path, 'paused'), o.paused, 'Paused', false),
    })
  })
  return out
}

const CHANNEL_COMMON = ['name', 'kind', 'enabled', 'throttleMinutes', 'secret'] as const

export function checkChannels(w: Walk, value: unknown): DesiredChannel[] {
  const out: DesiredChannel[] = []
  w.list('alerts', value, 'alerts').forEach((item, i) => {
    const path = joinPath('alerts', i)
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      w.issue(path, 'An alert channel must be a mapping (name, kind and its settings)')
      return
    }
    const raw = item as Record<string, unknown>
    const kindText = w.text(joinPath(path, 'kind'), raw.kind, 'Kind')
    const kind = ALERT_CHANNEL_KINDS.find((k) => k === kindText)
    if (kindText && !kind) {
      w.issue(
        joinPath(path, 'kind'),
        `Unknown alert channel kind "${kindText}": expected one of ${ALERT_CHANNEL_KINDS.join(', ')}`,
      )
      return
    }
    if (!kind) return
    const impl = channelFor(kind)!
    const own = shapeKeys(impl.config)
    const o = w.map(path, raw, [...CHANNEL_COMMON, ...own], `a ${kind} channel`)
    if (!o) return
    const name = w.text(joinPath(path, 'name'), o.name, 'Name')
    const settings = Object.fromEntries(Object.entries(o).filter(([k]) => own.includes(k)))
    const headerSecrets = secretHeaders(w, joinPath(path, 'headers'), settings)
    const config = w.zod(path, impl.config, w.resolve(path, settings)) as Record<string, unknown> | undefined
    // Checked with placeholders; the settings keep only the plain headers (the secret ones are sealed on apply).
    if (config?.headers && headerSecrets)
      config.headers = Object.fromEntries(
        Object.entries(config.headers as object).filter(([k]) => !(k in headerSecrets)),
      )
    const sp = joinPath(path, 'secret')
    let secret: DesiredChannel['secret']
    if (o.secret !== undefined && o.secret !== null) {
      const so = o.secret as Record<string, unknown>
      if (so && typeof so === 'object' && !Array.isArray(so) && Object.keys(so).join() === 'vault') {
        const v = w.text(joinPath(sp, 'vault'), so.vault, 'Vault credential name')
        if (v) secret = { vault: v }
      } else secret = w.secret(sp, o.secret)
      if (!secret) return
    } else if (impl.needsSecret)
      w.issue(
        path,
        `A ${kind} channel needs its secret: add secret: \${ENV_VAR}, { file: PATH } or { vault: NAME }`,
      )
    const throttle = w.zod(
      joinPath(path, 'throttleMinutes'),
      z
        .number({ error: 'Throttle is whole minutes' })
        .int('Throttle is whole minutes')
        .min(0)
        .max(10080)
        .default(0),
      o.throttleMinutes ?? undefined,
    )
    if (!name || !config) return
    out.push({
      path,
      name,
      kind,
      enabled: w.bool(joinPath(path, 'enabled'), o.enabled, 'Enabled', true),
      throttleMinutes: throttle ?? 0,
      config,
      secret,
      ...(headerSecrets && { headerSecrets }),
    })
  })
  return out
}

/**
 * A channel's headers whose values are secrets ({ env: NAME } or { file: PATH }, as every secret in the file):
 * their sources, with placeholders left in `settings` so the channel's own schema checks the names.
 */
function secretHeaders(
  w: Walk,
  path: string,
  settings: Record<string, unknown>,
): Record<string, SecretSource> | undefined {
  const h = settings.headers
  if (!h || typeof h !== 'object' || Array.isArray(h)) return undefined
  const out: Record<string, SecretSource> = {}
  const checked: Record<string, unknown> = {}
  for (const [name, v] of Object.entries(h as Record<string, unknown>)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const src = w.secret(joinPath(path, name), v)
      if (src) out[name] = src
      checked[name] = { vault: 'from-the-file' }
    } else checked[name] = v
  }
  settings.headers = checked
  return Object.keys(out).length ? out : undefined
}

const WATCH_KEYS = [
  'concurrency',
  'perKind',
  'thresholds',
  'priorityFactor',
  'backoffBaseMinutes',
  'backoffCapMinutes',
  'priority',
] as const

export function checkWatch(w: Walk, value: unknown): DesiredWatch | undefined {
  if (value === undefined || value === null) return undefined
  const o = w.map('watch', value, WATCH_KEYS, 'the watch settings')
  if (!o) return undefined
  const { priority, ...rest } = w.resolve('watch', o) as Record<string, unknown>
  if (rest.thresholds !== undefined)
    w.map('watch.thresholds', rest.thresholds, ['major', 'minor'], 'the drift thresholds')
  const Partial = WatchSettingsView.partial().extend({
    thresholds: z
      .object({
        major: z.number().min(0.1).max(100).optional(),
        minor: z.number().min(0.1).max(100).optional(),
      })
      .optional(),
  })
  const settings = w.zod('watch', Partial, rest) as DesiredWatch['settings'] | undefined
  const globs: string[] = []
  w.list('watch.priority', priority, 'Priority (globs of target or group names)').forEach((g, i) => {
    const s = w.text(joinPath('watch.priority', i), g, 'A priority glob')
    if (s) globs.push(s)
  })
  return { path: 'watch', settings: settings ?? {}, priority: globs }
}
