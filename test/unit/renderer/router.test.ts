// The address bar says which page is open: each hash reads as its page, and anything else as "not found".
import { describe, expect, it } from 'vitest'
import { parseRoute } from '../../../src-renderer/router'

describe('parseRoute', () => {
  it.each([
    ['', { page: 'dashboard' }],
    ['#/', { page: 'dashboard' }],
    ['#/dashboard', { page: 'dashboard' }],
    ['#/targets', { page: 'targets' }],
    ['#/targets/new', { page: 'target-new' }],
    ['#/targets/abc%20d', { page: 'target', id: 'abc d' }],
    ['#/targets/abc/edit', { page: 'target-edit', id: 'abc' }],
    ['#/variables', { page: 'variables', sha: undefined, profileId: undefined }],
    [
      '#/variables/ff00/xccdf_org.x_profile_p%2B',
      { page: 'variables', sha: 'ff00', profileId: 'xccdf_org.x_profile_p+' },
    ],
    ['#/drift', { page: 'drift' }],
    ['#/drift/42', { page: 'drift', eventId: 42 }],
    ['#/watch', { page: 'watch' }],
    ['#/reports', { page: 'reports' }],
    ['#/vault', { page: 'vault' }],
    ['#/settings', { page: 'settings' }],
    ['#/watch?tab=alerts', { page: 'watch' }],
  ])('%j opens %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route)
  })

  it.each([
    '#/nowhere',
    '#/targets/abc/delete',
    '#/drift/abc',
    '#/drift/4/2',
    '#/watch/extra',
    '#/dashboard/x',
  ])('%j is not found, and says which path', (hash) => {
    expect(parseRoute(hash)).toEqual({ page: 'not-found', path: hash.slice(1) })
  })
})
