// Reads a SCAP 1.2/1.3 source datastream (or a plain XCCDF 1.2 Benchmark) in one streaming pass: what an
// auditor needs of each benchmark (profiles, groups, rules, Values) as plain data, plus the file's SHA-256.
import { createHash } from 'node:crypto'
import type { SaxesAttributeNS, SaxesTagNS } from 'saxes'
import {
  ScapError,
  type Benchmark,
  type ParsedDatastream,
  type Reference,
  type Severity,
  type ValueOperator,
  type ValueType,
  type XccdfGroup,
  type XccdfProfile,
  type XccdfRule,
  type XccdfValue,
} from './types'
import { attr, count } from './xml-util'
import { TextCapture, type CaptureMode } from './xccdf-text'
import { readXml, XML_DEFAULT_LIMITS, XmlReader } from './xml-reader'

/** Caps that keep a hostile or broken file from costing more than bounded time and memory. */
export interface Limits {
  maxBytes?: number
  maxDepth?: number
  maxElements?: number
  maxAttributeLength?: number
  maxTextLength?: number
  maxBenchmarks?: number
  maxProfiles?: number
  maxGroups?: number
  maxRules?: number
  maxValues?: number
}

export const DEFAULT_LIMITS: Required<Limits> = {
  ...XML_DEFAULT_LIMITS,
  maxBenchmarks: 64,
  maxProfiles: 10_000,
  maxGroups: 100_000,
  maxRules: 200_000,
  maxValues: 100_000,
}

export interface ParseOptions extends Limits {
  signal?: AbortSignal
}

const NS_DS = 'http://scap.nist.gov/schema/scap/source/1.2'
const NS_XCCDF = 'http://checklists.nist.gov/xccdf/1.2'
const NS_XLINK = 'http://www.w3.org/1999/xlink'

const SEVERITIES = new Set<Severity>(['unknown', 'info', 'low', 'medium', 'high'])
const VALUE_TYPES = new Set<ValueType>(['number', 'string', 'boolean'])
const OPERATORS = new Set<ValueOperator>([
  'equals',
  'not equal',
  'greater than',
  'less than',
  'greater than or equal',
  'less than or equal',
  'pattern match',
])
/** The remediation systems shown with a rule; others (puppet, osbuild blueprints) are left in the file. */
const FIX_SYSTEMS: Record<string, 'bash' | 'ansible'> = {
  'urn:xccdf:fix:script:sh': 'bash',
  'urn:xccdf:fix:script:ansible': 'ansible',
}
const MAX_FIX = 16 * 1024

interface RuleDraft extends XccdfRule {
  valueSet: Set<string>
}

interface ValueDraft extends XccdfValue {
  boundsSelected: { lower?: number; upper?: number }
}

interface ProfileDraft extends XccdfProfile {
  selects: Map<string, boolean>
}

interface BenchmarkDraft extends Omit<Benchmark, 'profiles' | 'rules' | 'values'> {
  profiles: ProfileDraft[]
  rules: RuleDraft[]
  values: ValueDraft[]
  groupStack: string[]
}

type Kind =
  'other' | 'benchmark' | 'profile' | 'group' | 'rule' | 'value' | 'checklists' | 'data-stream' | 'capture'

/** Where a <reference href> points, as the short system name auditors know. */
export function referenceSystem(href: string, id: string): string {
  const h = href.toLowerCase()
  if (h.includes('nist.sp.800-53')) return 'NIST-800-53'
  if (h.includes('nist.sp.800-171')) return 'NIST-800-171'
  if (h.includes('nist.cswp.04162018')) return 'NIST-CSF'
  if (h.includes('cisecurity.org/controls')) return 'CIS-CSC'
  if (h.includes('cisecurity.org')) return 'CIS'
  if (h.includes('public.cyber.mil/stigs/cci') || /^CCI-\d+$/.test(id)) return 'DISA-CCI'
  if (h.includes('public.cyber.mil/stigs') || h.includes('iase.disa.mil')) {
    return id.startsWith('SRG-') ? 'DISA-SRG' : 'STIG'
  }
  if (h.includes('pcisecuritystandards.org')) {
    return h.includes('pci_dss_v4') || h.includes('pci_dss-v4') ? 'PCI-DSS-4' : 'PCI-DSS'
  }
  if (h.includes('iso.org/standard/54534')) return 'ISO-27001'
  if (h.includes('isaca.org')) return 'COBIT5'
  if (h.includes('62443-3-3')) return 'ISA-62443-2013'
  if (h.includes('62443-2-1')) return 'ISA-62443-2009'
  if (h.includes('nerc.com')) return 'NERC-CIP'
  if (h.includes('cfr-2007-title45')) return 'HIPAA'
  if (h.includes('ssi.gouv.fr')) return 'ANSSI'
  if (h.includes('niap-ccevs.org')) return 'OSPP'
  if (h.includes('cjis')) return 'CJIS'
  if (h.includes('cyber.gov.au') || h.includes('ism')) return 'ISM'
  if (h.includes('hipaa')) return 'HIPAA'
  return 'other'
}

