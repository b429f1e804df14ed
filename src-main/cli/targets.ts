// `driftwatch targets list|add|edit|remove`: manage scan targets from a terminal.
import type { Target, TargetInput } from '../../src-preload/contract'
import { BUILT_IN_KINDS } from '../core/scanners/registry'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { safeText, table } from './terminal-text'

// Flag name ↔ contract field: the common fields, then each kind's own (its form names the flag). Repeated flags
// (--tag a --tag b) become lists.
const FIELD_FLAGS: Record<string, string> = {
  name: 'name',
  kind: 'kind',
  description: 'description',
  tag: 'tags',
  group: 'groups',
  ...Object.fromEntries(
    BUILT_IN_KINDS.flatMap((k) => k.form.flatMap((f) => (f.flag ? [[f.flag, f.name]] : []))),
  ),
}
const LIST_FLAGS = new Set([
  'tag',
  'group',
  ...BUILT_IN_KINDS.flatMap((k) => k.form.flatMap((f) => (f.flag && f.list ? [f.flag] : []))),
])
const KIND_NAMES = BUILT_IN_KINDS.map((k) => k.kind).join(', ')

/** One help line per kind: its flags, with the default or the choices where the form has them. */
const kindHelp = BUILT_IN_KINDS.filter((k) => k.form.length > 0)
  .map((k) => {
    const flags = k.form
      .filter((f) => f.flag && f.input !== 'credential')
      .map((f) => {
        const choices = f.options?.map((o) => o.value).filter(Boolean)
        const value = choices?.length ? choices.join('|') : (f.placeholder ?? f.name).replace(/^e\.g\. /, '')
        return `--${f.flag} ${value}${f.list ? ' (repeatable)' : ''}`
      })
    return `  ${(k.kind + ':').padEnd(10)} ${flags.join(' ')}`
  })
  .join('\n')
const flagOf = (path: string) => {
  const field = path.replace(/^target\./, '').split('.')[0] ?? ''
  const flag = Object.entries(FIELD_FLAGS).find(([, f]) => f === field)?.[0]
  return flag ? `--${flag}` : field
}

const HELP = `Usage:
  driftwatch targets list [--search TEXT] [--kind KIND] [--tag TAG] [--group GROUP] [--json]
  driftwatch targets add --kind KIND --name NAME [fields...] [--json]
  driftwatch targets edit <name|id> [fields...] [--json]      (only the fields given change)
  driftwatch targets remove <name|id> [--json]

Kinds: ${BUILT_IN_KINDS.map((k) => `${k.kind} (${k.label})`).join(', ')}

Fields:
  --name NAME  --description TEXT  --tag TAG (repeatable)  --group GROUP (repeatable)
${kindHelp}
  --credential NAME|ID   the vault credential the target signs in with (--sudo-credential for sudo)

Examples:
  driftwatch targets add --kind ssh --name web-1 --host 10.0.0.5 --user auditor --sudo password --tag prod
  driftwatch targets edit web-1 --port 2222
  driftwatch targets list --kind ssh --json`

const options = {
  search: { type: 'string' },
  ...Object.fromEntries(
    Object.keys(FIELD_FLAGS).map((f) => [
      f,
      LIST_FLAGS.has(f) ? { type: 'string', multiple: true } : { type: 'string' },
    ]),
  ),
} as Command['options']

export const targetsCommand: Command = {
  name: 'targets',
  usage: 'targets list|add|edit|remove',
  summary: 'manage the hosts, databases and GitHub accounts you audit',
  help: HELP,
  options,
  async run(ctx) {
    const [action, ...args] = ctx.positionals
    switch (action) {
      case 'list':
      case 'ls':
        return list(ctx)
      case 'add':
        return add(ctx)
      case 'edit':
        return edit(ctx, args[0])
      case 'remove':
      case 'rm':
        return remove(ctx, args[0])
      default:
        throw CliError.usage(
          action
            ? `unknown action "${action}"; use list, add, edit or remove`
            : 'say what to do: list, add, edit or remove',
        )
    }
  },
}

