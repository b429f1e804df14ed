// How a target's address reads in lists: user@host:port, the org, or "this computer".
import type { Target } from '../../src-preload/contract'

export function targetAddress(t: Target): string {
  switch (t.kind) {
    case 'local':
      return 'This computer'
    case 'ssh':
      return `${t.user}@${t.host}:${t.port}`
    case 'postgres':
    case 'mysql':
      return `${t.user}@${t.host}:${t.port}${t.database ? `/${t.database}` : ''}`
    case 'github': {
      const parts = [t.org ? `org ${t.org}` : '', t.repos.length ? `${t.repos.length} repositories` : '']
      const host = new URL(t.apiBaseUrl).host
      return parts.filter(Boolean).join(' + ') + (host === 'api.github.com' ? '' : ` on ${host}`)
    }
  }
}
