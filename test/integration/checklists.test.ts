// DISA STIG checklists from a real oscap scan of this computer with SSG's Ubuntu 20.04 STIG profile (the
// datastream's Ubuntu platform check pointed at a stand-in lsb-release, so the rules evaluate on Debian 12; a
// tailoring keeps ten rules so the scan is short). The CKL carries each rule's status, the evidence as finding
// details and the exception as comments, and MITRE's own checklist reader (hdf-converters' ChecklistResults,
// the mapper Heimdall uses) reads it back with the same statuses; the CKLB's stigs / rules / status / finding_details /
// comments match; a manual check marked NotAFinding in the checklist comes back as an attestation; hostile
// checklists are refused with a clear message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore, type Core } from '../../src-main/core/app'
import type { Res } from '../../src-preload/contract'
import { useTmpDirs } from '../helpers/tmp-dir'
import { call, callError } from '../helpers/core'
import { exportReportTo, importContentFile } from '../helpers/files'
import { ensureBuilt, runCli } from '../helpers/cli'
import { ChecklistResults } from '@mitre/hdf-converters'

const SSG = '/usr/share/xml/scap/ssg/content/ssg-ubuntu2004-ds.xml'
const STIG = 'xccdf_org.ssgproject.content_profile_stig'
const R = (id: string) => `xccdf_org.ssgproject.content_rule_${id}`
const KEEP = [
  'sudo_require_authentication',
  'set_password_hashing_algorithm_logindefs',
  'no_duplicate_uids',
  'file_owner_var_log',
  'package_pam_pwquality_installed',
  'accounts_password_pam_minlen',
  'package_apparmor_installed',
  'account_temp_expire_date',
  'ensure_sudo_group_restricted',
  'package_aide_installed',
].map(R)
const MANUAL = R('ensure_sudo_group_restricted')
const CKL_OF: Record<string, string> = {
  pass: 'NotAFinding',
  fail: 'Open',
  notapplicable: 'Not_Applicable',
  notchecked: 'Not_Reviewed',
}
const tmp = useTmpDirs('all')
let dir = ''
let dataDir = ''
let core: Core
let targetId = ''
let results: Res<'scan.results'>['results']

