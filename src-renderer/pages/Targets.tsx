// The targets list: search, filter by kind, and edit, duplicate or delete each target.
import { useEffect, useRef, useState } from 'react'
import type { Target } from '../../src-preload/contract'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { EmptyState } from '../components/EmptyState'
import { KindBadge } from '../components/KindBadge'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Icon } from '../components/Icon'
import { IconButton } from '../components/IconButton'
import { navigate } from '../router'
import { plural } from '../lib/format'
import { GroupScanBar, ScanCell } from '../components/GroupScan'

export function TargetsPage() {
  const targets = useStore(targetSelectors.targets)
  const total = useStore(targetSelectors.total)
  const loaded = useStore(targetSelectors.loaded)
  const kinds = useStore(targetSelectors.kinds)
  const error = useStore(targetSelectors.error)
  const filter = useStore(targetSelectors.filter)
  const setFilter = useStore((s) => s.setTargetsFilter)
  const duplicate = useStore((s) => s.duplicateTarget)
  const remove = useStore((s) => s.removeTarget)
  const toast = useStore((s) => s.toast)
  const [doomed, setDoomed] = useState<Target | null>(null)
  const search = useRef<HTMLInputElement>(null)

  useEffect(() => {
    // "/" jumps to search and "n" adds a target, unless the person is typing somewhere.
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && e.target.closest('input, textarea, select, dialog')
      if (typing || e.metaKey || e.ctrlKey || e.altKey) return
      if (e.key === '/') {
        e.preventDefault()
        search.current?.focus()
      } else if (e.key === 'n') {
        e.preventDefault()
        navigate('/targets/new')
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const onDuplicate = async (t: Target) => {
    try {
      const copy = await duplicate(t.id)
      toast('info', `Duplicated as “${copy.name}”`)
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  const onDelete = async () => {
    if (!doomed) return
    const t = doomed
    setDoomed(null)
    try {
      await remove(t.id)
      toast('info', `Deleted “${t.name}”`)
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }

  return (
    <>
      <header className="page-head">
        <h1>Targets</h1>
        <a className="button primary" href="#/targets/new" aria-keyshortcuts="n">
          <Icon name="plus" /> Add target
        </a>
      </header>
      {loaded && total === 0 ? (
        <EmptyState
          title="No targets yet"
          body="A target is something you audit: this computer, a Linux host over SSH, a PostgreSQL or MySQL server, or a GitHub organisation."
          action={{ label: 'Add a target', href: '#/targets/new' }}
        />
      ) : (
        <>
          <div className="toolbar" role="search">
            <label className="search">
              <Icon name="search" />
              <span className="sr-only">Search targets</span>
              <input
                ref={search}
                type="search"
                placeholder="Search name, host, tag or group   ( / )"
                value={filter.query}
                aria-keyshortcuts="/"
                onChange={(e) => setFilter({ query: e.target.value })}
              />
            </label>
            <label>
              <span className="sr-only">Kind</span>
              <select
                value={filter.kind ?? ''}
                onChange={(e) => setFilter({ kind: e.target.value || undefined })}
              >
                <option value="">All kinds</option>
                {kinds.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted small" aria-live="polite">
              {targets.length === total
                ? plural(total, 'target')
                : `${targets.length} of ${plural(total, 'target')}`}
            </span>
          </div>
          <GroupScanBar targets={targets} />
          {error && <p className="banner error">{error}</p>}
          {targets.length === 0 && loaded ? (
            <p className="muted">No target matches “{filter.query}”.</p>
          ) : (
            <table className="table" aria-label="Targets">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Address</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Groups</th>
                  <th scope="col">Score</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {targets.map((t) => (
                  <tr key={t.id} data-target={t.name}>
                    <th scope="row">
                      <a href={`#/targets/${encodeURIComponent(t.id)}`}>{t.name}</a>
                      {t.description && <div className="muted small clamp">{t.description}</div>}
                    </th>
                    <td>
                      <KindBadge kind={t.kind} />
                    </td>
                    <td className="mono">{t.address}</td>
                    <td>
                      {t.tags.map((tag) => (
                        <span className="chip" key={tag}>
                          {tag}
                        </span>
                      ))}
                    </td>
                    <td>
                      {t.groups.map((g) => (
                        <span className="chip group" key={g}>
                          {g}
                        </span>
                      ))}
                    </td>
                    <td aria-label={`Scan of ${t.name}`}>
                      <ScanCell targetId={t.id} name={t.name} />
                    </td>
                    <td className="row-actions">
                      <a
                        className="icon-button"
                        href={`#/targets/${encodeURIComponent(t.id)}/edit`}
                        aria-label={`Edit ${t.name}`}
                        title="Edit"
                      >
                        <Icon name="edit" />
                      </a>
                      <IconButton
                        icon="copy"
                        label={`Duplicate ${t.name}`}
                        title="Duplicate"
                        onClick={() => void onDuplicate(t)}
                      />
                      <IconButton
                        icon="trash"
                        label={`Delete ${t.name}`}
                        title="Delete"
                        danger
                        onClick={() => setDoomed(t)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <ConfirmDialog
        open={doomed !== null}
        title={`Delete “${doomed?.name ?? ''}”?`}
        body="The target and its settings are removed from Driftwatch. Nothing on the target itself changes."
        confirmLabel="Delete target"
        danger
        onConfirm={() => void onDelete()}
        onCancel={() => setDoomed(null)}
      />
    </>
  )
}
