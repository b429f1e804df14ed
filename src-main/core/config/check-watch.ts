// The watch's part of a driftwatch.yml: schedules (every N minutes or daily at times; a schedule that can never
// fire is refused), alert channels with their settings from each channel's own schema, and the watch settings.
import { z } from 'zod'
import { ALERT_CHANNEL_KINDS, WatchSettingsView } from '../../../src-preload/contract'
import { channelFor } from '../watch/alerts'
import type { DesiredChannel, DesiredSchedule, DesiredWatch } from './model'
import { joinPath, type SecretSource } from './source'
import type { Walk } from './walk'
import { describe, shapeKeys } from './walk'

const SCHEDULE_KEYS = ['target', 'group', 'every', 'daily', 'priority', 'jitter', 'paused'] as const
const NOT_YET = ['weekly', 'monthly', 'timezone', 'days']
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

export function checkSchedules(w: Walk, value: unknown): DesiredSchedule[] {
  const out: DesiredSchedule[] = []
  w.list('schedules', value, 'schedules').forEach((item, i) => {
    const path = joinPath('schedules', i)
    if (item && typeof item === 'object' && !Array.isArray(item))
      for (const k of Object.keys(item))
        if (NOT_YET.includes(k))
          w.issue(
            joinPath(path, k),
            `"${k}" schedules are not supported by the scheduler yet: use every (minutes) or daily (times)`,
          )
    const o = w.map(path, item, [...SCHEDULE_KEYS, ...NOT_YET], 'a schedule')
    if (!o) return
    const target = w.text(joinPath(path, 'target'), o.target, 'Target', { optional: true })
    const group = w.text(joinPath(path, 'group'), o.group, 'Group', { optional: true })
    if ((target === undefined) === (group === undefined))
      w.issue(path, 'A schedule names a target (or a glob such as *-prod) or a group: one of them')
    let kind: DesiredSchedule['kind'] = 'interval'
    let intervalMinutes = 60
    let dailyTimes: string[] = []
    if (o.every !== undefined && o.daily !== undefined)
      w.issue(path, 'A schedule runs every N minutes or daily at times, not both')
    else if (o.every === undefined && o.daily === undefined) {
      if (!NOT_YET.some((k) => k in o))
        w.issue(path, 'This schedule never fires: give every (e.g. 30m, 2h) or daily (e.g. ["02:30"])')
    } else if (o.every !== undefined) {
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
    } else {
      kind = 'daily'
      const dp = joinPath(path, 'daily')
      const times = typeof o.daily === 'string' ? [o.daily] : o.daily
      if (!Array.isArray(times)) w.issue(dp, 'Daily is a list of times of day such as ["02:30", "14:00"]')
      else if (times.length === 0) w.issue(dp, 'This schedule never fires: give at least one time of day')
      else if (times.length > 24) w.issue(dp, 'At most 24 times a day')
      else
        times.forEach((t, j) => {
          const s = w.text(joinPath(dp, j), t, 'Time')
          if (s !== undefined && !HHMM.test(s))
            w.issue(joinPath(dp, j), `Times are written HH:MM (00:00 to 23:59), not "${s}"`)
          else if (s !== undefined) dailyTimes.push(s.padStart(5, '0'))
        })
      dailyTimes = [...new Set(dailyTimes)].sort()
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
