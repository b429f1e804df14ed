// Variable customisation, the page auditors live in: import content, pick it and a profile, then tailor the
// profile in the editor (pages/variables/) and save it as a named tailoring to export; saved ones are listed.
import { useState } from 'react'
import { api } from '../api/client'
import { useStore } from '../stores'
import { contentSelectors } from '../stores/content-slice'
import { EmptyState } from '../components/EmptyState'
import { ContentProfileSelects, useContentProfileAt } from '../components/ContentProfilePicker'
import { navigate } from '../router'
import { ProfileEditor } from './variables/ProfileEditor'
import { short } from './variables/changes'
import { LoadFailed } from '../components/LoadFailed'

export function VariablesPage({ sha, profileId }: { sha?: string; profileId?: string }) {
  const content = useStore(contentSelectors.content)
  const discovered = useStore(contentSelectors.discovered)
  const tailorings = useStore(contentSelectors.tailorings)
  const load = useStore((s) => s.loadContent)
  const importContent = useStore((s) => s.importContent)
  const toast = useStore((s) => s.toast)
  const [busy, setBusy] = useState('')

  const loaded = useStore(contentSelectors.loaded)
  const loadError = useStore(contentSelectors.error)
  const choice = useContentProfileAt(sha ?? '', profileId ?? '', {
    sha256: (s) => navigate(`/variables/${s}`),
    profileId: (id) => navigate(`/variables/${choice.sha256}/${encodeURIComponent(id)}`),
  })
  const current = content.find((c) => c.sha256 === choice.sha256)

  const onImport = async (
    key: string,
    from: () => Promise<{ uploadId: string } | { discovered: string } | null>,
  ) => {
    setBusy(key)
    try {
      const source = await from()
      if (!source) return
      const c = await importContent(source)
      toast('info', `Imported ${c.fileName}`)
      navigate(`/variables/${c.sha256}`)
    } catch (err) {
      toast('error', (err as Error).message)
    } finally {
      setBusy('')
    }
  }

  const notImported = discovered?.files.filter((f) => !f.importedSha256) ?? []
  return (
    <>
      <header className="page-head">
        <h1>Variables</h1>
      </header>
      {loadError && (
        <LoadFailed
          what="Could not read the imported content"
          error={loadError}
          onRetry={() => void load()}
        />
      )}
      {!loaded && <p className="muted">Loading the imported content…</p>}
      {loaded && !loadError && content.length === 0 && (
        <EmptyState
          title="Import benchmark content first"
          body={
            discovered?.files.length
              ? `SCAP Security Guide datastreams were found in ${discovered.dir}. Import one to customise its profiles.`
              : `No SCAP Security Guide content was found in ${discovered?.dir ?? 'the standard folder'}. Install a package such as ssg-debian, or choose a datastream file below.`
          }
        />
      )}
      {notImported.length > 0 && (
        <details className="panel-lite" open={content.length === 0}>
          <summary>
            {notImported.length} datastreams found in {discovered?.dir}
          </summary>
          <ul className="file-list">
            {notImported.map((f) => (
              <li key={f.id}>
                <span className="mono">{f.name}</span>{' '}
                <span className="muted small">{(f.bytes / 1e6).toFixed(1)} MB</span>
                <button
                  type="button"
                  className="button small"
                  disabled={Boolean(busy)}
                  onClick={() => void onImport(f.id, async () => ({ discovered: f.id }))}
                >
                  {busy === f.id ? 'Importing…' : 'Import'}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="import-path">
        <span className="label">
          Import a datastream file (SCAP 1.2 or 1.3 source datastream, e.g. ssg-rhel9-ds.xml)
        </span>
        <button
          type="button"
          className="button"
          disabled={Boolean(busy)}
          onClick={() =>
            // The file chooser opens inside this click; the file travels as bytes, never as a path.
            void onImport('file', async () => {
              const picked = await api.pickFile('datastream')
              return picked && { uploadId: picked.uploadId }
            })
          }
        >
          {busy === 'file' ? 'Importing…' : 'Choose a datastream file…'}
        </button>
      </div>
      {current && (
        <div className="toolbar">
          <ContentProfileSelects
            choice={choice}
            labels={{ content: 'Content', profile: 'Profile' }}
            fields={{ className: '' }}
          />
        </div>
      )}
      {current && profileId ? (
        <ProfileEditor
          key={`${current.sha256}/${profileId}`}
          sha256={current.sha256}
          profileId={profileId}
          tailorings={tailorings}
        />
      ) : (
        tailorings.length > 0 && (
          <section>
            <h2>Saved tailorings</h2>
            <ul className="cards">
              {tailorings.map((t) => (
                <li className="card" key={t.id}>
                  <a
                    href={`#/variables/${t.contentSha256}/${encodeURIComponent(t.baseProfileId)}?tailoring=${t.id}`}
                  >
                    {t.name}
                  </a>
                  <p className="muted small">
                    {short(t.baseProfileId)} · {t.diff.length} changes
                  </p>
                </li>
              ))}
            </ul>
          </section>
        )
      )}
    </>
  )
}