/** The naming authority of an <ident system>, e.g. CCE. */
export function identSystem(system: string): string {
  const s = system.toLowerCase()
  if (s.includes('cce')) return 'CCE'
  if (s.includes('cve')) return 'CVE'
  if (s.includes('cwe')) return 'CWE'
  if (s.includes('cci')) return 'DISA-CCI'
  return 'other'
}

function xlinkHref(tag: SaxesTagNS): string | undefined {
  for (const a of Object.values(tag.attributes) as SaxesAttributeNS[]) {
    if (a.uri === NS_XLINK && a.local === 'href') return a.value
  }
  return undefined
}

function bool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback
  const t = v.trim()
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : fallback
}

/**
 * Parses a source datastream or XCCDF 1.2 Benchmark from a file path or bytes, without ever building a
 * document tree. Refuses DTDs (so no entity is ever expanded) and throws a ScapError naming the problem
 * or the limit that was hit.
 */
export async function parseDatastream(
  source: string | Buffer,
  opts: ParseOptions = {},
): Promise<ParsedDatastream> {
  const lim: Required<Limits> = { ...DEFAULT_LIMITS }
  for (const k of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const v = opts[k]
    if (v !== undefined) lim[k] = v
  }
  const p = new Parser(lim)
  const hash = createHash('sha256')
  let bytes = 0
  const onChunk = (chunk: Buffer) => {
    bytes += chunk.length
    hash.update(chunk)
  }
  await readXml(p.reader, source, { maxBytes: lim.maxBytes, signal: opts.signal, onChunk })

  const benchmarks = p.finish()
  return { sha256: hash.digest('hex'), bytes, scapVersion: p.scapVersion, benchmarks }
}

class Parser {
  readonly reader: XmlReader
  private readonly lim: Required<Limits>
  private sawRoot = false
  private readonly kinds: Kind[] = []
  private capture: TextCapture | null = null

  scapVersion = ''
  private collectionVersion = ''
  private dataStreamId = ''
  private dataStreamVersion = ''
  private componentId = ''
  /** component id → the data-stream and checklist component-ref that point at it. */
  private readonly refs = new Map<string, { dataStreamId: string; refId: string; scapVersion: string }>()
  private readonly benchmarks: BenchmarkDraft[] = []
  private bench: BenchmarkDraft | null = null
  private profile: ProfileDraft | null = null
  private rule: RuleDraft | null = null
  private value: ValueDraft | null = null
  private totals = { profiles: 0, groups: 0, rules: 0, values: 0 }

  constructor(lim: Required<Limits>) {
    this.lim = lim
    this.reader = new XmlReader(lim, {
      open: (t) => this.onOpen(t),
      close: (t) => this.onClose(t),
      text: (t) => this.onText(t),
      cdata: (t) => {
        if (this.capture) this.onText(t)
      },
    })
  }

  private tooMany(what: string, max: number): never {
    throw new ScapError('too_many', `The content has more than ${count(max)} ${what} (the limit)`)
  }

  private onText(t: string): void {
    this.capture?.text(t)
  }

  private startCapture(mode: CaptureMode, done: (text: string) => void): Kind {
    const tooLong = () => this.reader.textTooLong()
    this.capture = new TextCapture(this.reader.depth, mode, done, this.lim.maxTextLength, tooLong)
    this.reader.textOn()
    return 'capture'
  }

  private onOpen(tag: SaxesTagNS): void {
    if (this.capture) return this.capture.open(tag, this.reader.depth)
    if (!this.sawRoot) this.checkRoot(tag)
    const parent = this.kinds[this.kinds.length - 1]
    this.kinds.push(this.classify(tag, parent))
  }

