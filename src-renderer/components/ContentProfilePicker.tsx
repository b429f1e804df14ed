// Choosing what an OpenSCAP scan or a tailoring starts from: the imported benchmark content and one of its
// profiles. The one picker for every place that asks (target scan, group scan, schedules, variables): a hook
// holds the choice, the store holds the content and its profiles, one component shows the two selects.
import { useEffect, useState } from 'react'
import { useStore } from '../stores'
import { contentSelectors, type ProfileSummary } from '../stores/content-slice'
import type { Loadable } from '../stores/loadable'
import { LoadFailed } from './LoadFailed'

export interface ContentProfileChoice {
  content: ReturnType<typeof contentSelectors.content>
  /** The chosen content's SHA-256 (the first import until one is chosen); '' with nothing imported. */
  sha256: string
  setSha256(sha: string): void
  profiles: ProfileSummary[]
  /** Loading, failed or ready: the profiles of the chosen content as the store has them. */
  profilesState: Loadable<ProfileSummary[]>['state']
  profilesError: string
  profileId: string
  setProfileId(id: string): void
}

/** The choice held by the caller (e.g. in the address, as on the Variables page). */
export function useContentProfileAt(
  sha: string,
  profileId: string,
  pick: { sha256(sha: string): void; profileId(id: string): void },
): ContentProfileChoice {
  const content = useStore(contentSelectors.content)
  const loadContent = useStore((s) => s.loadContent)
  const loadProfiles = useStore((s) => s.loadProfiles)
  useEffect(() => {
    void loadContent()
  }, [loadContent])
  const sha256 = content.some((c) => c.sha256 === sha) ? sha : (content[0]?.sha256 ?? '')
  const profiles = useStore(contentSelectors.profiles(sha256))
  useEffect(() => {
    if (sha256) void loadProfiles(sha256)
  }, [sha256, loadProfiles])
  return {
    content,
    sha256,
    setSha256: pick.sha256,
    profiles: profiles?.data ?? [],
    profilesState: profiles?.state ?? 'idle',
    profilesError: profiles?.error ?? '',
    profileId,
    setProfileId: pick.profileId,
  }
}

/** The choice held here, starting at `preferred` content (if imported) or else the first import. */
export function useContentProfile(preferred?: string): ContentProfileChoice {
  const [sha, setSha256] = useState('')
  const [profileId, setProfileId] = useState('')
  return useContentProfileAt(sha || preferred || '', profileId, {
    sha256: setSha256,
    profileId: setProfileId,
  })
}

export function ContentProfileSelects({
  choice,
  labels = { content: 'Content', profile: 'Scan profile' },
  fields,
}: {
  choice: ContentProfileChoice
  labels?: { content: string; profile: string }
  /** Visible labels around each select (forms), with version, file and rule counts shown, and field errors. */
  fields?: { className: string; errors?: { content?: string; profile?: string } }
}) {
  const loadProfiles = useStore((s) => s.loadProfiles)
  const contentSelect = (
    <select
      aria-label={labels.content}
      value={choice.sha256}
      onChange={(e) => choice.setSha256(e.target.value)}
    >
      {choice.content.length === 0 && <option value="">No content imported</option>}
      {choice.content.map((c) => (
        <option key={c.sha256} value={c.sha256}>
          {c.benchmarks[0]?.title ?? c.fileName}
          {fields && ` ${c.benchmarks[0]?.version ?? ''} (${c.fileName})`}
        </option>
      ))}
    </select>
  )
  const profileSelect = (
    <select
      aria-label={labels.profile}
      aria-busy={choice.profilesState === 'loading'}
      value={choice.profileId}
      onChange={(e) => choice.setProfileId(e.target.value)}
    >
      <option value="">{choice.profilesState === 'loading' ? 'Loading profiles…' : 'Profile…'}</option>
      {choice.profiles.map((p) => (
        <option key={p.id} value={p.id}>
          {p.title}
          {fields && ` (${p.selectedRules} rules)`}
        </option>
      ))}
    </select>
  )
  const problem = choice.profilesState === 'error' && (
    <LoadFailed
      inline
      what="Could not read the profiles"
      error={choice.profilesError}
      onRetry={() => void loadProfiles(choice.sha256)}
    />
  )
  if (!fields)
    return (
      <>
        {contentSelect}
        {profileSelect}
        {problem}
      </>
    )
  const err = (text?: string) => text && <span className="field-error">{text}</span>
  return (
    <>
      <label className={fields.className}>
        <span className="label">{labels.content}</span>
        {contentSelect}
        {err(fields.errors?.content)}
      </label>
      <label className={fields.className}>
        <span className="label">{labels.profile}</span>
        {profileSelect}
        {err(fields.errors?.profile)}
        {problem}
      </label>
    </>
  )
}
