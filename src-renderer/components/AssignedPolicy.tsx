// A target's assigned policy in the UI: the hook that reads it (policy.get), and the picker that schedule and
// group-scan forms use, defaulting to "Assigned policy" (each target runs its own) with content, profile and
// tailoring to choose instead.
import { useEffect, useRef, useState } from 'react'
import type { AssignedPolicy } from '../../src-preload/contract'
import { api } from '../api/client'
import { useStore } from '../stores'
import { contentSelectors } from '../stores/content-slice'
import { ContentProfileSelects, useContentProfile, type ContentProfileChoice } from './ContentProfilePicker'

const key = (p: AssignedPolicy | null) => `${p?.tailoring?.id ?? ''}|${p?.pack?.id ?? ''}`

/**
 * The target's assigned policy, read again when tailorings change (an "Assign to…" elsewhere). `onAssigned` runs
 * when it is first read and whenever the assignment changes: a form moves its choice to it then, not on every read.
 */
export function useAssignedPolicy(
  targetId: string,
  onAssigned?: (p: AssignedPolicy) => void,
): AssignedPolicy | null {
  const tailorings = useStore(contentSelectors.tailorings)
  const [policy, setPolicy] = useState<AssignedPolicy | null>(null)
  const seen = useRef<string | null>(null)
  const notify = useRef(onAssigned)
  useEffect(() => {
    notify.current = onAssigned
  })
  useEffect(() => {
    let live = true
    api.invoke('policy.get', { targetId }).then(
      (p) => {
        if (!live) return
        setPolicy(p)
        if (seen.current !== key(p)) notify.current?.(p)
        seen.current = key(p)
      },
      () => live && setPolicy(null),
    )
    return () => {
      live = false
    }
  }, [targetId, tailorings])
  return policy
}

/** The tailorings of the chosen content and profile, for a tailoring select. */
export function TailoringOptions({
  choice,
  assignedId,
}: {
  choice: ContentProfileChoice
  assignedId?: string
}) {
  const tailorings = useStore(contentSelectors.tailorings)
  return (
    <>
      <option value="">No tailoring</option>
      {tailorings
        .filter(
          (t) =>
            t.contentSha256 === choice.sha256 && (!choice.profileId || t.baseProfileId === choice.profileId),
        )
        .map((t) => (
          <option key={t.id} value={t.id}>
            {t.id === assignedId ? `Assigned: ${t.name}` : t.name}
          </option>
        ))}
    </>
  )
}

export interface PolicyChoice {
  assigned: boolean
  setAssigned(on: boolean): void
  content: ContentProfileChoice
  tailoringId: string
  setTailoringId(id: string): void
  /** What the request names: nothing (each target's assigned policy), or content, profile and tailoring. */
  request(): { sha256?: string; profileId?: string; tailoringId?: string }
  ready: boolean
}

export function usePolicyChoice(): PolicyChoice {
  const content = useContentProfile()
  const [assigned, setAssigned] = useState(true)
  const [tailoringId, setTailoringId] = useState('')
  return {
    assigned,
    setAssigned,
    content,
    tailoringId,
    setTailoringId,
    request: () =>
      assigned
        ? {}
        : {
            ...(content.sha256 && { sha256: content.sha256 }),
            ...(content.profileId && { profileId: content.profileId }),
            ...(tailoringId && { tailoringId }),
          },
    ready: assigned || Boolean(content.sha256 && content.profileId),
  }
}

/** "Assigned policy" or a chosen content, profile and tailoring; as form fields, or inline in a bar. */
export function PolicyPicker({
  policy,
  fields,
  errors = {},
  prefix = '',
}: {
  policy: PolicyChoice
  fields?: boolean
  errors?: Record<string, string>
  /** Before each select's name in a bar ("Group policy", "Group profile"). */
  prefix?: string
}) {
  const name = (n: string) => (prefix ? `${prefix} ${n.toLowerCase()}` : n)
  const mode = (
    <select
      aria-label={name('Policy')}
      value={policy.assigned ? 'assigned' : 'choose'}
      onChange={(e) => policy.setAssigned(e.target.value === 'assigned')}
    >
      <option value="assigned">Assigned policy</option>
      <option value="choose">Choose content and profile…</option>
    </select>
  )
  const tailoring = (
    <select
      aria-label={name('Tailoring')}
      value={policy.tailoringId}
      onChange={(e) => policy.setTailoringId(e.target.value)}
    >
      <TailoringOptions choice={policy.content} />
    </select>
  )
  const hint = policy.assigned && (
    <span className="muted small">
      Each target runs the tailoring or rule pack assigned to it (or its group).
    </span>
  )
  if (!fields)
    return (
      <>
        {mode}
        {!policy.assigned && (
          <ContentProfileSelects
            choice={policy.content}
            labels={{ content: name('Content'), profile: name('Profile') }}
          />
        )}
        {!policy.assigned && tailoring}
      </>
    )
  return (
    <>
      <label className="field">
        <span className="label">Policy</span>
        {mode}
        {hint}
        {errors.sha256 && policy.assigned && <span className="field-error">{errors.sha256}</span>}
      </label>
      {!policy.assigned && (
        <>
          <ContentProfileSelects
            choice={policy.content}
            labels={{ content: 'SCAP content', profile: 'Profile' }}
            fields={{ className: 'field', errors: { content: errors.sha256, profile: errors.profileId } }}
          />
          <label className="field">
            <span className="label">Tailoring</span>
            {tailoring}
          </label>
        </>
      )}
    </>
  )
}