async function list({ core, values, json, out }: RunContext) {
  const kind = values.kind as string | undefined
  const { targets, total } = await call(core, 'targets.list', {
    query: (values.search as string | undefined) ?? '',
    kind,
    tag: (values.tag as string[] | undefined)?.[0],
    group: (values.group as string[] | undefined)?.[0],
  })
  if (json) {
    out.stdout(JSON.stringify(targets, null, 2) + '\n')
    return EXIT.ok
  }
  if (targets.length === 0) {
    out.stdout(
      total === 0
        ? 'No targets yet. Add one with "driftwatch targets add --help".\n'
        : 'No target matches.\n',
    )
    return EXIT.ok
  }
  const rows = targets.map((t) =>
    [t.name, t.kind, t.address, t.tags.join(','), t.groups.join(',')].map(safeText),
  )
  out.stdout(table(['NAME', 'KIND', 'ADDRESS', 'TAGS', 'GROUPS'], rows))
  if (targets.length < total) out.stdout(`${targets.length} of ${total} targets shown\n`)
  return EXIT.ok
}

/** --credential and --sudo-credential take a credential's name (as `vault list` shows it) or its id. */
async function withCredentialIds(core: RunContext['core'], fields: Record<string, unknown>) {
  const credentialFields = new Set(BUILT_IN_KINDS.flatMap((k) => k.credentials.map((c) => c.field)))
  const refs = [...credentialFields].filter((k) => typeof fields[k] === 'string' && fields[k])
  if (refs.length === 0) return fields
  const { credentials } = await call(core, 'credentials.list', {})
  for (const k of refs) {
    const ref = String(fields[k])
    const hit =
      credentials.find((c) => c.id === ref) ??
      credentials.find((c) => c.name.toLowerCase() === ref.toLowerCase())
    if (hit) fields[k] = hit.id
  }
  return fields
}

async function add({ core, values, json, out }: RunContext) {
  const fields = await withCredentialIds(core, fieldsFrom(values))
  if (!fields.kind) throw CliError.usage(`--kind is required: one of ${KIND_NAMES}`)
  const target = await call(core, 'targets.create', { target: fields as TargetInput }, flagOf)
  out.stdout(
    json
      ? JSON.stringify(target, null, 2) + '\n'
      : `Added ${target.kind} target "${safeText(target.name)}" (${target.id})\n`,
  )
  return EXIT.ok
}

async function edit({ core, values, json, out }: RunContext, ref: string | undefined) {
  const current = await resolve(core, ref)
  const { id: _id, createdAt: _c, updatedAt: _u, address: _a, ...fields } = current
  const merged = { ...fields, ...(await withCredentialIds(core, fieldsFrom(values))) }
  const target = await call(core, 'targets.update', { id: current.id, target: merged as TargetInput }, flagOf)
  out.stdout(json ? JSON.stringify(target, null, 2) + '\n' : `Updated "${safeText(target.name)}"\n`)
  return EXIT.ok
}

async function remove({ core, json, out }: RunContext, ref: string | undefined) {
  const target = await resolve(core, ref)
  await call(core, 'targets.remove', { id: target.id })
  out.stdout(
    json
      ? JSON.stringify({ removed: target.id, name: target.name }) + '\n'
      : `Removed "${safeText(target.name)}"\n`,
  )
  return EXIT.ok
}

/** A target is named on the command line by its name (case-insensitive) or its id. */
async function resolve(core: RunContext['core'], ref: string | undefined): Promise<Target> {
  if (!ref) throw CliError.usage('name the target (its name or id)')
  const byId = await core.invoke('targets.get', { id: ref })
  if (byId.ok) return byId.data as Target
  const { targets } = await call(core, 'targets.list', { query: ref })
  const match = targets.find((t) => t.name.toLowerCase() === ref.toLowerCase())
  if (!match) {
    const message = `no target named "${safeText(ref)}"`
    throw new CliError(message, { code: 'not_found', message, issues: [] })
  }
  return match
}

function fieldsFrom(values: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [flag, field] of Object.entries(FIELD_FLAGS)) {
    const v = values[flag]
    if (v !== undefined) fields[field] = v
  }
  return fields
}
