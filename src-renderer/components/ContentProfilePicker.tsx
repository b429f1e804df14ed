// Choosing what an OpenSCAP scan evaluates: the imported benchmark content and one of its profiles. One hook
// holds the choice (loading content and each content's profiles); one component shows the two selects.
import { useEffect, useState } from 'react'
import { api } from '../api/client'
import { useStore } from '../stores'
import { contentSelectors } from '../stores/content-slice'

export interface ContentProfileChoice {
  content: ReturnType<typeof contentSelectors.content>
  /** The chosen content's SHA-256 (the first import until one is chosen); '' with nothing imported. */
  sha256: string
  setSha256(sha: string): void
  profiles: { id: string; title: string }[]
  profileId: string
  setProfileId(id: string): void
}

export function useContentProfile(): ContentProfileChoice {
  const content = useStore(contentSelectors.content)
  const loadContent = useStore((s) => s.loadContent)
  const [sha, setSha256] = useState('')
  const [profiles, setProfiles] = useState<{ id: string; title: string }[]>([])
  const [profileId, setProfileId] = useState('')
  useEffect(() => {
    void loadContent()
  }, [loadContent])
  const sha256 = sha || content[0]?.sha256 || ''
  useEffect(() => {
    if (sha256) void api.invoke('content.profiles', { sha256 }).then((r) => setProfiles(r.profiles))
  }, [sha256])
  return { content, sha256, setSha256, profiles, profileId, setProfileId }
}

export function ContentProfileSelects({
  choice,
  labels = { content: 'Content', profile: 'Scan profile' },
}: {
  choice: ContentProfileChoice
  labels?: { content: string; profile: string }
}) {
  return (
    <>
      <select
        aria-label={labels.content}
        value={choice.sha256}
        onChange={(e) => choice.setSha256(e.target.value)}
      >
        {choice.content.map((c) => (
          <option key={c.sha256} value={c.sha256}>
            {c.benchmarks[0]?.title ?? c.fileName}
          </option>
        ))}
      </select>
      <select
        aria-label={labels.profile}
        value={choice.profileId}
        onChange={(e) => choice.setProfileId(e.target.value)}
      >
        <option value="">Profile…</option>
        {choice.profiles.map((p) => (
          <option key={p.id} value={p.id}>
            {p.title}
          </option>
        ))}
      </select>
    </>
  )
}
