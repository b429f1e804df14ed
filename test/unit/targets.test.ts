// Covers target management through the core, as every face calls it: create per kind with defaults,
// field-level validation, edit, duplicate, remove, search and filters, labels, change events, persistence.
import { describe, expect, it } from 'vitest'
import type { Target, TargetInput } from '../../src-preload/contract'
import { call, callError, fakeClock, recordEvents, useCores } from '../helpers/core'

const cores = useCores()

const ssh = (over: Partial<TargetInput> = {}): TargetInput => ({
  kind: 'ssh',
  name: 'web-1',
  host: '10.0.0.5',
  user: 'auditor',
  ...over,
})

describe('create', () => {
  it('creates a local target with empty labels and an id and timestamps from the clock', async () => {
    const clock = fakeClock('2030-05-01T10:00:00.000Z')
    const core = cores.open({ clock })
    const t = await call(core, 'targets.create', { target: { kind: 'local', name: 'my laptop' } })
    expect(t).toEqual({
      kind: 'local',
      name: 'my laptop',
      description: '',
      tags: [],
      groups: [],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: '2030-05-01T10:00:00.000Z',
      updatedAt: '2030-05-01T10:00:00.000Z',
      address: 'This computer',
    })
  })

  it('creates an SSH target with port 22, key auth and no sudo by default', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', { target: ssh({ tags: ['prod'], groups: ['web'] }) })
    expect(t).toMatchObject({
      kind: 'ssh',
      name: 'web-1',
      host: '10.0.0.5',
      port: 22,
      user: 'auditor',
      auth: 'key',
      sudo: 'none',
      credentialId: null,
      sudoCredentialId: null,
      tags: ['prod'],
      groups: ['web'],
    })
  })

  it('keeps the SSH fields given instead of the defaults, and accepts a port typed as text', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', {
      target: ssh({
        port: '2222' as unknown as number,
        auth: 'agent',
        sudo: 'nopasswd',
        description: ' edge ',
      }),
    })
    expect(t).toMatchObject({ port: 2222, auth: 'agent', sudo: 'nopasswd', description: 'edge' })
  })

  it('creates a PostgreSQL target on port 5432, database postgres, TLS required', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', {
      target: { kind: 'postgres', name: 'billing-db', host: 'db.internal', user: 'audit' },
    })
    expect(t).toMatchObject({
      kind: 'postgres',
      host: 'db.internal',
      port: 5432,
      database: 'postgres',
      user: 'audit',
      tls: 'require',
      caFile: '',
    })
  })

  it('creates a MySQL target on port 3306 with no default database', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', {
      target: { kind: 'mysql', name: 'shop-db', host: '192.168.1.20', user: 'root', tls: 'verify-full' },
    })
    expect(t).toMatchObject({ kind: 'mysql', port: 3306, database: '', tls: 'verify-full' })
  })

  it('creates a GitHub target on api.github.com unless an Enterprise URL is given', async () => {
    const core = cores.open()
    const org = await call(core, 'targets.create', {
      target: { kind: 'github', name: 'acme org', org: 'acme' },
    })
    expect(org).toMatchObject({
      kind: 'github',
      org: 'acme',
      repos: [],
      apiBaseUrl: 'https://api.github.com',
    })
    const ghes = await call(core, 'targets.create', {
      target: {
        kind: 'github',
        name: 'ghes repos',
        repos: ['acme/api', 'acme/web.site'],
        apiBaseUrl: 'https://github.example.com/api/v3',
      },
    })
    expect(ghes).toMatchObject({ org: '', repos: ['acme/api', 'acme/web.site'] })
    expect(ghes).toMatchObject({ apiBaseUrl: 'https://github.example.com/api/v3' })
  })

  it('trims names and keeps one copy of a tag given twice in different case', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', {
      target: ssh({ name: '  web-1  ', tags: ['prod', 'PROD'] }),
    })
    expect(t.name).toBe('web-1')
    expect(t.tags).toEqual(['prod'])
  })
})

