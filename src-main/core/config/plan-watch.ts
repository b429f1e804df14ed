// The plan's second half: policies (tailorings and their assignments, chosen rule packs), the watch settings,
// alert channels and schedules, each compared with the store and turned into steps.
import type { Req, ScheduleView } from '../../../src-preload/contract'
import { globMatch, isGlob, type DesiredSchedule } from './model'
import { formatEvery } from './check-watch'
import { describeCalendar } from '../../../src-preload/calendar'
import { lower, type PlanContext, type PlanStep } from './plan'
import { joinPath } from './source'
import { planReports } from './plan-content'

type Maybe = PlanStep | undefined
const canon = (v: unknown): string => JSON.stringify(v ?? null)
const sameSet = (a: string[], b: string[]) =>
  canon([...new Set(a.map(lower))].sort()) === canon([...new Set(b.map(lower))].sort())

export async function planWatch(ctx: PlanContext): Promise<Maybe[]> {
  const removals: Maybe[] = []
  const rest: Maybe[] = [
    ...planPolicies(ctx, removals),
    ...planPacks(ctx),
    ...planSettings(ctx),
    ...(await planChannels(ctx, removals)),
    ...planSchedules(ctx, removals),
    ...planReports(ctx, removals),
  ]
  // Removals of schedules, channels and tailorings first (a removed target's schedules go with it).
  return [...removals, ...rest]
}

function planPolicies(ctx: PlanContext, removals: Maybe[]): Maybe[] {
  const { desired, current } = ctx
  const out: Maybe[] = []
  const names = new Set(desired.policies.map((p) => lower(p.name)))
  const refs = [
    ...desired.targets
      .filter((t) => t.tailoring)
      .map((t) => ({ path: joinPath(t.path, 'policy.tailoring'), name: t.tailoring! })),
    ...desired.groups
      .filter((g) => g.tailoring)
      .map((g) => ({ path: joinPath(g.path, 'tailoring'), name: g.tailoring! })),
  ]
  for (const r of refs)
    if (!names.has(lower(r.name))) ctx.issue(r.path, `No policy named "${r.name}" under policies`)
  const targetName = new Map(current.targets.map((t) => [t.id, t.name]))
  const inFile = new Set(ctx.contentSha.values())
  for (const named of desired.policies) {
    // Content named by an entry of the file: its SHA-256 as read (an unreadable entry is its own problem).
    const sha256 = named.contentName ? ctx.contentSha.get(lower(named.contentName)) : named.sha256
    if (!sha256) continue
    const p = { ...named, sha256 }
    if (!current.content.has(p.sha256) && !inFile.has(p.sha256))
      ctx.issue(
        joinPath(p.path, 'content'),
        `No imported content with SHA-256 ${p.sha256.slice(0, 12)}…: name its file under content, or import it first (driftwatch content import FILE)`,
      )
    const targets = desired.targets
      .filter((t) => t.tailoring && lower(t.tailoring) === lower(p.name))
      .map((t) => t.name)
    const groups = desired.groups
      .filter((g) => g.tailoring && lower(g.tailoring) === lower(p.name))
      .map((g) => g.name)
    const have = current.tailorings.find((t) => lower(t.name) === lower(p.name))
    const changed: string[] = []
    if (have) {
      if (have.contentSha256 !== p.sha256) changed.push('content')
      if (have.baseProfileId !== p.profileId) changed.push('profile')
      if (canon(sortKeys(have.changes)) !== canon(sortKeys(p.changes))) changed.push('values and rules')
      if (
        !sameSet(
          have.targets.map((id) => targetName.get(id) ?? id),
          targets,
        )
      )
        changed.push('targets')
      if (!sameSet(have.groups, groups)) changed.push('groups')
      if (!changed.length) {
        out.push(undefined)
        continue
      }
    }
    out.push({
      action: have ? 'change' : 'add',
      type: 'policy',
      name: p.name,
      detail: have ? changed.join(', ') : `tailoring of ${p.profileId}`,
      path: p.path,
      async run(ids) {
        const saved = await ctx.call(
          'tailorings.save',
          {
            ...(have ? { id: have.id } : {}),
            name: p.name,
            sha256: p.sha256,
            baseProfileId: p.profileId,
            changes: p.changes,
            targets: targets.map((n) => ids.targets.get(lower(n))!).filter(Boolean),
            groups,
          },
          p.path,
        )
        ids.tailorings.set(lower(p.name), saved.id)
      },
    })
  }
  if (desired.sectionsGiven.has('policies'))
    for (const have of current.tailorings)
      if (!names.has(lower(have.name)))
        removals.push({
          action: 'remove',
          type: 'policy',
          name: have.name,
          detail: 'tailoring',
          path: 'policies',
          run: async () => void (await ctx.call('tailorings.remove', { id: have.id }, 'policies')),
        })
  return out
}

