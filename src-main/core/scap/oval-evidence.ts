// OS evidence in words from an ARF: for each rule that passed, failed or errored, the OVAL definition it ran,
// followed to the tests that decided it, the objects they examined, the items the scanner collected and the
// state they were held against — "/etc/login.defs: no line sets PASS_MIN_LEN; expected ≥ 15".
import type { EvidenceCheck } from '../model/evidence'
import type { RuleStatus } from '../model/scan'
import type { Limits } from './limits'
import { readOvalResults, type OvalNode, type OvalReport, type OvalResults } from './oval-results'
import type { XmlSource } from './xml-reader'
import {
  existenceWords,
  itemWords,
  missingWords,
  objectWords,
  stateWords,
  type ObjectWords,
} from './oval-words'

/** Checks shown per rule and items per check: what a reader takes in; the ARF keeps the rest. */
const MAX_CHECKS = 8
const MAX_ITEMS = 5
const MAX_DEPTH = 16
const EXPLAINED: ReadonlySet<RuleStatus> = new Set(['pass', 'fail', 'error'])

interface Use {
  test: string
  /** The criterion's result as the definition counted it (after any negate). */
  result: string
  negate: boolean
  depth: number
}

/** The tests that decided a definition's result: for a failure those that failed, for a pass those that held. */
function decidingTests(rep: OvalReport, definition: string): Use[] {
  const out: Use[] = []
  const seen = new Set<string>()
  const walk = (node: OvalNode, parentResult: string, depth: number) => {
    if (depth > MAX_DEPTH) return
    for (const c of node.children) {
      const result = c.attrs.result ?? ''
      const explains =
        result === parentResult || (parentResult === 'false' && (result === 'error' || result === 'unknown'))
      if (!explains) continue
      if (c.name === 'criteria') walk(c, result, depth + 1)
      else if (c.name === 'criterion' && c.attrs.test_ref && !seen.has(c.attrs.test_ref)) {
        seen.add(c.attrs.test_ref)
        out.push({ test: c.attrs.test_ref, result, negate: c.attrs.negate === 'true', depth })
      } else if (
        c.name === 'extend_definition' &&
        c.attrs.definition_ref &&
        !seen.has(c.attrs.definition_ref)
      ) {
        seen.add(c.attrs.definition_ref)
        const ext = rep.results.get(c.attrs.definition_ref)
        if (ext) walk(ext, ext.attrs.result ?? '', depth + 1)
      }
    }
  }
  const def = rep.results.get(definition)
  if (def) walk(def, def.attrs.result ?? '', 0)
  // The rule's own tests first, then those of definitions it extends (platform and package checks).
  return out.sort((a, b) => a.depth - b.depth)
}

/** The object a test examined, and, behind a variable, the object whose items the variable was read from. */
function objectsOf(rep: OvalReport, test: OvalNode | undefined): { own?: OvalNode; described?: OvalNode } {
  const ref = test?.children.find((c) => c.name === 'object')?.attrs.object_ref
  const own = ref ? rep.defs.get(ref) : undefined
  let described = own
  for (let i = 0; i < 4 && described; i++) {
    if (described.name === 'variable_object') {
      const v = rep.defs.get(described.children.find((c) => c.name === 'var_ref')?.text.trim() ?? '')
      const comp = v && findDeep(v, (n) => n.name === 'object_component')
      const next = comp?.attrs.object_ref ? rep.defs.get(comp.attrs.object_ref) : undefined
      if (!next) break
      described = next
      continue
    }
    const set = described.children.find((c) => c.name === 'set')
    const first = set && findDeep(set, (n) => n.name === 'object_reference')
    const next = first ? rep.defs.get(first.text.trim()) : undefined
    if (!next) break
    described = next
  }
  return { own, described }
}

