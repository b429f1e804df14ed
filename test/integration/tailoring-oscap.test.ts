// The proof that our tailoring files work: real oscap evaluates the Debian 11 SSG datastream on this host
// with a tailoring from writeTailoring; the ARF shows the changed Values, severities and unselected rules.
import { beforeAll, describe, expect, it } from 'vitest'
import { oscapRun } from '../helpers/oscap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SaxesParser } from 'saxes'
import { readTailoring, validateTailoring, writeTailoring } from '../../src-main/core/scap/tailoring'
import type { Tailoring, XccdfValue } from '../../src-main/core/scap/types'
import { widenedDebian11Datastream } from '../services/lib'
import { useTmpDirs } from '../helpers/tmp-dir'

const XCCDF12 = 'http://checklists.nist.gov/xccdf/1.2'
const SSG = 'xccdf_org.ssgproject.content_'
const STANDARD = `${SSG}profile_standard`
const CUSTOMIZED = `${SSG}profile_standard_customized`
const IDLE = `${SSG}value_sshd_idle_timeout_value`
const KEEPALIVE = `${SSG}value_var_sshd_set_keepalive`
const IDLE_RULE = `${SSG}rule_sshd_set_idle_timeout`
const ROOT_LOGIN = `${SSG}rule_sshd_disable_root_login`
// Both pass on any sane Debian host; two of them, next to a select="true", because oscap 1.3.7 skips every
// other select when they are not separated by whitespace, and one unselect alone would not show that.
const UNSELECTED = [`${SSG}rule_file_owner_etc_passwd`, `${SSG}rule_file_groupowner_etc_passwd`]
const KEPT = `${SSG}rule_file_owner_etc_group`

const tmp = useTmpDirs('all')
let dir = ''
let datastream = ''

interface TestResult {
  profile: string
  setValues: Record<string, string>
  rules: Record<string, { result: string; severity: string }>
}

/** The TestResult of an ARF file: the profile it ran, its set-values, and each rule's result and severity. */
function readTestResult(arf: string): TestResult {
  const out: TestResult = { profile: '', setValues: {}, rules: {} }
  const parser = new SaxesParser({ xmlns: true })
  let inResult = false
  let rule = ''
  let text: { kind: 'set-value' | 'result'; idref: string; buf: string } | undefined
  parser.on('opentag', (tag) => {
    if (tag.uri !== XCCDF12) return
    const a = (name: string) => tag.attributes[name]?.value ?? ''
    if (tag.local === 'TestResult') inResult = true
    if (!inResult) return
    if (tag.local === 'profile') out.profile = a('idref')
    if (tag.local === 'set-value') text = { kind: 'set-value', idref: a('idref'), buf: '' }
    if (tag.local === 'rule-result') {
      rule = a('idref')
      out.rules[rule] = { result: '', severity: a('severity') }
    }
    if (tag.local === 'result' && rule) text = { kind: 'result', idref: rule, buf: '' }
  })
  parser.on('text', (t) => {
    if (text) text.buf += t
  })
  parser.on('closetag', (tag) => {
    if (tag.uri !== XCCDF12) return
    if (tag.local === 'TestResult') inResult = false
    if (!text || tag.local !== text.kind) return
    if (text.kind === 'set-value') out.setValues[text.idref] = text.buf.trim()
    else if (out.rules[text.idref]) out.rules[text.idref]!.result = text.buf.trim()
    text = undefined
  })
  parser.write(arf).close()
  return out
}

async function evaluate(name: string, profile: string, tailoringFile?: string): Promise<TestResult> {
  const arf = join(dir, `${name}-arf.xml`)
  const tailoring = tailoringFile ? ['--tailoring-file', tailoringFile] : []
  const run = await oscapRun([
    'xccdf',
    'eval',
    '--profile',
    profile,
    ...tailoring,
    '--results-arf',
    arf,
    datastream,
  ])
  // 0: all passed, 2: some rule failed; both mean the evaluation ran. 1 is an oscap error.
  expect([0, 2], run.output.slice(-2000)).toContain(run.code)
  return readTestResult(readFileSync(arf, 'utf8'))
}

