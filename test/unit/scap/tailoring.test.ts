// Tailoring files: a SCAP Workbench file survives import and export, what we write passes oscap's schema
// check, hostile XML is refused quickly with a clear reason, and validation says why a change would be wrong.
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  TAILORING_LIMITS,
  readTailoring,
  validateTailoring,
  writeTailoring,
} from '../../../src-main/core/scap/tailoring'
import { ScapError, type Tailoring, type XccdfValue } from '../../../src-main/core/scap/types'
import { useTmpDirs } from '../../helpers/tmp-dir'

const FIXTURE = new URL('../../fixtures/tailoring/scap-workbench.xml', import.meta.url)
const SSG = 'xccdf_org.ssgproject.content_'
const tmp = useTmpDirs()

function scapError(fn: () => unknown): ScapError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ScapError) return error
    throw error
  }
  throw new Error('expected a ScapError')
}

/** `oscap xccdf validate` checks the XCCDF 1.2 schema; oscap 1.3.7 ships no schematron for tailorings. */
function oscapValidates(xml: string): { ok: boolean; output: string } {
  const file = join(tmp.make(), 'tailoring.xml')
  writeFileSync(file, xml)
  try {
    const out = execFileSync('oscap', ['xccdf', 'validate', '--skip-schematron', file], { encoding: 'utf8' })
    return { ok: true, output: out }
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

const base: Tailoring = {
  profileId: `${SSG}profile_standard_customized`,
  profileTitle: 'Standard [CUSTOMIZED]',
  extends: `${SSG}profile_standard`,
  refineValues: {},
  setValues: {},
  selects: {},
  refineRules: {},
  benchmarkHref: '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml',
  version: '1',
  versionTime: '2024-05-01T12:00:00Z',
}

describe('SCAP Workbench tailoring file', () => {
  const xml = readFileSync(FIXTURE)

  it('imports every change the auditor made', () => {
    expect(readTailoring(xml)).toEqual({
      id: 'xccdf_scap-workbench_tailoring_default',
      profileId: `${SSG}profile_standard_customized`,
      extends: `${SSG}profile_standard`,
      profileTitle: 'Standard System Security Profile for Debian 11 [CUSTOMIZED]',
      profileDescription:
        'This profile contains rules to ensure standard security baseline\n' +
        "of a Debian 11 system. Regardless of your system's workload\n" +
        'all of these checks should pass.',
      benchmarkHref: '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml',
      version: '1',
      versionTime: '2023-11-14T10:42:17',
      selects: { [`${SSG}rule_file_permissions_systemmap`]: false },
      setValues: { [`${SSG}value_var_sshd_set_keepalive`]: '1' },
      refineValues: { [`${SSG}value_sshd_idle_timeout_value`]: '15_minutes' },
      refineRules: { [`${SSG}rule_sshd_disable_root_login`]: 'high' },
    })
  })

  it('exports back to an equivalent file that oscap accepts', () => {
    const first = readTailoring(xml)
    const exported = writeTailoring(first)
    expect(readTailoring(exported)).toEqual(first)
    expect(writeTailoring(readTailoring(exported))).toBe(exported)
    // Same layout as Workbench: the fixture and our export differ at most in attribute order and blank text.
    const squash = (s: string) => s.replace(/>\s+</g, '><').trim()
    expect(squash(exported)).toBe(squash(xml.toString('utf8')))
    const check = oscapValidates(exported)
    expect(check.output).toBe('')
    expect(check.ok).toBe(true)
    const file = join(tmp.make(), 'exported.xml')
    writeFileSync(file, exported)
    const info = execFileSync('oscap', ['info', file], { encoding: 'utf8' })
    expect(info).toContain('Document type: XCCDF Tailoring')
    expect(info).toContain(`Id: ${SSG}profile_standard_customized`)
  })
})

describe('writeTailoring', () => {
  const full: Tailoring = {
    ...base,
    selects: { [`${SSG}rule_b`]: true, [`${SSG}rule_a`]: false },
    setValues: { [`${SSG}value_z`]: '900', [`${SSG}value_y`]: 'a & b < c > "d" \'e\'\r\nnext' },
    refineValues: { [`${SSG}value_x`]: '15_minutes' },
    refineRules: { [`${SSG}rule_c`]: 'low' },
  }

  it('writes the same bytes whatever order the changes were made in', () => {
    const reversed: Tailoring = {
      ...full,
      selects: { [`${SSG}rule_a`]: false, [`${SSG}rule_b`]: true },
      setValues: { [`${SSG}value_y`]: full.setValues[`${SSG}value_y`] ?? '', [`${SSG}value_z`]: '900' },
    }
    const xml = writeTailoring(full)
    expect(writeTailoring(reversed)).toBe(xml)
    expect(xml.indexOf('rule_a')).toBeLessThan(xml.indexOf('rule_b'))
    expect(xml).not.toMatch(/\d{4}-\d\d-\d\dT(?!12:00:00Z)/)
  })

  it('puts every element on its own line, which oscap 1.3.7 needs to see every select', () => {
    const lines = writeTailoring(full).split('\n')
    expect(lines.filter((l) => l.includes('<xccdf:select ')).length).toBe(2)
    expect(
      lines.every(
        (l) => (l.match(/<xccdf:(select|set-value|refine-value|refine-rule)\b/g) ?? []).length <= 1,
      ),
    ).toBe(true)
  })

  it('escapes text and attributes so odd titles and values survive', () => {
    const odd: Tailoring = {
      ...full,
      profileTitle: 'Ops & "Sec" <team>',
      profileDescription: 'line one\nline two ]]> & done',
      benchmarkHref: '/content/a "b" & <c>.xml',
    }
    const xml = writeTailoring(odd)
    expect(xml).toContain('Ops &amp; "Sec" &lt;team&gt;')
    expect(xml).toContain('href="/content/a &quot;b&quot; &amp; &lt;c&gt;.xml"')
    const back = readTailoring(xml)
    expect(back.profileTitle).toBe(odd.profileTitle)
    expect(back.profileDescription).toBe(odd.profileDescription)
    expect(back.benchmarkHref).toBe(odd.benchmarkHref)
    expect(back.setValues).toEqual(odd.setValues)
    expect(oscapValidates(xml).ok).toBe(true)
  })

  it('refuses ids oscap would reject and characters XML cannot hold', () => {
    expect(scapError(() => writeTailoring({ ...base, profileId: 'standard_customized' })).message).toMatch(
      /xccdf_<reverse-dns>_profile_<name>/,
    )
    expect(scapError(() => writeTailoring({ ...base, selects: { 'rule with space': false } })).code).toBe(
      'invalid',
    )
    const sev = { [`${SSG}rule_a`]: 'critical' } as unknown as Tailoring['refineRules']
    expect(scapError(() => writeTailoring({ ...base, refineRules: sev })).message).toMatch(/critical/)
    expect(scapError(() => writeTailoring({ ...base, profileTitle: 'bell \u0007' })).code).toBe('invalid')
    expect(scapError(() => writeTailoring({ ...base, versionTime: 'yesterday' })).message).toMatch(/dateTime/)
  })

  it('derives a valid tailoring id and omits what is absent', () => {
    const xml = writeTailoring({ ...base, extends: '', profileTitle: '' })
    expect(xml).toContain('id="xccdf_app.driftwatch_tailoring_standard_customized"')
    expect(xml).not.toContain('extends=')
    expect(xml).toContain('<xccdf:title override="false"/>')
    expect(oscapValidates(xml).ok).toBe(true)
  })
})

describe('readTailoring', () => {
  it('reads autotailor output: xccdf-1.2 prefix, file:// href, one line, untitled', () => {
    const xml =
      '<xccdf-1.2:Tailoring xmlns:xccdf-1.2="http://checklists.nist.gov/xccdf/1.2"' +
      ' id="xccdf_auto_tailoring_default">' +
      '<xccdf-1.2:benchmark href="file:///usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml" />' +
      '<xccdf-1.2:version time="2026-11-23T13:07:36.497703">1</xccdf-1.2:version>' +
      `<xccdf-1.2:Profile id="${SSG}profile_standard_customized" extends="${SSG}profile_standard">` +
      '<xccdf-1.2:title override="false" />' +
      `<xccdf-1.2:select idref="${SSG}rule_sshd_disable_root_login" selected="true" />` +
      `<xccdf-1.2:select idref="${SSG}rule_file_owner_etc_passwd" selected="false" />` +
      `<xccdf-1.2:set-value idref="${SSG}value_sshd_idle_timeout_value">900</xccdf-1.2:set-value>` +
      '</xccdf-1.2:Profile></xccdf-1.2:Tailoring>'
    const t = readTailoring(xml)
    expect(t).toMatchObject({
      id: 'xccdf_auto_tailoring_default',
      benchmarkHref: 'file:///usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml',
      profileTitle: '',
      selects: { [`${SSG}rule_sshd_disable_root_login`]: true, [`${SSG}rule_file_owner_etc_passwd`]: false },
      setValues: { [`${SSG}value_sshd_idle_timeout_value`]: '900' },
    })
    expect(readTailoring(writeTailoring(t))).toEqual(t)
  })

  it('reads the default namespace and keeps only the profile asked for', () => {
    const profile = (id: string, rule: string) =>
      `<Profile id="${SSG}profile_${id}"><title>${id}</title>` +
      `<select idref="${SSG}rule_${rule}" selected="0"/></Profile>`
    const xml =
      '<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_tailoring_y">' +
      `<benchmark id="${SSG}benchmark_DEBIAN-11" version="0.1.65" href="ssg-debian11-ds.xml"/>` +
      '<version time="2024-01-01T00:00:00">3</version>' +
      `${profile('one', 'a')}${profile('two', 'b')}</Tailoring>`
    expect(scapError(() => readTailoring(xml)).message).toMatch(/2 profiles .*profile_one.*profile_two/)
    const t = readTailoring(xml, { profileId: `${SSG}profile_two` })
    expect(t).toMatchObject({
      profileId: `${SSG}profile_two`,
      benchmarkId: `${SSG}benchmark_DEBIAN-11`,
      benchmarkVersion: '0.1.65',
      version: '3',
      selects: { [`${SSG}rule_b`]: false },
    })
    expect(readTailoring(writeTailoring(t))).toEqual(t)
  })

  it('says what it could not keep instead of losing it silently', () => {
    const xml =
      '<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_x_tailoring_y">' +
      `<xccdf:version time="2024-01-01T00:00:00">1</xccdf:version><xccdf:Profile id="${SSG}profile_p">` +
      `<xccdf:title>p</xccdf:title><xccdf:refine-rule idref="${SSG}rule_a" weight="5" severity="low"/>` +
      `<xccdf:set-complex-value idref="${SSG}value_v"><xccdf:item>x</xccdf:item></xccdf:set-complex-value>` +
      '</xccdf:Profile></xccdf:Tailoring>'
    const t = readTailoring(xml)
    expect(t.refineRules).toEqual({ [`${SSG}rule_a`]: 'low' })
    expect(t.dropped).toEqual([
      `refine-rule ${SSG}rule_a weight="5"`,
      `<set-complex-value idref="${SSG}value_v">`,
    ])
  })

  const hostile: [string, string | Buffer, ScapError['code'], RegExp][] = [
    [
      'billion laughs',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">' +
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>',
      'doctype',
      /DOCTYPE/,
    ],
    [
      'external entity',
      '<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
        '<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="x">&xxe;</Tailoring>',
      'doctype',
      /DOCTYPE/,
    ],
    [
      'an entity with no DOCTYPE at all',
      '<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="x">&lol;</Tailoring>',
      'malformed',
      /^The XML is malformed at line 1, column 69: undefined entity \(only the five XML entities/,
    ],
    [
      'a truncated file',
      readFileSync(FIXTURE).subarray(0, 900),
      'malformed',
      /unclosed tag: xccdf:Profile \(is the file cut off\?\)/,
    ],
    ['an empty file', ' \n', 'malformed', /empty/],
    [
      'an XCCDF benchmark',
      '<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="xccdf_a_benchmark_b"/>',
      'not_scap',
      /expected an XCCDF 1.2 <Tailoring>, found <Benchmark>/,
    ],
    [
      'an XCCDF 1.1 tailoring',
      '<t:Tailoring xmlns:t="http://open-scap.org/page/Xccdf-1.1-tailoring" id="x"/>',
      'not_scap',
      /XCCDF 1.1/,
    ],
    [
      'a tailoring with no profile',
      '<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="x">' +
        '<version time="2020-01-01T00:00:00">1</version></Tailoring>',
      'invalid',
      /no <Profile>/,
    ],
    [
      'a select that is neither true nor false',
      `<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="x"><Profile id="${SSG}profile_p">` +
        `<select idref="${SSG}rule_a" selected="nope"/></Profile></Tailoring>`,
      'invalid',
      /selected="nope" is not true or false/,
    ],
    ['UTF-16', Buffer.from('\uFEFF<Tailoring/>', 'utf16le'), 'malformed', /UTF-16/],
    [
      'a Latin-1 declaration',
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><Tailoring/>', 'latin1'),
      'malformed',
      /ISO-8859-1/,
    ],
  ]
  for (const [name, xml, code, message] of hostile) {
    it(`refuses ${name}`, () => {
      const err = scapError(() => readTailoring(xml))
      expect(err.code).toBe(code)
      expect(err.message).toMatch(message)
    })
  }

  it('stops 200k-deep nesting early, in bounded time', () => {
    const xml = `<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="x">${'<a>'.repeat(200_000)}`
    const started = performance.now()
    const err = scapError(() => readTailoring(xml))
    expect(err.code).toBe('too_deep')
    expect(err.message).toContain(String(TAILORING_LIMITS.maxDepth))
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('stops at the element cap and the size cap', () => {
    const many =
      `<Tailoring xmlns="http://checklists.nist.gov/xccdf/1.2" id="x">` +
      `${'<a/>'.repeat(TAILORING_LIMITS.maxElements + 1)}</Tailoring>`
    expect(scapError(() => readTailoring(many)).code).toBe('too_many')
    const big = Buffer.alloc(TAILORING_LIMITS.maxBytes + 1, 0x20)
    expect(scapError(() => readTailoring(big)).code).toBe('too_large')
  })
})

describe('validateTailoring', () => {
  const value = (id: string, over: Partial<XccdfValue>): XccdfValue => ({
    id: `${SSG}value_${id}`,
    title: id,
    description: '',
    type: 'number',
    operator: 'equals',
    interactive: false,
    default: '',
    selectors: [],
    usedBy: [],
    ...over,
  })
  const values = [
    value('sshd_idle_timeout_value', {
      lowerBound: 60,
      upperBound: 3600,
      default: '300',
      selectors: [
        { selector: '5_minutes', value: '300' },
        { selector: '15_minutes', value: '900' },
      ],
    }),
    value('max_sessions', { upperBound: 10 }),
    value('min_len', { lowerBound: 8 }),
    value('banner', { type: 'string', match: '^[A-Za-z ]+$' }),
    value('enabled', { type: 'boolean' }),
  ]
  const rules = new Set([`${SSG}rule_sshd_set_idle_timeout`, `${SSG}rule_file_permissions_systemmap`])
  const check = (over: Partial<Tailoring>) => validateTailoring({ ...base, ...over }, values, rules)
  const v = (id: string) => `${SSG}value_${id}`

  it('finds nothing wrong with a sound tailoring', () => {
    expect(
      check({
        setValues: {
          [v('sshd_idle_timeout_value')]: '900',
          [v('banner')]: 'Authorised use only',
          [v('enabled')]: 'true',
        },
        refineValues: { [v('sshd_idle_timeout_value')]: '15_minutes' },
        selects: { [`${SSG}rule_file_permissions_systemmap`]: false },
        refineRules: { [`${SSG}rule_sshd_set_idle_timeout`]: 'high' },
      }),
    ).toEqual([])
  })

  it('names the bounds a number breaks', () => {
    expect(check({ setValues: { [v('sshd_idle_timeout_value')]: '30' } })).toEqual([
      { path: `setValues.${v('sshd_idle_timeout_value')}`, message: 'Must be between 60 and 3600' },
    ])
    expect(check({ setValues: { [v('sshd_idle_timeout_value')]: '7200' } })[0]?.message).toBe(
      'Must be between 60 and 3600',
    )
    expect(check({ setValues: { [v('max_sessions')]: '11' } })[0]?.message).toBe('Must be at most 10')
    expect(check({ setValues: { [v('min_len')]: '7.5' } })[0]?.message).toBe('Must be at least 8')
    expect(check({ setValues: { [v('min_len')]: '8' } })).toEqual([])
  })

  it('says when a number is not a number', () => {
    for (const bad of ['', 'ten', '0x10', 'Infinity', '9 00']) {
      expect(check({ setValues: { [v('max_sessions')]: bad } })[0]?.message).toMatch(/^Must be a number/)
    }
  })

  it('names the pattern a string must match', () => {
    expect(check({ setValues: { [v('banner')]: 'No <script> here' } })).toEqual([
      { path: `setValues.${v('banner')}`, message: 'Must match the pattern ^[A-Za-z ]+$' },
    ])
  })

  it('wants true or false for a boolean', () => {
    expect(check({ setValues: { [v('enabled')]: 'yes' } })[0]?.message).toBe(
      "Must be true or false; got 'yes'",
    )
  })

  it('lists the valid selectors when one is unknown', () => {
    expect(check({ refineValues: { [v('sshd_idle_timeout_value')]: '7_minutes' } })).toEqual([
      {
        path: `refineValues.${v('sshd_idle_timeout_value')}`,
        message: "Unknown selector '7_minutes'; valid selectors: 5_minutes (300), 15_minutes (900)",
      },
    ])
    expect(check({ refineValues: { [v('banner')]: 'x' } })[0]?.message).toMatch(/has no selectors/)
  })

  it('says when a Value or rule is not in this benchmark', () => {
    expect(
      check({
        setValues: { [v('nope')]: '1' },
        refineValues: { [v('gone')]: 'a' },
        selects: { [`${SSG}rule_missing`]: false },
        refineRules: { [`${SSG}rule_other`]: 'low' },
      }),
    ).toEqual([
      { path: `setValues.${v('nope')}`, message: `Value ${v('nope')} is not in this benchmark` },
      { path: `refineValues.${v('gone')}`, message: `Value ${v('gone')} is not in this benchmark` },
      { path: `selects.${SSG}rule_missing`, message: `Rule ${SSG}rule_missing is not in this benchmark` },
      { path: `refineRules.${SSG}rule_other`, message: `Rule ${SSG}rule_other is not in this benchmark` },
    ])
  })

  it('flags a profile id oscap would refuse', () => {
    expect(check({ profileId: 'my profile' })).toEqual([
      { path: 'profileId', message: 'Must look like xccdf_<reverse-dns>_profile_<name>' },
    ])
  })
})
