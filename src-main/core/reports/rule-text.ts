// What a report says about each rule beyond its result: description, fix, rationale and references, read from
// where the scan's rules came from (the SCAP benchmark it evaluated, or the rule pack it ran), once per source.
import type { ContentRepo } from '../store/content'
import type { RulePacks } from '../rules/registry'
import type { XccdfRule } from '../scap/types'
import { baseRuleId } from '../controls/mapping'

export interface RuleText {
  title: string
  description: string
  /** How to fix it: the benchmark's shell (else Ansible) fix, or the pack's remediation; '' when none. */
  remediation: string
  rationale: string
  references: { system: string; id: string }[]
}

export interface RuleSource {
  rules: Map<string, RuleText>
  /** "title version" of the benchmark or pack, for the Method section. */
  benchmark: string
}

/** The fix a person applies: the shell script when the benchmark has one, else its Ansible tasks. */
export function fixText(rule: Pick<XccdfRule, 'fixes'>): string {
  const fixes = rule.fixes ?? []
  return (fixes.find((f) => f.system === 'bash') ?? fixes.find((f) => f.system === 'ansible'))?.text ?? ''
}

function fromBenchmark(content: ContentRepo, sha: string): RuleSource | undefined {
  const b = content.benchmark(sha)
  if (!b) return undefined
  const rules = new Map<string, RuleText>(
    b.rules.map((r) => [
      r.id,
      {
        title: r.title,
        description: r.description,
        remediation: fixText(r),
        rationale: r.rationale,
        references: r.references.map((x) => ({ system: x.system, id: x.id })),
      },
    ]),
  )
  return { rules, benchmark: `${b.title} ${b.version}`.trim() }
}

function fromPack(packs: RulePacks, id: string): RuleSource | undefined {
  const code = packs.codePack(id)
  if (code) {
    const rules = new Map<string, RuleText>(
      code.rules.map((r) => [
        r.id,
        {
          title: r.title,
          description: r.description,
          remediation: r.remediation,
          rationale: r.rationale,
          references: r.references,
        },
      ]),
    )
    return { rules, benchmark: `${code.title} ${code.version}`.trim() }
  }
  try {
    const p = packs.resolve(id)
    const rules = new Map<string, RuleText>(
      p.rules.map((r) => [
        r.id,
        {
          title: r.title,
          description: r.description,
          remediation: r.remediation,
          rationale: r.rationale,
          references: r.references.map((x) => ({ system: x.system, id: x.id })),
        },
      ]),
    )
    return { rules, benchmark: `${p.title} ${p.version}`.trim() }
  } catch {
    // A custom pack removed since the scan: its results still report, without the pack's words.
    return undefined
  }
}

/** Rule text by scan: the benchmark when the scan evaluated SCAP content, else the rule pack it ran. */
export function ruleTexts(deps: { content: ContentRepo; packs: RulePacks }) {
  const cache = new Map<string, RuleSource>()
  const empty: RuleSource = { rules: new Map(), benchmark: '' }
  return (scan: { info: Record<string, string>; profileId: string }): RuleSource => {
    const sha = scan.info.content ?? ''
    const pack = scan.info.pack ?? ''
    const key = sha ? `content|${sha}` : pack ? `pack|${pack}` : ''
    if (!key) return empty
    let src = cache.get(key)
    if (!src) {
      src = (sha ? fromBenchmark(deps.content, sha) : fromPack(deps.packs, pack)) ?? empty
      cache.set(key, src)
    }
    return src
  }
}

/**
 * A result's rule text. A GitHub repository check's result names its repository after '@'
 * ("repo-branch-protection@acme/api"); its words and references are the check's.
 */
export const ruleTextOf = (src: RuleSource, ruleId: string): RuleText | undefined =>
  src.rules.get(ruleId) ?? src.rules.get(baseRuleId(ruleId))
