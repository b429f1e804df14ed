// The ARF reader against a real `oscap xccdf eval` run on this machine (checked against xmllint reading the
// same file) and against hostile or broken results, each of which must fail fast with an error that names why.
import { oscapSync } from '../../helpers/oscap'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { arfSummary, parseArf, type ArfResults } from '../../../src-main/core/scap/arf'
import { ScapError } from '../../../src-main/core/scap/types'
import type { RuleResult } from '../../../src-main/core/scanners/scanner'
import { widenedDebian11Datastream } from '../../services/lib'

const P = 'xccdf_org.ssgproject.content_'
const PROFILE = `${P}profile_standard`
const XCCDF = 'http://checklists.nist.gov/xccdf/1.2'

let dir: string
let file: string
let raw: string
let arf: ArfResults

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-arf-'))
  const ds = await widenedDebian11Datastream(dir)
  file = join(dir, 'arf.xml')
  const run = oscapSync(['xccdf', 'eval', '--profile', PROFILE, '--results-arf', file, ds])
  // oscap exits 2 when some rule failed: that is a result, not an error.
  if (run.status !== 0 && run.status !== 2) throw new Error(`oscap exited ${run.status}: ${run.stderr}`)
  raw = readFileSync(file, 'utf8')
  arf = await parseArf(file)
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function xpath(expr: string): string {
  return execFileSync('xmllint', ['--xpath', expr, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}

/** Rejects with a ScapError of this code whose message matches. */
async function refuses(p: Promise<unknown>, code: ScapError['code'], msg: RegExp): Promise<ScapError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ScapError)
  expect((e as ScapError).code).toBe(code)
  expect((e as ScapError).message).toMatch(msg)
  return e as ScapError
}

/** The real ARF with its TestResult's rule-results edited by `edit`. */
function withResults(edit: (block: string) => string): string {
  const start = raw.indexOf('<rule-result ')
  const end = raw.indexOf('<score ', start)
  return raw.slice(0, start) + edit(raw.slice(start, end)) + raw.slice(end)
}

function firstResult(): string {
  const start = raw.indexOf('<rule-result ')
  return raw.slice(start, raw.indexOf('</rule-result>', start) + '</rule-result>'.length)
}

