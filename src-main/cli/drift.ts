// `driftwatch drift list|kpis`: the Drift page's events (text, JSON or CSV) and its monitoring KPIs, mean time
// to detect and to resolve, per target and overall (README "Monitoring KPIs").
import { DRIFT_TYPES, type Req } from '../../src-preload/contract'
import { when } from '../../src-preload/dates'
import { formatDuration } from '../../src-preload/durations'
import { csvCell } from '../core/reports/csv'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { isoFrom, listOf, print, targetId, targetNames } from './lookup'

const HELP = `Usage:
  driftwatch drift list [--target NAME] [--since DATE] [--until DATE] [--type TYPE[,TYPE...]]
                        [--severity high,medium,...] [--limit N] [--json | --csv]
  driftwatch drift kpis [--target NAME] [--since DATE] [--until DATE] [--json]

list   drift events, newest first (default at most 500; --limit up to 5000). Types: ${DRIFT_TYPES.join(', ')}.
       --csv writes one row per event: id, at, target, rule, type, severity, from, to, scan, previous scan.
kpis   mean time to detect (from the last scan that saw a rule pass to the scan that saw it fail) and mean
       time to resolve (from that regression to the scan that saw it fixed), per target and overall.
Dates: 2030-01-31 (the start of that day, UTC) or an ISO time.
Exit codes: 0 done · 1 error (unknown target) · 64 wrong usage`

const options: Command['options'] = {
  target: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  type: { type: 'string', multiple: true },
  severity: { type: 'string', multiple: true },
  limit: { type: 'string' },
  csv: { type: 'boolean' },
}

const flagOf = (p: string) =>
  ({ types: '--type', severities: '--severity', from: '--since', to: '--until', limit: '--limit' })[
    p.split('.')[0] ?? ''
  ] ?? p

async function list(ctx: RunContext): Promise<number> {
  const v = ctx.values
  if (ctx.json && v.csv) throw CliError.usage('choose --json or --csv, not both')
  const types = listOf(v.type)
  const bad = types.find((t) => !(DRIFT_TYPES as readonly string[]).includes(t))
  if (bad) throw CliError.usage(`unknown drift type "${bad}": use ${DRIFT_TYPES.join(', ')}`)
  const limit = v.limit === undefined ? 500 : Number(v.limit)
  const req: Req<'drift.events'> = {
    ...(v.target !== undefined && { targetId: await targetId(ctx.core, String(v.target)) }),
    types: types as Req<'drift.events'>['types'],
    severities: listOf(v.severity),
    from: isoFrom('--since', v.since),
    to: isoFrom('--until', v.until),
    limit,
  }
  const res = await call(ctx.core, 'drift.events', req, flagOf)
  const names = await targetNames(ctx.core)
  const name = (id: string) => names.get(id) ?? id
  if (v.csv) {
    const head = 'id,at,target,rule,type,severity,from,to,scan,previous_scan'
    const rows = res.events.map((e) =>
      [String(e.id), e.at, name(e.targetId), e.ruleId, e.type, e.severity, e.fromStatus, e.toStatus, e.scanId]
        .concat(e.prevScanId ?? '')
        .map(csvCell)
        .join(','),
    )
    ctx.out.stdout([head, ...rows].join('\n') + '\n')
    return EXIT.ok
  }
  print(ctx, res, () =>
    res.events.length
      ? res.events
          .map(
            (e) =>
              `${String(e.id).padEnd(6)} ${when(e.at)}  ${name(e.targetId).padEnd(20)} ${e.type.padEnd(17)} ${e.ruleId || `score ${e.fromScore ?? '?'} → ${e.toScore ?? '?'}`}${e.ruleId ? `  ${e.fromStatus} → ${e.toStatus}` : ''}`,
          )
          .join('\n') +
        (res.total > res.events.length ? `\n(${res.events.length} of ${res.total})` : '') +
        '\n'
      : 'No drift.\n',
  )
  return EXIT.ok
}

async function kpis(ctx: RunContext): Promise<number> {
  const v = ctx.values
  const res = await call(
    ctx.core,
    'drift.kpis',
    {
      ...(v.target !== undefined && { targetId: await targetId(ctx.core, String(v.target)) }),
      from: isoFrom('--since', v.since),
      to: isoFrom('--until', v.until),
    },
    flagOf,
  )
  const names = await targetNames(ctx.core)
  const line = (label: string, k: (typeof res)['overall']) =>
    `${label.padEnd(22)} MTTD ${formatDuration(k.mttdSeconds).padEnd(12)} MTTR ${formatDuration(k.mttrSeconds).padEnd(12)} ${k.detections} regressions, ${k.resolved} resolved, ${k.open} open`
  print(
    ctx,
    res,
    () =>
      [
        line('Overall', res.overall),
        ...res.targets.map((t) => line(names.get(t.targetId) ?? t.targetId, t)),
      ].join('\n') + '\n',
  )
  return EXIT.ok
}

export const driftCommand: Command = {
  name: 'drift',
  usage: 'drift list|kpis',
  summary: 'drift events (text, JSON, CSV) and mean time to detect/resolve',
  help: HELP,
  options,
  async run(ctx) {
    const [verb, ...extra] = ctx.positionals
    if (extra.length) throw CliError.usage(`unexpected "${extra.join(' ')}"`)
    if (verb === 'list') return list(ctx)
    if (verb === 'kpis') return kpis(ctx)
    throw CliError.usage('use "drift list" or "drift kpis"')
  },
}