describe('validation names the field at fault', () => {
  it('refuses port 70000 on target.port', async () => {
    const err = await callError(cores.open(), 'targets.create', { target: ssh({ port: 70000 }) })
    expect(err.code).toBe('validation')
    expect(err.issues).toEqual([{ path: 'target.port', message: 'Port must be between 1 and 65535' }])
    expect(err.message).toBe('target.port: Port must be between 1 and 65535')
  })

  it('refuses a port that is not a number or not whole', async () => {
    const core = cores.open()
    const text = await callError(core, 'targets.create', {
      target: ssh({ port: 'ssh' as unknown as number }),
    })
    expect(text.issues).toContainEqual({ path: 'target.port', message: 'Port must be a number' })
    const frac = await callError(core, 'targets.create', { target: ssh({ port: 22.5 }) })
    expect(frac.issues).toContainEqual({ path: 'target.port', message: 'Port must be a whole number' })
  })

  it('refuses an empty host with "Host is required"', async () => {
    const err = await callError(cores.open(), 'targets.create', {
      target: { kind: 'postgres', name: 'db', host: '   ', user: 'u' },
    })
    expect(err.issues).toContainEqual({ path: 'target.host', message: 'Host is required' })
    expect(err.message).toMatch(/^target\.host: Host is required/)
  })

  it('refuses a host with a scheme or a slash', async () => {
    const err = await callError(cores.open(), 'targets.create', { target: ssh({ host: 'ssh://10.0.0.5/' }) })
    expect(err.issues).toEqual([
      {
        path: 'target.host',
        message: 'Host may contain only letters, digits, dots, hyphens, colons and brackets',
      },
    ])
  })

  it('refuses an unknown kind, naming it and the kinds allowed', async () => {
    const err = await callError(cores.open(), 'targets.create', { target: { kind: 'oracle', name: 'x' } })
    expect(err.code).toBe('validation')
    const message = 'Unknown target kind "oracle": expected one of local, ssh, postgres, mysql, github'
    expect(err.issues).toEqual([{ path: 'target.kind', message }])
  })

  it('asks for a kind when none is given', async () => {
    const err = await callError(cores.open(), 'targets.create', { target: { name: 'x' } })
    expect(err.issues).toEqual([
      { path: 'target.kind', message: 'Kind is required: one of local, ssh, postgres, mysql, github' },
    ])
  })

  it('refuses a duplicate name whatever its case, as a conflict on target.name', async () => {
    const core = cores.open()
    await call(core, 'targets.create', { target: ssh({ name: 'Web-1' }) })
    const err = await callError(core, 'targets.create', { target: { kind: 'local', name: 'wEB-1' } })
    expect(err.code).toBe('conflict')
    expect(err.issues).toEqual([{ path: 'target.name', message: 'A target named "wEB-1" already exists' }])
    expect((await call(core, 'targets.list', {})).total).toBe(1)
  })

  it('refuses a GitHub target with neither an organisation nor a repository', async () => {
    const err = await callError(cores.open(), 'targets.create', { target: { kind: 'github', name: 'gh' } })
    expect(err.issues).toEqual([
      { path: 'target.org', message: 'Give an organisation or at least one repository' },
    ])
  })

  it('refuses a GitHub repository not written owner/name and an API URL that is not http(s)', async () => {
    const core = cores.open()
    const repo = await callError(core, 'targets.create', {
      target: { kind: 'github', name: 'gh', repos: ['just-a-name'] },
    })
    expect(repo.issues).toEqual([{ path: 'target.repos.0', message: 'Repositories are written owner/name' }])
    const url = await callError(core, 'targets.create', {
      target: { kind: 'github', name: 'gh', org: 'acme', apiBaseUrl: 'ftp://github.example.com' },
    })
    expect(url.issues).toEqual([
      { path: 'target.apiBaseUrl', message: 'API base URL must start with https://' },
    ])
  })

  it('reports every bad field at once, so a form can mark them all', async () => {
    const err = await callError(cores.open(), 'targets.create', {
      target: { kind: 'ssh', name: '', host: 'h', user: '', port: 0, tags: ['a,b'] },
    })
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'target.name',
      'target.port',
      'target.tags.0',
      'target.user',
    ])
    expect(err.message).toMatch(/\(and 3 more\)$/)
  })
})

describe('edit', () => {
  it('keeps the id and creation time, changes the fields and bumps updatedAt', async () => {
    const clock = fakeClock('2030-01-01T00:00:00.000Z')
    const core = cores.open({ clock })
    const before = await call(core, 'targets.create', { target: ssh({ tags: ['prod'] }) })
    clock.advance(60_000)
    const after = await call(core, 'targets.update', {
      id: before.id,
      target: ssh({ name: 'web-01', port: 2222, sudo: 'password', tags: ['staging'], groups: ['eu'] }),
    })
    expect(after).toMatchObject({
      id: before.id,
      name: 'web-01',
      port: 2222,
      sudo: 'password',
      tags: ['staging'],
      groups: ['eu'],
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:01:00.000Z',
    })
    expect(await call(core, 'targets.get', { id: before.id })).toEqual(after)
    expect((await call(core, 'targets.labels', {})).tags).toEqual(['staging'])
  })

  it('allows changing only the case of its own name', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', { target: ssh() })
    const renamed = await call(core, 'targets.update', { id: t.id, target: ssh({ name: 'WEB-1' }) })
    expect(renamed.name).toBe('WEB-1')
  })

  it('refuses changing the kind, on target.kind', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', { target: ssh() })
    const err = await callError(core, 'targets.update', {
      id: t.id,
      target: { kind: 'postgres', name: 'web-1', host: '10.0.0.5', user: 'auditor' },
    })
    expect(err.code).toBe('validation')
    expect(err.issues).toEqual([
      { path: 'target.kind', message: 'A ssh target cannot become postgres; add a new one' },
    ])
    expect((await call(core, 'targets.get', { id: t.id })).kind).toBe('ssh')
  })

  it("refuses taking another target's name", async () => {
    const core = cores.open()
    await call(core, 'targets.create', { target: { kind: 'local', name: 'laptop' } })
    const t = await call(core, 'targets.create', { target: ssh() })
    const err = await callError(core, 'targets.update', { id: t.id, target: ssh({ name: 'LAPTOP' }) })
    expect(err.code).toBe('conflict')
    expect(err.issues[0]?.path).toBe('target.name')
  })

  it('answers not_found for an id that does not exist', async () => {
    const err = await callError(cores.open(), 'targets.update', { id: 'nope', target: ssh() })
    expect(err).toEqual({ code: 'not_found', message: 'Target was not found', issues: [] })
  })
})