const sortKeys = (changes: Record<string, Record<string, unknown>>) =>
  Object.fromEntries(
    Object.entries(changes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))]),
  )

function planPacks(ctx: PlanContext): Maybe[] {
  const { desired, current, core } = ctx
  const out: Maybe[] = []
  for (const t of desired.targets) {
    if (core.kinds.get(t.kind)?.policy.rulePack !== 'choose') continue
    const want = t.pack ?? null
    if (want) {
      const pack = current.packs.find((p) => p.id === want)
      if (!pack) ctx.issue(joinPath(t.path, 'policy.pack'), `No rule pack "${want}" (driftwatch rules list)`)
      else if (pack.kind !== t.kind)
        ctx.issue(
          joinPath(t.path, 'policy.pack'),
          `The rule pack ${want} is for ${pack.kind} targets, not ${t.kind}`,
        )
    }
    const have = current.targets.find((x) => lower(x.name) === lower(t.name))
    const now = have ? (current.targetPacks.get(have.id) ?? null) : null
    if (now === want) continue
    out.push({
      action: 'change',
      type: 'policy',
      name: `${t.name} rule pack`,
      detail: `${now ?? 'none'} → ${want ?? 'none'}`,
      path: joinPath(t.path, 'policy'),
      async run(ids) {
        const targetId = ids.targets.get(lower(t.name))!
        await ctx.call('policy.assign', { targetId, packId: want }, joinPath(t.path, 'policy'))
      },
    })
  }
  return out
}

function planSettings(ctx: PlanContext): Maybe[] {
  const w = ctx.desired.watch
  if (!w) return []
  const now = ctx.current.settings
  const next = {
    ...now,
    ...w.settings,
    thresholds: { ...now.thresholds, ...(w.settings.thresholds ?? {}) },
  }
  const changed = Object.keys(next).filter(
    (k) => canon(next[k as keyof typeof next]) !== canon(now[k as keyof typeof now]),
  )
  if (!changed.length) return [undefined]
  return [
    {
      action: 'change',
      type: 'watch settings',
      name: 'watch',
      detail: changed.join(', '),
      path: 'watch',
      run: async () => void (await ctx.call('watch.settings', next as Req<'watch.settings'>, 'watch')),
    },
  ]
}

