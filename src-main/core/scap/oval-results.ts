// Reads the OVAL side of an ARF in one streaming pass through the hardened XML reader: which OVAL definition
// each XCCDF rule ran, and of each OVAL results report only the parts evidence is made of (tests, objects,
// states, variables, the results of definitions and tests, collected objects and the items they hold).
// Definition metadata and the source datastream are skipped; items are kept only for the rules asked about.
import type { XmlTag } from './xml-tokenizer'
import { DEFAULT_LIMITS, type Limits } from './limits'
import { readXml, XmlReader, type XmlHandlers, type XmlSource } from './xml-reader'

const NS_ARF = 'http://scap.nist.gov/schema/asset-reporting-format/1.1'
const NS_XCCDF = 'http://checklists.nist.gov/xccdf/1.2'
const NS_RESULTS = 'http://oval.mitre.org/XMLSchema/oval-results-5'
const NS_DEFS = 'http://oval.mitre.org/XMLSchema/oval-definitions-5'
const NS_SC = 'http://oval.mitre.org/XMLSchema/oval-system-characteristics-5'

/** An element kept as a small tree: its local name, attributes, text and children. */
export interface OvalNode {
  name: string
  attrs: Record<string, string>
  text: string
  children: OvalNode[]
}

/** What one OVAL results report holds, by id. */
export interface OvalReport {
  /** Tests, objects, states and variables of the definitions the scanner evaluated (their ids differ by type). */
  defs: Map<string, OvalNode>
  /** definition_id → the definition's result with its criteria tree. */
  results: Map<string, OvalNode>
  /** test_id → the test's result with its tested items and variables. */
  tests: Map<string, OvalNode>
  /** object id → the collected object: flag, messages, item references. */
  collected: Map<string, OvalNode>
  /** item id → the item the scanner collected. */
  items: Map<string, OvalNode>
}

export interface OvalResults {
  /** Rule id → the OVAL definition its check named and the report (ARF report id, '' for a bare file). */
  refs: Map<string, { definition: string; report: string }>
  reports: Map<string, OvalReport>
}

/** Kept text per element: an item's text may be a whole file (single-line patterns); evidence needs a line. */
const TEXT_KEEP = 2000
/** Item references kept per collected object: enough to show and count, bounded for a scan of every file. */
export const REFS_KEEP = 200
const MAX_ITEMS = 200_000

const emptyReport = (): OvalReport => ({
  defs: new Map(),
  results: new Map(),
  tests: new Map(),
  collected: new Map(),
  items: new Map(),
})

type Sink = (node: OvalNode) => void

/** Whether a rule's OVAL check is wanted; asked when its check-content-ref is read. */
export type RuleWanted = (ruleId: string) => boolean

export class OvalResultsParser {
  readonly reader: XmlReader
  readonly handlers: XmlHandlers
  readonly out: OvalResults = { refs: new Map(), reports: new Map() }
  /** Local names of the open elements outside captured trees. */
  private readonly path: string[] = []
  private readonly uris: string[] = []
  private readonly reportIds: string[] = []
  private rule = ''
  private capture: { stack: OvalNode[]; sink: Sink; depth: number } | null = null
  private itemsKept = 0
  /** Per report, the item ids the wanted rules need, worked out when its system data starts. */
  private readonly neededItems = new Map<string, Set<string> | null>()

  /** With `shared`, the parser rides another reader's pass (the ARF's) through `handlers`. */
  constructor(
    lim: Required<Limits>,
    private readonly wanted: RuleWanted,
    private readonly needed: (results: OvalResults, report: string) => Set<string>,
    shared?: XmlReader,
  ) {
    this.handlers = {
      open: (t) => this.onOpen(t),
      close: () => this.onClose(),
      text: (t) => this.onText(t),
      cdata: (t) => this.onText(t),
    }
    this.reader = shared ?? new XmlReader(lim, this.handlers)
  }

  private report(): OvalReport {
    const id = this.reportIds.at(-1) ?? ''
    let r = this.out.reports.get(id)
    if (!r) this.out.reports.set(id, (r = emptyReport()))
    return r
  }

  private onText(t: string): void {
    const node = this.capture?.stack.at(-1)
    if (node && node.text.length < TEXT_KEEP) node.text += t.slice(0, TEXT_KEEP - node.text.length)
  }

  private startCapture(tag: XmlTag, sink: Sink): void {
    this.capture = { stack: [toNode(tag)], sink, depth: this.reader.depth }
    this.reader.textOn()
  }

