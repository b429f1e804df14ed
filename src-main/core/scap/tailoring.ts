// XCCDF 1.2 tailoring files: write what `oscap xccdf eval --tailoring-file` and SCAP Workbench accept, read
// what SCAP Workbench and autotailor write, and check an auditor's changes against the benchmark's Values.
import type { XmlTag } from './xml-tokenizer'
import { ScapError, type Severity, type Tailoring, type XccdfValue } from './types'
import { readXmlBytes, XML_DEFAULT_LIMITS, XmlReader, type XmlLimits } from './xml-reader'

const XCCDF12 = 'http://checklists.nist.gov/xccdf/1.2'
const XCCDF11_TAILORING = 'http://open-scap.org/page/Xccdf-1.1-tailoring'
const XHTML = 'http://www.w3.org/1999/xhtml'
const SEVERITIES: readonly Severity[] = ['unknown', 'info', 'low', 'medium', 'high']

/** A tailoring holds one profile of a few thousand selects at most; these caps are far above real files. */
export const TAILORING_LIMITS: XmlLimits = {
  ...XML_DEFAULT_LIMITS,
  maxBytes: 8 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 200_000,
}

// XML Schema's NCName, which every XCCDF id and idref must be.
const NCNAME = /^[\p{L}_][\p{L}\p{M}\p{N}_.\-\u00B7\u203F\u2040]*$/u
const PROFILE_ID = /^xccdf_[^_]+_profile_.+$/
const TAILORING_ID = /^xccdf_[^_]+_tailoring_.+$/

// Characters XML 1.0 cannot carry at all, escaped or not: C0 controls bar tab/LF/CR, lone surrogates, FFFE/F.
function xmlCanHold(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    const control = c < 0x20 && c !== 9 && c !== 10 && c !== 13
    if (control || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) return false
  }
  return true
}

function checkChars(what: string, s: string): string {
  if (!xmlCanHold(s)) throw new ScapError('invalid', `${what} contains a character XML cannot hold`)
  return s
}

