// The benchmark model the datastream parser builds as it reads: each XCCDF element (Benchmark, Profile, Group,
// Rule, Value and their children) filed into drafts under the content limits, then handed out as plain data
// with the links between rules and Values filled in both ways.
import type { XmlTag } from './xml-tokenizer'
import type { Limits } from './limits'
import { identSystem, referenceSystem } from './references'
import {
  ScapError,
  type Benchmark,
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
import type { CaptureMode } from './xccdf-text'

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

export type Kind =
  'other' | 'benchmark' | 'profile' | 'group' | 'rule' | 'value' | 'checklists' | 'data-stream' | 'capture'

/** Where a checklist component-ref in a data-stream points: the benchmark's component. */
export interface ComponentRef {
  dataStreamId: string
  refId: string
  scapVersion: string
}

/** What the model needs of the reader: text captures of an element's content, and the component it is in. */
export interface ReaderContext {
  startCapture(mode: CaptureMode, done: (text: string) => void): Kind
  componentId(): string
}

function bool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback
  const t = v.trim()
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : fallback
}

export class BenchmarkModel {
  private readonly benchmarks: BenchmarkDraft[] = []
  private bench: BenchmarkDraft | null = null
  private profile: ProfileDraft | null = null
  private rule: RuleDraft | null = null
  private value: ValueDraft | null = null
  private totals = { profiles: 0, groups: 0, rules: 0, values: 0 }

  constructor(
    private readonly lim: Required<Limits>,
    private readonly ctx: ReaderContext,
  ) {}

  private tooMany(what: string, max: number): never {
    throw new ScapError('too_many', `The content has more than ${count(max)} ${what} (the limit)`)
  }

  /** Opens an element in the XCCDF namespace below `parent`, and says what kind it is. */
  open(tag: XmlTag, parent: Kind | undefined): Kind {
    const { local } = tag
    if (local === 'Benchmark') return this.openBenchmark(tag)
    const b = this.bench
    if (!b) return 'other'
    switch (parent) {
      case 'benchmark':
        if (local === 'title') return this.ctx.startCapture('plain', (t) => (b.title ||= t))
        if (local === 'version') return this.ctx.startCapture('plain', (t) => (b.version ||= t))
        if (local === 'Profile') return this.openProfile(b, tag)
        return this.openItem(b, tag)
      case 'group':
        if (local === 'title') {
          const g = b.groups[b.groups.length - 1]!
          return this.ctx.startCapture('plain', (t) => (g.title ||= t))
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

  private openBenchmark(tag: XmlTag): Kind {
    if (this.bench) return 'other'
    if (this.benchmarks.length >= this.lim.maxBenchmarks) this.tooMany('benchmarks', this.lim.maxBenchmarks)
    this.bench = {
      id: attr(tag, 'id') ?? '',
      title: '',
      version: '',
      datastreamId: '',
      componentId: this.ctx.componentId() || undefined,
      profiles: [],
      groups: [],
      rules: [],
      values: [],
      groupStack: [],
    }
    return 'benchmark'
  }

  private openProfile(b: BenchmarkDraft, tag: XmlTag): Kind {
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

  private openProfileChild(pr: ProfileDraft, tag: XmlTag): Kind {
    const idref = attr(tag, 'idref')
    switch (tag.local) {
      case 'title':
        return this.ctx.startCapture('plain', (t) => (pr.title ||= t))
      case 'description':
        return this.ctx.startCapture('rich', (t) => (pr.description ||= t))
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
        return this.ctx.startCapture('raw', (t) => (pr.setValues[idref] = t))
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

  private openItem(b: BenchmarkDraft, tag: XmlTag): Kind {
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

  private openRuleChild(r: RuleDraft, tag: XmlTag): Kind {
    switch (tag.local) {
      case 'title':
        return this.ctx.startCapture('plain', (t) => (r.title ||= t))
      case 'description':
        return this.ctx.startCapture('rich', (t) => (r.description ||= t))
      case 'rationale':
        return this.ctx.startCapture('rich', (t) => (r.rationale ||= t))
      case 'fix': {
        const system = FIX_SYSTEMS[attr(tag, 'system') ?? '']
        if (!system || r.fixes?.some((f) => f.system === system)) return this.open(tag, 'other')
        return this.ctx.startCapture('code', (t) => {
          // One snippet per system, bounded: a detail view and an evidence excerpt, not a script store.
          if (t) (r.fixes ??= []).push({ system, text: t.length > MAX_FIX ? `${t.slice(0, MAX_FIX)}\n…` : t })
        })
      }
      case 'ident': {
        const system = attr(tag, 'system') ?? ''
        return this.ctx.startCapture('plain', (t) => {
          if (t)
            r.references.push({ system: identSystem(system), id: t, ...(system ? { href: system } : {}) })
        })
      }
      case 'reference': {
        const href = attr(tag, 'href') ?? ''
        return this.ctx.startCapture('plain', (t) => {
          if (!t && !href) return
          const ref: Reference = { system: referenceSystem(href, t), id: t }
          if (href) ref.href = href
          r.references.push(ref)
        })
      }
      default:
        return this.open(tag, 'other')
    }
  }

  private openValueChild(v: ValueDraft, tag: XmlTag): Kind {
    const selector = attr(tag, 'selector') || undefined
    switch (tag.local) {
      case 'title':
        return this.ctx.startCapture('plain', (t) => (v.title ||= t))
      case 'description':
        return this.ctx.startCapture('rich', (t) => (v.description ||= t))
      case 'value':
        return this.ctx.startCapture('raw', (t) => {
          if (selector === undefined) v.default = t
          else v.selectors.push({ selector, value: t })
        })
      case 'lower-bound':
      case 'upper-bound': {
        const key = tag.local === 'lower-bound' ? 'lowerBound' : 'upperBound'
        const short = tag.local === 'lower-bound' ? 'lower' : 'upper'
        return this.ctx.startCapture('plain', (t) => {
          const n = t === '' ? NaN : Number(t)
          if (!Number.isFinite(n)) return
          if (selector === undefined) v[key] = n
          else if (v.boundsSelected[short] === undefined) v.boundsSelected[short] = n
        })
      }
      case 'match':
        return this.ctx.startCapture('raw', (t) => {
          if (selector === undefined || v.match === undefined) v.match = t
        })
      default:
        return 'other'
    }
  }

  /** Files the element that just closed into its benchmark. */
  close(kind: Kind | undefined): void {
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
  finish(refs: ReadonlyMap<string, ComponentRef>): Benchmark[] {
    if (this.benchmarks.length === 0) {
      throw new ScapError(
        'not_scap',
        'The file is well-formed XML but holds no XCCDF 1.2 Benchmark, so there is nothing to scan with',
      )
    }
    return this.benchmarks.map((b): Benchmark => {
      const ref = b.componentId ? refs.get(b.componentId) : undefined
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