async function planChannels(ctx: PlanContext, removals: Maybe[]): Promise<Maybe[]> {
  const { desired, current, core } = ctx
  const out: Maybe[] = []
  const credNames = new Set([
    ...current.credentials.map((c) => lower(c.name)),
    ...desired.credentials.map((c) => lower(c.name)),
  ])
  for (const c of desired.channels) {
    const have = current.channels.find((x) => lower(x.name) === lower(c.name))
    const sp = joinPath(c.path, 'secret')
    let secretValue: string | undefined
    let vaultName: string | undefined
    if (c.secret && 'vault' in c.secret) {
      vaultName = c.secret.vault
      if (!credNames.has(lower(vaultName)))
        ctx.issue(sp, `No credential named "${vaultName}" in the vault or in credentials`)
    } else if (c.secret) secretValue = ctx.secret(sp, c.secret)
    const headerSecrets: Record<string, string> = {}
    for (const [h, src] of Object.entries(c.headerSecrets ?? {})) {
      const v = ctx.secret(joinPath(joinPath(c.path, 'headers'), h), src)
      if (v !== undefined) headerSecrets[h] = v
    }
    const changed: string[] = []
    if (have) {
      if (have.kind !== c.kind) changed.push('kind')
      if (have.enabled !== c.enabled) changed.push('enabled')
      if (have.throttleMinutes !== c.throttleMinutes) changed.push('throttleMinutes')
      // Secret headers are compared apart: the stored settings hold vault references in their place.
      const stored = headersApart(have.config)
      const wanted = headersApart(c.config)
      const secretNames = Object.keys(headerSecrets).sort()
      if (
        canon(sortKeys({ c: stored.config }).c) !== canon(sortKeys({ c: wanted.config }).c) ||
        canon(Object.keys(stored.refs).sort()) !== canon(secretNames)
      )
        changed.push('settings')
      else if (secretNames.length) {
        if (core.vault.state() !== 'unlocked')
          ctx.issue(
            c.path,
            'The vault is locked: unlock it (set DRIFTWATCH_VAULT_PASSPHRASE) to compare secrets',
          )
        else
          for (const h of secretNames)
            if (!(await ctx.sameSecret(stored.refs[h]!, { secret: headerSecrets[h]! }))) {
              changed.push('header secret')
              break
            }
      }
      if (vaultName) {
        const id = current.credentials.find((x) => lower(x.name) === lower(vaultName!))?.id
        if (have.credentialId !== id) changed.push('secret')
      } else if (secretValue !== undefined) {
        if (!have.credentialId) changed.push('secret')
        else if (core.vault.state() !== 'unlocked')
          ctx.issue(sp, 'The vault is locked: unlock it (set DRIFTWATCH_VAULT_PASSPHRASE) to compare secrets')
        else if (!(await ctx.sameSecret(have.credentialId, { secret: secretValue }))) changed.push('secret')
      } else if (have.credentialId) changed.push('secret')
      if (!changed.length) {
        out.push(undefined)
        continue
      }
    }
    out.push({
      action: have ? 'change' : 'add',
      type: 'alert channel',
      name: c.name,
      detail: have ? changed.join(', ') : c.kind,
      path: c.path,
      async run(ids) {
        await ctx.call(
          'alerts.channels.save',
          {
            ...(have ? { id: have.id } : {}),
            kind: c.kind,
            name: c.name,
            enabled: c.enabled,
            config: c.config,
            ...(Object.keys(headerSecrets).length ? { headerSecrets } : {}),
            throttleMinutes: c.throttleMinutes,
            ...(secretValue !== undefined ? { secret: secretValue } : {}),
            ...(vaultName ? { credentialId: ids.credentials.get(lower(vaultName)) } : {}),
            ...(!c.secret ? { credentialId: null } : {}),
          },
          c.path,
        )
      },
    })
  }
  if (desired.sectionsGiven.has('alerts'))
    for (const have of current.channels)
      if (!desired.channels.some((c) => lower(c.name) === lower(have.name)))
        removals.push({
          action: 'remove',
          type: 'alert channel',
          name: have.name,
          detail: have.kind,
          path: 'alerts',
          run: async () => void (await ctx.call('alerts.channels.remove', { id: have.id }, 'alerts')),
        })
  return out
}

/** Settings without their secret headers, and those headers' vault references by name. */
function headersApart(config: Record<string, unknown>) {
  const headers = (config.headers ?? {}) as Record<string, string | { vault: string }>
  const plain = Object.entries(headers).filter(([, v]) => typeof v === 'string')
  const refs = Object.fromEntries(
    Object.entries(headers).flatMap(([k, v]) => (typeof v === 'string' ? [] : [[k, v.vault] as const])),
  )
  const { headers: _h, ...rest } = config
  return { config: plain.length ? { ...rest, headers: Object.fromEntries(plain) } : rest, refs }
}

interface WantSchedule extends DesiredSchedule {
  key: string
  targetName?: string
  label: string
}

const when = (s: Pick<ScheduleView, 'kind' | 'intervalMinutes' | 'dailyTimes' | 'days' | 'timeZone'>) =>
  s.kind === 'interval'
    ? `every ${formatEvery(s.intervalMinutes)}`
    : describeCalendar({ kind: s.kind, times: s.dailyTimes, days: s.days, timeZone: s.timeZone })

