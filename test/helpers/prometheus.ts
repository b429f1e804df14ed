// A strict reader of the Prometheus text exposition format, for tests: every sample's family must have its
// HELP and TYPE first, names and labels must be well formed, values numbers, and each histogram's buckets
// cumulative, ending in le="+Inf" equal to its _count, with a _sum.
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}
export interface Family {
  name: string
  help: string
  type: string
  samples: Sample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/

function parseValue(s: string): number {
  if (s === '+Inf') return Infinity
  if (s === '-Inf') return -Infinity
  if (s === 'NaN') return NaN
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) throw new Error(`not a number: "${s}"`)
  return Number(s)
}

function parseLabels(text: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {}
  let s = text.slice(1)
  for (;;) {
    if (s.startsWith('}')) return { labels, rest: s.slice(1) }
    const m = LABEL.exec(s)
    if (!m) throw new Error(`bad label name in ${text}`)
    const name = m[0]
    s = s.slice(name.length)
    if (!s.startsWith('="')) throw new Error(`expected =" after ${name}`)
    s = s.slice(2)
    let value = ''
    for (;;) {
      const c = s[0]
      if (c === undefined || c === '\n') throw new Error(`unterminated label value in ${text}`)
      if (c === '"') break
      if (c === '\\') {
        const e = s[1]
        if (e === '\\') value += '\\'
        else if (e === '"') value += '"'
        else if (e === 'n') value += '\n'
        else throw new Error(`bad escape \\${e} in ${text}`)
        s = s.slice(2)
      } else {
        value += c
        s = s.slice(1)
      }
    }
    s = s.slice(1)
    if (name in labels) throw new Error(`label ${name} twice in ${text}`)
    labels[name] = value
    if (s.startsWith(',')) s = s.slice(1)
    else if (!s.startsWith('}')) throw new Error(`expected , or } in ${text}`)
  }
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed')
  const families = new Map<string, Family>()
  let current: Family | null = null
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ')) {
      const [name, ...help] = line.slice(7).split(' ')
      if (!name || !NAME.test(name) || families.has(name)) throw new Error(`bad or repeated HELP: ${line}`)
      current = { name, help: help.join(' '), type: '', samples: [] }
      families.set(name, current)
    } else if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ')
      if (!current || current.name !== name || current.type || current.samples.length)
        throw new Error(`TYPE without its HELP just before: ${line}`)
      if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? ''))
        throw new Error(`unknown type: ${line}`)
      current.type = type!
    } else if (line.startsWith('#')) continue
    else {
      const m = NAME.exec(line)
      if (!m) throw new Error(`bad sample line: ${line}`)
      const name = m[0]
      let rest = line.slice(name.length)
      let labels: Record<string, string> = {}
      if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest))
      if (!rest.startsWith(' ')) throw new Error(`expected a space before the value: ${line}`)
      const value = parseValue(rest.slice(1).split(' ')[0]!)
      if (!current || !current.type) throw new Error(`sample before its HELP and TYPE: ${line}`)
      const base = current.type === 'histogram' ? name.replace(/_(bucket|sum|count)$/, '') : name
      if (base !== current.name) throw new Error(`sample ${name} outside its family ${current.name}`)
      if (current.type === 'counter' && !(value >= 0)) throw new Error(`negative counter: ${line}`)
      current.samples.push({ name, labels, value })
    }
  }
  for (const f of families.values()) {
    if (!f.type) throw new Error(`${f.name} has no TYPE`)
    if (f.type === 'histogram') checkHistogram(f)
  }
  return families
}

function checkHistogram(f: Family): void {
  const series = new Map<string, Sample[]>()
  for (const s of f.samples) {
    const { le: _le, ...rest } = s.labels
    const k = JSON.stringify(rest)
    series.set(k, [...(series.get(k) ?? []), s])
  }
  for (const [k, samples] of series) {
    const buckets = samples.filter((s) => s.name === `${f.name}_bucket`)
    const count = samples.find((s) => s.name === `${f.name}_count`)
    const sum = samples.find((s) => s.name === `${f.name}_sum`)
    if (!count || !sum) throw new Error(`${f.name}${k} lacks _sum or _count`)
    if (buckets.length === 0 || buckets.at(-1)!.labels.le !== '+Inf')
      throw new Error(`${f.name}${k}: the last bucket is not le="+Inf"`)
    let prevLe = -Infinity
    let prev = 0
    for (const b of buckets) {
      const le = parseValue(b.labels.le ?? '')
      if (!(le > prevLe)) throw new Error(`${f.name}${k}: bucket bounds not ascending at le=${b.labels.le}`)
      if (b.value < prev) throw new Error(`${f.name}${k}: buckets not cumulative at le=${b.labels.le}`)
      prevLe = le
      prev = b.value
    }
    if (buckets.at(-1)!.value !== count.value)
      throw new Error(`${f.name}${k}: le="+Inf" ${buckets.at(-1)!.value} ≠ _count ${count.value}`)
  }
}

/** The value of one sample whose labels include `labels`, or undefined. */
export function value(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
  sample = name,
): number | undefined {
  const base = families.get(name)
  return base?.samples.find(
    (s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value
}
