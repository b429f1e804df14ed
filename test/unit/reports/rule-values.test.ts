// The Values a report puts into fix scripts, against oscap itself: for the real Debian 11 SSG content, the
// stock profile and a tailoring made in SCAP Workbench, every Value oscap writes into its generated bash fix
// (`oscap xccdf generate fix`) reads the same here, and a rule's fix read with them is oscap's fix line for line.
import { beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseDatastream } from '../../../src-main/core/scap/datastream'
import { readTailoring } from '../../../src-main/core/scap/tailoring'
import type { Benchmark, Tailoring } from '../../../src-main/core/scap/types'
import { resolveValues, withValues } from '../../../src-main/core/reports/rule-values'
import { fixText } from '../../../src-main/core/reports/rule-text'

const FILE = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
const P = 'xccdf_org.ssgproject.content_'
const STANDARD = `${P}profile_standard`
const TAILORING = fileURLToPath(new URL('../../fixtures/tailoring/scap-workbench.xml', import.meta.url))
const IDLE = `${P}rule_sshd_set_idle_timeout`

let bench: Benchmark
let tailoring: Tailoring

beforeAll(async () => {
  bench = (await parseDatastream(FILE)).benchmarks[0]!
  tailoring = readTailoring(readFileSync(TAILORING))
})

/** oscap's own bash fix for a profile: each `name='value'` line it wrote, and each rule's fix block. */
function oscapFix(profileId: string, tailoringFile?: string) {
  const script = execFileSync(
    'oscap',
    [
      ...['xccdf', 'generate', 'fix', '--profile', profileId, '--fix-type', 'bash'],
      ...(tailoringFile ? ['--tailoring-file', tailoringFile] : []),
      FILE,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  )
  const assigned = new Map<string, string>()
  for (const m of script.matchAll(/^(\w+)='([^'\n]*)'$/gm)) assigned.set(m[1]!, m[2]!)
  const block = (ruleId: string) => {
    const start = script.indexOf('\n', script.indexOf(`'${ruleId}'")`)) + 1
    return script.slice(start, script.indexOf('# END fix for', start))
  }
  return { assigned, block }
}

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)

describe.each([
  ['the stock standard profile', STANDARD, undefined],
  ['a SCAP Workbench tailoring (refine-value 15_minutes, a set-value)', '', TAILORING],
])('%s', (_, profileId, tailoringFile) => {
  it("reads every Value oscap's generated fix assigns, and the idle-timeout fix line for line", () => {
    const t = tailoringFile ? tailoring : undefined
    const values = resolveValues(bench, profileId || t!.profileId, t)
    const oscap = oscapFix(profileId || t!.profileId, tailoringFile)
    let compared = 0
    for (const [name, value] of oscap.assigned) {
      const ours = values.get(`${P}value_${name}`)
      if (ours === undefined) continue
      expect(ours, name).toBe(value)
      compared++
    }
    expect(compared).toBeGreaterThan(0)
    expect(oscap.assigned.get('sshd_idle_timeout_value')).toBe(t ? '900' : '300')
    const rule = bench.rules.find((r) => r.id === IDLE)!
    const fix = withValues(fixText(rule), values)
    expect(fix).not.toContain(`[${P}value_`)
    expect(lines(fix)).toEqual(lines(oscap.block(IDLE)))
  }, 60_000)
})

describe('withValues', () => {
  it('replaces only placeholders of Values it knows; other brackets stay as written', () => {
    const v = new Map([[`${P}value_x`, '45']])
    expect(withValues(`a=[${P}value_x]; [ -f f ] && b=[${P}value_unknown] [[ x ]]`, v)).toBe(
      `a=45; [ -f f ] && b=[${P}value_unknown] [[ x ]]`,
    )
    expect(withValues('', v)).toBe('')
  })
})
