// DISA STIG Viewer 2 checklist (.ckl, XML): the asset, one iSTIG with the benchmark's STIG_INFO, and a VULN per
// rule that carries a STIG id, with its status, the evidence as FINDING_DETAILS and the judgement as COMMENTS.
import type { ExportFormat } from '../reports/format'
import { stigChecklist, type StigChecklist, type StigVuln } from './stig-vulns'

/** XML 1.0 text: the five specials escaped, characters XML cannot carry dropped. */
export function xmlText(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

const el = (name: string, text: string) =>
  text ? `<${name}>${xmlText(text)}</${name}>` : `<${name}></${name}>`
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/
/** A host name STIG Viewer and its readers accept as an FQDN: dotted labels, a letter-led top level. */
const FQDN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/** The asset fields a checklist reader validates: an IP only when the host is one, an FQDN only when dotted. */
export function assetHost(host: string): { ip: string; fqdn: string } {
  return { ip: IPV4.test(host) ? host : '', fqdn: FQDN.test(host) ? host : '' }
}

function vulnXml(v: StigVuln, c: StigChecklist): string {
  const data: [string, string][] = [
    ['Vuln_Num', v.stigId],
    ['Severity', v.severity],
    ['Group_Title', v.srg || v.stigId],
    ['Rule_ID', v.ruleId],
    ['Rule_Ver', v.stigId],
    ['Rule_Title', v.title],
    ['Vuln_Discuss', v.discussion],
    ['IA_Controls', ''],
    ['Check_Content', `Driftwatch rule ${v.ruleId} (${c.profileId || 'profile'}).`],
    ['Fix_Text', v.fixText],
    ['False_Positives', ''],
    ['False_Negatives', ''],
    ['Documentable', 'false'],
    ['Mitigations', ''],
    ['Potential_Impact', ''],
    ['Third_Party_Tools', ''],
    ['Mitigation_Control', ''],
    ['Responsibility', ''],
    ['Security_Override_Guidance', ''],
    ['Check_Content_Ref', 'M'],
    ['Weight', '10.0'],
    ['Class', 'Unclass'],
    ['STIGRef', c.title],
    ['TargetKey', ''],
    ['STIG_UUID', c.uuid],
    ...v.ccis.map((id): [string, string] => ['CCI_REF', id]),
  ]
  return [
    '<VULN>',
    ...data.map(([a, d]) => `<STIG_DATA>${el('VULN_ATTRIBUTE', a)}${el('ATTRIBUTE_DATA', d)}</STIG_DATA>`),
    el('STATUS', v.status),
    el('FINDING_DETAILS', v.findingDetails),
    el('COMMENTS', v.comments),
    el('SEVERITY_OVERRIDE', ''),
    el('SEVERITY_JUSTIFICATION', ''),
    '</VULN>',
  ].join('\n')
}

export function toCkl(c: StigChecklist): string {
  const host = assetHost(c.target.host)
  const info: [string, string][] = [
    ['version', '1'],
    ['classification', 'UNCLASSIFIED'],
    ['customname', ''],
    ['stigid', c.profileId || 'driftwatch'],
    ['description', `Results of Driftwatch scan ${c.scanId} of ${c.target.name}`],
    ['filename', ''],
    ['releaseinfo', c.releaseInfo],
    ['title', c.title],
    ['uuid', c.uuid],
    ['notice', ''],
    ['source', ''],
  ]
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!--DISA STIG Viewer :: 2.17-->',
    '<CHECKLIST>',
    '<ASSET>',
    el('ROLE', 'None'),
    el('ASSET_TYPE', 'Computing'),
    el('MARKING', ''),
    el('HOST_NAME', c.target.name),
    el('HOST_IP', host.ip),
    el('HOST_MAC', ''),
    el('HOST_FQDN', host.fqdn),
    el('TARGET_COMMENT', `Driftwatch target ${c.target.id}`),
    el('TECH_AREA', 'UNIX OS'),
    el('TARGET_KEY', ''),
    el('WEB_OR_DATABASE', 'false'),
    el('WEB_DB_SITE', ''),
    el('WEB_DB_INSTANCE', ''),
    '</ASSET>',
    '<STIGS>',
    '<iSTIG>',
    '<STIG_INFO>',
    ...info.map(([n, d]) => `<SI_DATA>${el('SID_NAME', n)}${d ? el('SID_DATA', d) : ''}</SI_DATA>`),
    '</STIG_INFO>',
    ...c.vulns.map((v) => vulnXml(v, c)),
    '</iSTIG>',
    '</STIGS>',
    '</CHECKLIST>',
    '',
  ].join('\n')
}

export const cklFormat: ExportFormat = {
  id: 'ckl',
  label: 'DISA STIG checklist (CKL)',
  extension: '.ckl',
  mediaType: 'application/xml',
  inBundle: false,
  render: async (model) => ({
    bytes: Buffer.from(toCkl(stigChecklist(model)), 'utf8'),
    engine: 'driftwatch',
  }),
}
