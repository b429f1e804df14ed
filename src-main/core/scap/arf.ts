// Reads an ARF (or bare XCCDF TestResult) streaming: per rule-result its status, severity, idents and check
// messages, plus the TestResult's target, profile and set-values. Refuses DTDs, caps size and depth, and
// refuses a result set that names one rule twice.
import { SaxesParser, type SaxesTagNS } from 'saxes'
import { identSystem } from './datastream'
import { ScapError } from './types'
import type { RuleResult, RuleStatus } from '../scanners/scanner'

const NS_XCCDF = 'http://checklists.nist.gov/xccdf/1.2'
const CHUNK = 64 * 1024
const STATUSES = new Set<RuleStatus>([
  'pass',
  'fail',
  'error',
  'unknown',
  'notapplicable',
  'notchecked',
  'notselected',
  'informational',
  'fixed',
])

export interface ArfLimits {
  maxBytes?: number
  maxDepth?: number
  maxResults?: number
  maxTextLength?: number
}
const DEFAULTS: Required<ArfLimits> = {
  maxBytes: 1024 * 1024 * 1024,
  maxDepth: 256,
  maxResults: 500_000,
  maxTextLength: 8 * 1024 * 1024,
}

export interface ArfTestResult {
  id: string
  profileId: string
  startTime: string
  endTime: string
  target: string
  targetFacts: Record<string, string>
  score?: number
  setValues: Record<string, string>
}

export interface ArfResults {
  testResult: ArfTestResult
  results: RuleResult[]
}

export async function parseArf(
  source: Buffer,
  opts: ArfLimits & { signal?: AbortSignal } = {},
): Promise<ArfResults> {
  const lim = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
  } as Required<ArfLimits>
  if (source.length > lim.maxBytes)
    throw new ScapError(
      'too_large',
      `The results file is ${source.length} bytes, over the ${lim.maxBytes}-byte limit`,
    )
  const sax = new SaxesParser({ xmlns: true, position: true })
  const tr: ArfTestResult = {
    id: '',
    profileId: '',
    startTime: '',
    endTime: '',
    target: '',
    targetFacts: {},
    setValues: {},
  }
  const results: RuleResult[] = []
  const seen = new Set<string>()
  const stack: string[] = []
  let inTestResult = false
  let current: RuleResult | null = null
  let text = ''
  let capturing = false
  let attr: Record<string, string> = {}
  let sawTestResult = false

  sax.on('doctype', () => {
    throw new ScapError(
      'doctype',
      'The results file declares a DOCTYPE; Driftwatch refuses DTDs and entities',
    )
  })
  sax.on('error', (e) => {
    throw new ScapError(
      'malformed',
      `The results XML is malformed at line ${sax.line}, column ${sax.column}: ${e.message}`,
    )
  })
  sax.on('opentag', (tag: SaxesTagNS) => {
    stack.push(tag.local)
    if (stack.length > lim.maxDepth)
      throw new ScapError('too_deep', `The results XML nests deeper than ${lim.maxDepth} levels`)
    if (tag.uri !== NS_XCCDF) return
    const a = (n: string) => tag.attributes[n]?.value ?? ''
    if (tag.local === 'TestResult') {
      // An ARF may hold several reports; the first TestResult is the one oscap wrote for this run.
      if (sawTestResult) return
      inTestResult = sawTestResult = true
      tr.id = a('id')
      tr.startTime = a('start-time')
      tr.endTime = a('end-time')
      return
    }
    if (!inTestResult) return
    attr = { idref: a('idref'), name: a('name'), system: a('system'), severity: a('severity') }
    switch (tag.local) {
      case 'profile':
        tr.profileId = attr.idref ?? ''
        break
      case 'rule-result':
        if (results.length >= lim.maxResults)
          throw new ScapError('too_many', `More than ${lim.maxResults} rule results`)
        current = {
          ruleId: attr.idref ?? '',
          status: 'unknown',
          severity: attr.severity ?? '',
          title: '',
          actual: '',
          expected: '',
          message: '',
          idents: [],
        }
        break
      case 'target':
      case 'fact':
      case 'set-value':
      case 'score':
      case 'result':
      case 'ident':
      case 'message':
        capturing = true
        text = ''
        break
    }
  })
  sax.on('text', (t) => {
    if (!capturing) return
    text += t
    if (text.length > lim.maxTextLength)
      throw new ScapError('too_large', 'A text node in the results is too long')
  })
  sax.on('closetag', (tag: SaxesTagNS) => {
    stack.pop()
    if (tag.uri !== NS_XCCDF || !inTestResult) return
    const value = text.trim()
    switch (tag.local) {
      case 'TestResult':
        inTestResult = false
        break
      case 'target':
        if (!current) tr.target = value
        break
      case 'fact':
        tr.targetFacts[(tag.attributes.name?.value ?? '').replace(/^urn:xccdf:fact:/, '')] = value
        break
      case 'set-value':
        tr.setValues[tag.attributes.idref?.value ?? ''] = value
        break
      case 'score':
        tr.score = Number(value)
        break
      case 'result':
        if (current) {
          if (!STATUSES.has(value as RuleStatus))
            throw new ScapError('invalid', `Rule ${current.ruleId} has an unknown result "${value}"`)
          current.status = value as RuleStatus
        }
        break
      case 'ident':
        current?.idents.push({ system: identSystem(tag.attributes.system?.value ?? ''), id: value })
        break
      case 'message':
        if (current && value) current.message = current.message ? `${current.message}\n${value}` : value
        break
      case 'rule-result':
        if (current) {
          if (seen.has(current.ruleId))
            throw new ScapError('invalid', `The results name rule ${current.ruleId} twice`)
          seen.add(current.ruleId)
          results.push(current)
        }
        current = null
        break
    }
    capturing = false
  })

  try {
    const decoder = new TextDecoder('utf-8', { fatal: true })
    for (let i = 0; i < source.length; i += CHUNK) {
      opts.signal?.throwIfAborted()
      sax.write(decoder.decode(source.subarray(i, i + CHUNK), { stream: true }))
      // Let progress events and cancellation through on large files.
      if (i % (16 * CHUNK) === 0) await new Promise((r) => setImmediate(r))
    }
    sax.write(decoder.decode())
    sax.close()
  } catch (err) {
    if (err instanceof ScapError) throw err
    if (err instanceof TypeError) throw new ScapError('malformed', 'The results file is not valid UTF-8')
    throw err
  }
  if (stack.length)
    throw new ScapError('malformed', `The results file ends inside <${stack.at(-1)}>: truncated?`)
  if (!sawTestResult)
    throw new ScapError('not_scap', 'No XCCDF TestResult in this file: is it an ARF from oscap?')
  return { testResult: tr, results }
}
