// Names the systems behind a rule's <reference> and <ident> as the short names auditors know (NIST-800-53,
// CIS, STIG, CCE, …), for the datastream and ARF readers alike.

/** By href, what its system is when the id does not decide it (a benchmark repeats a few dozen hrefs). */
const BY_HREF = new Map<string, string>()
/** Systems decided before the id is looked at. */
const FIRST = new Set(['NIST-800-53', 'NIST-800-171', 'NIST-CSF', 'CIS-CSC', 'CIS', 'DISA-CCI'])

/** Where a <reference href> points, as the short system name auditors know. */
export function referenceSystem(href: string, id: string): string {
  let system = BY_HREF.get(href)
  if (system === undefined) {
    system = hrefSystem(href, '')
    if (BY_HREF.size < 1024) BY_HREF.set(href, system)
  }
  // Only a CCI id and the STIG / SRG split depend on the id.
  if (FIRST.has(system)) return system
  if (/^CCI-\d+$/.test(id)) return 'DISA-CCI'
  if (system === 'STIG' || system === 'DISA-SRG') return id.startsWith('SRG-') ? 'DISA-SRG' : 'STIG'
  return system
}

function hrefSystem(href: string, id: string): string {
  const h = href.toLowerCase()
  if (h.includes('nist.sp.800-53')) return 'NIST-800-53'
  if (h.includes('nist.sp.800-171')) return 'NIST-800-171'
  if (h.includes('nist.cswp.04162018')) return 'NIST-CSF'
  if (h.includes('cisecurity.org/controls')) return 'CIS-CSC'
  if (h.includes('cisecurity.org')) return 'CIS'
  if (h.includes('public.cyber.mil/stigs/cci') || /^CCI-\d+$/.test(id)) return 'DISA-CCI'
  if (h.includes('public.cyber.mil/stigs') || h.includes('iase.disa.mil')) {
    return id.startsWith('SRG-') ? 'DISA-SRG' : 'STIG'
  }
  if (h.includes('pcisecuritystandards.org')) {
    return h.includes('pci_dss_v4') || h.includes('pci_dss-v4') ? 'PCI-DSS-4' : 'PCI-DSS'
  }
  if (h.includes('iso.org/standard/54534')) return 'ISO-27001'
  if (h.includes('isaca.org')) return 'COBIT5'
  if (h.includes('62443-3-3')) return 'ISA-62443-2013'
  if (h.includes('62443-2-1')) return 'ISA-62443-2009'
  if (h.includes('nerc.com')) return 'NERC-CIP'
  if (h.includes('cfr-2007-title45')) return 'HIPAA'
  if (h.includes('ssi.gouv.fr')) return 'ANSSI'
  if (h.includes('niap-ccevs.org')) return 'OSPP'
  if (h.includes('cjis')) return 'CJIS'
  if (h.includes('cyber.gov.au') || h.includes('ism')) return 'ISM'
  if (h.includes('hipaa')) return 'HIPAA'
  return 'other'
}

/** The naming authority of an <ident system>, e.g. CCE. */
export function identSystem(system: string): string {
  const s = system.toLowerCase()
  if (s.includes('cce')) return 'CCE'
  if (s.includes('cve')) return 'CVE'
  if (s.includes('cwe')) return 'CWE'
  if (s.includes('cci')) return 'DISA-CCI'
  return 'other'
}
