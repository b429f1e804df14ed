// Variable customisation, the page auditors live in: pick content and a profile, then change the Values its
// rules use (each with an editor that knows its type, bounds and pattern), select or unselect rules, refine
// severities, review the changes against the profile, and save them as a named tailoring to export.
import { useEffect, useMemo, useState } from 'react'
import { SEVERITIES, type Res, type TailoringView, type ValueView } from '../../src-preload/contract'
import { api, ApiCallError } from '../api/client'
import { useStore } from '../stores'
import { contentSelectors } from '../stores/content-slice'
import { EmptyState } from '../components/EmptyState'
import { navigate } from '../router'
import { valueProblem } from '../lib/value-check'

type ProfileData = Res<'content.profile'>
type Changes = TailoringView['changes']
const NO_CHANGES: Changes = { refineValues: {}, setValues: {}, selects: {}, refineRules: {} }
const short = (id: string) => id.replace(/^xccdf_[a-z.]+_(rule|value|profile)_/, '')

export function VariablesPage({ sha, profileId }: { sha?: string; profileId?: string }) {
  const content = useStore(contentSelectors.content)
  const discovered = useStore(contentSelectors.discovered)
  const tailorings = useStore(contentSelectors.tailorings)
  const load = useStore((s) => s.loadContent)
  const importContent = useStore((s) => s.importContent)
  const toast = useStore((s) => s.toast)
  const [busy, setBusy] = useState('')
  const [path, setPath] = useState('')
  useEffect(() => {
    void load()
  }, [load])

  const current = content.find((c) => c.sha256 === sha) ?? content[0]
  const [profiles, setProfiles] = useState<Res<'content.profiles'>['profiles']>([])
  useEffect(() => {
    if (!current) return
    void api.invoke('content.profiles', { sha256: current.sha256 }).then((r) => setProfiles(r.profiles))
  }, [current])

  const onImport = async (path: string) => {
    setBusy(path)
    try {
      const c = await importContent(path)
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
      {content.length === 0 && (
        <EmptyState
          title="Import benchmark content first"
          body={
            discovered?.files.length
              ? `SCAP Security Guide datastreams were found in ${discovered.dir}. Import one to customise its profiles.`
              : `No SCAP Security Guide content was found in ${discovered?.dir ?? 'the standard folder'}. Install a package such as ssg-debian, or import a datastream with "driftwatch content import FILE".`
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
              <li key={f.path}>
                <span className="mono">{f.name}</span>{' '}
                <span className="muted small">{(f.bytes / 1e6).toFixed(1)} MB</span>
                <button
                  type="button"
                  className="button small"
                  disabled={Boolean(busy)}
                  onClick={() => void onImport(f.path)}
                >
                  {busy === f.path ? 'Importing…' : 'Import'}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      <form
        className="import-path"
        onSubmit={(e) => {
          e.preventDefault()
          if (path.trim()) void onImport(path.trim())
        }}
      >
        <label>
          <span className="label">Import a datastream from a path on this computer</span>
          <input
            className="mono"
            placeholder="/path/to/ssg-rhel9-ds.xml"
            value={path}
            onChange={(e) => setPath(e.target.value)}
          />
        </label>
        <button type="submit" className="button" disabled={!path.trim() || Boolean(busy)}>
          Import
        </button>
      </form>
      {current && (
        <div className="toolbar">
          <label>
            <span className="label">Content</span>
            <select value={current.sha256} onChange={(e) => navigate(`/variables/${e.target.value}`)}>
              {content.map((c) => (
                <option key={c.sha256} value={c.sha256}>
                  {c.benchmarks[0]?.title ?? c.fileName} {c.benchmarks[0]?.version} ({c.fileName})
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="label">Profile</span>
            <select
              aria-label="Profile"
              value={profileId ?? ''}
              onChange={(e) => navigate(`/variables/${current.sha256}/${encodeURIComponent(e.target.value)}`)}
            >
              <option value="">Choose a profile…</option>
              {profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title} ({p.selectedRules} rules)
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {current && profileId ? (
        <ProfileEditor
          key={`${current.sha256}/${profileId}`}
          sha256={current.sha256}
          profileId={profileId}
          tailorings={tailorings}
          onSaved={load}
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

function ProfileEditor(props: {
  sha256: string
  profileId: string
  tailorings: TailoringView[]
  onSaved(): Promise<void>
}) {
  const toast = useStore((s) => s.toast)
  const [data, setData] = useState<ProfileData | null>(null)
  const [error, setError] = useState('')
  const [tab, setTab] = useState<'values' | 'rules' | 'changes'>('values')
  const tailoringId = new URLSearchParams(location.hash.split('?')[1] ?? '').get('tailoring') ?? undefined
  const existing = props.tailorings.find((t) => t.id === tailoringId)
  const [changes, setChanges] = useState<Changes>(existing?.changes ?? NO_CHANGES)
  const [name, setName] = useState(existing?.name ?? '')
  const [savedId, setSavedId] = useState(existing?.id)
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({})
  const [query, setQuery] = useState('')
  const [assigned, setAssigned] = useState({
    targets: existing?.targets ?? [],
    groups: existing?.groups ?? [],
  })
  const allTargets = useStore((st) => st.targets)
  const allGroups = useStore((st) => st.labels.groups)

  useEffect(() => {
    api
      .invoke('content.profile', { sha256: props.sha256, profileId: props.profileId })
      .then(setData, (e: Error) => setError(e.message))
  }, [props.sha256, props.profileId])

  const effective = (v: ValueView) =>
    changes.setValues[v.id] ??
    (changes.refineValues[v.id]
      ? (v.selectors.find((s) => s.selector === changes.refineValues[v.id])?.value ?? '')
      : v.profileValue)
  const problems = useMemo(() => {
    const out: Record<string, string> = {}
    for (const v of data?.values ?? []) {
      const p = changes.setValues[v.id] !== undefined ? valueProblem(v, changes.setValues[v.id]!) : ''
      if (p) out[v.id] = p
    }
    return out
  }, [data, changes])

  if (error) return <p className="banner error">{error}</p>
  if (!data) return <p className="muted">Loading the profile…</p>

  const setSelector = (v: ValueView, selector: string) =>
    setChanges((c) => {
      const refineValues = { ...c.refineValues }
      const setValues = { ...c.setValues }
      delete setValues[v.id]
      if (selector === v.profileSelector) delete refineValues[v.id]
      else refineValues[v.id] = selector
      return { ...c, refineValues, setValues }
    })
  const setLiteral = (v: ValueView, value: string) =>
    setChanges((c) => {
      const refineValues = { ...c.refineValues }
      const setValues = { ...c.setValues }
      delete refineValues[v.id]
      if (value === v.profileValue) delete setValues[v.id]
      else setValues[v.id] = value
      return { ...c, refineValues, setValues }
    })
  const toggleRule = (id: string, inProfile: boolean, on: boolean) =>
    setChanges((c) => {
      const selects = { ...c.selects }
      if (on === inProfile) delete selects[id]
      else selects[id] = on
      return { ...c, selects }
    })
  const setSeverity = (id: string, base: string, sev: string) =>
    setChanges((c) => {
      const refineRules = { ...c.refineRules }
      if (sev === base) delete refineRules[id]
      else refineRules[id] = sev as (typeof SEVERITIES)[number]
      return { ...c, refineRules }
    })

  const changeCount =
    Object.keys(changes.refineValues).length +
    Object.keys(changes.setValues).length +
    Object.keys(changes.selects).length +
    Object.keys(changes.refineRules).length
  const q = query.toLowerCase()
  const rules = data.rules.filter(
    (r) => !q || r.title.toLowerCase().includes(q) || r.id.toLowerCase().includes(q),
  )
  const ruleSelected = (r: (typeof data.rules)[number]) => changes.selects[r.id] ?? r.selectedInProfile

  const save = async () => {
    setServerIssues({})
    try {
      const t = await api.invoke('tailorings.save', {
        id: savedId,
        name,
        sha256: props.sha256,
        baseProfileId: props.profileId,
        changes,
        ...assigned,
      })
      setSavedId(t.id)
      toast('info', `Saved tailoring “${t.name}” (${t.diff.length} changes)`)
      await props.onSaved()
    } catch (err) {
      if (err instanceof ApiCallError && err.issues.length)
        setServerIssues(Object.fromEntries(err.issues.map((i) => [i.path, i.message])))
      toast('error', (err as Error).message)
    }
  }
  const exportXml = async () => {
    if (!savedId) return
    const { fileName, xml } = await api.invoke('tailorings.export', { id: savedId })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }))
    a.download = fileName
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
    toast('info', `Exported ${fileName}`)
  }

  return (
    <section aria-label="Profile customisation">
      <p className="muted">{data.profile.description.slice(0, 400)}</p>
      <div className="tabs" role="tablist">
        {(['values', 'rules', 'changes'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? 'tab active' : 'tab'}
            onClick={() => setTab(t)}
          >
            {t === 'values'
              ? `Values (${data.values.length})`
              : t === 'rules'
                ? `Rules (${data.rules.filter(ruleSelected).length} selected)`
                : `Changes (${changeCount})`}
          </button>
        ))}
      </div>
      {tab === 'values' && (
        <ul className="values">
          {data.values.map((v) => {
            const current = effective(v)
            const changed = changes.setValues[v.id] !== undefined || changes.refineValues[v.id] !== undefined
            const problem = problems[v.id] ?? serverIssues[`values.${v.id}`]
            const inputId = `v-${short(v.id)}`
            return (
              <li key={v.id} className={`value-card${changed ? ' changed' : ''}`} data-value={short(v.id)}>
                <div className="value-head">
                  <label htmlFor={inputId}>{v.title}</label>
                  <span className="badge">{v.type}</span>
                </div>
                <p className="muted small mono">{short(v.id)}</p>
                <ValueEditor
                  v={v}
                  id={inputId}
                  current={current}
                  custom={changes.setValues[v.id] !== undefined}
                  selector={changes.refineValues[v.id] ?? v.profileSelector}
                  onSelector={(s) => setSelector(v, s)}
                  onLiteral={(x) => setLiteral(v, x)}
                  invalid={Boolean(problem)}
                />
                {problem && (
                  <p className="field-error" role="alert">
                    {problem}
                  </p>
                )}
                <p className="small muted">
                  Profile sets <strong>{v.profileValue || '(empty)'}</strong>
                  {v.profileSelector && ` (${v.profileSelector})`}
                  {v.lowerBound !== undefined || v.upperBound !== undefined
                    ? ` · bounds ${v.lowerBound ?? '−∞'}…${v.upperBound ?? '∞'}`
                    : ''}
                  {v.match ? ` · pattern ${v.match}` : ''}
                  {changed && (
                    <button
                      type="button"
                      className="link small"
                      onClick={() => setLiteral(v, v.profileValue)}
                    >
                      Reset
                    </button>
                  )}
                </p>
                <details>
                  <summary className="small">
                    Used by {v.usedBy.length} {v.usedBy.length === 1 ? 'rule' : 'rules'}
                  </summary>
                  <ul className="small">
                    {v.usedBy.map((r) => (
                      <li key={r.id}>{r.title}</li>
                    ))}
                  </ul>
                </details>
              </li>
            )
          })}
        </ul>
      )}
      {tab === 'rules' && (
        <>
          <div className="toolbar">
            <label className="search">
              <span className="sr-only">Search rules</span>
              <input
                type="search"
                placeholder="Search rules"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
            </label>
            <span className="muted small">{rules.length} rules</span>
          </div>
          <table className="table" aria-label="Rules">
            <thead>
              <tr>
                <th scope="col">Selected</th>
                <th scope="col">Rule</th>
                <th scope="col">Severity</th>
              </tr>
            </thead>
            <tbody>
              {rules.slice(0, 300).map((r) => (
                <tr
                  key={r.id}
                  data-rule={short(r.id)}
                  className={changes.selects[r.id] !== undefined ? 'changed' : ''}
                >
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${r.title}`}
                      checked={ruleSelected(r)}
                      onChange={(e) => toggleRule(r.id, r.selectedInProfile, e.target.checked)}
                    />
                  </td>
                  <th scope="row">
                    <RuleDetail sha256={props.sha256} id={r.id} title={r.title} />
                    <div className="muted small mono">{short(r.id)}</div>
                  </th>
                  <td>
                    <select
                      aria-label={`Severity of ${r.title}`}
                      value={changes.refineRules[r.id] ?? r.severity}
                      onChange={(e) => setSeverity(r.id, r.severity, e.target.value)}
                    >
                      {SEVERITIES.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rules.length > 300 && (
            <p className="muted small">Showing 300 of {rules.length}; search to narrow.</p>
          )}
        </>
      )}
      {tab === 'changes' && <ChangeList data={data} changes={changes} />}
      <div className="save-bar">
        <label>
          <span className="sr-only">Tailoring name</span>
          <input
            placeholder="Tailoring name, e.g. ACME policy 2026"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={Boolean(serverIssues.name)}
          />
        </label>
        <details className="assign">
          <summary className="button">
            Assign to
            {assigned.targets.length + assigned.groups.length
              ? ` (${assigned.targets.length + assigned.groups.length})`
              : '…'}
          </summary>
          <div className="assign-menu" role="group" aria-label="Assign to targets and groups">
            {allGroups.length === 0 && allTargets.length === 0 && (
              <p className="muted small">No targets yet.</p>
            )}
            {allGroups.map((g) => (
              <label key={`g-${g}`} className="check">
                <input
                  type="checkbox"
                  checked={assigned.groups.includes(g)}
                  onChange={(e) =>
                    setAssigned((a) => ({
                      ...a,
                      groups: e.target.checked ? [...a.groups, g] : a.groups.filter((x) => x !== g),
                    }))
                  }
                />
                Group {g}
              </label>
            ))}
            {allTargets.map((t) => (
              <label key={t.id} className="check">
                <input
                  type="checkbox"
                  checked={assigned.targets.includes(t.id)}
                  onChange={(e) =>
                    setAssigned((a) => ({
                      ...a,
                      targets: e.target.checked ? [...a.targets, t.id] : a.targets.filter((x) => x !== t.id),
                    }))
                  }
                />
                {t.name}
              </label>
            ))}
          </div>
        </details>
        <button
          type="button"
          className="button primary"
          disabled={!name.trim() || Object.keys(problems).length > 0}
          onClick={() => void save()}
        >
          Save tailoring
        </button>
        <button type="button" className="button" disabled={!savedId} onClick={() => void exportXml()}>
          Export XCCDF
        </button>
        <span className="muted small">{changeCount} changes from the profile</span>
      </div>
    </section>
  )
}

function ValueEditor(props: {
  v: ValueView
  id: string
  current: string
  /** The selector in force ('' = the Value's default, which has no selector name). */
  selector: string
  /** A literal value is set (set-value) instead of a selector. */
  custom: boolean
  invalid: boolean
  onSelector(s: string): void
  onLiteral(x: string): void
}) {
  const { v } = props
  if (v.selectors.length > 0 && v.type !== 'boolean') {
    const custom = props.custom
    const pick = (value: string) => {
      if (value === '__custom') props.onLiteral(props.current)
      // The default has no selector name: choosing it means the literal default value.
      else if (value === '__default') props.onLiteral(v.default)
      else props.onSelector(value)
    }
    return (
      <div className="value-editor">
        <select
          id={props.id}
          value={custom ? '__custom' : props.selector || '__default'}
          onChange={(e) => pick(e.target.value)}
        >
          <option value="__default">(default) — {v.default || '(empty)'}</option>
          {v.selectors.map((s) => (
            <option key={s.selector} value={s.selector}>
              {s.selector} — {s.value || '(empty)'}
            </option>
          ))}
          <option value="__custom">Custom value…</option>
        </select>
        {custom && (
          <input
            aria-label={`${v.title} (custom)`}
            type={v.type === 'number' ? 'text' : 'text'}
            inputMode={v.type === 'number' ? 'numeric' : undefined}
            value={props.current}
            aria-invalid={props.invalid}
            onChange={(e) => props.onLiteral(e.target.value)}
          />
        )}
      </div>
    )
  }
  if (v.type === 'boolean')
    return (
      <select id={props.id} value={props.current} onChange={(e) => props.onLiteral(e.target.value)}>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  return (
    <input
      id={props.id}
      value={props.current}
      inputMode={v.type === 'number' ? 'numeric' : undefined}
      aria-invalid={props.invalid}
      onChange={(e) => props.onLiteral(e.target.value)}
    />
  )
}

function ChangeList({ data, changes }: { data: ProfileData; changes: Changes }) {
  const title = (id: string) =>
    data.values.find((v) => v.id === id)?.title ?? data.rules.find((r) => r.id === id)?.title ?? short(id)
  const rows = [
    ...Object.entries(changes.refineValues).map(([id, s]) => [
      title(id),
      `${data.values.find((v) => v.id === id)?.profileSelector || '(default)'} → ${s}`,
    ]),
    ...Object.entries(changes.setValues).map(([id, s]) => [
      title(id),
      `${data.values.find((v) => v.id === id)?.profileValue ?? ''} → ${s}`,
    ]),
    ...Object.entries(changes.selects).map(([id, on]) => [title(id), on ? 'selected' : 'unselected']),
    ...Object.entries(changes.refineRules).map(([id, sev]) => [title(id), `severity → ${sev}`]),
  ]
  if (rows.length === 0) return <p className="muted">No changes yet: this is the profile as published.</p>
  return (
    <table className="table" aria-label="Changes from the profile">
      <tbody>
        {rows.map(([t, d]) => (
          <tr key={`${t}${d}`}>
            <th scope="row">{t}</th>
            <td className="mono">{d}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A rule's sanitised description, rationale and references, fetched when opened (plain text only). */
function RuleDetail({ sha256, id, title }: { sha256: string; id: string; title: string }) {
  const [detail, setDetail] = useState<Res<'content.rule'> | null>(null)
  return (
    <details
      className="rule-detail"
      onToggle={(e) => {
        if ((e.target as HTMLDetailsElement).open && !detail)
          void api.invoke('content.rule', { sha256, ruleId: id }).then(setDetail)
      }}
    >
      <summary>{title}</summary>
      {detail ? (
        <div className="rule-text">
          <p>{detail.description}</p>
          {detail.rationale && (
            <p>
              <strong>Rationale. </strong>
              {detail.rationale}
            </p>
          )}
          <p className="small">
            {detail.references.map((r) => (
              <span className="chip" key={`${r.system}${r.id}`} title={r.href}>
                {r.system} {r.id}
              </span>
            ))}
          </p>
        </div>
      ) : (
        <p className="muted small">Loading…</p>
      )}
    </details>
  )
}
