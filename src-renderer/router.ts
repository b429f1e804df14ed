// A tiny hash router: the address says which page is open, so back/forward and reloads keep your place.
import { useSyncExternalStore } from 'react'

export type Route =
  | { page: 'dashboard' }
  | { page: 'targets' }
  | { page: 'target-new' }
  | { page: 'target-edit'; id: string }
  | { page: 'target'; id: string; scanId?: string }
  | { page: 'variables'; sha?: string; profileId?: string }
  | { page: 'drift'; eventId?: number }
  | { page: 'compare'; a: string; b: string }
  | { page: 'watch' | 'drift' | 'reports' | 'vault' | 'settings' | 'controls' }
  | { page: 'not-found'; path: string }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] || '/'
  const parts = path.split('/').filter(Boolean)
  if (parts.length === 0) return { page: 'dashboard' }
  const [head, id, action] = parts
  if (head === 'targets') {
    if (!id) return { page: 'targets' }
    if (id === 'new') return { page: 'target-new' }
    if (action === 'edit') return { page: 'target-edit', id: decodeURIComponent(id) }
    if (!action) return { page: 'target', id: decodeURIComponent(id) }
    if (action === 'scans' && parts[3] && parts.length === 4)
      return { page: 'target', id: decodeURIComponent(id), scanId: decodeURIComponent(parts[3]) }
  }
  if (head === 'variables')
    return { page: 'variables', sha: id, profileId: action ? decodeURIComponent(action) : undefined }
  if (head === 'drift' && id && /^\d+$/.test(id) && !action) return { page: 'drift', eventId: Number(id) }
  if (head && ['watch', 'drift', 'reports', 'vault', 'settings', 'controls'].includes(head) && !id)
    return { page: head as 'watch' }
  if (head === 'compare' && !id) {
    const q = new URLSearchParams(hash.split('?')[1] ?? '')
    return { page: 'compare', a: q.get('a') ?? '', b: q.get('b') ?? '' }
  }
  if (head === 'dashboard' && !id) return { page: 'dashboard' }
  return { page: 'not-found', path }
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb)
  return () => window.removeEventListener('hashchange', cb)
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash)
  return parseRoute(hash)
}

export function navigate(to: string): void {
  window.location.hash = to
}