  private onClose(tag: SaxesTagNS): void {
    const c = this.capture
    if (c && this.reader.depth > c.depth) return c.close(tag, this.reader.depth)
    if (c) {
      this.capture = null
      this.reader.textOff()
      c.finish()
    }
    const kind = this.kinds.pop()
    this.closeKind(kind)
  }

  private checkRoot(tag: SaxesTagNS): void {
    this.sawRoot = true
    if (tag.uri === NS_DS && tag.local === 'data-stream-collection') {
      this.collectionVersion = attr(tag, 'schematron-version') ?? ''
      return
    }
    if (tag.uri === NS_XCCDF && tag.local === 'Benchmark') return
    if (tag.local === 'Benchmark' && tag.uri.startsWith('http://checklists.nist.gov/xccdf/')) {
      throw new ScapError(
        'not_scap',
        `The file is an XCCDF Benchmark in namespace ${tag.uri}; Driftwatch reads XCCDF 1.2`,
      )
    }
    throw new ScapError(
      'not_scap',
      `The file is XML but not SCAP content: its root element is {${tag.uri}}${tag.local}, not a source ` +
        'data-stream-collection or an XCCDF 1.2 Benchmark',
    )
  }

  private classify(tag: SaxesTagNS, parent: Kind | undefined): Kind {
    const { uri, local } = tag
    if (uri === NS_DS) return this.classifyDs(tag, parent)
    if (uri !== NS_XCCDF) return 'other'
    if (local === 'Benchmark') return this.openBenchmark(tag)
    const b = this.bench
    if (!b) return 'other'
    switch (parent) {
      case 'benchmark':
        if (local === 'title') return this.startCapture('plain', (t) => (b.title ||= t))
        if (local === 'version') return this.startCapture('plain', (t) => (b.version ||= t))
        if (local === 'Profile') return this.openProfile(b, tag)
        return this.openItem(b, tag)
      case 'group':
        if (local === 'title') {
          const g = b.groups[b.groups.length - 1]!
          return this.startCapture('plain', (t) => (g.title ||= t))
        }
        return this.openItem(b, tag)
      case 'profile':
        return this.openProfileChild(this.profile!, tag)
      case 'rule':
        return this.openRuleChild(this.rule!, tag)
      case 'value':
        return this.openValueChild(this.value!, tag)
      default:
        // check-export sits inside check (or complex-check) somewhere below its Rule.
        if (local === 'check-export' && this.rule) {
          const id = attr(tag, 'value-id')
          if (id && !this.rule.valueSet.has(id)) {
            this.rule.valueSet.add(id)
            this.rule.values.push(id)
          }
        }
        return 'other'
    }
  }

  private classifyDs(tag: SaxesTagNS, parent: Kind | undefined): Kind {
    switch (tag.local) {
      case 'data-stream':
        this.dataStreamId = attr(tag, 'id') ?? ''
        this.dataStreamVersion = attr(tag, 'scap-version') ?? ''
        if (!this.scapVersion) this.scapVersion = this.dataStreamVersion
        return 'data-stream'
      case 'checklists':
        return parent === 'data-stream' ? 'checklists' : 'other'
      case 'component-ref': {
        const href = xlinkHref(tag)
        if (parent === 'checklists' && href?.startsWith('#') && !this.refs.has(href.slice(1))) {
          this.refs.set(href.slice(1), {
            dataStreamId: this.dataStreamId,
            refId: attr(tag, 'id') ?? '',
            scapVersion: this.dataStreamVersion,
          })
        }
        return 'other'
      }
      case 'component':
        this.componentId = attr(tag, 'id') ?? ''
        return 'other'
      default:
        return 'other'
    }
  }

  private openBenchmark(tag: SaxesTagNS): Kind {
    if (this.bench) return 'other'
    if (this.benchmarks.length >= this.lim.maxBenchmarks) this.tooMany('benchmarks', this.lim.maxBenchmarks)
    this.bench = {
      id: attr(tag, 'id') ?? '',
      title: '',
      version: '',
      datastreamId: '',
      componentId: this.componentId || undefined,
      profiles: [],
      groups: [],
      rules: [],
      values: [],
      groupStack: [],
    }
    return 'benchmark'
  }

