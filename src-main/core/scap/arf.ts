// Reads scan results (an ARF report as `oscap --results-arf` writes it, or an XCCDF 1.2 TestResult) in one
// streaming pass into per-rule results, with the titles and idents of the benchmark the ARF carries.
import type { XmlTag } from './xml-tokenizer'
import type { RuleResult, RuleStatus } from '../scanners/scanner'
import { DEFAULT_LIMITS, type Limits } from './limits'
import { identSystem } from './references'
import { ScapError } from './types'
import {
  OVAL_KEPT,
  RULE_RESULT_WITH_EVIDENCE,
  SKIPPED_FOREIGN,
  WANTED_CHILDREN,
  XCCDF_ONLY,
  type Kind,
} from './arf-kinds'
import { attr, collapse, count } from './xml-util'
import { readXml, XmlReader, type XmlHandlers, type XmlSource } from './xml-reader'

export type { Limits } from './limits'
/** The earlier name of the limits this reader takes. */
export type ArfLimits = Limits

export interface ArfTestResult {
  id: string
  benchmarkId?: string
  profileId: string
  startTime: string
  endTime: string
  /** The <target> the scan ran on: a host name. */
  target: string
  /** target-facts by name; a fact that repeats (a host's several MAC addresses) is joined with ', '. */
  targetFacts: Record<string, string>
  /** The scanner's own <score> (oscap's weighted default model), not pass / (pass + fail). */
  score?: number
  /** Value id → the value the scan used. */
  setValues: Record<string, string>
}

export interface ArfResults {
  testResult: ArfTestResult
  results: RuleResult[]
}

export interface ArfSummary {
  total: number
  byStatus: Record<RuleStatus, number>
  bySeverity: Record<string, number>
  /** Failed rules by severity: what the auditor triages first. */
  failedBySeverity: Record<string, number>
  /** pass / (pass + fail) as 0–100, or null when no rule passed or failed. */
  score: number | null
}

const NS_ARF = 'http://scap.nist.gov/schema/asset-reporting-format/1.1'
const NS_XCCDF = 'http://checklists.nist.gov/xccdf/1.2'
const DEFAULT_SCORING = 'urn:xccdf:scoring:default'

export const RULE_STATUSES: readonly RuleStatus[] = [
  'pass',
  'fail',
  'error',
  'unknown',
  'notapplicable',
  'notchecked',
  'notselected',
  'informational',
  'fixed',
]
const STATUS_SET = new Set<string>(RULE_STATUSES)

/**
 * Parses ARF results from a file path, bytes or a stream, never building a document tree. Refuses DTDs,
 * enforces the datastream reader's limits, and throws a ScapError naming what is wrong: malformed or cut-off
 * XML, not UTF-8, no TestResult, a rule with two results, or a result for a rule the benchmark lacks.
 */
export async function parseArf(
  source: ArfSource,
  opts: Limits & { signal?: AbortSignal } = {},
): Promise<ArfResults> {
  const lim = limitsOf(opts)
  const p = new ArfParser(lim)
  await readXml(p.reader, source, { maxBytes: lim.maxBytes, signal: opts.signal })
  return p.finish()
}

/**
 * A file path, bytes, or a stream of chunks (a Readable, or any async iterable of Buffers, as they arrive over
 * SSH): every reader takes chunks as they come and holds no more of the file than the token in hand.
 */
export type ArfSource = XmlSource

export function limitsOf(opts: Limits): Required<Limits> {
  const lim: Required<Limits> = { ...DEFAULT_LIMITS }
  for (const k of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const v = opts[k]
    if (v !== undefined) lim[k] = v
  }
  return lim
}

/** Counts by status and severity, and the score auditors quote: pass / (pass + fail), 0–100. */
export function arfSummary(results: readonly RuleResult[]): ArfSummary {
  const byStatus = Object.fromEntries(RULE_STATUSES.map((s) => [s, 0])) as Record<RuleStatus, number>
  const bySeverity: Record<string, number> = {}
  const failedBySeverity: Record<string, number> = {}
  for (const r of results) {
    byStatus[r.status]++
    bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + 1
    if (r.status === 'fail') failedBySeverity[r.severity] = (failedBySeverity[r.severity] ?? 0) + 1
  }
  const decided = byStatus.pass + byStatus.fail
  return {
    total: results.length,
    byStatus,
    bySeverity,
    failedBySeverity,
    score: decided === 0 ? null : (100 * byStatus.pass) / decided,
  }
}

