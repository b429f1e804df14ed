// DISA STIG Viewer 3 checklist (.cklb, JSON): target_data for the asset, one entry in `stigs` with a rule per
// result that carries a STIG id — its status, the evidence as finding_details and the judgement as comments.
import type { ExportFormat } from '../reports/format'
import { jsonBytes } from '../reports/format'
import { assetHost } from './ckl'
import { stigChecklist, type CklStatus, type StigChecklist } from './stig-vulns'

/** STIG Viewer 3's words for the four statuses. */
export const CKLB_STATUS: Record<CklStatus, string> = {
  Open: 'open',
  NotAFinding: 'not_a_finding',
  Not_Applicable: 'not_applicable',
  Not_Reviewed: 'not_reviewed',
}

export function toCklb(c: StigChecklist, at: string): unknown {
  const host = assetHost(c.target.host)
  return {
    title: `${c.target.name} — ${c.title}`,
    id: c.uuid,
    active: false,
    mode: 1,
    has_path: false,
    target_data: {
      target_type: 'Computing',
      host_name: c.target.name,
      ip_address: host.ip,
      mac_address: '',
      fqdn: host.fqdn,
      comments: `Driftwatch target ${c.target.id}, scan ${c.scanId}`,
      role: 'None',
      is_web_database: false,
      technology_area: 'UNIX OS',
      web_db_site: '',
      web_db_instance: '',
    },
    stigs: [
      {
        stig_name: c.title,
        display_name: c.title,
        stig_id: c.profileId || 'driftwatch',
        release_info: c.releaseInfo,
        version: '1',
        uuid: c.uuid,
        reference_identifier: c.profileId,
        size: c.vulns.length,
        rules: c.vulns.map((v) => ({
          uuid: v.uuid,
          stig_uuid: c.uuid,
          target_key: null,
          stig_ref: null,
          group_id: v.stigId,
          rule_id: v.ruleId,
          rule_id_src: v.ruleId,
          weight: '10.0',
          classification: 'UNCLASSIFIED',
          severity: v.severity,
          rule_version: v.stigId,
          group_title: v.srg || v.stigId,
          rule_title: v.title,
          fix_text: v.fixText,
          false_positives: '',
          false_negatives: '',
          discussion: v.discussion,
          check_content: `Driftwatch rule ${v.ruleId} (${c.profileId || 'profile'}).`,
          documentable: 'false',
          mitigations: '',
          potential_impacts: '',
          third_party_tools: '',
          mitigation_control: '',
          responsibility: '',
          security_override_guidance: '',
          ia_controls: '',
          check_content_ref: { href: '', name: 'M' },
          legacy_ids: [],
          ccis: v.ccis,
          group_tree: [{ id: v.stigId, title: v.srg || v.stigId, description: '' }],
          createdAt: at,
          updatedAt: at,
          STIGUuid: c.uuid,
          status: CKLB_STATUS[v.status],
          overrides: {},
          comments: v.comments,
          finding_details: v.findingDetails,
        })),
      },
    ],
    cklb_version: '1.0',
  }
}

export const cklbFormat: ExportFormat = {
  id: 'cklb',
  label: 'DISA STIG checklist (CKLB)',
  extension: '.cklb',
  mediaType: 'application/json',
  inBundle: false,
  render: async (model) => ({
    bytes: jsonBytes(toCklb(stigChecklist(model), model.asOf)),
    engine: 'driftwatch',
  }),
}
