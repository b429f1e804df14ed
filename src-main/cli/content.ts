// `driftwatch content ...` and `driftwatch tailoring ...`: SCAP datastreams and the tailorings made from them.
import { existsSync } from 'node:fs'
import { writeFile, rename } from 'node:fs/promises'
import type { ContentSummary } from '../../src-preload/contract'
import { call, CliError, EXIT, type Command, type RunContext } from './common'
import { readTextFile, stage } from './files'
import { table } from './terminal-text'
import { EDIT_ACTIONS, EDIT_HELP, EDIT_OPTIONS, tailoringEdit } from './tailoring-edit'

const print = (ctx: RunContext, data: unknown, text: string) => {
  ctx.out.stdout(ctx.json ? JSON.stringify(data, null, 2) + '\n' : text)
  return EXIT.ok
}

/** Content is named by its SHA-256, a unique prefix of it (8+ characters), or its file name. */
async function resolveContent(ctx: RunContext, ref: string | undefined): Promise<ContentSummary> {
  if (!ref)
    throw CliError.usage(
      'name the content: its SHA-256 (or a prefix) or file name; see "driftwatch content list"',
    )
  const { content } = await call(ctx.core, 'content.list', {})
  const matches = content.filter((c) => (ref.length >= 8 && c.sha256.startsWith(ref)) || c.fileName === ref)
  if (matches.length === 1) return matches[0]!
  const message = matches.length
    ? `"${ref}" matches ${matches.length} imports; give more of the SHA-256`
    : `no imported content "${ref}"`
  throw new CliError(message, { code: 'not_found', message, issues: [] })
}

const profileFlag = (ctx: RunContext) => {
  const p = ctx.values.profile
  if (typeof p !== 'string')
    throw CliError.usage('--profile ID is required; see "driftwatch content profiles"')
  return p.includes('_profile_') ? p : `xccdf_org.ssgproject.content_profile_${p}`
}

export const contentCommand: Command = {
  name: 'content',
  usage: 'content import|list|profiles|rules|values',
  summary: 'import SCAP datastreams and browse their profiles, rules and Values',
  help: `Usage:
  driftwatch content import [FILE]              import a datastream; without FILE, list those found in
                                                 /usr/share/xml/scap/ssg/content
  driftwatch content list [--json]
  driftwatch content profiles CONTENT [--json]
  driftwatch content rules CONTENT --profile ID [--search TEXT] [--json]
  driftwatch content values CONTENT --profile ID [--json]

CONTENT is an import's SHA-256 (or 8+ characters of it) or its file name. A profile may be given by its
short name for SCAP Security Guide content (e.g. --profile standard).`,
  options: { profile: { type: 'string' }, search: { type: 'string' } },
  async run(ctx) {
    const [action, arg] = ctx.positionals
    switch (action) {
      case 'import': {
        if (!arg) {
          const found = await call(ctx.core, 'content.discover', {})
          const rows = found.files.map((f) => [
            f.name,
            `${(f.bytes / 1e6).toFixed(1)} MB`,
            f.importedSha256 ? 'imported' : '',
          ])
          return print(
            ctx,
            found,
            found.files.length
              ? table(['FILE', 'SIZE', ''], rows) +
                  `Import one with "driftwatch content import ${found.dir}/FILE"\n`
              : `No datastreams in ${found.dir} (install ssg-debian or another SCAP Security Guide package)\n`,
          )
        }
        // A bare name the discovery listed imports from there; anything else is a file the user names.
        const found = !arg.includes('/') ? (await call(ctx.core, 'content.discover', {})).files : []
        const listed = found.find((f) => f.name === arg && !existsSync(arg))
        const req = listed ? { discovered: listed.id } : { uploadId: (await stage(ctx, arg)).uploadId }
        const c = await call(ctx.core, 'content.import', req, () => 'FILE')
        const b = c.benchmarks[0]
        return print(
          ctx,
          c,
          `Imported ${c.fileName} (${c.sha256.slice(0, 12)}): ${b?.title ?? 'no benchmark'} ${b?.version ?? ''}, ${b?.profiles ?? 0} profiles, ${b?.rules ?? 0} rules, ${b?.values ?? 0} Values\n`,
        )
      }
      case 'list': {
        const { content } = await call(ctx.core, 'content.list', {})
        const rows = content.map((c) => [
          c.sha256.slice(0, 12),
          c.fileName,
          c.benchmarks.map((b) => `${b.title} ${b.version}`).join('; '),
          c.importedAt.slice(0, 10),
        ])
        return print(
          ctx,
          content,
          content.length
            ? table(['SHA256', 'FILE', 'BENCHMARK', 'IMPORTED'], rows)
            : 'No content yet. Try "driftwatch content import".\n',
        )
      }
      case 'profiles': {
        const c = await resolveContent(ctx, arg)
        const { profiles } = await call(ctx.core, 'content.profiles', { sha256: c.sha256 })
        const rows = profiles.map((p) => [
          p.id.replace(/^xccdf_org\.ssgproject\.content_profile_/, ''),
          String(p.selectedRules),
          p.title,
        ])
        return print(ctx, profiles, table(['PROFILE', 'RULES', 'TITLE'], rows))
      }
      case 'rules':
      case 'values': {
        const c = await resolveContent(ctx, arg)
        const data = await call(ctx.core, 'content.profile', {
          sha256: c.sha256,
          profileId: profileFlag(ctx),
        })
        if (action === 'values') {
          const rows = data.values.map((v) => [
            short(v.id),
            v.type,
            v.profileValue,
            v.profileSelector,
            v.title,
          ])
          return print(ctx, data.values, table(['VALUE', 'TYPE', 'IN PROFILE', 'SELECTOR', 'TITLE'], rows))
        }
        const q = String(ctx.values.search ?? '').toLowerCase()
        const rules = data.rules.filter(
          (r) =>
            r.selectedInProfile &&
            (!q || r.id.toLowerCase().includes(q) || r.title.toLowerCase().includes(q)),
        )
        return print(
          ctx,
          rules,
          table(
            ['RULE', 'SEVERITY', 'TITLE'],
            rules.map((r) => [short(r.id), r.severity, r.title]),
          ),
        )
      }
      default:
        throw CliError.usage(
          action ? `unknown action "${action}"` : 'say what to do: import, list, profiles, rules or values',
        )
    }
  },
}

