// `driftwatch settings get|set`: the watch's settings (the Watch page's Settings panel) and, to read, what the
// Settings page shows (version, data folder, schema).
import type { WatchStatus } from '../../src-preload/contract'
import { call, CliError, EXIT, type Command } from './common'
import { print } from './lookup'

type WatchSettings = WatchStatus['settings']

const NUMERIC = [
  'concurrency',
  'thresholds.major',
  'thresholds.minor',
  'priorityFactor',
  'backoffBaseMinutes',
  'backoffCapMinutes',
] as const

const HELP = `Usage:
  driftwatch settings get [KEY] [--json]
  driftwatch settings set KEY=VALUE [KEY=VALUE ...] [--json]

Keys:
  concurrency            scans the watch runs at once (1-32)
  perKind.KIND           …and at once per target kind, e.g. perKind.ssh=2 (perKind.KIND=none removes the limit)
  thresholds.major       score drop, in points, that counts as major drift
  thresholds.minor       score drop, in points, that counts as minor drift (at most the major one)
  priorityFactor         how many times as often priority schedules run (1-24)
  backoffBaseMinutes     first wait after a failed scheduled scan
  backoffCapMinutes      longest wait after repeated failures
Read only (get): version, dataDir, schemaVersion, face.
Exit codes: 0 done · 1 error (a value out of range) · 64 wrong usage (unknown key)`

function lookup(obj: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj)
}

function apply(s: WatchSettings, key: string, raw: string): WatchSettings {
  if (key.startsWith('perKind.')) {
    const kind = key.slice('perKind.'.length)
    if (!kind) throw CliError.usage('perKind takes a kind: perKind.ssh=2')
    const perKind = { ...s.perKind }
    if (raw === 'none') delete perKind[kind]
    else perKind[kind] = number(key, raw)
    return { ...s, perKind }
  }
  if (!(NUMERIC as readonly string[]).includes(key))
    throw CliError.usage(`unknown setting "${key}": use ${[...NUMERIC, 'perKind.KIND'].join(', ')}`)
  const value = number(key, raw)
  if (key.startsWith('thresholds.'))
    return { ...s, thresholds: { ...s.thresholds, [key.slice('thresholds.'.length)]: value } }
  return { ...s, [key]: value }
}

function number(key: string, raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n)) throw CliError.usage(`${key} must be a number, not "${raw}"`)
  return n
}

export const settingsCommand: Command = {
  name: 'settings',
  usage: 'settings get|set',
  summary: "the watch's settings (concurrency, drift thresholds, backoff)",
  help: HELP,
  options: {},
  async run(ctx) {
    const [verb, ...args] = ctx.positionals
    const status = await call(ctx.core, 'watch.status', {})
    if (verb === 'get') {
      if (args.length > 1) throw CliError.usage('"settings get" takes at most one KEY')
      const info = await call(ctx.core, 'app.info', {})
      const all = {
        ...status.settings,
        version: info.version,
        dataDir: info.dataDir,
        schemaVersion: info.schemaVersion,
        face: info.face,
      }
      if (args[0] !== undefined) {
        const value = lookup(all, args[0])
        if (value === undefined) throw CliError.usage(`unknown setting "${args[0]}"`)
        print(ctx, { [args[0]]: value }, () =>
          typeof value === 'object' ? JSON.stringify(value) + '\n' : `${String(value)}\n`,
        )
        return EXIT.ok
      }
      print(
        ctx,
        all,
        () =>
          Object.entries(all)
            .map(([k, v]) => `${k.padEnd(20)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
            .join('\n') + '\n',
      )
      return EXIT.ok
    }
    if (verb === 'set') {
      if (args.length === 0) throw CliError.usage('"settings set" takes KEY=VALUE pairs, e.g. concurrency=4')
      let next = status.settings
      for (const pair of args) {
        const at = pair.indexOf('=')
        if (at < 1) throw CliError.usage(`"settings set" takes KEY=VALUE, not "${pair}"`)
        next = apply(next, pair.slice(0, at), pair.slice(at + 1))
      }
      const res = await call(ctx.core, 'watch.settings', next)
      print(ctx, res.settings, () => `Saved: ${args.join(' ')}\n`)
      return EXIT.ok
    }
    throw CliError.usage('use "settings get [KEY]" or "settings set KEY=VALUE ..."')
  },
}