  private openProfile(b: BenchmarkDraft, tag: SaxesTagNS): Kind {
    if (++this.totals.profiles > this.lim.maxProfiles) this.tooMany('profiles', this.lim.maxProfiles)
    const ext = attr(tag, 'extends')
    this.profile = {
      id: attr(tag, 'id') ?? '',
      title: '',
      description: '',
      selected: [],
      refineValues: {},
      setValues: {},
      refineRules: {},
      selects: new Map(),
      ...(ext ? { extends: ext } : {}),
    }
    b.profiles.push(this.profile)
    return 'profile'
  }

  private openProfileChild(pr: ProfileDraft, tag: SaxesTagNS): Kind {
    const idref = attr(tag, 'idref')
    switch (tag.local) {
      case 'title':
        return this.startCapture('plain', (t) => (pr.title ||= t))
      case 'description':
        return this.startCapture('rich', (t) => (pr.description ||= t))
      case 'select':
        // A later select of the same id wins, as in XCCDF's profile resolution.
        if (idref) pr.selects.set(idref, bool(attr(tag, 'selected'), false))
        return 'other'
      case 'refine-value': {
        const selector = attr(tag, 'selector')
        if (idref && selector !== undefined) pr.refineValues[idref] = selector
        return 'other'
      }
      case 'set-value':
        if (!idref) return 'other'
        return this.startCapture('raw', (t) => (pr.setValues[idref] = t))
      case 'refine-rule': {
        if (!idref) return 'other'
        const sev = attr(tag, 'severity') as Severity | undefined
        pr.refineRules[idref] = sev && SEVERITIES.has(sev) ? { severity: sev } : {}
        return 'other'
      }
      default:
        return 'other'
    }
  }

  private openItem(b: BenchmarkDraft, tag: SaxesTagNS): Kind {
    const id = attr(tag, 'id') ?? ''
    switch (tag.local) {
      case 'Group': {
        if (++this.totals.groups > this.lim.maxGroups) this.tooMany('groups', this.lim.maxGroups)
        const g: XccdfGroup = { id, title: '', parentId: b.groupStack[b.groupStack.length - 1] ?? null }
        b.groups.push(g)
        b.groupStack.push(id)
        return 'group'
      }
      case 'Rule': {
        if (++this.totals.rules > this.lim.maxRules) this.tooMany('rules', this.lim.maxRules)
        const sev = attr(tag, 'severity') as Severity | undefined
        this.rule = {
          id,
          title: '',
          severity: sev && SEVERITIES.has(sev) ? sev : 'unknown',
          description: '',
          rationale: '',
          references: [],
          values: [],
          selectedByDefault: bool(attr(tag, 'selected'), true),
          groupId: b.groupStack[b.groupStack.length - 1] ?? '',
          valueSet: new Set(),
        }
        return 'rule'
      }
      case 'Value': {
        if (++this.totals.values > this.lim.maxValues) this.tooMany('Values', this.lim.maxValues)
        const type = attr(tag, 'type') as ValueType | undefined
        const op = attr(tag, 'operator') as ValueOperator | undefined
        this.value = {
          id,
          title: '',
          description: '',
          type: type && VALUE_TYPES.has(type) ? type : 'string',
          operator: op && OPERATORS.has(op) ? op : 'equals',
          interactive: bool(attr(tag, 'interactive'), false),
          default: '',
          selectors: [],
          usedBy: [],
          boundsSelected: {},
        }
        return 'value'
      }
      default:
        return 'other'
    }
  }

  private openRuleChild(r: RuleDraft, tag: SaxesTagNS): Kind {
    switch (tag.local) {
      case 'title':
        return this.startCapture('plain', (t) => (r.title ||= t))
      case 'description':
        return this.startCapture('rich', (t) => (r.description ||= t))
      case 'rationale':
        return this.startCapture('rich', (t) => (r.rationale ||= t))
      case 'fix': {
        const system = FIX_SYSTEMS[attr(tag, 'system') ?? '']
        if (!system || r.fixes?.some((f) => f.system === system)) return this.classify(tag, 'other')
        return this.startCapture('code', (t) => {
          // One snippet per system, bounded: a detail view and an evidence excerpt, not a script store.
          if (t) (r.fixes ??= []).push({ system, text: t.length > MAX_FIX ? `${t.slice(0, MAX_FIX)}\n…` : t })
        })
      }
      case 'ident': {
        const system = attr(tag, 'system') ?? ''
        return this.startCapture('plain', (t) => {
          if (t)
            r.references.push({ system: identSystem(system), id: t, ...(system ? { href: system } : {}) })
        })
      }
      case 'reference': {
        const href = attr(tag, 'href') ?? ''
        return this.startCapture('plain', (t) => {
          if (!t && !href) return
          const ref: Reference = { system: referenceSystem(href, t), id: t }
          if (href) ref.href = href
          r.references.push(ref)
        })
      }
      default:
        return this.classify(tag, 'other')
    }
  }

