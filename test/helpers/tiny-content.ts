// A small XCCDF 1.2 benchmark (two profiles, two rules, one Value) for tests that import content but do not scan
// it: read with the same reader as the SCAP Security Guide's datastreams, in milliseconds.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const X = 'http://checklists.nist.gov/xccdf/1.2'
export const TINY_PREFIX = 'xccdf_org.example.tiny_'
export const TINY_PROFILE = `${TINY_PREFIX}profile_base`

/** The benchmark's XML; `version` changes its bytes (and so its SHA-256). */
export function tinyBenchmark(version = '1'): string {
  const p = TINY_PREFIX
  return `<?xml version="1.0" encoding="UTF-8"?>
<x:Benchmark xmlns:x="${X}" id="${p}benchmark_tiny">
  <x:title>Tiny benchmark</x:title><x:version>${version}</x:version>
  <x:Profile id="${p}profile_base"><x:title>Base</x:title><x:select idref="${p}rule_a" selected="true"/></x:Profile>
  <x:Profile id="${p}profile_strict"><x:title>Strict</x:title><x:select idref="${p}rule_a" selected="true"/><x:select idref="${p}rule_b" selected="true"/></x:Profile>
  <x:Value id="${p}value_timeout" type="number"><x:title>Timeout</x:title><x:value>600</x:value><x:value selector="short">300</x:value></x:Value>
  <x:Rule id="${p}rule_a" severity="medium"><x:title>Rule A</x:title></x:Rule>
  <x:Rule id="${p}rule_b" severity="high"><x:title>Rule B</x:title></x:Rule>
</x:Benchmark>
`
}

/** Writes the benchmark to dir/name and returns its path. */
export function writeTinyContent(dir: string, name = 'tiny-ds.xml', version = '1'): string {
  const file = join(dir, name)
  writeFileSync(file, tinyBenchmark(version))
  return file
}