// Tab, LF and CR are escaped in attributes because a parser would otherwise normalise them to spaces.
function attr(what: string, s: string): string {
  return checkChars(what, s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
}

// CR is escaped in text because parsers turn a literal CR (LF) into LF.
function text(what: string, s: string): string {
  return checkChars(what, s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;')
}

function ncname(what: string, id: string): string {
  if (!NCNAME.test(id)) throw new ScapError('invalid', `${what} '${id}' is not a valid XCCDF id`)
  return id
}

const sortedKeys = (r: Record<string, unknown>) => Object.keys(r).sort()

/** The tailoring id written when none is given: one per customised profile, stable across saves. */
export function defaultTailoringId(profileId: string): string {
  const name = profileId.replace(/^xccdf_[^_]+_profile_/, '')
  return `xccdf_app.driftwatch_tailoring_${name}`
}

/**
 * An XCCDF 1.2 Tailoring document laid out the way SCAP Workbench writes it. Output depends only on `t`:
 * ids are sorted and the version time is `t.versionTime` (the Unix epoch when absent, since the schema
 * requires one). One element per line is not cosmetic: oscap before 1.3.9 skips every other `select` in a
 * profile whose elements have no whitespace between them (OpenSCAP PR #1991).
 */
export function writeTailoring(t: Tailoring): string {
  if (!PROFILE_ID.test(t.profileId) || !NCNAME.test(t.profileId)) {
    throw new ScapError(
      'invalid',
      `profile id '${t.profileId}' must look like xccdf_<reverse-dns>_profile_<name>`,
    )
  }
  const id = t.id ?? defaultTailoringId(t.profileId)
  if (!TAILORING_ID.test(id) || !NCNAME.test(id)) {
    throw new ScapError('invalid', `tailoring id '${id}' must look like xccdf_<reverse-dns>_tailoring_<name>`)
  }
  const time = t.versionTime ?? '1970-01-01T00:00:00Z'
  if (!/^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.test(time)) {
    throw new ScapError('invalid', `version time '${time}' is not an xs:dateTime`)
  }
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>']
  lines.push(`<xccdf:Tailoring xmlns:xccdf="${XCCDF12}" id="${id}">`)
  if (t.benchmarkHref || t.benchmarkId || t.benchmarkVersion) {
    const bid = t.benchmarkId ? ` id="${attr('benchmark id', t.benchmarkId)}"` : ''
    const bver = t.benchmarkVersion ? ` version="${attr('benchmark version', t.benchmarkVersion)}"` : ''
    lines.push(`  <xccdf:benchmark${bid}${bver} href="${attr('benchmark href', t.benchmarkHref)}"/>`)
  }
  lines.push(`  <xccdf:version time="${time}">${text('version', t.version)}</xccdf:version>`)
  const ext = t.extends ? ` extends="${ncname('extends', t.extends)}"` : ''
  lines.push(`  <xccdf:Profile id="${t.profileId}"${ext}>`)
  const lang = `xmlns:xhtml="${XHTML}" xml:lang="en-US" override="true"`
  // An empty title with override="true" would blank the inherited one; autotailor writes this instead.
  if (t.profileTitle) lines.push(`    <xccdf:title ${lang}>${text('title', t.profileTitle)}</xccdf:title>`)
  else lines.push('    <xccdf:title override="false"/>')
  if (t.profileDescription) {
    const desc = text('description', t.profileDescription)
    lines.push(`    <xccdf:description ${lang}>${desc}</xccdf:description>`)
  }
  // oscap's own exporter orders them so: select, set-value, refine-value, refine-rule.
  for (const k of sortedKeys(t.selects)) {
    lines.push(
      `    <xccdf:select idref="${ncname('select', k)}" selected="${t.selects[k] ? 'true' : 'false'}"/>`,
    )
  }
  for (const k of sortedKeys(t.setValues)) {
    const v = text(`set-value ${k}`, t.setValues[k] ?? '')
    lines.push(`    <xccdf:set-value idref="${ncname('set-value', k)}">${v}</xccdf:set-value>`)
  }
  for (const k of sortedKeys(t.refineValues)) {
    const sel = attr(`refine-value ${k}`, t.refineValues[k] ?? '')
    lines.push(`    <xccdf:refine-value idref="${ncname('refine-value', k)}" selector="${sel}"/>`)
  }
  for (const k of sortedKeys(t.refineRules)) {
    const sev = t.refineRules[k]
    if (!sev || !SEVERITIES.includes(sev)) {
      throw new ScapError(
        'invalid',
        `refine-rule ${k}: severity '${String(sev)}' is not one of ${SEVERITIES.join(', ')}`,
      )
    }
    lines.push(`    <xccdf:refine-rule idref="${ncname('refine-rule', k)}" severity="${sev}"/>`)
  }
  lines.push('  </xccdf:Profile>', '</xccdf:Tailoring>', '')
  return lines.join('\n')
}

interface ProfileDraft {
  id: string
  extends: string
  title: string
  description: string
  selects: Record<string, boolean>
  setValues: Record<string, string>
  refineValues: Record<string, string>
  refineRules: Record<string, Severity>
  dropped: string[]
}

const attrValue = (tag: XmlTag, local: string) => {
  const a = Object.values(tag.attributes).find((x) => x.local === local && x.uri === '')
  return a?.value
}

/**
 * Reads an XCCDF 1.2 Tailoring (any namespace prefix, or none) holding one profile, or the profile named by
 * `opts.profileId` when it holds several. No DTD is ever processed: a DOCTYPE is refused outright.
 */
export function readTailoring(xml: string | Buffer, opts: { profileId?: string } = {}): Tailoring {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml
  const stack: string[] = []
  let rootSeen = false
  let tailoringId = ''
  let version: string | undefined
  let versionTime: string | undefined
  let benchmark: { href: string; id?: string; version?: string } | undefined
  const profiles: ProfileDraft[] = []
  const topDropped: string[] = []
  let current: ProfileDraft | undefined
  // Text is collected for the element in hand: version, title, description or set-value.
  let textTarget: { el: string; idref?: string; buf: string } | undefined

  const where = () => `line ${reader.line}, column ${reader.column}`

  const open = (tag: XmlTag) => {
    const depth = stack.length
    stack.push(tag.local)
    if (depth === 0) {
      rootSeen = true
      if (tag.local === 'Tailoring' && tag.uri === XCCDF11_TAILORING) {
        throw new ScapError(
          'not_scap',
          'this is an XCCDF 1.1 tailoring; only XCCDF 1.2 tailoring files are read',
        )
      }
      if (tag.local !== 'Tailoring' || tag.uri !== XCCDF12) {
        const ns = tag.uri ? ` in namespace ${tag.uri}` : ''
        throw new ScapError('not_scap', `expected an XCCDF 1.2 <Tailoring>, found <${tag.local}>${ns}`)
      }
      tailoringId = attrValue(tag, 'id') ?? ''
      return
    }
    const inXccdf = tag.uri === XCCDF12
    if (depth === 1) {
      if (inXccdf && tag.local === 'benchmark') {
        benchmark = {
          href: attrValue(tag, 'href') ?? '',
          id: attrValue(tag, 'id'),
          version: attrValue(tag, 'version'),
        }
      } else if (inXccdf && tag.local === 'version') {
        versionTime = attrValue(tag, 'time')
        textTarget = { el: 'version', buf: '' }
      } else if (inXccdf && tag.local === 'Profile') {
        const id = attrValue(tag, 'id')
        if (!id) throw new ScapError('invalid', `a <Profile> without an id at ${where()}`)
        current = {
          id,
          extends: attrValue(tag, 'extends') ?? '',
          title: '',
          description: '',
          selects: {},
          setValues: {},
          refineValues: {},
          refineRules: {},
          dropped: [],
        }
        profiles.push(current)
      } else {
        topDropped.push(`<${tag.local}>`)
      }
      return
    }
    if (depth === 2 && current) {
      const idref = attrValue(tag, 'idref')
      const need = () => {
        if (!idref) throw new ScapError('invalid', `<${tag.local}> without an idref at ${where()}`)
        return idref
      }
      const extra = (allowed: string[]) => {
        const others = Object.values(tag.attributes).filter((a) => a.uri === '' && !allowed.includes(a.local))
        for (const a of others) current?.dropped.push(`${tag.local} ${idref ?? ''} ${a.local}="${a.value}"`)
      }
      if (!inXccdf) current.dropped.push(`<${tag.local}>`)
      else if (tag.local === 'title') textTarget = { el: 'title', buf: '' }
      else if (tag.local === 'description') textTarget = { el: 'description', buf: '' }
      else if (tag.local === 'select') {
        const sel = attrValue(tag, 'selected')
        // xs:boolean also spells true and false as 1 and 0.
        if (sel !== 'true' && sel !== 'false' && sel !== '1' && sel !== '0') {
          throw new ScapError('invalid', `select ${need()}: selected="${sel ?? ''}" is not true or false`)
        }
        current.selects[need()] = sel === 'true' || sel === '1'
      } else if (tag.local === 'set-value') {
        textTarget = { el: 'set-value', idref: need(), buf: '' }
      } else if (tag.local === 'refine-value') {
        const selector = attrValue(tag, 'selector')
        extra(['idref', 'selector'])
        // A refine-value with only an operator changes nothing we model; it is reported as dropped.
        if (selector !== undefined) current.refineValues[need()] = selector
      } else if (tag.local === 'refine-rule') {
        const severity = attrValue(tag, 'severity')
        extra(['idref', 'severity'])
        if (severity !== undefined) {
          if (!SEVERITIES.includes(severity as Severity)) {
            throw new ScapError(
              'invalid',
              `refine-rule ${need()}: severity '${severity}' is not one of ${SEVERITIES.join(', ')}`,
            )
          }
          current.refineRules[need()] = severity as Severity
        }
      } else current.dropped.push(`<${tag.local}${idref ? ` idref="${idref}"` : ''}>`)
    }
  }
  const text = (t: string) => {
    if (textTarget) textTarget.buf += t
  }
  const close = () => {
    const depth = stack.length - 1
    stack.pop()
    if (depth === 1) current = undefined
    // Markup inside a description (xhtml) is kept as its text; only the element's own close ends it.
    if (!textTarget || depth !== (textTarget.el === 'version' ? 1 : 2)) return
    const { el, idref, buf } = textTarget
    textTarget = undefined
    if (el === 'version') version = buf
    else if (current && el === 'title') current.title = buf
    else if (current && el === 'description') current.description = buf
    else if (current && el === 'set-value' && idref) current.setValues[idref] = buf
  }

  const reader = new XmlReader(TAILORING_LIMITS, { open, close, text, cdata: text })
  reader.textOn()
  if (bytes.length > TAILORING_LIMITS.maxBytes) reader.tooBig(bytes.length)
  const blank = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
  if (bytes.every(blank)) throw new ScapError('malformed', 'the file is empty')
  readXmlBytes(reader, bytes)
  if (!rootSeen) throw new ScapError('malformed', 'the file holds no XML element (empty or truncated)')
  if (profiles.length === 0) throw new ScapError('invalid', 'the tailoring holds no <Profile>')
  let p: ProfileDraft | undefined
  if (opts.profileId) {
    p = profiles.find((x) => x.id === opts.profileId)
    if (!p) {
      throw new ScapError(
        'invalid',
        `no profile ${opts.profileId}; it holds ${profiles.map((x) => x.id).join(', ')}`,
      )
    }
  } else if (profiles.length > 1) {
    throw new ScapError(
      'invalid',
      `the tailoring holds ${profiles.length} profiles (${profiles.map((x) => x.id).join(', ')}); name one`,
    )
  } else p = profiles[0]
  if (!p) throw new ScapError('invalid', 'the tailoring holds no <Profile>')

  const t: Tailoring = {
    profileId: p.id,
    profileTitle: p.title,
    extends: p.extends,
    refineValues: p.refineValues,
    setValues: p.setValues,
    selects: p.selects,
    refineRules: p.refineRules,
    benchmarkHref: benchmark?.href ?? '',
    version: version ?? '',
  }
  if (tailoringId) t.id = tailoringId
  if (versionTime !== undefined) t.versionTime = versionTime
  if (p.description) t.profileDescription = p.description
  if (benchmark?.id) t.benchmarkId = benchmark.id
  if (benchmark?.version) t.benchmarkVersion = benchmark.version
  const dropped = [...topDropped, ...p.dropped]
  if (dropped.length > 0) t.dropped = dropped
  return t
}

export interface TailoringProblem {
  /** The change at fault: 'profileId', or '<field>.<id>' (setValues, refineValues, selects, refineRules). */
  path: string
  message: string
}

function boundsMessage(v: XccdfValue): string {
  const { lowerBound: lo, upperBound: hi } = v
  if (lo !== undefined && hi !== undefined) return `Must be between ${lo} and ${hi}`
  if (lo !== undefined) return `Must be at least ${lo}`
  return `Must be at most ${hi}`
}

// XCCDF numbers are decimals; Number() alone would also take '', '0x1F' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

function checkLiteral(v: XccdfValue, literal: string): string | undefined {
  if (v.type === 'number') {
    const s = literal.trim()
    if (!DECIMAL.test(s)) return `Must be a number; got '${literal}'`
    const n = Number(s)
    if (
      (v.lowerBound !== undefined && n < v.lowerBound) ||
      (v.upperBound !== undefined && n > v.upperBound)
    ) {
      return boundsMessage(v)
    }
  } else if (v.type === 'boolean') {
    if (literal !== 'true' && literal !== 'false') return `Must be true or false; got '${literal}'`
  }
  if (v.match !== undefined) {
    let re: RegExp | undefined
    try {
      // XCCDF leaves anchoring to the pattern, like Perl: the pattern decides whether it matches all of it.
      re = new RegExp(v.match, 'u')
    } catch {
      re = undefined // A pattern JavaScript cannot compile is the benchmark's problem, not the auditor's.
    }
    if (re && !re.test(literal)) return `Must match the pattern ${v.match}`
  }
  return undefined
}

/**
 * Why `t` would not do what the auditor means against this benchmark: each problem names the change
 * (`path`) and says what is allowed. `ruleIds` holds the benchmark's rule ids (and group ids, which a
 * select may also name). An empty list means the tailoring is sound.
 */
export function validateTailoring(
  t: Tailoring,
  values: XccdfValue[],
  ruleIds: Set<string>,
): TailoringProblem[] {
  const problems: TailoringProblem[] = []
  const byId = new Map(values.map((v) => [v.id, v]))
  if (!PROFILE_ID.test(t.profileId) || !NCNAME.test(t.profileId)) {
    problems.push({ path: 'profileId', message: 'Must look like xccdf_<reverse-dns>_profile_<name>' })
  }
  const notHere = (kind: string, id: string) => `${kind} ${id} is not in this benchmark`
  for (const id of sortedKeys(t.setValues)) {
    const path = `setValues.${id}`
    const v = byId.get(id)
    if (!v) problems.push({ path, message: notHere('Value', id) })
    else {
      const why = checkLiteral(v, t.setValues[id] ?? '')
      if (why) problems.push({ path, message: why })
    }
  }
  for (const id of sortedKeys(t.refineValues)) {
    const path = `refineValues.${id}`
    const v = byId.get(id)
    const selector = t.refineValues[id] ?? ''
    if (!v) problems.push({ path, message: notHere('Value', id) })
    else if (!v.selectors.some((s) => s.selector === selector)) {
      const valid = v.selectors.map((s) => `${s.selector} (${s.value})`).join(', ')
      problems.push({
        path,
        message: valid
          ? `Unknown selector '${selector}'; valid selectors: ${valid}`
          : `Unknown selector '${selector}'; this Value has no selectors, set a value instead`,
      })
    }
  }
  for (const id of sortedKeys(t.selects)) {
    if (!ruleIds.has(id)) problems.push({ path: `selects.${id}`, message: notHere('Rule', id) })
  }
  for (const id of sortedKeys(t.refineRules)) {
    const path = `refineRules.${id}`
    const sev = t.refineRules[id]
    if (!ruleIds.has(id)) problems.push({ path, message: notHere('Rule', id) })
    else if (!sev || !SEVERITIES.includes(sev)) {
      problems.push({ path, message: `Severity must be one of ${SEVERITIES.join(', ')}` })
    }
  }
  return problems
}
