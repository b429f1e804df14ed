// A target's policy: the tailoring assigned to it (or to one of its groups) or, for kinds that run a chosen rule
// pack, the pack assigned to it. A scan request that names no policy (Scan now with the default, a schedule or
// group scan left on "Assigned policy", `driftwatch scan TARGET`) is filled from it here, in one place.
import type { Handlers } from '../dispatch'
import type { CoreContext } from '../context'
import type { ContentRepo } from '../store/content'
import type { TargetPacksRepo } from '../store/target-packs'
import type { RulePacks } from '../rules/registry'
import type { ScanRequest } from '../model/scan'
import { AppError, notFound } from '../errors'
import type { AssignedPolicy, Target } from '../../../src-preload/contract'

export interface PolicyDeps extends CoreContext {
  content: ContentRepo
  packs: RulePacks
  targetPacks: TargetPacksRepo
}

export interface Policy {
  assigned(t: Target): AssignedPolicy
  /** The request a scan runs: as given when it names a policy, else the target's assigned policy. */
  request<R extends ScanRequest>(t: Target, req: R): R
  handlers: Pick<Handlers, 'policy.get' | 'policy.assign'>
}

export function createPolicy(d: PolicyDeps): Policy {
  const policyOf = (t: Target) => d.kinds.get(t.kind)?.policy
  const label = (t: Target) => d.kinds.get(t.kind)?.label ?? t.kind

  function assigned(t: Target): AssignedPolicy {
    const policy = policyOf(t)
    let tailoring: AssignedPolicy['tailoring'] = null
    if (policy?.tailoring) {
      const all = d.content.tailorings()
      // The target's own assignment wins over its groups'; among groups, the first the target lists.
      const direct = all.find((x) => x.targets.includes(t.id))
      const group = direct
        ? undefined
        : t.groups
            .map((g) => ({ g, row: all.find((x) => x.groups.includes(g)) }))
            .find((e) => e.row !== undefined)
      const row = direct ?? group?.row
      if (row)
        tailoring = {
          id: row.id,
          name: row.name,
          contentSha256: row.contentSha256,
          profileId: row.tailoring.extends,
          via: direct ? 'target' : `group ${group!.g}`,
        }
    }
    let pack: AssignedPolicy['pack'] = null
    const packId = policy?.rulePack === 'choose' ? d.targetPacks.get(t.id) : undefined
    if (packId) pack = { id: packId, title: d.packs.raw(packId)?.title ?? packId }
    return { tailoring, pack }
  }

  function request<R extends ScanRequest>(t: Target, req: R): R {
    if (req.tailoringId && !req.sha256 && !req.profileId) {
      // A tailoring alone names its content and profile too.
      const row = d.content.tailoring(req.tailoringId)
      if (!row) throw notFound('That tailoring')
      return { ...req, sha256: row.contentSha256, profileId: row.tailoring.extends }
    }
    if (req.sha256 || req.profileId || req.tailoringId) return req
    const a = assigned(t)
    if (a.tailoring)
      return {
        ...req,
        sha256: a.tailoring.contentSha256,
        profileId: a.tailoring.profileId,
        tailoringId: a.tailoring.id,
      }
    if (a.pack) return { ...req, profileId: a.pack.id }
    // Nothing assigned: the kind's scanner plans with its defaults, or says what to choose.
    return req
  }

  const target = (id: string) => {
    const t = d.repos.targets.get(id)
    if (!t) throw notFound('Target')
    return t
  }

  return {
    assigned,
    request,
    handlers: {
      'policy.get': ({ targetId }) => assigned(target(targetId)),
      'policy.assign': ({ targetId, tailoringId, packId }) => {
        const t = target(targetId)
        const at = d.clock.now().toISOString()
        if (tailoringId !== undefined) {
          if (!policyOf(t)?.tailoring) {
            const message = `${t.name} (${label(t)}) takes no tailoring`
            throw new AppError('validation', message, [{ path: 'targetId', message }])
          }
          if (tailoringId === null) d.content.unassignTarget(t.id, at)
          else {
            if (!d.content.tailoring(tailoringId)) throw notFound('That tailoring')
            d.content.claimAssignments(tailoringId, [t.id], [], at)
          }
        } else {
          if (policyOf(t)?.rulePack !== 'choose') {
            const message = `${t.name} (${label(t)}) takes no rule pack to choose`
            throw new AppError('validation', message, [{ path: 'targetId', message }])
          }
          if (packId) {
            const pack = d.packs.raw(packId)
            if (!pack)
              throw new AppError('not_found', `No rule pack "${packId}"`, [
                { path: 'packId', message: 'No such pack' },
              ])
            if (pack.kind !== t.kind) {
              const message = `The rule pack ${packId} is for ${pack.kind} targets, not ${label(t)}`
              throw new AppError('validation', message, [{ path: 'packId', message }])
            }
          }
          d.targetPacks.set(t.id, packId ?? null, at)
        }
        return assigned(t)
      },
    },
  }
}