interface Capture {
  depth: number
  out: string
  done: (text: string) => void
}

interface BenchRule {
  title: string
  severity: string
  idents: { system: string; id: string }[]
}

interface ResultDraft extends RuleResult {
  /** Whether the <result> element was seen: a rule-result without one says nothing. */
  hasResult: boolean
  messages: string[]
  line: number
}

export class ArfParser {
  readonly reader: XmlReader
  private readonly lim: Required<Limits>
  /** Whether OVAL results are read in the same pass (for evidence), so not skipped. */
  keepOval = false
  /** Another reader riding the same pass (OVAL evidence): it sees every element this one does not skip. */
  also: XmlHandlers | undefined
  private sawRoot = false
  private readonly kinds: Kind[] = []
  private capture: Capture | null = null

  /** Benchmark id → its rules, from every Benchmark the file carries (an ARF's report-request). */
  private readonly benchmarks = new Map<string, Map<string, BenchRule>>()
  private benchRules: Map<string, BenchRule> | null = null
  private benchRule: BenchRule | null = null
  private benchRuleCount = 0

  private testResults = 0
  private tr: ArfTestResult | null = null
  private scores: { system: string; value: number }[] = []
  private readonly results: ResultDraft[] = []
  private readonly seen = new Set<string>()
  private rr: ResultDraft | null = null

  constructor(lim: Required<Limits>) {
    this.lim = lim
    this.reader = new XmlReader(lim, {
      open: (t) => {
        this.onOpen(t)
        this.also?.open(t)
      },
      close: (t) => {
        this.onClose()
        this.also?.close(t)
      },
      text: (t) => {
        this.onText(t)
        this.also?.text?.(t)
      },
      cdata: (t) => {
        if (this.capture) this.onText(t)
        this.also?.cdata?.(t)
      },
    })
  }

  /** The rule-result being read, if any. */
  current(): { ruleId: string; status: RuleStatus; hasResult: boolean } | null {
    return this.rr
  }

  private tooMany(what: string, max: number): never {
    throw new ScapError('too_many', `The results have more than ${count(max)} ${what} (the limit)`)
  }

  private onText(t: string): void {
    const c = this.capture
    if (!c) return
    c.out += t
    if (c.out.length > this.lim.maxTextLength) this.reader.textTooLong()
  }

  private startCapture(done: (text: string) => void): Kind {
    this.capture = { depth: this.reader.depth, out: '', done }
    this.reader.textOn()
    return 'capture'
  }

  private onOpen(tag: XmlTag): void {
    // Inside captured text an element is markup (e.g. XHTML in a title): its words count, it does not.
    if (this.capture) return
    if (!this.sawRoot) this.checkRoot(tag)
    const parent = this.kinds[this.kinds.length - 1]
    const kind = tag.uri === NS_XCCDF ? this.classify(tag, parent) : this.foreign(tag, parent)
    if (kind === 'skip') this.reader.skip()
    else if (kind in WANTED_CHILDREN) this.reader.only(this.wanted(kind as keyof typeof WANTED_CHILDREN))
    this.kinds.push(kind)
  }

  /** Of a rule-result, the evidence reader riding the pass also reads which OVAL definition was checked. */
  private wanted(kind: keyof typeof WANTED_CHILDREN): ReadonlySet<string> {
    return kind === 'rule-result' && this.also ? RULE_RESULT_WITH_EVIDENCE : WANTED_CHILDREN[kind]
  }

  /** A non-XCCDF element: OVAL results are kept only when the evidence reader shares the pass. */
  private foreign(tag: XmlTag, parent: Kind | undefined): Kind {
    if (parent === 'oval') return 'oval'
    if (XCCDF_ONLY.has(parent)) return 'skip'
    if (!SKIPPED_FOREIGN.has(tag.local)) return 'other'
    return this.keepOval && OVAL_KEPT.has(tag.local) ? 'oval' : 'skip'
  }

  private onClose(): void {
    const c = this.capture
    if (c && this.reader.depth > c.depth) return
    if (c) {
      this.capture = null
      this.reader.textOff()
      c.done(c.out)
    }
    this.closeKind(this.kinds.pop())
  }