/** The SSG Ubuntu 20.04 datastream, its "is this Ubuntu 20.04" checks reading a stand-in lsb-release. */
function ubuntuDatastream(): string {
  const lsb = join(dir, 'lsb-release')
  writeFileSync(lsb, 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\n')
  const xml = readFileSync(SSG, 'utf8')
  const out = xml.replaceAll('>/etc/lsb-release<', `>${lsb}<`)
  expect(out).not.toBe(xml)
  const file = join(dir, 'ssg-ubuntu2004-on-debian-ds.xml')
  writeFileSync(file, out)
  return file
}

/** The rules the STIG profile selects, read from the datastream. */
function stigRules(xml: string): string[] {
  const start = xml.indexOf(`<xccdf-1.2:Profile id="${STIG}"`)
  const profile = xml.slice(start, xml.indexOf('</xccdf-1.2:Profile>', start))
  return [...profile.matchAll(/<xccdf-1\.2:select idref="([^"]+)" selected="true"/g)].map((m) => m[1]!)
}

/** A CKL read as plain text, each VULN's attributes, status, details and comments: an independent reader. */
function vulnsOf(ckl: string) {
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
  const tag = (block: string, name: string) =>
    unescape(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(block)?.[1] ?? '')
  return [...ckl.matchAll(/<VULN>([\s\S]*?)<\/VULN>/g)].map(([, b]) => {
    const data = new Map<string, string[]>()
    for (const [, a, d] of b!.matchAll(
      /<STIG_DATA><VULN_ATTRIBUTE>([^<]*)<\/VULN_ATTRIBUTE><ATTRIBUTE_DATA>([\s\S]*?)<\/ATTRIBUTE_DATA><\/STIG_DATA>/g,
    ))
      data.set(a!, [...(data.get(a!) ?? []), unescape(d!)])
    return {
      data,
      status: tag(b!, 'STATUS'),
      details: tag(b!, 'FINDING_DETAILS'),
      comments: tag(b!, 'COMMENTS'),
    }
  })
}

/** ChecklistResults' getStatus: how Heimdall reads a CKL status. */
const hdfStatus = (s: string) => ({ notafinding: 'passed', open: 'failed' })[s.toLowerCase()] ?? 'skipped'

const exportAs = async (format: 'ckl' | 'cklb', name: string) =>
  readFileSync(
    (await exportReportTo(core, { scope: { targetIds: [targetId] }, format }, join(dir, name))).path,
    'utf8',
  )

beforeAll(async () => {
  ensureBuilt()
  dir = tmp.make('dw-checklists-')
  dataDir = join(dir, 'data')
  core = createCore({ face: 'cli', dataDir })
  const ds = ubuntuDatastream()
  const sha256 = (await importContentFile(core, ds)).sha256
  targetId = (await call(core, 'targets.create', { target: { kind: 'local', name: 'ubuntu-laptop' } })).id
  const selected = stigRules(readFileSync(ds, 'utf8'))
  expect(selected.length).toBeGreaterThan(100)
  for (const k of KEEP) expect(selected).toContain(k)
  const tailoring = await call(core, 'tailorings.save', {
    name: 'STIG, ten rules',
    sha256,
    baseProfileId: STIG,
    changes: {
      selects: Object.fromEntries(selected.filter((r) => !KEEP.includes(r)).map((r) => [r, false])),
      setValues: {},
      refineValues: {},
      refineRules: {},
    },
  })
  const { scanId } = await call(core, 'scan.start', {
    targetId,
    sha256,
    profileId: STIG,
    tailoringId: tailoring.id,
  })
  await core.idle()
  results = (await call(core, 'scan.results', { scanId })).results
}, 600_000)

afterAll(() => core?.close())

describe('STIG checklists of a real scan with the Ubuntu STIG profile', () => {
  it('the scan ran the ten rules for real: passes, failures, not applicable and not checked', () => {
    const statuses = new Set(results.filter((r) => KEEP.includes(r.ruleId)).map((r) => r.status))
    expect([...statuses].sort()).toEqual(['fail', 'notapplicable', 'notchecked', 'pass'])
  })

  it('exports a CKL whose rules carry the scan statuses, evidence and exception, as MITRE’s reader needs', async () => {
    const failing = results.find((r) => r.ruleId === R('package_pam_pwquality_installed'))!
    expect(failing.status).toBe('fail')
    await call(core, 'exceptions.save', {
      rulePattern: failing.ruleId,
      scope: 'target',
      targetId,
      justification: 'Password quality is enforced by the directory service',
      approvedBy: 'ISSM Lee',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    })
    const ckl = await exportAs('ckl', 'laptop.ckl')
    // The CKL structure ChecklistResults (hdf-converters' ckl-mapper) reads, and the asset values it validates.
    expect(ckl).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<!--DISA STIG Viewer :: 2\.17-->\n<CHECKLIST>\n<ASSET>/,
    )
    expect(ckl).not.toContain('<!DOCTYPE')
    expect(ckl).toMatch(/<ROLE>None<\/ROLE>\n<ASSET_TYPE>Computing<\/ASSET_TYPE>/)
    expect(ckl).toMatch(/<TECH_AREA>UNIX OS<\/TECH_AREA>/)
    expect(ckl).toMatch(/<WEB_OR_DATABASE>false<\/WEB_OR_DATABASE>/)
    expect(ckl).toMatch(/<HOST_IP><\/HOST_IP>/)
    expect(ckl).toMatch(
      /<STIGS>\n<iSTIG>\n<STIG_INFO>\n<SI_DATA><SID_NAME>version<\/SID_NAME><SID_DATA>1<\/SID_DATA><\/SI_DATA>/,
    )
    expect(ckl).toMatch(
      /<SI_DATA><SID_NAME>stigid<\/SID_NAME><SID_DATA>xccdf_org\.ssgproject\.content_profile_stig<\/SID_DATA>/,
    )
    const vulns = vulnsOf(ckl)
    const byRule = new Map(vulns.map((v) => [v.data.get('Rule_ID')![0]!, v]))
    expect([...byRule.keys()].sort()).toEqual(
      results
        .filter((r) => KEEP.includes(r.ruleId))
        .map((r) => r.ruleId)
        .sort(),
    )
    for (const v of vulns) {
      for (const a of ['Vuln_Num', 'Severity', 'Group_Title', 'Rule_ID', 'Rule_Ver', 'Rule_Title'])
        expect(v.data.get(a), a).toHaveLength(1)
      expect(v.data.get('Rule_Ver')![0]).toMatch(/^UBTU-20-\d{6}/)
      expect(['low', 'medium', 'high']).toContain(v.data.get('Severity')![0])
      expect(v.data.get('CCI_REF')?.every((c) => /^CCI-\d{6}$/.test(c)) ?? true).toBe(true)
    }
    // Same statuses as the scan, and as Heimdall reads them.
    for (const r of results.filter((x) => KEEP.includes(x.ruleId))) {
      const v = byRule.get(r.ruleId)!
      expect(`${r.ruleId} ${v.status}`).toBe(`${r.ruleId} ${CKL_OF[r.status]}`)
      expect(hdfStatus(v.status)).toBe(
        r.status === 'pass' ? 'passed' : r.status === 'fail' ? 'failed' : 'skipped',
      )
      expect(v.details).toContain(`rule ${r.ruleId} evaluated ${r.status}`)
    }
    const exc = byRule.get(failing.ruleId)!
    expect(exc.status).toBe('Open') // the scanned failure stays; the exception is the comment
    expect(exc.comments).toMatch(/^Excepted until \d{4}-\d{2}-\d{2}, approved by ISSM Lee: Password quality/)
    // The evidence words the store keeps, in the finding details.
    const evidence = failing.evidence.map((e) => e.text).filter(Boolean)
    if (evidence.length) expect(exc.details).toContain(evidence[0]!)
  })

  it('MITRE’s ChecklistResults (hdf-converters, as Heimdall opens a CKL) reads back the scan’s statuses', async () => {
    const hdf = new ChecklistResults(await exportAs('ckl', 'for-heimdall.ckl')).toHdf()
    const controls = hdf.profiles.flatMap((p) => p.controls)
    const read = new Map(controls.map((c) => [String(c.tags.rid), c]))
    const kept = results.filter((r) => KEEP.includes(r.ruleId))
    expect([...read.keys()].sort()).toEqual(kept.map((r) => r.ruleId).sort())
    for (const r of kept) {
      const c = read.get(r.ruleId)!
      const want = r.status === 'pass' ? 'passed' : r.status === 'fail' ? 'failed' : 'skipped'
      expect(`${r.ruleId} ${c.results.map((x) => x.status).join(',')}`).toBe(`${r.ruleId} ${want}`)
      expect(String(c.tags.stig_id)).toMatch(/^UBTU-20-\d{6}/)
    }
  })

  it('exports a CKLB (STIG Viewer 3) with stigs, rules, status, finding_details and comments', async () => {
    const doc = JSON.parse(await exportAs('cklb', 'laptop.cklb'))
    expect(doc).toMatchObject({
      cklb_version: '1.0',
      target_data: { host_name: 'ubuntu-laptop', role: 'None' },
    })
    expect(doc.stigs).toHaveLength(1)
    const rules = doc.stigs[0].rules as {
      rule_id: string
      rule_version: string
      status: string
      finding_details: string
      comments: string
    }[]
    const words: Record<string, string> = {
      pass: 'not_a_finding',
      fail: 'open',
      notapplicable: 'not_applicable',
      notchecked: 'not_reviewed',
    }
    expect(rules).toHaveLength(KEEP.length)
    for (const r of results.filter((x) => KEEP.includes(x.ruleId))) {
      const rule = rules.find((x) => x.rule_id === r.ruleId)!
      expect(`${r.ruleId} ${rule.status}`).toBe(`${r.ruleId} ${words[r.status]}`)
      expect(rule.rule_version).toMatch(/^UBTU-20-/)
      expect(rule.finding_details).toContain(`evaluated ${r.status}`)
    }
    expect(rules.find((x) => x.rule_id === R('package_pam_pwquality_installed'))!.comments).toMatch(
      /^Excepted until/,
    )
  })

  it('imports a manual check marked NotAFinding as an attestation, from the CLI; scanned rules stay as scanned', async () => {
    expect(results.find((r) => r.ruleId === MANUAL)?.status).toBe('notchecked')
    const ckl = await exportAs('ckl', 'to-fill.ckl')
    // What an assessor does in STIG Viewer: the manual check reviewed, and a scanned rule marked too.
    const fill = (text: string, rule: string, status: string, comments: string) =>
      text.replace(
        new RegExp(
          `(<ATTRIBUTE_DATA>${rule}</ATTRIBUTE_DATA>[\\s\\S]*?)<STATUS>[^<]*</STATUS>([\\s\\S]*?)<COMMENTS>[^<]*</COMMENTS>`,
        ),
        `$1<STATUS>${status}</STATUS>$2<COMMENTS>${comments}</COMMENTS>`,
      )
    let filled = fill(ckl, MANUAL, 'NotAFinding', 'sudo group holds only the two admins (getent group sudo)')
    filled = fill(filled, R('accounts_password_pam_minlen'), 'NotAFinding', 'we think it is fine')
    expect(filled).not.toBe(ckl)
    const file = join(dir, 'filled.ckl')
    writeFileSync(file, filled)
    const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir])
    const noBy = await cli('attest', 'import', file, '--target', 'ubuntu-laptop')
    expect(noBy.code).not.toBe(0)
    expect(noBy.stderr).toContain('A checklist does not say who reviewed it')
    const ok = await cli('attest', 'import', file, '--target', 'ubuntu-laptop', '--by', 'ISSO Kim', '--json')
    expect(ok.code, ok.stderr).toBe(0)
    const imported = JSON.parse(ok.stdout) as { ruleId: string; status: string; attestedBy: string }[]
    expect(imported).toEqual([
      expect.objectContaining({ ruleId: MANUAL, status: 'passed', attestedBy: 'ISSO Kim' }),
    ])
    // The next checklist says so; the scanned failure is still Open.
    const again = new Map(
      vulnsOf(await exportAs('ckl', 'after.ckl')).map((v) => [v.data.get('Rule_ID')![0]!, v]),
    )
    expect(again.get(MANUAL)).toMatchObject({ status: 'NotAFinding' })
    expect(again.get(MANUAL)!.comments).toMatch(
      /^Attested passed by ISSO Kim on .*sudo group holds only the two admins/,
    )
    expect(again.get(R('accounts_password_pam_minlen'))!.status).toBe('Open')
  })

  it('refuses hostile or broken checklists with a clear message, storing nothing', async () => {
    const before = (await call(core, 'attestations.list', {})).attestations.length
    const refuse = async (text: string) =>
      (await callError(core, 'attestations.import', { text, targetId, attestedBy: 'ISSO Kim' })).message
    expect(
      await refuse('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CHECKLIST>&a;</CHECKLIST>'),
    ).toMatch(/DOCTYPE/)
    expect(await refuse('<report><VULN/></report>')).toMatch(/root element is <report>, not a STIG checklist/)
    expect(await refuse('<CHECKLIST><STIGS><iSTIG><VULN><STATUS>Fixed</STATUS>')).toMatch(
      /not well-formed|no Rule_ID/,
    )
    expect(
      await refuse(
        '<CHECKLIST><STIGS><iSTIG><VULN><STIG_DATA><VULN_ATTRIBUTE>Rule_ID</VULN_ATTRIBUTE><ATTRIBUTE_DATA>x</ATTRIBUTE_DATA></STIG_DATA><STATUS>Fixed</STATUS></VULN></iSTIG></STIGS></CHECKLIST>',
      ),
    ).toMatch(/status "Fixed": a checklist status is Open, NotAFinding/)
    expect(await refuse('{"stigs": 3}')).toMatch(/no "stigs" list/)
    expect(await refuse(`<CHECKLIST>${'<a>'.repeat(40)}`)).toMatch(/too deep|nest/i)
    expect((await call(core, 'attestations.list', {})).attestations).toHaveLength(before)
  })
})