function findDeep(n: OvalNode, pred: (n: OvalNode) => boolean): OvalNode | undefined {
  for (const c of n.children) {
    if (pred(c)) return c
    const d = findDeep(c, pred)
    if (d) return d
  }
  return undefined
}

/** Variable id → the values it held when this test ran (external ones are the XCCDF Values the scan used). */
function testedVariables(rtest: OvalNode | undefined): Map<string, string[]> {
  const vars = new Map<string, string[]>()
  for (const c of rtest?.children ?? [])
    if (c.name === 'tested_variable' && c.attrs.variable_id)
      vars.set(c.attrs.variable_id, [...(vars.get(c.attrs.variable_id) ?? []), c.text.trim()])
  return vars
}

/** Item ids a test shows: those it found at fault first, then the rest its object collected. */
function itemIds(rep: OvalReport, use: Use, objectId: string): { ids: string[]; count: number } {
  const rtest = rep.tests.get(use.test)
  const tested = (rtest?.children ?? []).filter((c) => c.name === 'tested_item' && c.attrs.item_id)
  const collected = rep.collected.get(objectId)
  const refs = (collected?.children ?? [])
    .filter((c) => c.name === 'reference')
    .map((c) => c.attrs.item_ref ?? '')
  const atFault = tested.filter((t) => t.attrs.result !== 'true').map((t) => t.attrs.item_id!)
  const ordered = [
    ...new Set([...(use.result === 'true' ? [] : atFault), ...tested.map((t) => t.attrs.item_id!), ...refs]),
  ]
  const count = Math.max(Number(collected?.attrs['dw-refs'] ?? 0), refs.length, tested.length)
  return { ids: ordered.filter(Boolean), count }
}

function describe(rep: OvalReport, use: Use): EvidenceCheck {
  const test = rep.defs.get(use.test)
  const rtest = rep.tests.get(use.test)
  const { own, described } = objectsOf(rep, test)
  const obj: ObjectWords = objectWords(described)
  if (own?.name === 'variable_object') obj.type = 'variable'
  // A value computed by a variable (a umask as a number) is named by what the variable says it is.
  if (described?.name === 'variable_object' || !obj.subject) {
    const v = rep.defs.get(described?.children.find((c) => c.name === 'var_ref')?.text.trim() ?? '')
    obj.subject = v?.attrs.comment?.trim() || test?.attrs.comment?.trim() || use.test
  }
  const vars = testedVariables(rtest)
  const objectId = own?.attrs.id ?? ''
  const { ids, count } = itemIds(rep, use, objectId)
  const items = ids.map((id) => rep.items.get(id)).filter((n): n is OvalNode => Boolean(n))
  const found = [
    ...new Set(
      items
        .slice(0, MAX_ITEMS)
        .map((i) => itemWords(i, obj))
        .filter(Boolean),
    ),
  ]
  // Items whose path the object did not fix name theirs; the subject then says where they were looked for.
  const collected = rep.collected.get(objectId)
  const flag = collected?.attrs.flag ?? ''
  let missing = ''
  if (found.length === 0) {
    const msg = collected?.children.find((c) => c.name === 'message')?.text.trim() ?? ''
    missing =
      flag === 'error'
        ? `could not be read${msg ? ` (${msg})` : ''}`
        : flag === 'not collected'
          ? 'not collected by the scanner'
          : count > 0
            ? `${count} items (details in the ARF)`
            : missingWords(obj)
  }
  const states = (test?.children ?? [])
    .filter((c) => c.name === 'state')
    .map((c) => rep.defs.get(c.attrs.state_ref ?? ''))
  let expected = states
    .map((s) => stateWords(s, vars))
    .filter(Boolean)
    .join(', ')
  // SSG's ownership and permission checks collect only what breaks the rule (a filter excludes what complies)
  // and expect none: what the filter excludes is what was expected.
  const allowed = excludedBy(rep, described, vars)
  const existence = test?.attrs.check_existence ?? 'at_least_one_exists'
  if (!expected && allowed && existence === 'none_exist') {
    expected = allowed
    if (found.length === 0 && !flag.includes('error')) missing = `nothing found other than ${allowed}`
  } else if (!expected) expected = existenceWords(existence, obj)
  else if (test?.attrs.check === 'none satisfy') expected = `none ${expected}`
  if (use.negate && expected) expected = `not (${expected})`
  const subject = obj.subject
  const holds = use.result === 'true' ? true : use.result === 'false' ? false : null
  const saw = found.length
    ? found.join('; ') + (count > found.length ? ` (and ${count - found.length} more)` : '')
    : missing
  return {
    subject,
    setting: obj.setting,
    found,
    foundCount: Math.max(count, found.length),
    missing,
    expected,
    holds,
    text: `${subject}: ${saw}${expected ? `; expected ${expected}` : ''}`,
  }
}

