// The plan for a driftwatch.yml: what it adds, changes and removes against the store, every reference checked
// (credential, tailoring, rule pack, content, target, group) before anything runs; then applied as one
// transaction. A section the file leaves out is not managed: nothing in it is changed or removed.
import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import {
  SecretFields,
  TargetInput,
  type AlertChannelView,
  type ContentSummary,
  type ReportScheduleView,
  type Channel,
  type CredentialMeta,
  type Req,
  type Res,
  type RulePackSummary,
  type ScheduleView,
  type TailoringView,
  type Target,
} from '../../../src-preload/contract'
import type { Core } from '../app'
import type { Desired, DesiredTarget } from './model'
import { planWatch } from './plan-watch'
import { planContent } from './plan-content'
import { planHostKeys } from './plan-hosts'
import { ConfigError, joinPath, type ConfigIssue, type SecretSource } from './source'

export type ConfigCore = Pick<
  Core,
  'invoke' | 'vault' | 'kinds' | 'atomically' | 'uploads' | 'reportExports' | 'dataDir'
>

export type StepType =
  | 'content'
  | 'credential'
  | 'target'
  | 'host key'
  | 'policy'
  | 'schedule'
  | 'alert channel'
  | 'report export'
  | 'watch settings'

/** Ids of what exists or is created as the plan runs, by lower-cased name. */
export interface Ids {
  credentials: Map<string, string>
  targets: Map<string, string>
  tailorings: Map<string, string>
}

export interface PlanStep {
  action: 'add' | 'change' | 'remove'
  type: StepType
  name: string
  /** What changes, in words (changed keys, a schedule's times). */
  detail: string
  path: string
  run(ids: Ids): Promise<void>
}

/** Something the file names that is already there as it says (printed as `= type name (detail)`). */
export interface Kept {
  type: StepType
  name: string
  detail: string
}

export interface Plan {
  file: string
  steps: PlanStep[]
  unchanged: number
  /** Unchanged items worth naming (content already imported). */
  kept: Kept[]
}

/** The store as it is, read through the same channels every face uses. */
export interface Current {
  credentials: CredentialMeta[]
  targets: Target[]
  tailorings: TailoringView[]
  schedules: ScheduleView[]
  settings: Res<'watch.status'>['settings']
  channels: AlertChannelView[]
  packs: RulePackSummary[]
  content: Set<string>
  contentList: ContentSummary[]
  reports: ReportScheduleView[]
  /** Each target's chosen rule pack (kinds that choose one). */
  targetPacks: Map<string, string | null>
  /** The pinned SSH host keys. */
  pins: Res<'knownHosts.list'>['hosts']
}

/** Calls a channel; a refusal becomes a ConfigError at the key the step came from. */
export function caller(core: ConfigCore, file: string, lineOf: (path: string) => number) {
  return async <C extends Channel>(channel: C, req: Req<C>, path = ''): Promise<Res<C>> => {
    const env = await core.invoke(channel, req)
    if (env.ok) return env.data as Res<C>
    const issues: ConfigIssue[] = env.error.issues.length
      ? env.error.issues.map((i) => ({ line: lineOf(path), key: path, message: `${i.path}: ${i.message}` }))
      : [{ line: lineOf(path), key: path, message: env.error.message }]
    throw new ConfigError(file, issues)
  }
}

export async function readCurrent(core: ConfigCore): Promise<Current> {
  const call = caller(core, 'store', () => 0)
  const targets = (await call('targets.list', { query: '' })).targets
  const targetPacks = new Map<string, string | null>()
  for (const t of targets)
    if (core.kinds.get(t.kind)?.policy.rulePack === 'choose')
      targetPacks.set(t.id, (await call('policy.get', { targetId: t.id })).pack?.id ?? null)
  const status = await call('watch.status', {})
  const contentList = (await call('content.list', {})).content
  return {
    credentials: (await call('credentials.list', {})).credentials,
    targets,
    tailorings: (await call('tailorings.list', {})).tailorings,
    schedules: status.schedules,
    settings: status.settings,
    channels: (await call('alerts.channels.list', {})).channels,
    packs: (await call('rules.list', {})).packs,
    content: new Set(contentList.map((c) => c.sha256)),
    contentList,
    reports: (await call('reports.schedules.list', {})).schedules,
    targetPacks,
    pins: (await call('knownHosts.list', {})).hosts,
  }
}