  private checkRoot(tag: XmlTag): void {
    this.sawRoot = true
    if (tag.uri === NS_ARF && tag.local === 'asset-report-collection') return
    if (tag.uri === NS_XCCDF && (tag.local === 'Benchmark' || tag.local === 'TestResult')) return
    if (tag.uri.startsWith('http://checklists.nist.gov/xccdf/')) {
      throw new ScapError(
        'not_scap',
        `The file holds XCCDF in namespace ${tag.uri}; Driftwatch reads XCCDF 1.2 results`,
      )
    }
    throw new ScapError(
      'not_scap',
      `The file is XML but not scan results: its root element is {${tag.uri}}${tag.local}, not an ARF ` +
        'asset-report-collection or an XCCDF 1.2 TestResult',
    )
  }

  private classify(tag: XmlTag, parent: Kind | undefined): Kind {
    const local = tag.local
    if (local === 'TestResult') return this.openTestResult(tag)
    switch (parent) {
      case 'test-result':
        return this.openTestResultChild(tag)
      case 'rule-result':
        return this.openRuleResultChild(tag)
      case 'target-facts':
        if (local === 'fact') {
          const name = attr(tag, 'name') ?? ''
          const facts = this.tr!.targetFacts
          return this.startCapture((t) => {
            const v = t.trim()
            const had = facts[name]
            if (had === undefined) facts[name] = v
            else if (!had.split(', ').includes(v)) facts[name] = `${had}, ${v}`
          })
        }
        return 'skip'
      case 'bench-rule': {
        const r = this.benchRule!
        if (local === 'title') return this.startCapture((t) => (r.title ||= collapse(t)))
        if (local === 'ident') {
          const system = identSystem(attr(tag, 'system') ?? '')
          return this.startCapture((t) => {
            const id = t.trim()
            if (id) r.idents.push({ system, id })
          })
        }
        return 'skip'
      }
      case 'benchmark':
      case 'group':
        // Rules sit in Groups at any depth; profiles, values and prose are not results' business.
        if (local === 'Group') return 'group'
        if (local === 'Rule') return this.openBenchRule(tag)
        return 'skip'
      default:
        break
    }
    if (local === 'Benchmark') {
      if (this.benchRules) return 'skip'
      this.benchRules = new Map()
      this.benchmarks.set(attr(tag, 'id') ?? '', this.benchRules)
      return 'benchmark'
    }
    return 'other'
  }

  private openBenchRule(tag: XmlTag): Kind {
    if (!this.benchRules || this.tr) return 'skip'
    if (++this.benchRuleCount > this.lim.maxRules) this.tooMany('rules', this.lim.maxRules)
    this.benchRule = { title: '', severity: attr(tag, 'severity') ?? '', idents: [] }
    const id = attr(tag, 'id') ?? ''
    if (!this.benchRules.has(id)) this.benchRules.set(id, this.benchRule)
    return 'bench-rule'
  }

  private openTestResult(tag: XmlTag): Kind {
    if (++this.testResults > 1) {
      throw new ScapError(
        'invalid',
        'The file holds more than one XCCDF TestResult; Driftwatch reads the results of one scan per file',
      )
    }
    this.tr = {
      id: attr(tag, 'id') ?? '',
      profileId: '',
      startTime: attr(tag, 'start-time') ?? '',
      endTime: attr(tag, 'end-time') ?? '',
      target: '',
      targetFacts: {},
      setValues: {},
    }
    return 'test-result'
  }

  private openTestResultChild(tag: XmlTag): Kind {
    const tr = this.tr!
    const idref = attr(tag, 'idref')
    switch (tag.local) {
      case 'benchmark': {
        const id = attr(tag, 'id')
        if (id) tr.benchmarkId = id
        return 'other'
      }
      case 'profile':
        if (idref) tr.profileId = idref
        return 'other'
      case 'target':
        return this.startCapture((t) => (tr.target ||= t.trim()))
      case 'target-facts':
        return 'target-facts'
      case 'set-value':
        if (!idref) return 'other'
        return this.startCapture((t) => (tr.setValues[idref] = t))
      case 'score': {
        const system = attr(tag, 'system') ?? DEFAULT_SCORING
        return this.startCapture((t) => {
          const value = Number(t.trim())
          if (t.trim() !== '' && Number.isFinite(value)) this.scores.push({ system, value })
        })
      }
      case 'rule-result':
        return this.openRuleResult(tag)
      default:
        return 'skip'
    }
  }

