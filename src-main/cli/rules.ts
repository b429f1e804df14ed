// `driftwatch rules ...`: the rule packs database targets are scanned with — list them, import a custom pack
// (YAML or JSON, checked before it is stored), export any pack, remove a custom one, print the JSON Schema.
import { rename, writeFile } from 'node:fs/promises'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { readTextFile } from './files'

const print = (ctx: RunContext, data: unknown, text: string) => {
  ctx.out.stdout(ctx.json ? JSON.stringify(data, null, 2) + '\n' : text)
  return EXIT.ok
}

export const rulesCommand: Command = {
  name: 'rules',
  usage: 'rules list|import|export|remove|schema',
  summary: 'rule packs for PostgreSQL, MySQL/MariaDB and GitHub targets',
  help: `Usage:
  driftwatch rules list [--kind postgres|mysql|github] [--json]
  driftwatch rules import FILE [--replace]            a custom pack in YAML or JSON (see "rules schema")
  driftwatch rules export ID [--format yaml|json] [--out FILE]   stdout without --out
  driftwatch rules remove ID
  driftwatch rules schema [--out FILE]                the JSON Schema custom packs follow

Built-in packs: postgres-cis, mysql-cis and github-baseline (its checks are built into the GitHub scanner:
listed and shown, not exported or extended). A custom pack may "extends" one of them and set its variables
in "values" (e.g. min_password_length), override rules by id, and add its own. Queries must be one
read-only SELECT (or WITH … SELECT, SHOW); anything that writes is refused on import. Scan with a pack:
driftwatch scan TARGET --profile ID.`,
  options: {
    kind: { type: 'string' },
    replace: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(ctx) {
    const [action, arg] = ctx.positionals
    const write = async (text: string, data: unknown) => {
      const out = ctx.values.out
      if (typeof out !== 'string') {
        ctx.out.stdout(text)
        return EXIT.ok
      }
      // Written beside, then renamed: a failed write never leaves half a file.
      await writeFile(`${out}.tmp`, text)
      await rename(`${out}.tmp`, out)
      return print(ctx, { file: out, ...(data as object) }, `Wrote ${out}\n`)
    }
    switch (action) {
      case 'list': {
        const kind = ctx.values.kind as string | undefined
        if (kind !== undefined) {
          // Kinds scanned with rule packs, as the registry says (postgres, mysql, github).
          const { kinds } = await call(ctx.core, 'kinds.list', {})
          const withPacks = kinds.filter((k) => k.policy.rulePack !== 'none').map((k) => k.kind)
          if (!withPacks.includes(kind))
            throw CliError.usage(`--kind is ${withPacks.join(', ').replace(/, ([^,]*)$/, ' or $1')}`)
        }
        const { packs } = await call(ctx.core, 'rules.list', { kind })
        const lines = packs.map(
          (p) =>
            `${p.id.padEnd(24)} ${p.kind.padEnd(9)} ${String(p.rules).padStart(4)} rules  ${p.builtIn ? 'built in' : `custom${p.extends ? `, extends ${p.extends}` : ''}`}  ${p.title}\n`,
        )
        return print(ctx, packs, lines.join('') || 'No rule packs.\n')
      }
      case 'import': {
        if (!arg) throw CliError.usage('rules import FILE [--replace]')
        const text = await readTextFile(arg, 8 * 1024 * 1024)
        const p = await call(ctx.core, 'rules.import', { text, replace: Boolean(ctx.values.replace) })
        return print(ctx, p, `Imported ${p.id} (${p.kind}, ${p.rules} rules): ${p.title}\n`)
      }
      case 'export': {
        if (!arg) throw CliError.usage('rules export ID [--format yaml|json] [--out FILE]')
        const format = (ctx.values.format as string | undefined) ?? 'yaml'
        if (format !== 'yaml' && format !== 'json') throw CliError.usage('--format is yaml or json')
        const r = await call(ctx.core, 'rules.export', { id: arg, format })
        return write(r.text, { fileName: r.fileName })
      }
      case 'remove': {
        if (!arg) throw CliError.usage('rules remove ID')
        await call(ctx.core, 'rules.remove', { id: arg })
        return print(ctx, { removed: arg }, `Removed ${arg}\n`)
      }
      case 'schema': {
        const { schema } = await call(ctx.core, 'rules.schema', {})
        return write(JSON.stringify(schema, null, 2) + '\n', {})
      }
    }
    throw CliError.usage(
      action ? `unknown action "${action}"` : 'say what to do: list, import, export, remove or schema',
    )
  },
}