const short = (id: string) => id.replace(/^xccdf_org\.ssgproject\.content_(rule|value)_/, '')

export const tailoringCommand: Command = {
  name: 'tailoring',
  usage: 'tailoring list|new|set|show|diff|assign|export|import',
  summary: 'XCCDF tailoring files (SCAP Workbench and oscap --tailoring-file)',
  help: `Usage:
  driftwatch tailoring list [--json]
  driftwatch tailoring export NAME|ID [--out FILE]     write the XCCDF 1.2 tailoring (stdout without --out)
  driftwatch tailoring import FILE --name NAME --content CONTENT
${EDIT_HELP}`,
  options: {
    out: { type: 'string' },
    name: { type: 'string' },
    content: { type: 'string' },
    ...EDIT_OPTIONS,
  },
  async run(ctx) {
    const [action, arg] = ctx.positionals
    const editing = EDIT_ACTIONS.find((a) => a === action)
    if (editing) return tailoringEdit(ctx, editing, arg)
    if (action === 'list') {
      const { tailorings } = await call(ctx.core, 'tailorings.list', {})
      return print(
        ctx,
        tailorings,
        tailorings.length
          ? table(
              ['NAME', 'PROFILE', 'CHANGES'],
              tailorings.map((t) => [
                t.name,
                t.baseProfileId.replace(/^.*_profile_/, ''),
                String(t.diff.length),
              ]),
            )
          : 'No tailorings yet.\n',
      )
    }
    if (action === 'export') {
      const { tailorings } = await call(ctx.core, 'tailorings.list', {})
      const t = tailorings.find((x) => x.id === arg || x.name.toLowerCase() === String(arg).toLowerCase())
      if (!t)
        throw new CliError(`no tailoring named "${arg}"`, {
          code: 'not_found',
          message: 'not found',
          issues: [],
        })
      const { xml, fileName } = await call(ctx.core, 'tailorings.export', { id: t.id })
      const out = ctx.values.out
      if (typeof out !== 'string') {
        ctx.out.stdout(xml)
        return EXIT.ok
      }
      // Written beside, then renamed: a failed write never leaves half a tailoring file.
      await writeFile(`${out}.tmp`, xml)
      await rename(`${out}.tmp`, out)
      return print(ctx, { file: out, fileName }, `Wrote ${out}\n`)
    }
    if (action === 'import') {
      if (!arg || typeof ctx.values.name !== 'string')
        throw CliError.usage('tailoring import FILE --name NAME --content CONTENT')
      const c = await resolveContent(ctx, ctx.values.content as string | undefined)
      const xml = await readTextFile(arg, 16 * 1024 * 1024)
      const t = await call(ctx.core, 'tailorings.import', { xml, name: ctx.values.name, sha256: c.sha256 })
      return print(ctx, t, `Imported "${t.name}": ${t.diff.length} changes to ${t.baseProfileId}\n`)
    }
    throw CliError.usage(
      action
        ? `unknown action "${action}"`
        : 'say what to do: list, new, set, show, diff, assign, export or import',
    )
  },
}