/** A Value straight from the datastream, by regex: enough for validation without the datastream parser. */
function valueFromDatastream(ds: string, id: string): XccdfValue {
  const block = new RegExp(
    `<xccdf-1\\.2:Value id="${id}" type="(\\w+)"[^>]*>([\\s\\S]*?)</xccdf-1\\.2:Value>`,
  ).exec(ds)
  if (!block) throw new Error(`no Value ${id} in the datastream`)
  const selectors = [...(block[2] ?? '').matchAll(/<xccdf-1\.2:value selector="([^"]+)">([^<]*)</g)].map(
    (m) => ({
      selector: m[1] ?? '',
      value: m[2] ?? '',
    }),
  )
  return {
    id,
    title: '',
    description: '',
    type: block[1] as XccdfValue['type'],
    operator: 'equals',
    interactive: false,
    default: /<xccdf-1\.2:value>([^<]*)</.exec(block[2] ?? '')?.[1] ?? '',
    selectors,
    usedBy: [],
  }
}

describe('a Driftwatch tailoring run by oscap', () => {
  let baseline: TestResult
  let tailored: TestResult
  let tailoring: Tailoring

  beforeAll(async () => {
    dir = tmp.make('driftwatch-tailoring-')
    datastream = await widenedDebian11Datastream(dir)
    tailoring = {
      profileId: CUSTOMIZED,
      profileTitle: 'Standard System Security Profile for Debian 11 [CUSTOMIZED]',
      extends: STANDARD,
      setValues: { [IDLE]: '900' },
      refineValues: { [KEEPALIVE]: '3' },
      selects: { [UNSELECTED[0]!]: false, [KEPT]: true, [UNSELECTED[1]!]: false },
      refineRules: { [ROOT_LOGIN]: 'high' },
      benchmarkHref: datastream,
      version: '1',
      versionTime: '2024-05-01T12:00:00Z',
    }
    const file = join(dir, 'tailoring.xml')
    writeFileSync(file, writeTailoring(tailoring))
    ;[baseline, tailored] = [
      await evaluate('baseline', STANDARD),
      await evaluate('tailored', CUSTOMIZED, file),
    ]
  })

  it('is sound against the benchmark it tailors', () => {
    const ds = readFileSync(datastream, 'utf8')
    const ruleIds = new Set([...ds.matchAll(/<xccdf-1\.2:Rule [^>]*\bid="([^"]+)"/g)].map((m) => m[1] ?? ''))
    const values = [valueFromDatastream(ds, IDLE), valueFromDatastream(ds, KEEPALIVE)]
    expect(validateTailoring(tailoring, values, ruleIds)).toEqual([])
    const id = 'xccdf_app.driftwatch_tailoring_standard_customized'
    expect(readTailoring(writeTailoring(tailoring))).toEqual({ ...tailoring, id })
  })

  it('runs the customised profile with the new idle timeout', () => {
    expect(tailored.profile).toBe(CUSTOMIZED)
    expect(baseline.setValues[IDLE]).toBe('300')
    expect(tailored.setValues[IDLE]).toBe('900')
    // The rule whose check reads the Value is still evaluated (notapplicable without a running sshd is fine).
    expect(tailored.rules[IDLE_RULE]?.result).toMatch(/^(pass|fail|notapplicable|error|unknown)$/)
  })

  it('applies a selector and a severity refinement', () => {
    expect(baseline.setValues[KEEPALIVE]).toBe('0')
    expect(tailored.setValues[KEEPALIVE]).toBe('3')
    expect(baseline.rules[ROOT_LOGIN]?.severity).toBe('medium')
    expect(tailored.rules[ROOT_LOGIN]?.severity).toBe('high')
  })

  it('gives the unselected rules no result, and keeps the rest', () => {
    for (const id of UNSELECTED) {
      expect(baseline.rules[id]?.result, id).toBe('pass')
      expect(tailored.rules[id]?.result ?? 'notselected', id).toBe('notselected')
    }
    expect(tailored.rules[KEPT]?.result).toBe(baseline.rules[KEPT]?.result)
    const evaluated = (r: TestResult) =>
      Object.values(r.rules).filter((x) => x.result !== 'notselected').length
    expect(evaluated(tailored)).toBe(evaluated(baseline) - UNSELECTED.length)
  })
})
