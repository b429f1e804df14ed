// The rule pack channels: list the built-in and custom packs, show a rule, import a custom pack (checked
// against the schema, SELECT-only and resolvable before it is stored), export any pack, remove a custom one.
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { RulePackSummary } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import { formatPack, PackFormatError, parsePack, rulePackJsonSchema, type RulePack } from './format'
import type { CodePack, RulePacks } from './registry'
import { loadSqlGuard } from './sql-guard'

type RuleHandlers = Pick<
  Handlers,
  'rules.list' | 'rules.rule' | 'rules.import' | 'rules.export' | 'rules.remove' | 'rules.schema'
>

const asAppError = (err: unknown): never => {
  if (err instanceof PackFormatError)
    throw new AppError(
      'validation',
      err.message,
      // Each issue carries the whole sentence when the check gave only a short one, so every face can show it.
      err.issues.length ? err.issues.map((i) => ({ path: i.path, message: i.message || err.message })) : [],
    )
  throw err
}

export function ruleHandlers(ctx: CoreContext & { packs: RulePacks }): RuleHandlers {
  const { packs, clock } = ctx

  const summary = (pack: RulePack, builtIn: boolean, importedAt: string | null): RulePackSummary => {
    let rules = pack.rules.length
    let variables: RulePackSummary['variables'] = []
    try {
      const r = packs.resolve(pack.id)
      rules = r.rules.length
      variables = Object.entries(r.variables).map(([name, v]) => ({
        name,
        title: v.title,
        type: v.type,
        default: v.default,
        value: r.values[name] ?? v.default,
      }))
    } catch {
      // A custom pack whose base was removed still lists, with its own rules, so it can be fixed or removed.
    }
    return {
      id: pack.id,
      title: pack.title,
      description: pack.description,
      kind: pack.kind,
      version: pack.version,
      benchmark: pack.benchmark,
      builtIn,
      extends: pack.extends ?? null,
      rules,
      variables,
      importedAt,
    }
  }

  const codeSummary = (p: CodePack): RulePackSummary => ({
    id: p.id,
    title: p.title,
    description: p.description,
    kind: p.kind,
    version: p.version,
    benchmark: p.benchmark,
    builtIn: true,
    extends: null,
    rules: p.rules.length,
    variables: Object.entries(p.variables).map(([name, value]) => ({
      name,
      title: p.variableTitles[name] ?? name,
      type: typeof value === 'number' ? ('number' as const) : ('string' as const),
      default: value,
      value,
    })),
    importedAt: null,
  })

  return {
    'rules.list': ({ kind }) => ({
      packs: [
        ...packs
          .all()
          .filter((p) => !kind || p.pack.kind === kind)
          .map((p) => summary(p.pack, p.builtIn, p.importedAt)),
        ...packs.codePacks.filter((p) => !kind || p.kind === kind).map(codeSummary),
      ],
    }),
    'rules.rule': ({ packId, ruleId }) => {
      const code = packs.codePack(packId)
      if (code) {
        const r = code.rules.find((x) => x.id === ruleId)
        if (!r) throw notFound(`The rule ${ruleId}`)
        return {
          id: r.id,
          title: r.title,
          severity: r.severity,
          description: r.description,
          rationale: r.rationale,
          remediation: r.remediation,
          references: r.references,
          query: '',
          applies: r.scope === 'org' ? 'the organisation' : 'every repository in scope',
        }
      }
      let rule
      try {
        rule = packs.resolve(packId).rules.find((r) => r.id === ruleId)
      } catch (err) {
        return asAppError(err)
      }
      if (!rule) throw notFound(`The rule ${ruleId}`)
      const a = rule.applies
      const applies = [
        a.flavours ? a.flavours.join(', ') : 'every flavour',
        a.minVersion ? `from ${a.minVersion}` : '',
        a.belowVersion ? `below ${a.belowVersion}` : '',
      ]
        .filter(Boolean)
        .join(' ')
      return {
        id: rule.id,
        title: rule.title,
        severity: rule.severity,
        description: rule.description,
        rationale: rule.rationale,
        remediation: rule.remediation,
        references: rule.references,
        query: rule.query ?? `Manual check (no query): ${rule.manual ?? ''}`,
        applies,
      }
    },
    'rules.import': async ({ text, replace }) => {
      try {
        await loadSqlGuard()
        const pack = parsePack(text)
        packs.check(pack)
        if (packs.isCustom(pack.id) && !replace)
          throw new AppError(
            'conflict',
            `A custom pack ${pack.id} is already imported; replace it to update it`,
            [{ path: 'id', message: 'Already imported' }],
          )
        packs.store(pack, clock.now().toISOString())
        const row = packs.all().find((p) => p.pack.id === pack.id)!
        return summary(row.pack, false, row.importedAt)
      } catch (err) {
        return asAppError(err)
      }
    },
    'rules.export': ({ id, format }) => {
      if (packs.codePack(id))
        throw new AppError(
          'validation',
          `${id} is built into its scanner: its checks are code, not a pack file, so it cannot be exported`,
        )
      const pack = packs.raw(id)
      if (!pack) throw notFound(`The rule pack ${id}`)
      return { fileName: `${pack.id}.${format === 'json' ? 'json' : 'yaml'}`, text: formatPack(pack, format) }
    },
    'rules.remove': ({ id }) => {
      if (packs.isBuiltIn(id)) throw new AppError('forbidden', `${id} is built in and cannot be removed`)
      const users = packs.all().filter((p) => p.pack.extends === id)
      if (users.length)
        throw new AppError(
          'conflict',
          `${users.map((u) => u.pack.id).join(', ')} extends ${id}; remove that first`,
        )
      if (!packs.remove(id)) throw notFound(`The rule pack ${id}`)
      return { removed: true as const }
    },
    'rules.schema': () => ({ schema: rulePackJsonSchema() }),
  }
}