  private openRuleResult(tag: XmlTag): Kind {
    const id = attr(tag, 'idref') ?? ''
    if (!id)
      throw new ScapError('invalid', `A rule-result at line ${this.reader.line} names no rule (no idref)`)
    if (this.seen.has(id)) {
      throw new ScapError('invalid', `The results are inconsistent: rule ${id} has two results`)
    }
    if (this.results.length >= this.lim.maxRules) this.tooMany('rule results', this.lim.maxRules)
    this.seen.add(id)
    this.rr = {
      ruleId: id,
      status: 'unknown',
      severity: attr(tag, 'severity') ?? '',
      title: '',
      actual: '',
      expected: '',
      message: '',
      idents: [],
      hasResult: false,
      messages: [],
      line: this.reader.line,
    }
    return 'rule-result'
  }

  private openRuleResultChild(tag: XmlTag): Kind {
    const r = this.rr!
    switch (tag.local) {
      case 'result':
        return this.startCapture((t) => {
          const s = t.trim()
          if (!STATUS_SET.has(s)) {
            throw new ScapError(
              'invalid',
              `Rule ${r.ruleId} has result "${s.slice(0, 40)}", which is not an XCCDF result ` +
                `(one of ${RULE_STATUSES.join(', ')})`,
            )
          }
          r.status = s as RuleStatus
          r.hasResult = true
        })
      case 'ident': {
        const system = identSystem(attr(tag, 'system') ?? '')
        return this.startCapture((t) => {
          const id = t.trim()
          if (id) r.idents.push({ system, id })
        })
      }
      case 'message':
        return this.startCapture((t) => {
          const m = t.trim()
          if (m) r.messages.push(m)
        })
      case 'check':
        // check-import sits in check (or complex-check) below the rule-result: the rule-result kind carries on.
        return 'rule-result'
      case 'complex-check':
        return 'rule-result'
      case 'check-import':
        return this.startCapture((t) => {
          const m = t.trim()
          if (m) r.messages.push(m)
        })
      default:
        return 'skip'
    }
  }

  private closeKind(kind: Kind | undefined): void {
    switch (kind) {
      case 'benchmark':
        this.benchRules = null
        return
      case 'bench-rule':
        this.benchRule = null
        return
      case 'rule-result': {
        // A closing check or complex-check shares the kind; only the rule-result's own close ends it.
        const r = this.rr
        if (!r || this.kinds[this.kinds.length - 1] === 'rule-result') return
        if (!r.hasResult) {
          throw new ScapError('invalid', `The rule-result for ${r.ruleId} (line ${r.line}) has no <result>`)
        }
        this.results.push(r)
        this.rr = null
        return
      }
      default:
    }
  }

  finish(): ArfResults {
    const tr = this.tr
    if (!tr) {
      throw new ScapError(
        'not_scap',
        'The file is well-formed XML but holds no XCCDF 1.2 TestResult, so there are no results to read',
      )
    }
    const score = this.scores.find((s) => s.system === DEFAULT_SCORING) ?? this.scores[0]
    if (score) tr.score = score.value
    const rules =
      (tr.benchmarkId !== undefined ? this.benchmarks.get(tr.benchmarkId) : undefined) ??
      (this.benchmarks.size === 1 ? [...this.benchmarks.values()][0] : undefined)
    const results = this.results.map(({ hasResult: _h, messages, line: _l, ...r }): RuleResult => {
      const rule = rules?.get(r.ruleId)
      // Without the benchmark a rule cannot be checked; with it, a stranger means the ARF was tampered with
      // or stitched together from two scans.
      if (rules && !rule) {
        throw new ScapError(
          'invalid',
          `The results name rule ${r.ruleId}, which is not in the benchmark the file carries` +
            (tr.benchmarkId ? ` (${tr.benchmarkId})` : ''),
        )
      }
      return {
        ...r,
        severity: r.severity || rule?.severity || 'unknown',
        title: rule?.title ?? '',
        message: messages.join('\n'),
        idents: r.idents.length ? r.idents : (rule?.idents ?? []),
      }
    })
    return { testResult: tr, results }
  }
}
