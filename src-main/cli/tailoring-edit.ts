// `driftwatch tailoring new|set|show|diff|assign`: a tailoring made and reviewed headless, with the same edits the
// Variables page makes (src-preload/tailoring-changes.ts) and saved through the same channel (tailorings.save).
import type { Res, TailoringView } from '../../src-preload/contract'
import { SEVERITIES } from '../../src-preload/contract'
import * as edit from '../../src-preload/tailoring-changes'
import { call, CliError, EXIT, type RunContext } from './common'
import { safeLines } from './terminal-text'

export const EDIT_ACTIONS = ['new', 'set', 'show', 'diff', 'assign'] as const

export const EDIT_HELP = `  driftwatch tailoring new NAME --content CONTENT --profile PROFILE [edits]
  driftwatch tailoring set NAME [edits]               change a tailoring (repeat each flag as needed):
      --value ID=V        a Value: one of its selectors, or a literal
      --select RULE       run a rule the profile leaves out
      --unselect RULE     leave out a rule the profile runs
      --severity RULE=LEVEL   ${SEVERITIES.join(', ')}
  driftwatch tailoring show NAME [--json]             the tailoring, where it is assigned, and its changes
  driftwatch tailoring diff NAME [--json]             its changes against the profile
  driftwatch tailoring assign NAME --target TARGET    make it TARGET's policy (scans that name none run it)
Rule and Value ids may be given without the xccdf_org.ssgproject.content_rule_/value_ prefix.`

export const EDIT_OPTIONS = {
  profile: { type: 'string' },
  value: { type: 'string', multiple: true },
  select: { type: 'string', multiple: true },
  unselect: { type: 'string', multiple: true },
  severity: { type: 'string', multiple: true },
  target: { type: 'string', multiple: true },
} as const

type Profile = Res<'content.profile'>

const list = (v: unknown): string[] => ([] as unknown[]).concat(v ?? []).map(String)
const matches = (id: string, ref: string) => id === ref || edit.short(id) === ref
const notFoundError = (message: string) => new CliError(message, { code: 'not_found', message, issues: [] })

async function tailoringNamed(ctx: RunContext, ref: string | undefined): Promise<TailoringView> {
  if (!ref) throw CliError.usage('name the tailoring')
  const { tailorings } = await call(ctx.core, 'tailorings.list', {})
  const t = tailorings.find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase())
  if (!t) throw notFoundError(`no tailoring named "${ref}"; see "driftwatch tailoring list"`)
  return t
}

/** The edits the flags ask for, applied with the Variables page's functions; unknown ids are named. */
function applyEdits(ctx: RunContext, p: Profile, start: edit.Changes): edit.Changes {
  let c = start
  const values = [...p.values, ...p.otherValues]
  const rule = (flag: string, ref: string) => {
    const r = p.rules.find((x) => matches(x.id, ref))
    if (!r)
      throw CliError.usage(
        `${flag} ${ref}: no rule with that id in ${p.benchmark.title} (see "driftwatch content rules")`,
      )
    return r
  }
  const pair = (flag: string, arg: string) => {
    const at = arg.indexOf('=')
    if (at <= 0)
      throw CliError.usage(`${flag} ${arg}: write it as ID=${flag === '--value' ? 'VALUE' : 'LEVEL'}`)
    return [arg.slice(0, at), arg.slice(at + 1)] as const
  }
  for (const arg of list(ctx.values.value)) {
    const [ref, value] = pair('--value', arg)
    const v = values.find((x) => matches(x.id, ref))
    if (!v)
      throw CliError.usage(
        `--value ${arg}: no Value with the id ${ref} in ${p.benchmark.title} (see "driftwatch content values")`,
      )
    // A selector's name picks it (refine-value), as the page's list does; anything else is a literal (set-value).
    c = v.selectors.some((s) => s.selector === value)
      ? edit.setSelector(c, v, value)
      : edit.setLiteral(c, v, value)
  }
  for (const ref of list(ctx.values.select)) {
    const r = rule('--select', ref)
    c = edit.toggleRule(c, r.id, r.selectedInProfile, true)
  }
  for (const ref of list(ctx.values.unselect)) {
    const r = rule('--unselect', ref)
    c = edit.toggleRule(c, r.id, r.selectedInProfile, false)
  }
  for (const arg of list(ctx.values.severity)) {
    const [ref, level] = pair('--severity', arg)
    const r = rule('--severity', ref)
    const sev = SEVERITIES.find((s) => s === level)
    if (!sev) throw CliError.usage(`--severity ${arg}: the level must be one of ${SEVERITIES.join(', ')}`)
    c = edit.setSeverity(c, r.id, r.severity, sev)
  }
  return c
}

/** Issues from tailorings.save name changes by path (setValues.ID); the CLI names the flag that made them. */
const flagFor = (path: string) => {
  const [field, id = ''] = path.split(/\.(.*)/s)
  const flag = {
    setValues: '--value',
    refineValues: '--value',
    selects: '--select',
    refineRules: '--severity',
  }[field ?? '']
  return flag ? `${flag} ${edit.short(id)}` : path
}