  private onOpen(tag: XmlTag): void {
    const c = this.capture
    if (c) {
      const node = toNode(tag)
      c.stack.at(-1)!.children.push(node)
      c.stack.push(node)
      return
    }
    const parent = this.path.at(-1) ?? ''
    const grand = this.path.at(-2) ?? ''
    const local = tag.local
    this.path.push(local)
    this.uris.push(tag.uri)
    if (tag.uri === NS_ARF && local === 'report') this.reportIds.push(tag.attributes.id?.value ?? '')
    if (tag.uri === NS_XCCDF) return this.onXccdf(tag)
    const inDefs = grand === 'oval_definitions' && this.uris.at(-3) === NS_DEFS
    if (
      inDefs &&
      (parent === 'tests' || parent === 'objects' || parent === 'states' || parent === 'variables')
    ) {
      const defs = this.report().defs
      return this.startCapture(tag, (n) => defs.set(n.attrs.id ?? '', n))
    }
    if (tag.uri === NS_RESULTS && grand === 'system') {
      if (local === 'definition' && parent === 'definitions') {
        const results = this.report().results
        return this.startCapture(tag, (n) => results.set(n.attrs.definition_id ?? '', n))
      }
      if (local === 'test' && parent === 'tests') {
        const tests = this.report().tests
        return this.startCapture(tag, (n) => tests.set(n.attrs.test_id ?? '', n))
      }
    }
    if (tag.uri === NS_SC && local === 'object' && parent === 'collected_objects') {
      const collected = this.report().collected
      return this.startCapture(tag, (n) => {
        // A collected object may name every file on the system: the first references show, the count is kept.
        const refs = n.children.filter((x) => x.name === 'reference')
        if (refs.length > REFS_KEEP) {
          n.attrs['dw-refs'] = String(refs.length)
          let kept = 0
          n.children = n.children.filter((x) => x.name !== 'reference' || kept++ < REFS_KEEP)
        }
        collected.set(n.attrs.id ?? '', n)
      })
    }
    if (parent === 'system_data' && this.uris.at(-2) === NS_SC) {
      const id = tag.attributes.id?.value ?? ''
      if (!this.itemWanted(id)) return
      const items = this.report().items
      return this.startCapture(tag, (n) => items.set(id, n))
    }
  }

  private itemWanted(id: string): boolean {
    const report = this.reportIds.at(-1) ?? ''
    let need = this.neededItems.get(report)
    if (need === undefined) {
      // Rules, results and collected objects come before the system data in what oscap writes; a file that
      // orders them otherwise keeps every item, up to the cap.
      need = this.out.refs.size ? this.needed(this.out, report) : null
      this.neededItems.set(report, need)
    }
    if (need && !need.has(id)) return false
    return ++this.itemsKept <= MAX_ITEMS
  }

  private onXccdf(tag: XmlTag): void {
    if (tag.local === 'rule-result') {
      this.rule = tag.attributes.idref?.value ?? ''
      return
    }
    if (
      tag.local === 'check-content-ref' &&
      this.rule &&
      !this.out.refs.has(this.rule) &&
      this.wanted(this.rule)
    ) {
      const name = tag.attributes.name?.value ?? ''
      const href = tag.attributes.href?.value ?? ''
      if (name)
        this.out.refs.set(this.rule, { definition: name, report: href.startsWith('#') ? href.slice(1) : '' })
    }
  }

  private onClose(): void {
    const c = this.capture
    if (c) {
      if (this.reader.depth > c.depth) {
        c.stack.pop()
        return
      }
      this.capture = null
      this.reader.textOff()
      c.sink(c.stack[0]!)
    }
    const local = this.path.pop()
    const uri = this.uris.pop()
    if (uri === NS_ARF && local === 'report') this.reportIds.pop()
    if (uri === NS_XCCDF && local === 'rule-result') this.rule = ''
  }
}

function toNode(tag: XmlTag): OvalNode {
  const attrs: Record<string, string> = {}
  for (const [k, a] of Object.entries(tag.attributes)) attrs[a.local || k] = a.value
  return { name: tag.local, attrs, text: '', children: [] }
}

/**
 * Reads the OVAL results an ARF carries for the rules named in `rules`, streaming, under the same limits as
 * every SCAP file. `needed` says which collected items a report's evidence will use, so only those are kept.
 */
export async function readOvalResults(
  source: XmlSource,
  rules: ReadonlySet<string>,
  needed: (results: OvalResults, report: string) => Set<string>,
  opts: Limits & { signal?: AbortSignal } = {},
): Promise<OvalResults> {
  const lim: Required<Limits> = { ...DEFAULT_LIMITS }
  for (const k of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const v = opts[k]
    if (v !== undefined) lim[k] = v
  }
  const p = new OvalResultsParser(lim, (id) => rules.has(id), needed)
  await readXml(p.reader, source, { maxBytes: lim.maxBytes, signal: opts.signal })
  return p.out
}