export interface PlanContext {
  core: ConfigCore
  desired: Desired
  current: Current
  env: NodeJS.ProcessEnv
  issue(path: string, message: string): void
  lineOf(path: string): number
  call: ReturnType<typeof caller>
  /** Secrets read for the plan, by the key they came from (kept only in memory, for the apply). */
  secret(path: string, src: SecretSource): string | undefined
  /** The SHA-256 of each content entry of the file that could be read, by lower-cased name. */
  contentSha: Map<string, string>
  keep(k: Kept): void
  /** Whether a stored secret equals these fields (the vault must be open). */
  sameSecret(credentialId: string, fields: Record<string, string>): Promise<boolean>
}

export const lower = (s: string) => s.toLowerCase()

export async function makePlan(
  core: ConfigCore,
  desired: Desired,
  lineOf: (path: string) => number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Plan> {
  const current = await readCurrent(core)
  const issues: ConfigIssue[] = []
  const kept: Kept[] = []
  const ctx: PlanContext = {
    contentSha: new Map(),
    keep: (k) => kept.push(k),
    core,
    desired,
    current,
    env,
    issue: (path, message) => issues.push({ line: lineOf(path), key: path, message }),
    lineOf,
    call: caller(core, desired.file, lineOf),
    secret(path, src) {
      if ('env' in src) {
        const v = env[src.env]
        if (v === undefined || v === '') this.issue(path, `\${${src.env}} is not set in the environment`)
        return v || undefined
      }
      const file = isAbsolute(src.file) ? src.file : resolve(desired.baseDir, src.file)
      try {
        return readFileSync(file, 'utf8').replace(/\r?\n$/, '')
      } catch (err) {
        this.issue(
          path,
          `Cannot read the secret file ${src.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        )
        return undefined
      }
    },
    async sameSecret(id, fields) {
      return core.vault.withSecret(id, null, (stored) => {
        const keys = new Set([...Object.keys(stored), ...Object.keys(fields)])
        for (const k of keys) {
          const a = stored[k] ?? Buffer.alloc(0)
          const b = Buffer.from(fields[k] ?? '', 'utf8')
          if (a.length !== b.length || !timingSafeEqual(a, b)) return false
        }
        return true
      })
    },
  }
  const steps: PlanStep[] = []
  let unchanged = 0
  const count = (s: PlanStep | undefined) => (s ? steps.push(s) : unchanged++)
  for (const s of await planContent(ctx)) count(s)
  for (const s of await planCredentials(ctx)) count(s)
  for (const s of planTargets(ctx)) count(s)
  for (const s of planHostKeys(ctx)) count(s)
  for (const s of await planWatch(ctx)) count(s)
  if (issues.length) throw new ConfigError(desired.file, issues)
  return { file: desired.file, steps, unchanged, kept }
}

/** Whether the plan needs secrets (and so an open vault): a credential or channel secret to store or compare. */
export const needsVault = (d: Desired): boolean =>
  d.credentials.some((c) => c.secret) || d.channels.some((c) => c.secret && !('vault' in c.secret))

async function planCredentials(ctx: PlanContext): Promise<(PlanStep | undefined)[]> {
  const { core, desired, current } = ctx
  const out: (PlanStep | undefined)[] = []
  for (const c of desired.credentials) {
    const have = current.credentials.find((x) => lower(x.name) === lower(c.name))
    if (have && have.kind !== c.kind) {
      ctx.issue(
        joinPath(c.path, 'kind'),
        `The vault's credential "${have.name}" is a ${have.kind}, not a ${c.kind}`,
      )
      continue
    }
    if (!c.secret) {
      if (!have)
        ctx.issue(
          c.path,
          `No credential named "${c.name}" in the vault: add it there, or give its secret (\${ENV_VAR} or { file: PATH })`,
        )
      else if (have.username !== c.username || have.notes !== c.notes)
        out.push(credentialStep(ctx, 'change', c, have.id, undefined, 'user name or notes'))
      else out.push(undefined)
      continue
    }
    const raw: Record<string, string> = {}
    let unread = false
    for (const [k, src] of Object.entries(c.secret)) {
      const v = ctx.secret(joinPath(joinPath(c.path, 'secret'), k), src)
      if (v !== undefined) raw[k] = v
      else unread = true
    }
    if (unread) continue
    const parsed = SecretFields[c.kind].safeParse(raw)
    if (!parsed.success) {
      for (const i of parsed.error.issues)
        ctx.issue(joinPath(joinPath(c.path, 'secret'), i.path.map(String).join('.')), i.message)
      continue
    }
    const fields = parsed.data as Record<string, string>
    if (!have) {
      out.push(credentialStep(ctx, 'add', c, undefined, fields, c.kind))
      continue
    }
    if (core.vault.state() !== 'unlocked') {
      ctx.issue(
        c.path,
        'The vault is locked: unlock it (set DRIFTWATCH_VAULT_PASSPHRASE) to compare and store secrets',
      )
      continue
    }
    const changed: string[] = []
    if (have.username !== c.username) changed.push('username')
    if (have.notes !== c.notes) changed.push('notes')
    if (!(await ctx.sameSecret(have.id, fields))) changed.push('secret')
    out.push(
      changed.length
        ? credentialStep(
            ctx,
            'change',
            c,
            have.id,
            changed.includes('secret') ? fields : undefined,
            changed.join(', '),
          )
        : undefined,
    )
  }
  return out
}

function credentialStep(
  ctx: PlanContext,
  action: 'add' | 'change',
  c: Desired['credentials'][number],
  id: string | undefined,
  secret: Record<string, string> | undefined,
  detail: string,
): PlanStep {
  return {
    action,
    type: 'credential',
    name: c.name,
    detail,
    path: c.path,
    async run(ids) {
      if (action === 'add') {
        const made = await ctx.call(
          'credentials.create',
          {
            credential: {
              kind: c.kind,
              name: c.name,
              username: c.username,
              notes: c.notes,
              secret,
            } as Req<'credentials.create'>['credential'],
          },
          c.path,
        )
        ids.credentials.set(lower(c.name), made.id)
      } else
        await ctx.call(
          'credentials.update',
          { id: id!, username: c.username, notes: c.notes, ...(secret ? { secret } : {}) },
          c.path,
        )
    },
  }
}

const STORED = new Set(['id', 'createdAt', 'updatedAt', 'address'])
const canon = (v: unknown): string => JSON.stringify(v ?? null)

/** A target's fields with its credential names turned into vault ids (unknown ones left by name). */
function withCredentialIds(t: DesiredTarget, ids: Ids): Record<string, unknown> {
  const fields = { ...t.fields }
  for (const f of t.credentialFields) {
    const v = fields[f]
    if (typeof v === 'string' && v) fields[f] = ids.credentials.get(lower(v)) ?? v
  }
  return fields
}

function planTargets(ctx: PlanContext): (PlanStep | undefined)[] {
  const { core, desired, current } = ctx
  const out: (PlanStep | undefined)[] = []
  const known = new Set([
    ...current.credentials.map((c) => lower(c.name)),
    ...desired.credentials.map((c) => lower(c.name)),
  ])
  const planIds: Ids = initialIds(current)
  for (const t of desired.targets) {
    for (const f of t.credentialFields) {
      const v = t.fields[f]
      if (typeof v === 'string' && v && !known.has(lower(v)))
        ctx.issue(joinPath(t.path, f), `No credential named "${v}" in the vault or in credentials`)
    }
    const have = current.targets.find((x) => lower(x.name) === lower(t.name))
    if (have && have.kind !== t.kind) {
      ctx.issue(
        joinPath(t.path, 'kind'),
        `"${have.name}" exists as a ${have.kind} target; a target cannot change kind`,
      )
      continue
    }
    let normal: Record<string, unknown>
    try {
      normal = core.kinds.parse(TargetInput.parse(withCredentialIds(t, planIds))) as Record<string, unknown>
    } catch {
      normal = t.fields
    }
    if (!have) {
      out.push(targetStep(ctx, 'add', t, undefined, t.kind))
      continue
    }
    const changed = [...new Set([...Object.keys(normal), ...Object.keys(have)])]
      .filter((k) => !STORED.has(k))
      .filter((k) => canon(normal[k]) !== canon(have[k]))
    out.push(changed.length ? targetStep(ctx, 'change', t, have.id, changed.join(', ')) : undefined)
  }
  if (desired.sectionsGiven.has('targets'))
    for (const have of current.targets)
      if (!desired.targets.some((t) => lower(t.name) === lower(have.name)))
        out.push({
          action: 'remove',
          type: 'target',
          name: have.name,
          detail: `${have.kind}, with its scans and schedules`,
          path: 'targets',
          run: async (ids) => {
            await ctx.call('targets.remove', { id: have.id }, 'targets')
            ids.targets.delete(lower(have.name))
          },
        })
  return out
}

function targetStep(
  ctx: PlanContext,
  action: 'add' | 'change',
  t: DesiredTarget,
  id: string | undefined,
  detail: string,
): PlanStep {
  return {
    action,
    type: 'target',
    name: t.name,
    detail,
    path: t.path,
    async run(ids) {
      const target = withCredentialIds(t, ids) as Req<'targets.create'>['target']
      if (action === 'add') {
        const made = await ctx.call('targets.create', { target }, t.path)
        ids.targets.set(lower(t.name), made.id)
      } else await ctx.call('targets.update', { id: id!, target }, t.path)
    },
  }
}

export function initialIds(current: Current): Ids {
  return {
    credentials: new Map(current.credentials.map((c) => [lower(c.name), c.id])),
    targets: new Map(current.targets.map((t) => [lower(t.name), t.id])),
    tailorings: new Map(current.tailorings.map((t) => [lower(t.name), t.id])),
  }
}

/** Runs every step in one transaction: a refusal half-way leaves the store as it was. */
export async function applyPlan(core: ConfigCore, plan: Plan): Promise<void> {
  const current = await readCurrent(core)
  const ids = initialIds(current)
  await core.atomically(async () => {
    for (const s of plan.steps) await s.run(ids)
  })
}

const SIGN = { add: '+', change: '~', remove: '-' } as const

export function formatPlan(plan: Plan): string {
  const line = (sign: string, s: Kept) => `  ${sign} ${s.type} ${s.name}${s.detail ? ` (${s.detail})` : ''}`
  const kept = plan.kept.map((k) => line('=', k))
  const lines = [...kept, ...plan.steps.map((s) => line(SIGN[s.action], s))]
  const n = (a: PlanStep['action']) => plan.steps.filter((s) => s.action === a).length
  const summary = `${n('add')} to add, ${n('change')} to change, ${n('remove')} to remove, ${plan.unchanged} unchanged.`
  return plan.steps.length
    ? `Plan for ${plan.file}:\n${lines.join('\n')}\n${summary}\n`
    : `${plan.file}: nothing to change (${plan.unchanged} unchanged).\n${kept.map((l) => `${l}\n`).join('')}`
}

export const planJson = (plan: Plan) => ({
  file: plan.file,
  steps: plan.steps.map(({ action, type, name, detail }) => ({ action, type, name, detail })),
  unchanged: plan.unchanged,
  kept: plan.kept,
})