const diffText = (t: TailoringView) =>
  t.diff.length
    ? t.diff
        .map((d) => `${d.kind.padEnd(9)}${edit.short(d.id)}: ${d.from} → ${d.to}  (${d.title})\n`)
        .join('')
    : `No changes to ${edit.short(t.baseProfileId)}.\n`

export async function tailoringEdit(ctx: RunContext, action: (typeof EDIT_ACTIONS)[number], ref?: string) {
  const out = (data: unknown, text: string) => {
    ctx.out.stdout(ctx.json ? JSON.stringify(data, null, 2) + '\n' : safeLines(text))
    return EXIT.ok
  }
  if (action === 'new' || action === 'set') {
    let base: { id?: string; name: string; sha256: string; profileId: string; changes: edit.Changes }
    let assigned = { targets: [] as string[], groups: [] as string[] }
    if (action === 'new') {
      if (!ref) throw CliError.usage('tailoring new NAME --content CONTENT --profile PROFILE')
      const { content } = await call(ctx.core, 'content.list', {})
      const cref = String(ctx.values.content ?? '')
      if (!cref) throw CliError.usage('--content is required; see "driftwatch content list"')
      const c = content.filter((x) => (cref.length >= 8 && x.sha256.startsWith(cref)) || x.fileName === cref)
      if (c.length !== 1)
        throw notFoundError(
          c.length ? `"${cref}" matches ${c.length} imports` : `no imported content "${cref}"`,
        )
      const p = String(ctx.values.profile ?? '')
      if (!p) throw CliError.usage('--profile is required; see "driftwatch content profiles"')
      const { profiles } = await call(ctx.core, 'content.profiles', { sha256: c[0]!.sha256 })
      const profile = profiles.find((x) => x.id === p || x.id.endsWith(`_profile_${p}`))
      if (!profile)
        throw notFoundError(
          `--profile ${p}: not a profile of ${c[0]!.fileName}; see "driftwatch content profiles"`,
        )
      base = { name: ref, sha256: c[0]!.sha256, profileId: profile.id, changes: edit.NO_CHANGES }
    } else {
      const t = await tailoringNamed(ctx, ref)
      base = {
        id: t.id,
        name: t.name,
        sha256: t.contentSha256,
        profileId: t.baseProfileId,
        changes: t.changes,
      }
      assigned = { targets: t.targets, groups: t.groups }
      if (!['value', 'select', 'unselect', 'severity'].some((k) => ctx.values[k] !== undefined))
        throw CliError.usage('say what to change: --value, --select, --unselect or --severity')
    }
    const profile = await call(ctx.core, 'content.profile', {
      sha256: base.sha256,
      profileId: base.profileId,
    })
    const changes = applyEdits(ctx, profile, base.changes)
    const saved = await call(
      ctx.core,
      'tailorings.save',
      {
        ...(base.id && { id: base.id }),
        name: base.name,
        sha256: base.sha256,
        baseProfileId: base.profileId,
        changes,
        ...assigned,
      },
      flagFor,
    )
    return out(
      saved,
      `${action === 'new' ? 'Created' : 'Saved'} "${saved.name}": ${saved.diff.length} changes to ${edit.short(saved.baseProfileId)}\n`,
    )
  }
  const t = await tailoringNamed(ctx, ref)
  if (action === 'diff') return out(t.diff, diffText(t))
  if (action === 'show') {
    const { targets } = await call(ctx.core, 'targets.list', {})
    const names = t.targets.map((id) => targets.find((x) => x.id === id)?.name ?? id)
    return out(
      t,
      `${t.name}\n` +
        `  profile   ${t.baseProfileId} → ${t.profileId}\n` +
        `  content   ${t.contentSha256.slice(0, 12)}  (benchmark ${t.benchmarkId})\n` +
        `  assigned  ${[...names, ...t.groups.map((g) => `group ${g}`)].join(', ') || 'nowhere'}\n` +
        `  changes   ${t.diff.length}\n` +
        diffText(t).replace(/^/gm, '    '),
    )
  }
  // assign
  const wanted = list(ctx.values.target)
  if (wanted.length === 0) throw CliError.usage('tailoring assign NAME --target TARGET')
  const { targets } = await call(ctx.core, 'targets.list', {})
  const done: string[] = []
  for (const w of wanted) {
    const target = targets.find((x) => x.id === w || x.name.toLowerCase() === w.toLowerCase())
    if (!target) throw notFoundError(`--target ${w}: no target with that name or id`)
    await call(ctx.core, 'policy.assign', { targetId: target.id, tailoringId: t.id }, () => '--target')
    done.push(target.name)
  }
  return out({ tailoring: t.name, targets: done }, `"${t.name}" is now the policy of ${done.join(', ')}\n`)
}
