// Writes the Prometheus text exposition format (version 0.0.4) by hand: HELP and TYPE before each family,
// label values escaped, histogram buckets cumulative and ending in le="+Inf", with _sum and _count.
export type Labels = Record<string, string>

export interface Sample {
  labels?: Labels
  value: number
}

export interface Family {
  name: string
  help: string
  type: 'counter' | 'gauge'
  samples: Sample[]
}

export interface HistogramFamily {
  name: string
  help: string
  type: 'histogram'
  /** Upper bounds, ascending, without +Inf. */
  buckets: readonly number[]
  series: { labels?: Labels; hist: Histogram }[]
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** One histogram series: counts per bucket (not yet cumulative), the sum and the count. */
export class Histogram {
  readonly counts: number[]
  sum = 0
  count = 0
  constructor(readonly buckets: readonly number[]) {
    this.counts = new Array<number>(buckets.length).fill(0)
  }
  observe(v: number): void {
    const i = this.buckets.findIndex((b) => v <= b)
    if (i >= 0) this.counts[i]!++
    this.sum += v
    this.count++
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** Label values: backslash, double quote and line feed escaped, as the format says. */
export const escapeLabel = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(labels ?? {})
  if (extra) pairs.push(extra)
  if (pairs.length === 0) return ''
  for (const [k] of pairs) if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`bad label name ${k}`)
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
}

function header(f: { name: string; help: string; type: string }): string {
  if (!NAME.test(f.name)) throw new Error(`bad metric name ${f.name}`)
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`
}

export function render(families: (Family | HistogramFamily)[]): string {
  let out = ''
  for (const f of families) {
    out += header(f)
    if (f.type === 'histogram') {
      for (const { labels, hist } of f.series) {
        let cumulative = 0
        f.buckets.forEach((b, i) => {
          cumulative += hist.counts[i] ?? 0
          out += `${f.name}_bucket${labelText(labels, ['le', formatValue(b)])} ${cumulative}\n`
        })
        out += `${f.name}_bucket${labelText(labels, ['le', '+Inf'])} ${hist.count}\n`
        out += `${f.name}_sum${labelText(labels)} ${formatValue(hist.sum)}\n`
        out += `${f.name}_count${labelText(labels)} ${hist.count}\n`
      }
    } else for (const s of f.samples) out += `${f.name}${labelText(s.labels)} ${formatValue(s.value)}\n`
  }
  return out
}