  private openValueChild(v: ValueDraft, tag: SaxesTagNS): Kind {
    const selector = attr(tag, 'selector') || undefined
    switch (tag.local) {
      case 'title':
        return this.startCapture('plain', (t) => (v.title ||= t))
      case 'description':
        return this.startCapture('rich', (t) => (v.description ||= t))
      case 'value':
        return this.startCapture('raw', (t) => {
          if (selector === undefined) v.default = t
          else v.selectors.push({ selector, value: t })
        })
      case 'lower-bound':
      case 'upper-bound': {
        const key = tag.local === 'lower-bound' ? 'lowerBound' : 'upperBound'
        const short = tag.local === 'lower-bound' ? 'lower' : 'upper'
        return this.startCapture('plain', (t) => {
          const n = t === '' ? NaN : Number(t)
          if (!Number.isFinite(n)) return
          if (selector === undefined) v[key] = n
          else if (v.boundsSelected[short] === undefined) v.boundsSelected[short] = n
        })
      }
      case 'match':
        return this.startCapture('raw', (t) => {
          if (selector === undefined || v.match === undefined) v.match = t
        })
      default:
        return 'other'
    }
  }

  private closeKind(kind: Kind | undefined): void {
    const b = this.bench
    switch (kind) {
      case 'benchmark':
        if (b) this.benchmarks.push(b)
        this.bench = null
        return
      case 'group':
        b?.groupStack.pop()
        return
      case 'profile': {
        const pr = this.profile
        if (pr) {
          const unselected: string[] = []
          for (const [id, on] of pr.selects) (on ? pr.selected : unselected).push(id)
          if (unselected.length) pr.unselected = unselected
        }
        this.profile = null
        return
      }
      case 'rule':
        if (b && this.rule) b.rules.push(this.rule)
        this.rule = null
        return
      case 'value': {
        const v = this.value
        if (b && v) {
          // Bounds given only per selector still say something about the Value: keep the first.
          if (v.lowerBound === undefined && v.boundsSelected.lower !== undefined) {
            v.lowerBound = v.boundsSelected.lower
          }
          if (v.upperBound === undefined && v.boundsSelected.upper !== undefined) {
            v.upperBound = v.boundsSelected.upper
          }
          b.values.push(v)
        }
        this.value = null
        return
      }
      default:
    }
  }

  /** The benchmarks as plain data, with the links between rules and Values filled in both ways. */
  finish(): Benchmark[] {
    if (this.benchmarks.length === 0) {
      throw new ScapError(
        'not_scap',
        'The file is well-formed XML but holds no XCCDF 1.2 Benchmark, so there is nothing to scan with',
      )
    }
    return this.benchmarks.map((b): Benchmark => {
      const ref = b.componentId ? this.refs.get(b.componentId) : undefined
      if (!this.scapVersion) this.scapVersion = ref?.scapVersion || this.collectionVersion
      const values: XccdfValue[] = b.values.map(({ boundsSelected: _b, ...v }) => v)
      const byId = new Map(values.map((v) => [v.id, v]))
      const rules: XccdfRule[] = b.rules.map(({ valueSet: _s, ...r }) => {
        for (const id of r.values) byId.get(id)?.usedBy.push(r.id)
        return r
      })
      const profiles: XccdfProfile[] = b.profiles.map(({ selects: _s, ...p }) => p)
      const out: Benchmark = {
        id: b.id,
        title: b.title,
        version: b.version,
        datastreamId: ref?.dataStreamId || b.componentId || '',
        profiles,
        groups: b.groups,
        rules,
        values,
      }
      if (b.componentId) out.componentId = b.componentId
      if (ref?.refId) out.componentRefId = ref.refId
      return out
    })
  }
}
