// Reading the platform from content names and os-release, and matching them (the pre-scan warning).
import { describe, expect, it } from 'vitest'
import { platformMatch, platformOf } from '../../../src-renderer/lib/platform'

describe('platform', () => {
  it('reads content file names and titles, and os-release names', () => {
    expect(platformOf('ssg-debian11-ds.xml')).toEqual({ distro: 'debian', version: '11' })
    expect(platformOf('Guide to the Secure Configuration of Debian 11')).toEqual({
      distro: 'debian',
      version: '11',
    })
    expect(platformOf('Debian GNU/Linux 12 (bookworm)')).toEqual({ distro: 'debian', version: '12' })
    expect(platformOf('ssg-ubuntu2004-ds.xml')).toEqual({ distro: 'ubuntu', version: '20.04' })
    expect(platformOf('Ubuntu 22.04.3 LTS')).toEqual({ distro: 'ubuntu', version: '22.04' })
    expect(platformOf('Red Hat Enterprise Linux 9.2 (Plow)')).toEqual({ distro: 'rhel', version: '9' })
    expect(platformOf('ssg-rhel9-ds.xml')).toEqual({ distro: 'rhel', version: '9' })
    expect(platformOf('Some benchmark')).toBeNull()
  })

  it('matches same system and version; flags another system or version; unknown when unsure', () => {
    expect(platformMatch('ssg-debian11-ds.xml Debian 11', 'Debian GNU/Linux 11 (bullseye)')).toBe('match')
    expect(platformMatch('ssg-debian11-ds.xml', 'Debian GNU/Linux 12 (bookworm)')).toBe('mismatch')
    expect(platformMatch('ssg-ubuntu2204-ds.xml', 'Debian GNU/Linux 12 (bookworm)')).toBe('mismatch')
    expect(platformMatch('ssg-ubuntu2204-ds.xml', 'Ubuntu 22.04.3 LTS')).toBe('match')
    expect(platformMatch('My own benchmark', 'Debian GNU/Linux 12 (bookworm)')).toBe('unknown')
  })
})