describe('duplicate', () => {
  it('makes "name (copy)", then "name (copy 2)", with every field, tag and group copied', async () => {
    const core = cores.open()
    const src = await call(core, 'targets.create', {
      target: ssh({
        port: 2200,
        sudo: 'password',
        description: 'edge',
        tags: ['prod', 'pci'],
        groups: ['web'],
      }),
    })
    const first = await call(core, 'targets.duplicate', { id: src.id })
    const second = await call(core, 'targets.duplicate', { id: src.id })
    expect(first.name).toBe('web-1 (copy)')
    expect(second.name).toBe('web-1 (copy 2)')
    const strip = ({ id: _i, name: _n, createdAt: _c, updatedAt: _u, ...rest }: Target) => rest
    expect(strip(first)).toEqual(strip(src))
    expect(strip(second)).toEqual(strip(src))
    expect(new Set([src.id, first.id, second.id]).size).toBe(3)
  })

  it('numbers a copy of a copy from the original name', async () => {
    const core = cores.open()
    const src = await call(core, 'targets.create', { target: { kind: 'local', name: 'box' } })
    const copy = await call(core, 'targets.duplicate', { id: src.id })
    const copyOfCopy = await call(core, 'targets.duplicate', { id: copy.id })
    expect(copyOfCopy.name).toBe('box (copy 2)')
  })

  it('keeps the start of a 100-character name and stays within the name limit', async () => {
    const core = cores.open()
    const long = 'production-' + 'x'.repeat(89)
    const src = await call(core, 'targets.create', { target: { kind: 'local', name: long } })
    const copy = await call(core, 'targets.duplicate', { id: src.id })
    expect(copy.name).toHaveLength(100)
    expect(copy.name.startsWith('production-')).toBe(true)
    expect(copy.name.endsWith(' (copy)')).toBe(true)
  })

  it('answers not_found for an unknown id', async () => {
    expect((await callError(cores.open(), 'targets.duplicate', { id: 'nope' })).code).toBe('not_found')
  })
})

describe('remove', () => {
  it('removes the target so get answers not_found, and its labels disappear', async () => {
    const core = cores.open()
    const t = await call(core, 'targets.create', { target: ssh({ tags: ['prod'], groups: ['web'] }) })
    expect(await call(core, 'targets.remove', { id: t.id })).toEqual({ removed: true })
    expect(await callError(core, 'targets.get', { id: t.id })).toEqual({
      code: 'not_found',
      message: 'Target was not found',
      issues: [],
    })
    expect(await call(core, 'targets.labels', {})).toEqual({ tags: [], groups: [] })
    expect((await callError(core, 'targets.remove', { id: t.id })).code).toBe('not_found')
  })
})