function planSchedules(ctx: PlanContext, removals: Maybe[]): Maybe[] {
  const { desired, current } = ctx
  if (!desired.sectionsGiven.has('schedules')) return []
  const managed = desired.sectionsGiven.has('targets')
  const targetNames = managed
    ? desired.targets.map((t) => t.name)
    : [...new Set([...current.targets.map((t) => t.name), ...desired.targets.map((t) => t.name)])]
  const groupsOf = managed
    ? desired.targets.flatMap((t) => (Array.isArray(t.fields.groups) ? (t.fields.groups as string[]) : []))
    : [
        ...current.targets.flatMap((t) => t.groups),
        ...desired.targets.flatMap((t) => (t.fields.groups as string[]) ?? []),
      ]
  const globs = desired.watch?.priority ?? []
  const wanted: WantSchedule[] = []
  for (const s of desired.schedules) {
    const prio = (name: string) => s.priority || globs.some((g) => globMatch(g, name))
    if (s.group !== undefined) {
      if (!groupsOf.some((g) => lower(g) === lower(s.group!)))
        ctx.issue(
          joinPath(s.path, 'group'),
          `This schedule never fires: no target is in the group "${s.group}"`,
        )
      wanted.push({
        ...s,
        priority: prio(s.group),
        key: `group:${lower(s.group)}`,
        label: `group ${s.group} ${when(s)}`,
      })
      continue
    }
    const names = isGlob(s.target!)
      ? targetNames.filter((n) => globMatch(s.target!, n))
      : targetNames.filter((n) => lower(n) === lower(s.target!))
    if (!names.length)
      ctx.issue(
        joinPath(s.path, 'target'),
        isGlob(s.target!)
          ? `This schedule never fires: no target matches "${s.target}"`
          : `No target named "${s.target}"`,
      )
    for (const n of names)
      wanted.push({
        ...s,
        target: n,
        targetName: n,
        priority: prio(n),
        key: `target:${lower(n)}`,
        label: `${n} ${when(s)}`,
      })
  }
  const nameOf = new Map(current.targets.map((t) => [t.id, t.name]))
  const keyOf = (v: ScheduleView) =>
    v.targetId ? `target:${lower(nameOf.get(v.targetId) ?? v.targetId)}` : `group:${lower(v.group ?? '')}`
  const pool = new Map<string, ScheduleView[]>()
  for (const v of current.schedules) pool.set(keyOf(v), [...(pool.get(keyOf(v)) ?? []), v])
  const differences = (have: ScheduleView, s: WantSchedule): string[] => {
    const changed: string[] = []
    if (have.kind !== s.kind) changed.push('kind')
    if (s.kind === 'interval' && have.intervalMinutes !== s.intervalMinutes) changed.push('every')
    if (s.kind !== 'interval' && canon(have.dailyTimes) !== canon(s.dailyTimes)) changed.push(s.kind)
    if (canon(have.days) !== canon(s.days)) changed.push('days')
    if (have.timeZone !== s.timeZone) changed.push('timezone')
    if (have.priority !== s.priority) changed.push('priority')
    if (have.jitterSeconds !== s.jitterSeconds) changed.push('jitter')
    if (have.paused !== s.paused) changed.push('paused')
    if (have.sha256 || have.profileId || have.tailoringId) changed.push('policy (now the assigned one)')
    return changed
  }
  // A target's schedules pair up with the stored ones that are the same first, whatever their order (two
  // made in the same millisecond are stored in no particular order); the rest pair up in order, as changes.
  const paired = new Map<WantSchedule, ScheduleView>()
  for (const s of wanted) {
    const left = pool.get(s.key) ?? []
    const same = left.findIndex((v) => differences(v, s).length === 0)
    if (same >= 0) paired.set(s, left.splice(same, 1)[0]!)
  }
  const out: Maybe[] = []
  for (const s of wanted) {
    const have = paired.get(s) ?? pool.get(s.key)?.shift()
    const changed = have ? differences(have, s) : []
    if (have && !changed.length) {
      out.push(undefined)
      continue
    }
    out.push({
      action: have ? 'change' : 'add',
      type: 'schedule',
      name: s.label,
      detail: have ? changed.join(', ') : s.priority ? 'priority' : '',
      path: s.path,
      async run(ids) {
        await ctx.call(
          'watch.schedules.save',
          {
            ...(have ? { id: have.id } : {}),
            targetId: s.targetName ? ids.targets.get(lower(s.targetName))! : null,
            group: s.group ?? null,
            kind: s.kind,
            intervalMinutes: s.intervalMinutes,
            dailyTimes: s.dailyTimes,
            days: s.days,
            timeZone: s.timeZone,
            priority: s.priority,
            jitterSeconds: s.jitterSeconds,
            paused: s.paused,
          },
          s.path,
        )
      },
    })
  }
  for (const left of pool.values())
    for (const v of left) {
      const owner = v.targetId ? (nameOf.get(v.targetId) ?? v.targetId) : `group ${v.group}`
      // A removed target takes its schedules with it; list them once, as the target's removal.
      if (v.targetId && managed && !desired.targets.some((t) => lower(t.name) === lower(owner))) continue
      removals.push({
        action: 'remove',
        type: 'schedule',
        name: `${owner} ${when(v)}`,
        detail: '',
        path: 'schedules',
        run: async () => void (await ctx.call('watch.schedules.remove', { id: v.id }, 'schedules')),
      })
    }
  return out
}