/** What an object's exclude filters let through, in words ("owner uid 0"); symbolic links are not the point. */
function excludedBy(rep: OvalReport, obj: OvalNode | undefined, vars: Map<string, string[]>): string {
  const words = (obj?.children ?? [])
    .filter((c) => c.name === 'filter' && (c.attrs.action ?? 'exclude') === 'exclude')
    .map((c) => stateWords(rep.defs.get(c.text.trim()), vars))
    .filter((w) => w && !/symbolic link/.test(w))
  return words.join(' or ')
}

/** Evidence for one rule from its OVAL definition; [] when the report or definition is not in the file. */
export function ruleEvidence(results: OvalResults, ruleId: string): EvidenceCheck[] {
  const ref = results.refs.get(ruleId)
  if (!ref) return []
  const rep =
    results.reports.get(ref.report) ??
    [...results.reports.values()].find((r) => r.results.has(ref.definition))
  if (!rep) return []
  return decidingTests(rep, ref.definition)
    .slice(0, MAX_CHECKS)
    .map((u) => describe(rep, u))
}

/** The items a report's evidence will name, worked out before its system data streams past. */
export function neededItems(results: OvalResults, report: string): Set<string> {
  const need = new Set<string>()
  for (const ref of results.refs.values()) {
    const rep = results.reports.get(ref.report) ?? results.reports.get(report)
    if (!rep || (ref.report && ref.report !== report)) continue
    for (const use of decidingTests(rep, ref.definition).slice(0, MAX_CHECKS)) {
      const { own } = objectsOf(rep, rep.defs.get(use.test))
      for (const id of itemIds(rep, use, own?.attrs.id ?? '').ids.slice(0, MAX_ITEMS)) need.add(id)
    }
  }
  return need
}

/**
 * Reads an ARF (streaming, under the SCAP reader's limits) and says in words what each rule that passed,
 * failed or errored examined and found. Rules without an OVAL check (or outside `statuses`) get nothing.
 */
export async function ovalEvidence(
  source: XmlSource,
  statuses: ReadonlyMap<string, RuleStatus>,
  opts: Limits & { signal?: AbortSignal } = {},
): Promise<Map<string, EvidenceCheck[]>> {
  const wanted = new Set([...statuses].filter(([, s]) => EXPLAINED.has(s)).map(([id]) => id))
  if (wanted.size === 0) return new Map()
  return evidenceOf(await readOvalResults(source, wanted, neededItems, opts), wanted)
}

/** Whether a rule with this status gets evidence: one that passed, failed or errored. */
export function explained(status: RuleStatus): boolean {
  return EXPLAINED.has(status)
}

/** The evidence of each rule in `wanted` from OVAL results already read. */
export function evidenceOf(results: OvalResults, wanted: Iterable<string>): Map<string, EvidenceCheck[]> {
  const out = new Map<string, EvidenceCheck[]>()
  for (const id of wanted) {
    const checks = ruleEvidence(results, id)
    if (checks.length) out.set(id, checks)
  }
  return out
}