describe('list and search', () => {
  async function fleet() {
    const core = cores.open()
    await call(core, 'targets.create', { target: ssh({ name: 'web-1', host: '10.0.0.5', tags: ['prod'] }) })
    await call(core, 'targets.create', {
      target: ssh({ name: 'Bastion', host: 'jump.example.org', groups: ['edge'] }),
    })
    await call(core, 'targets.create', {
      target: { kind: 'postgres', name: 'billing', host: 'db.internal', user: 'a', tags: ['prod', 'pci'] },
    })
    await call(core, 'targets.create', {
      target: { kind: 'github', name: 'acme', org: 'acme', description: 'source code', groups: ['edge'] },
    })
    return core
  }
  const names = async (
    core: Awaited<ReturnType<typeof fleet>>,
    req: Parameters<typeof call<'targets.list'>>[2],
  ) => (await call(core, 'targets.list', req)).targets.map((t) => t.name)

  it('lists every target sorted by name regardless of case, with the total', async () => {
    const core = await fleet()
    const all = await call(core, 'targets.list', {})
    expect(all.targets.map((t) => t.name)).toEqual(['acme', 'Bastion', 'billing', 'web-1'])
    expect(all.total).toBe(4)
  })

  it('finds by name, host, tag, group and description, case-insensitively', async () => {
    const core = await fleet()
    expect(await names(core, { query: 'WEB' })).toEqual(['web-1'])
    expect(await names(core, { query: 'jump.example' })).toEqual(['Bastion'])
    expect(await names(core, { query: 'pci' })).toEqual(['billing'])
    expect(await names(core, { query: 'edge' })).toEqual(['acme', 'Bastion'])
    expect(await names(core, { query: 'source' })).toEqual(['acme'])
  })

  it('requires every word to match, and treats % and _ as plain characters', async () => {
    const core = await fleet()
    expect(await names(core, { query: 'prod db' })).toEqual(['billing'])
    expect(await names(core, { query: 'web_1' })).toEqual([])
    expect(await names(core, { query: '%' })).toEqual([])
    const filtered = await call(core, 'targets.list', { query: 'zzz' })
    expect(filtered).toEqual({ targets: [], total: 4 })
  })

  it('filters by kind, tag and group, alone or combined with a search', async () => {
    const core = await fleet()
    expect(await names(core, { kind: 'ssh' })).toEqual(['Bastion', 'web-1'])
    expect(await names(core, { tag: 'prod' })).toEqual(['billing', 'web-1'])
    expect(await names(core, { tag: 'PROD', kind: 'postgres' })).toEqual(['billing'])
    expect(await names(core, { group: 'edge' })).toEqual(['acme', 'Bastion'])
    expect(await names(core, { group: 'edge', query: 'jump' })).toEqual(['Bastion'])
    expect(await names(core, { tag: 'nope' })).toEqual([])
  })

  it('refuses a kind filter that is not a kind', async () => {
    const err = await callError(cores.open(), 'targets.list', { kind: 'oracle' })
    expect(err.code).toBe('validation')
    expect(err.issues[0]?.path).toBe('kind')
  })

  it('lists the distinct tags and groups in use, sorted', async () => {
    const core = await fleet()
    expect(await call(core, 'targets.labels', {})).toEqual({ tags: ['pci', 'prod'], groups: ['edge'] })
  })
})

describe('events', () => {
  it("pushes one 'targets.changed' per change with its reason and id, none for a refusal", async () => {
    const core = cores.open()
    const seen = recordEvents(core)
    const t = await call(core, 'targets.create', { target: ssh() })
    await call(core, 'targets.update', { id: t.id, target: ssh({ port: 2222 }) })
    const copy = await call(core, 'targets.duplicate', { id: t.id })
    await call(core, 'targets.remove', { id: t.id })
    await callError(core, 'targets.create', { target: ssh({ name: 'web-1 (copy)' }) })
    await callError(core, 'targets.remove', { id: t.id })
    await call(core, 'targets.list', {})
    expect(seen).toEqual([
      { name: 'targets.changed', payload: { ids: [t.id], reason: 'created' } },
      { name: 'targets.changed', payload: { ids: [t.id], reason: 'updated' } },
      { name: 'targets.changed', payload: { ids: [copy.id], reason: 'created' } },
      { name: 'targets.changed', payload: { ids: [t.id], reason: 'removed' } },
    ])
  })

  it('stops pushing to a listener that unsubscribed; a failing listener does not fail the call', async () => {
    const core = cores.open()
    const seen: string[] = []
    const stop = core.subscribe((name) => seen.push(name))
    core.subscribe(() => {
      throw new Error('listener bug')
    })
    await call(core, 'targets.create', { target: { kind: 'local', name: 'a' } })
    stop()
    await call(core, 'targets.create', { target: { kind: 'local', name: 'b' } })
    expect(seen).toEqual(['targets.changed'])
  })
})

describe('persistence', () => {
  it('keeps targets, labels and timestamps after close and reopen of the same data dir', async () => {
    const first = cores.open()
    const t = await call(first, 'targets.create', {
      target: { kind: 'mysql', name: 'shop', host: 'db', user: 'u', tags: ['pci'], groups: ['eu'] },
    })
    first.close()
    const again = cores.open({ dataDir: first.dataDir })
    expect(await call(again, 'targets.get', { id: t.id })).toEqual(t)
    expect(await call(again, 'targets.labels', {})).toEqual({ tags: ['pci'], groups: ['eu'] })
    expect((await callError(again, 'targets.create', { target: { kind: 'local', name: 'SHOP' } })).code).toBe(
      'conflict',
    )
  })
})
