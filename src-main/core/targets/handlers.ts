// Target management: create, edit, duplicate, remove and search, with the checks that need the store.
import { randomUUID } from 'node:crypto'
import type { Target, TargetFields } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import { DEFAULT_KIND } from '../scanners/registry'

type TargetHandlers = Pick<
  Handlers,
  | 'targets.list'
  | 'targets.get'
  | 'targets.create'
  | 'targets.update'
  | 'targets.duplicate'
  | 'targets.remove'
  | 'targets.labels'
  | 'kinds.list'
>

export function targetHandlers(ctx: CoreContext): TargetHandlers {
  const { repos, clock, emit, kinds } = ctx
  const existing = (id: string): Target =>
    repos.targets.get(id) ??
    (() => {
      throw notFound('Target')
    })()
  const ensureNameFree = (name: string, exceptId?: string) => {
    if (repos.targets.nameTaken(name, exceptId)) {
      const issue = { path: 'target.name', message: `A target named "${name}" already exists` }
      throw new AppError('conflict', issue.message, [issue])
    }
  }

  return {
    'targets.list': (req) => {
      const targets = repos.targets.list(req)
      return { targets, total: repos.targets.count() }
    },
    'targets.get': ({ id }) => existing(id),
    'kinds.list': () => ({ kinds: kinds.views(), defaultKind: DEFAULT_KIND }),
    'targets.create': (req) => {
      // The kind's own fields, checked and defaulted by its schema (the contract checked the common ones).
      const target = kinds.parse(req.target)
      ensureNameFree(target.name)
      const id = randomUUID()
      repos.targets.insert(id, target, clock.now().toISOString())
      emit('targets.changed', { ids: [id], reason: 'created' })
      return existing(id)
    },
    'targets.update': ({ id, target: input }) => {
      const before = existing(id)
      const target = kinds.parse(input)
      if (before.kind !== target.kind) {
        const issue = {
          path: 'target.kind',
          message: `A ${before.kind} target cannot become ${target.kind}; add a new one`,
        }
        throw new AppError('validation', issue.message, [issue])
      }
      ensureNameFree(target.name, id)
      repos.targets.update(id, target, clock.now().toISOString())
      emit('targets.changed', { ids: [id], reason: 'updated' })
      return existing(id)
    },
    'targets.duplicate': ({ id }) => {
      const source = existing(id)
      const copy: TargetFields = {
        ...stripStored(source),
        name: freeCopyName(source.name, (n) => repos.targets.nameTaken(n)),
      }
      const newId = randomUUID()
      repos.targets.insert(newId, copy, clock.now().toISOString())
      emit('targets.changed', { ids: [newId], reason: 'created' })
      return existing(newId)
    },
    'targets.remove': ({ id }) => {
      if (!repos.targets.remove(id)) throw notFound('Target')
      emit('targets.changed', { ids: [id], reason: 'removed' })
      return { removed: true as const }
    },
    'targets.labels': () => repos.targets.labels(),
  }
}

function stripStored(t: Target): TargetFields {
  const { id: _id, createdAt: _c, updatedAt: _u, address: _a, ...fields } = t
  return fields as TargetFields
}

/** "web-1" → "web-1 (copy)", then "web-1 (copy 2)", ... skipping names already in use. */
export function freeCopyName(name: string, taken: (n: string) => boolean): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '')
  for (let i = 1; ; i++) {
    // Names are at most 100 characters: shorten the end of the base, never its start, to fit the suffix.
    const suffix = ` (copy${i === 1 ? '' : ` ${i}`})`
    const candidate = base.slice(0, 100 - suffix.length) + suffix
    if (!taken(candidate)) return candidate
  }
}