function minimalTestResult(body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<TestResult xmlns="${XCCDF}" id="xccdf_t_testresult_1" ` +
    `start-time="2024-01-01T00:00:00" end-time="2024-01-01T00:01:00"><target>h</target>${body}</TestResult>`
  )
}

describe('parseArf: a real oscap ARF of this machine', () => {
  it('has every rule-result xmllint sees, in order, with the same status', () => {
    const ids = [...xpath("//*[local-name()='rule-result']/@idref").matchAll(/idref="([^"]+)"/g)].map(
      (m) => m[1],
    )
    const statuses = xpath("//*[local-name()='rule-result']/*[local-name()='result']/text()")
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
    expect(ids.length).toBeGreaterThan(300)
    expect(arf.results.map((r) => r.ruleId)).toEqual(ids)
    expect(arf.results.map((r) => r.status)).toEqual(statuses)
  })

  it('counts by status match a count of <result> elements in the file', () => {
    const byStatus: Record<string, number> = {}
    for (const m of raw.matchAll(/<result>([a-z]+)<\/result>/g)) byStatus[m[1]!] = (byStatus[m[1]!] ?? 0) + 1
    const summary = arfSummary(arf.results)
    for (const [s, n] of Object.entries(summary.byStatus)) expect(n, s).toBe(byStatus[s] ?? 0)
    expect(summary.total).toBe(arf.results.length)
    // The standard profile on a Debian 12 host really evaluates rules: the widening worked.
    expect(summary.byStatus.pass).toBeGreaterThan(0)
  })

  it('reads the TestResult: scan id, benchmark, profile, times, target, facts, score', () => {
    const tr = arf.testResult
    expect(tr.id).toBe(`xccdf_org.open-scap_testresult_${PROFILE}`)
    expect(tr.benchmarkId).toBe(`${P}benchmark_DEBIAN-11`)
    expect(tr.profileId).toBe(PROFILE)
    expect(tr.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/)
    expect(Date.parse(tr.endTime)).toBeGreaterThanOrEqual(Date.parse(tr.startTime))
    const host = execFileSync('hostname', { encoding: 'utf8' }).trim()
    expect(tr.target).toBe(host)
    expect(tr.targetFacts['urn:xccdf:fact:scanner:name']).toBe('OpenSCAP')
    expect(tr.targetFacts['urn:xccdf:fact:scanner:version']).toBe('1.3.7')
    const score = /<score system="urn:xccdf:scoring:default"[^>]*>([\d.]+)<\/score>/.exec(raw)![1]
    expect(tr.score).toBe(Number(score))
  })

  it('keeps the set-values the scan used, as oscap wrote them', () => {
    const sv = arf.testResult.setValues
    expect(sv[`${P}value_sshd_idle_timeout_value`]).toBe('300')
    const n = (xpath("count(//*[local-name()='TestResult']/*[local-name()='set-value'])").match(/\d+/) ??
      [])[0]
    expect(Object.keys(sv)).toHaveLength(Number(n))
  })

  it('takes titles and severities from the benchmark the ARF carries', () => {
    const byId = new Map(arf.results.map((r) => [r.ruleId, r]))
    const r = byId.get(`${P}rule_file_owner_etc_passwd`)!
    const at = raw.search(new RegExp(`<xccdf-1.2:Rule [^>]*id="${P}rule_file_owner_etc_passwd"`))
    expect(at).toBeGreaterThan(0)
    const title = /<xccdf-1.2:title>([^<]*)<\/xccdf-1.2:title>/.exec(raw.slice(at))![1]
    expect(r.title).toBe(title)
    expect(r.title).not.toBe('')
    expect(arf.results.every((x) => x.title !== '')).toBe(true)
    expect(r.severity).toBe('medium')
    expect(r.actual).toBe('')
    expect(r.expected).toBe('')
  })

  it('reads a stream the same as a path or bytes', async () => {
    const fromStream = await parseArf(createReadStream(file, { highWaterMark: 1000 }))
    const fromBytes = await parseArf(readFileSync(file))
    expect(fromStream).toEqual(arf)
    expect(fromBytes).toEqual(arf)
  })
})

describe('parseArf: what a rule-result carries', () => {
  it('reads idents, messages and check-imports; without a benchmark the title is empty', async () => {
    const doc = minimalTestResult(
      `<rule-result idref="xccdf_t_rule_a" severity="high"><result>fail</result>` +
        `<ident system="https://ncp.nist.gov/cce">CCE-1234-5</ident>` +
        `<ident system="http://cve.mitre.org">CVE-2024-1</ident>` +
        `<message severity="info">first &amp; worst</message>` +
        `<check system="x"><check-import import-name="stdout"><![CDATA[line <1>]]></check-import></check>` +
        `</rule-result><rule-result idref="xccdf_t_rule_b"><result>pass</result></rule-result>`,
    )
    const { results, testResult } = await parseArf(Buffer.from(doc))
    expect(testResult.target).toBe('h')
    expect(testResult.score).toBeUndefined()
    expect(results).toEqual<RuleResult[]>([
      {
        ruleId: 'xccdf_t_rule_a',
        status: 'fail',
        severity: 'high',
        title: '',
        actual: '',
        expected: '',
        message: 'first & worst\nline <1>',
        idents: [
          { system: 'CCE', id: 'CCE-1234-5' },
          { system: 'CVE', id: 'CVE-2024-1' },
        ],
      },
      {
        ruleId: 'xccdf_t_rule_b',
        status: 'pass',
        severity: 'unknown',
        title: '',
        actual: '',
        expected: '',
        message: '',
        idents: [],
      },
    ])
  })
})

describe('arfSummary', () => {
  const r = (status: RuleResult['status'], severity = 'medium'): RuleResult => ({
    ruleId: `r${Math.random()}`,
    status,
    severity,
    title: '',
    actual: '',
    expected: '',
    message: '',
    idents: [],
  })

  it('scores pass / (pass + fail) and ignores every other status', () => {
    const s = arfSummary([r('pass'), r('pass'), r('pass'), r('fail', 'high'), r('notapplicable'), r('error')])
    expect(s.score).toBe(75)
    expect(s.byStatus).toMatchObject({ pass: 3, fail: 1, notapplicable: 1, error: 1, notchecked: 0 })
    expect(s.bySeverity).toEqual({ medium: 5, high: 1 })
    expect(s.failedBySeverity).toEqual({ high: 1 })
  })

  it('has no score when nothing passed or failed', () => {
    expect(arfSummary([]).score).toBeNull()
    expect(arfSummary([r('notapplicable'), r('notselected')]).score).toBeNull()
    expect(arfSummary([r('fail')]).score).toBe(0)
  })

  it('scores the real scan as its pass and fail counts say', () => {
    const s = arfSummary(arf.results)
    const pass = (raw.match(/<result>pass<\/result>/g) ?? []).length
    const fail = (raw.match(/<result>fail<\/result>/g) ?? []).length
    expect(s.score).toBeCloseTo((100 * pass) / (pass + fail), 10)
  })
})

describe('parseArf: hostile and broken results', () => {
  it('refuses a DOCTYPE (billion laughs) before expanding anything', async () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join(
        '',
      ) +
      `]><TestResult xmlns="${XCCDF}">&lol9;</TestResult>`
    await refuses(parseArf(Buffer.from(lol)), 'doctype', /DOCTYPE/)
  })

  // A hostile scan target writes the ARF: an entity or DTD in it must never make Driftwatch read the
  // auditor's files or call out. The DTD's URL points at a local server that counts requests.
  it('refuses an external entity and an external DTD, never reading or fetching what they name', async () => {
    const secret = join(dir, 'auditor-secret.txt')
    writeFileSync(secret, 'CANARY-auditor-secret')
    const xxe =
      `<?xml version="1.0"?><!DOCTYPE TestResult [<!ENTITY xxe SYSTEM "file://${secret}">]>` +
      `<TestResult xmlns="${XCCDF}" id="t"><target>&xxe;</target></TestResult>`
    const e = await refuses(parseArf(Buffer.from(xxe)), 'doctype', /DOCTYPE/)
    expect(e.message).not.toContain('CANARY')
    const fetched: string[] = []
    const server = createServer((req, res) => {
      fetched.push(req.url ?? '')
      res.end('<!ENTITY x "y">')
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    try {
      const port = (server.address() as AddressInfo).port
      const dtd =
        `<?xml version="1.0"?><!DOCTYPE TestResult SYSTEM "http://127.0.0.1:${port}/evil.dtd">` +
        `<TestResult xmlns="${XCCDF}" id="t"><target>h</target></TestResult>`
      await refuses(parseArf(Buffer.from(dtd)), 'doctype', /DOCTYPE/)
    } finally {
      await new Promise((ok) => server.close(ok))
    }
    expect(fetched).toEqual([])
  })

  it('stops a 10 MB attribute at the default attribute limit, fast', async () => {
    const t0 = performance.now()
    const attr = `<TestResult xmlns="${XCCDF}" id="` + 'a'.repeat(10 * 1024 * 1024) + '"/>'
    await refuses(parseArf(Buffer.from(attr)), 'too_large', /attribute limit/)
    expect(performance.now() - t0).toBeLessThan(3000)
  })

  it('refuses a truncated ARF (its first half) as malformed and cut off', async () => {
    const half = readFileSync(file).subarray(0, Math.floor(raw.length / 2))
    await refuses(parseArf(half), 'malformed', /cut off/)
  })

  it('refuses a result for a rule the embedded benchmark does not have', async () => {
    const doc = withResults((b) => b + firstResult().replace(/idref="[^"]+"/, `idref="${P}rule_not_there"`))
    await refuses(
      parseArf(Buffer.from(doc)),
      'invalid',
      new RegExp(`${P}rule_not_there.*not in the benchmark`),
    )
  })

  it('accepts unknown rules when the file carries no benchmark to check against', async () => {
    const doc = minimalTestResult('<rule-result idref="anything"><result>notchecked</result></rule-result>')
    expect((await parseArf(Buffer.from(doc))).results[0]!.status).toBe('notchecked')
  })

  it('refuses a rule with two results', async () => {
    const dup = firstResult()
    const id = /idref="([^"]+)"/.exec(dup)![1]!
    const doc = withResults((b) => b + dup.replace(/<result>\w+<\/result>/, '<result>pass</result>'))
    await refuses(parseArf(Buffer.from(doc)), 'invalid', new RegExp(`rule ${id} has two results`))
  })

  it('refuses a result that is not an XCCDF result, and a rule-result without one', async () => {
    await refuses(
      parseArf(Buffer.from(minimalTestResult('<rule-result idref="a"><result>ok</result></rule-result>'))),
      'invalid',
      /rule a has result "ok"/i,
    )
    await refuses(
      parseArf(Buffer.from(minimalTestResult('<rule-result idref="a"></rule-result>'))),
      'invalid',
      /a .*has no <result>/,
    )
  })

  it('refuses bad UTF-8 and names the byte', async () => {
    const bytes = Buffer.from(minimalTestResult('<rule-result idref="a"><result>pass</result></rule-result>'))
    const at = bytes.indexOf('<target>h') + 8
    bytes[at] = 0xff
    await refuses(parseArf(bytes), 'malformed', new RegExp(`not valid UTF-8 .*byte ${at}`))
  })

  it('refuses a file that declares another encoding', async () => {
    const latin = minimalTestResult('').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    await refuses(parseArf(Buffer.from(latin)), 'malformed', /declares encoding "ISO-8859-1"/)
  })

  it('refuses XML that is not results: a datastream, XCCDF 1.1, an empty file', async () => {
    await refuses(
      parseArf('/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml'),
      'not_scap',
      /data-stream-collection.*not an ARF/,
    )
    const x11 = '<TestResult xmlns="http://checklists.nist.gov/xccdf/1.1" id="t"/>'
    await refuses(parseArf(Buffer.from(x11)), 'not_scap', /XCCDF 1.2/)
    await refuses(
      parseArf(Buffer.from(`<Benchmark xmlns="${XCCDF}" id="b"/>`)),
      'not_scap',
      /no .*TestResult/,
    )
    await refuses(parseArf(Buffer.alloc(0)), 'malformed', /root element/)
  })

  it('stops hostile shapes within bounded time and memory', async () => {
    const heap0 = process.memoryUsage().heapUsed
    const t0 = performance.now()
    const deep = `<TestResult xmlns="${XCCDF}">` + '<x>'.repeat(100_000)
    await refuses(parseArf(Buffer.from(deep)), 'too_deep', /deeper than the limit of 256/)
    const attr = `<TestResult xmlns="${XCCDF}" id="` + 'a'.repeat(4 * 1024 * 1024) + '"/>'
    await refuses(parseArf(Buffer.from(attr), { maxAttributeLength: 1024 * 1024 }), 'too_large', /attribute/)
    const text = minimalTestResult(`<set-value idref="v">${'x'.repeat(12 * 1024 * 1024)}</set-value>`)
    await refuses(parseArf(Buffer.from(text)), 'too_large', /longer than the 8 MiB limit/)
    const many = minimalTestResult('<rule-result idref="r"><result>pass</result></rule-result>')
    await refuses(parseArf(Buffer.from(many), { maxElements: 3 }), 'too_many', /more than 3 elements/)
    const results = minimalTestResult(
      Array.from(
        { length: 20 },
        (_, i) => `<rule-result idref="r${i}"><result>pass</result></rule-result>`,
      ).join(''),
    )
    await refuses(parseArf(Buffer.from(results), { maxRules: 10 }), 'too_many', /more than 10 rule results/)
    await refuses(parseArf(readFileSync(file), { maxBytes: 1024 * 1024 }), 'too_large', /1 MiB limit/)
    expect(performance.now() - t0).toBeLessThan(10_000)
    // The refused inputs above total some 40 MB as strings; the parser itself must not have held copies.
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(200 * 1024 * 1024)
  })

  it('stops when the signal aborts', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(parseArf(file, { signal: ac.signal })).rejects.toThrow(/abort/i)
  })

  it('the written file is an ARF xmllint accepts, so the hostile cases above are ours, not the fixture', () => {
    writeFileSync(join(dir, 'copy.xml'), raw)
    expect(spawnSync('xmllint', ['--stream', '--noout', join(dir, 'copy.xml')]).status).toBe(0)
  })
})
