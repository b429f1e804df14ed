// The rule packs a scan can use: the built-in ones (a plain list) and the custom ones people imported, with
// `extends` resolved (a custom pack may start from a built-in one, override rules and set its variables).
import type { RulePacksRepo } from '../store/rule-packs'
import { PackFormatError, RulePack, type Rule, type Variable } from './format'
import { postgresCis } from './packs/postgres-cis'
import { mysqlCis } from './packs/mysql-cis'
import { githubBaseline, type GithubPackRule } from './github-baseline'

let builtIn: readonly RulePack[] | undefined
/**
 * The built-in packs; adding one is one file in packs/ and one line here. Checked against the pack format on
 * first use, not when the module loads: a command that never reads a pack (`targets list`) does not pay ~30 ms.
 */
export function builtInPacks(): readonly RulePack[] {
  return (builtIn ??= [postgresCis, mysqlCis].map((p) => RulePack.parse(p)))
}

export const DEFAULT_PACK = { postgres: 'postgres-cis', mysql: 'mysql-cis' } as const

/**
 * Packs whose checks are code inside their scanner (github-baseline): listed and shown like the others, with
 * their thresholds as variables, but never exported, extended or removed.
 */
export interface CodePack {
  id: string
  title: string
  description: string
  benchmark: string
  kind: string
  version: string
  rules: readonly GithubPackRule[]
  variables: Readonly<Record<string, number | string>>
  variableTitles: Readonly<Record<string, string>>
}
export const CODE_PACKS: readonly CodePack[] = [githubBaseline]

export interface ResolvedPack {
  id: string
  title: string
  kind: RulePack['kind']
  version: string
  benchmark: string
  builtIn: boolean
  extends?: string
  rules: Rule[]
  variables: Record<string, Variable>
  /** Every variable's value for this pack: its own or the extended pack's setting, else the default. */
  values: Record<string, number | string>
}

const MAX_DEPTH = 5

export class RulePacks {
  private byId: Map<string, RulePack> | undefined

  constructor(
    private readonly repo: RulePacksRepo,
    private readonly given?: readonly RulePack[],
    readonly codePacks: readonly CodePack[] = CODE_PACKS,
  ) {}

  private get builtIns(): Map<string, RulePack> {
    return (this.byId ??= new Map((this.given ?? builtInPacks()).map((p) => [p.id, p])))
  }

  isBuiltIn(id: string): boolean {
    return this.builtIns.has(id) || this.codePack(id) !== undefined
  }

  codePack(id: string): CodePack | undefined {
    return this.codePacks.find((p) => p.id === id)
  }

  raw(id: string): RulePack | undefined {
    return this.builtIns.get(id) ?? this.repo.get(id)?.pack
  }

  all(): { pack: RulePack; builtIn: boolean; importedAt: string | null }[] {
    return [
      ...[...this.builtIns.values()].map((pack) => ({ pack, builtIn: true, importedAt: null })),
      ...this.repo.list().map((r) => ({ pack: r.pack, builtIn: false, importedAt: r.importedAt })),
    ]
  }

  isCustom(id: string): boolean {
    return this.repo.get(id) !== undefined
  }

  /** Stores a custom pack that check() accepted. */
  store(pack: RulePack, at: string): void {
    this.repo.put(pack, at)
  }

  remove(id: string): boolean {
    return this.repo.remove(id)
  }

  /** The pack as a scan runs it; throws PackFormatError when it cannot be resolved. */
  resolve(id: string): ResolvedPack {
    return this.resolveWith(id, (x) => this.raw(x))
  }

  /**
   * Checks what the schema cannot: the extended pack exists and scans the same kind, every ${variable} a rule
   * uses has a value, and every value fits its variable. Run on import, before anything is stored.
   */
  check(pack: RulePack): ResolvedPack {
    if (this.isBuiltIn(pack.id))
      throw new PackFormatError(
        `The id ${pack.id} belongs to a built-in pack; give the custom pack its own id`,
        [{ path: 'id', message: '' }],
      )
    return this.resolveWith(pack.id, (x) => (x === pack.id ? pack : this.raw(x)))
  }

  private resolveWith(id: string, lookup: (id: string) => RulePack | undefined): ResolvedPack {
    const chain: RulePack[] = []
    for (let cur: string | undefined = id; cur;) {
      const p = lookup(cur)
      if (!p && chain.length && this.codePack(cur))
        throw new PackFormatError(
          `${chain.at(-1)!.id} extends ${cur}, whose checks are built into its scanner and cannot be extended`,
          [{ path: 'extends', message: '' }],
        )
      if (!p)
        throw new PackFormatError(
          chain.length
            ? `${chain.at(-1)!.id} extends ${cur}, which is not installed`
            : `No rule pack "${cur}"`,
          chain.length ? [{ path: 'extends', message: '' }] : [],
        )
      if (chain.some((c) => c.id === p.id))
        throw new PackFormatError(
          `The packs ${chain.map((c) => c.id).join(' → ')} extend each other in a loop`,
          [{ path: 'extends', message: '' }],
        )
      if (chain.length && chain[0]!.kind !== p.kind)
        throw new PackFormatError(
          `${chain[0]!.id} scans ${chain[0]!.kind} targets but extends ${p.id}, a ${p.kind} pack`,
          [{ path: 'extends', message: '' }],
        )
      chain.push(p)
      if (chain.length > MAX_DEPTH)
        throw new PackFormatError(`Packs may extend at most ${MAX_DEPTH - 1} levels deep`)
      cur = p.extends
    }
    // From the base up: later packs replace rules of the same id, add variables, and set values.
    const rules = new Map<string, Rule>()
    const variables: Record<string, Variable> = {}
    const set: Record<string, number | string> = {}
    for (const p of [...chain].reverse()) {
      for (const r of p.rules) rules.set(r.id, r)
      Object.assign(variables, p.variables)
      Object.assign(set, p.values)
    }
    const top = chain[0]!
    const values: Record<string, number | string> = {}
    for (const [name, v] of Object.entries(variables)) values[name] = set[name] ?? v.default
    for (const [name, value] of Object.entries(set)) {
      const v = variables[name]
      const path = [{ path: `values.${name}`, message: '' }]
      if (!v) throw new PackFormatError(`values.${name}: there is no variable ${name} to set`, path)
      if (v.type === 'number' && typeof value !== 'number')
        throw new PackFormatError(`values.${name}: ${name} is a number`, path)
      if (v.type === 'string' && typeof value !== 'string')
        throw new PackFormatError(`values.${name}: ${name} is a string`, path)
      if (
        typeof value === 'number' &&
        ((v.min !== undefined && value < v.min) || (v.max !== undefined && value > v.max))
      )
        throw new PackFormatError(
          `values.${name}: ${value} is outside ${v.min ?? '−∞'}…${v.max ?? '∞'}`,
          path,
        )
    }
    const list = [...rules.values()]
    list.forEach((r) => {
      for (const m of JSON.stringify(r.assert ?? {}).matchAll(/\$\{([a-z][a-z0-9_]*)\}/g))
        if (!(m[1]! in values))
          throw new PackFormatError(
            `Rule "${r.id}" uses \${${m[1]}}, which no variable of ${top.id} defines`,
            [{ path: 'rules', message: '' }],
          )
    })
    return {
      id: top.id,
      title: top.title,
      kind: top.kind,
      version: top.version,
      benchmark: top.benchmark || chain.find((c) => c.benchmark)?.benchmark || '',
      builtIn: this.builtIns.has(top.id),
      extends: top.extends,
      rules: list,
      variables,
      values,
    }
  }
}
