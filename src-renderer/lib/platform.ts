// Which operating system a piece of SCAP content is for, and whether it matches the one Test connection found
// on a host: read from the names people see (file ssg-debian11-ds.xml, benchmark "… Debian 11", os-release
// "Debian GNU/Linux 12 (bookworm)"), so a mismatch can be flagged before a scan that would apply to nothing.

export interface Platform {
  /** e.g. debian, ubuntu, rhel */
  distro: string
  /** Major version, and for Ubuntu the release (20.04 → "20.04"). */
  version: string
}

const DISTROS: [RegExp, string][] = [
  [/debian/i, 'debian'],
  [/ubuntu/i, 'ubuntu'],
  [/red hat enterprise linux|\brhel/i, 'rhel'],
  [/centos/i, 'centos'],
  [/rocky/i, 'rocky'],
  [/alma/i, 'almalinux'],
  [/fedora/i, 'fedora'],
  [/oracle linux|\bol\d/i, 'ol'],
  [/suse|\bsle/i, 'sle'],
  [/amazon linux/i, 'amzn'],
]

/** From an os-release PRETTY_NAME or a content title/file name; null when no known system is named. */
export function platformOf(text: string): Platform | null {
  const hit = DISTROS.find(([re]) => re.test(text))
  if (!hit) return null
  const distro = hit[1]
  // ssg-ubuntu2004-ds.xml → 20.04; "Ubuntu 22.04.3 LTS" → 22.04; "Debian … 12 (bookworm)" / ssg-debian11 → 12/11.
  const compact = new RegExp(`${hit[0].source.replace(/\\b/g, '')}[-_ ]?(\\d{2})(\\d{2})\\b`, 'i').exec(text)
  if (distro === 'ubuntu') {
    const v = /(\d{2})\.(\d{2})/.exec(text) ?? compact
    return v ? { distro, version: `${v[1]}.${v[2]}` } : { distro, version: '' }
  }
  const v = /(?:^|[^\d.])(\d{1,2})(?:\.\d+)*(?!\d)/.exec(
    text.replace(/^.*?(debian|rhel|red hat|centos|rocky|alma|fedora|oracle|suse|sle|amazon)/i, ''),
  )
  return { distro, version: v?.[1] ?? '' }
}

export type PlatformMatch = 'match' | 'mismatch' | 'unknown'

/** Whether content for `content` fits a host running `os` (both as people read them). */
export function platformMatch(contentText: string, osText: string): PlatformMatch {
  const c = platformOf(contentText)
  const o = platformOf(osText)
  if (!c || !o) return 'unknown'
  if (c.distro !== o.distro) return 'mismatch'
  if (!c.version || !o.version) return 'unknown'
  return c.version === o.version ? 'match' : 'mismatch'
}
