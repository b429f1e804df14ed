// Writes resources/nist-800-53-rev5.json from NIST's own OSCAL files (../shared/catalogs, public domain): each
// control's id, label, title, family and statement text, and the LOW / MODERATE / HIGH baselines' members.
// Run: node scripts/make-nist-catalog.mjs [catalogs folder]
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2] ?? new URL('../../../shared/catalogs', import.meta.url).pathname
const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))
const catalog = read('NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json').catalog

const label = (props = []) =>
  props.find((p) => p.name === 'label' && !p.class)?.value ??
  props.find((p) => p.name === 'label')?.value ??
  ''

// A parameter reads as NIST prints it: "[Assignment: organization-defined personnel or roles]".
function paramText(params, id) {
  const p = params.get(id)
  if (!p) return `[Assignment: ${id}]`
  if (p.select) {
    const how = p.select['how-many'] === 'one-or-more' ? 'one or more' : 'one'
    const choices = (p.select.choice ?? []).map((c) => fill(params, c)).join('; ')
    return `[Selection (${how}): ${choices}]`
  }
  const l = p.label ?? id
  return `[Assignment: ${l.startsWith('organization-defined') ? l : 'organization-defined ' + l}]`
}
const fill = (params, s) =>
  s.replace(/\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}/g, (_, id) => paramText(params, id))

function statementText(params, part, depth = 0) {
  const lines = []
  const mark = label(part.props)
  if (part.prose)
    lines.push(`${'  '.repeat(Math.max(0, depth - 1))}${mark ? mark + ' ' : ''}${fill(params, part.prose)}`)
  for (const sub of part.parts ?? [])
    if (sub.name === 'item') lines.push(...statementText(params, sub, depth + 1))
  return lines
}

const families = []
const controls = []
function walk(ctl, family, params) {
  const own = new Map(params)
  for (const p of ctl.params ?? []) own.set(p.id, p)
  const stmt = (ctl.parts ?? []).find((p) => p.name === 'statement')
  controls.push({
    id: ctl.id,
    label: label(ctl.props).replace(/\b([A-Z]{2})-0(\d)/, '$1-$2'),
    title: ctl.title,
    family,
    statement: stmt
      ? statementText(own, stmt)
          .join('\n')
          .replace(/\[([^[\]]+)\]\(#[^)]*\)/g, '$1')
      : '',
  })
  for (const sub of ctl.controls ?? []) walk(sub, family, own)
}
for (const g of catalog.groups) {
  families.push({ id: g.id, title: g.title })
  for (const c of g.controls ?? []) walk(c, g.id, new Map())
}

// In the catalog's order (AC-2 before AC-11), as NIST lists them.
const order = new Map(controls.map((c, i) => [c.id, i]))
const baseline = (f) =>
  read(f)
    .profile.imports.flatMap((i) => i['include-controls'] ?? [])
    .flatMap((i) => i['with-ids'] ?? [])
    .sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))
const baselines = {
  low: baseline('NIST_SP-800-53_rev5_LOW-baseline_profile-min.json'),
  moderate: baseline('NIST_SP-800-53_rev5_MODERATE-baseline_profile-min.json'),
  high: baseline('NIST_SP-800-53_rev5_HIGH-baseline_profile-min.json'),
}
const known = new Set(controls.map((c) => c.id))
for (const [name, ids] of Object.entries(baselines)) {
  const missing = ids.filter((id) => !known.has(id))
  if (missing.length)
    throw new Error(`${name} baseline names controls the catalog lacks: ${missing.join(', ')}`)
}

const out = {
  framework: 'nist-800-53',
  title: 'NIST SP 800-53 Rev. 5',
  version: catalog.metadata.version,
  source: 'NIST OSCAL content (usnistgov/oscal-content), public domain: the HIGH baseline resolved catalog',
  families,
  controls,
  baselines,
}
const file = new URL('../resources/nist-800-53-rev5.json', import.meta.url)
writeFileSync(file, JSON.stringify(out) + '\n')
console.log(
  `${controls.length} controls in ${families.length} families; baselines ${Object.entries(baselines)
    .map(([k, v]) => `${k} ${v.length}`)
    .join(', ')}`,
)
