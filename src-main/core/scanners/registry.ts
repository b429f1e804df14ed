// The target kinds Driftwatch knows: a plain list (adding a kind is one folder under scanners/ and one line
// here) and the questions core, CLI and renderer ask of it, so nothing else ever branches on a kind.
import type {
  KindCredential,
  KindFormField,
  KindView,
  Target,
  TargetFields,
} from '../../../src-preload/contract'
import { AppError, issuesError, type FieldIssue } from '../errors'
import type { AnyKind } from './kind'
import { localKind } from './local'
import { sshKind } from './ssh'
import { postgresKind } from './postgres'
import { mysqlKind } from './mysql'
import { githubKind } from './github'

export const BUILT_IN_KINDS: readonly AnyKind[] = [localKind, sshKind, postgresKind, mysqlKind, githubKind]

/** The kind a new target's form starts with: the one most people add. */
export const DEFAULT_KIND = sshKind.kind

const COMMON = new Set([
  'kind',
  'name',
  'description',
  'tags',
  'groups',
  'id',
  'createdAt',
  'updatedAt',
  'address',
])

/** The kinds of one core: the built-in ones plus any a test (or a future plug-in) adds. */
export class Kinds {
  private readonly byName: Map<string, AnyKind>

  constructor(readonly list: readonly AnyKind[] = BUILT_IN_KINDS) {
    this.byName = new Map(list.map((k) => [k.kind, k]))
    if (this.byName.size !== list.length) throw new Error('Two target kinds have the same name')
  }

  get(kind: string): AnyKind | undefined {
    return this.byName.get(kind)
  }

  names(): string[] {
    return this.list.map((k) => k.kind)
  }

  /** The kind or a validation error naming the known ones. */
  require(kind: unknown, path = 'kind'): AnyKind {
    const issue = this.kindIssue(kind, path)
    if (issue) throw new AppError('validation', issue.message, [issue])
    return this.byName.get(kind as string)!
  }

  kindIssue(kind: unknown, path = 'kind'): FieldIssue | undefined {
    const known = this.names().join(', ')
    if (kind === undefined || kind === null || kind === '')
      return { path, message: `Kind is required: one of ${known}` }
    if (typeof kind === 'string' && this.byName.has(kind)) return undefined
    // Never JSON.stringify untrusted input here: IPC payloads may hold BigInts or cycles, and strings may be huge.
    const shown = typeof kind === 'string' ? JSON.stringify(kind.slice(0, 60)) : `of type ${typeof kind}`
    return { path, message: `Unknown target kind ${shown}: expected one of ${known}` }
  }

  /** The issues of a target's kind and kind-specific fields (the contract checks the common ones). */
  issues(input: unknown, prefix = 'target'): FieldIssue[] {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return []
    const raw = input as Record<string, unknown>
    const kindIssue = this.kindIssue(raw.kind, `${prefix}.kind`)
    if (kindIssue) return [kindIssue]
    const parsed = this.byName.get(raw.kind as string)!.fields.safeParse(kindFieldsOf(raw))
    return parsed.success
      ? []
      : parsed.error.issues.map((i) => ({
          path: [prefix, ...i.path.map(String)].join('.'),
          message: i.message,
        }))
  }

  /** The common fields as the contract parsed them, with the kind's own fields parsed by its schema. */
  parse(fields: TargetFields, prefix = 'target'): TargetFields {
    const kind = this.require(fields.kind, `${prefix}.kind`)
    const parsed = kind.fields.safeParse(kindFieldsOf(fields))
    if (!parsed.success) throw issuesError(this.issues(fields, prefix))
    const { kind: k, name, description, tags, groups } = fields
    return { kind: k, name, description, tags, groups, ...(parsed.data as object) }
  }

  address(t: Target): string {
    const kind = this.get(t.kind)
    try {
      return kind ? kind.address(t) : ''
    } catch {
      // A target stored by an older version may miss a field its kind now reads: list it anyway.
      return ''
    }
  }

  /**
   * A target as it may leave the core: the common fields and those its kind's schema names, nothing else (a
   * field a handler added by mistake, a secret say, never crosses the wall).
   */
  shape(t: Target): Target {
    const kind = this.get(t.kind)
    const named = new Set([...COMMON, ...(kind ? fieldNames(kind) : [])])
    return Object.fromEntries(Object.entries(t).filter(([k]) => named.has(k))) as Target
  }

  /**
   * Where a target's secrets go (the vault binds credentials to it), as its kind says; null when they never
   * leave this computer. A target of a kind this core does not know gets no secret.
   */
  bindingAddress(t: Target): string | null {
    const kind = this.get(t.kind)
    if (!kind) throw this.unknown(t.kind)
    return kind.bindingAddress(t)
  }

  /**
   * The vault credentials a target uses (by id) with its current settings: those its kind declares, less any
   * whose form field is hidden by another field's value (an SSH login by agent uses no key credential).
   */
  credentialRefs(t: Target): string[] {
    const kind = this.get(t.kind)
    return kind ? credentialRefsOf(kind.credentials, kind.form, t) : []
  }

  private unknown(kind: unknown): AppError {
    const issue = this.kindIssue(kind)!
    return new AppError('validation', issue.message, [issue])
  }

  /** The kinds as data for every face: labels, form fields and the policy that shapes the scan panel. */
  views(): KindView[] {
    return this.list.map((k) => ({
      kind: k.kind,
      label: k.label,
      shortLabel: k.shortLabel,
      description: k.description,
      fields: k.form,
      credentials: k.credentials,
      policy: k.policy,
      progressUnit: k.progressUnit ?? 'rules',
    }))
  }
}

/**
 * The credential ids a target uses with its current settings, from its kind's data (a KindView's credentials and
 * fields serve as well, so the CLI asks the same question of kinds.list): a credential whose form field another
 * field's value hides (an SSH login by agent) is not in use.
 */
export function credentialRefsOf(
  credentials: readonly KindCredential[],
  form: readonly KindFormField[],
  t: Target,
): string[] {
  const refs = credentials
    .filter((c) => {
      const when = form.find((f) => f.name === c.field)?.showWhen
      return !when || when.in.includes(String(t[when.field] ?? ''))
    })
    .map((c) => t[c.field])
    .filter((ref): ref is string => typeof ref === 'string' && ref !== '')
  return [...new Set(refs)]
}

const fieldNames = (kind: AnyKind): string[] => {
  const shape = (kind.fields as unknown as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape) : []
}

const kindFieldsOf = (raw: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(raw).filter(([k]) => !COMMON.has(k)))
