// The tailoring editor of one profile: its Values, rules and the changes so far in three tabs, and the bar that
// names, assigns, saves and exports the tailoring. The changes are local until saved; the profile comes from
// the store.
import { useEffect, useMemo, useState } from 'react'
import type { TailoringView } from '../../../src-preload/contract'
import { api } from '../../api/client'
import { useStore } from '../../stores'
import { contentSelectors } from '../../stores/content-slice'
import { errorText, fieldIssues } from '../../stores/loadable'
import { valueProblem } from '../../lib/value-check'
import * as edit from './changes'
import { ValuesTab } from './ValuesTab'
import { RulesTab } from './RulesTab'
import { ChangeList } from './ChangeList'
import { AssignMenu } from './AssignMenu'
import { LoadFailed } from '../../components/LoadFailed'

export function ProfileEditor(props: { sha256: string; profileId: string; tailorings: TailoringView[] }) {
  const toast = useStore((s) => s.toast)
  const loaded = useStore(contentSelectors.profile(props.sha256, props.profileId))
  const load = useStore((s) => s.loadProfile)
  const saveTailoring = useStore((s) => s.saveTailoring)
  const exportTailoring = useStore((s) => s.exportTailoring)
  const [tab, setTab] = useState<'values' | 'rules' | 'changes'>('values')
  const tailoringId = new URLSearchParams(location.hash.split('?')[1] ?? '').get('tailoring') ?? undefined
  const existing = props.tailorings.find((t) => t.id === tailoringId)
  const [changes, setChanges] = useState<edit.Changes>(existing?.changes ?? edit.NO_CHANGES)
  const [name, setName] = useState(existing?.name ?? '')
  const [savedId, setSavedId] = useState(existing?.id)
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState<'' | 'save' | 'export'>('')
  const [assigned, setAssigned] = useState({
    targets: existing?.targets ?? [],
    groups: existing?.groups ?? [],
  })

  useEffect(() => {
    void load(props.sha256, props.profileId)
  }, [props.sha256, props.profileId, load])

  const data = loaded?.data
  // The Values the selected rules use: the profile's, and those of rules this tailoring adds.
  const values = useMemo(() => {
    const added = (data?.otherValues ?? []).flatMap((v) => {
      const usedBy = v.usedBy.filter((r) => changes.selects[r.id] === true)
      return usedBy.length ? [{ ...v, usedBy }] : []
    })
    return [...(data?.values ?? []), ...added]
  }, [data, changes])
  const problems = useMemo(() => {
    const out: Record<string, string> = {}
    for (const v of values) {
      const p = changes.setValues[v.id] !== undefined ? valueProblem(v, changes.setValues[v.id]!) : ''
      if (p) out[v.id] = p
    }
    return out
  }, [values, changes])

  if (loaded?.state === 'error')
    return (
      <LoadFailed
        what="Could not read the profile"
        error={loaded.error}
        onRetry={() => void load(props.sha256, props.profileId)}
      />
    )
  if (!data) return <p className="muted">Loading the profile…</p>

  const changeCount = edit.changeCount(changes)
  const ruleSelected = (r: (typeof data.rules)[number]) => changes.selects[r.id] ?? r.selectedInProfile

  const save = async () => {
    setServerIssues({})
    setBusy('save')
    try {
      const t = await saveTailoring({
        id: savedId,
        name,
        sha256: props.sha256,
        baseProfileId: props.profileId,
        changes,
        ...assigned,
      })
      setSavedId(t.id)
      toast('info', `Saved tailoring “${t.name}” (${t.diff.length} changes)`)
    } catch (err) {
      setServerIssues(fieldIssues(err))
      toast('error', `Tailoring not saved: ${errorText(err)}`)
    } finally {
      setBusy('')
    }
  }
  const exportXml = async () => {
    if (!savedId) return
    setBusy('export')
    try {
      const { fileName, xml } = await exportTailoring(savedId)
      // The desktop app asks where in a save dialog; the browser downloads it. No path crosses the API.
      const saved = await api.saveText(fileName, 'application/xml', xml)
      if (saved.saved) toast('info', `Exported ${saved.fileName}`)
    } catch (err) {
      toast('error', `Tailoring not exported: ${errorText(err)}`)
    } finally {
      setBusy('')
    }
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
              ? `Values (${values.length})`
              : t === 'rules'
                ? `Rules (${data.rules.filter(ruleSelected).length} selected)`
                : `Changes (${changeCount})`}
          </button>
        ))}
      </div>
      {tab === 'values' && (
        <ValuesTab
          values={values}
          changes={changes}
          problems={problems}
          serverIssues={serverIssues}
          onSelector={(v, s) => setChanges((c) => edit.setSelector(c, v, s))}
          onLiteral={(v, x) => setChanges((c) => edit.setLiteral(c, v, x))}
        />
      )}
      {tab === 'rules' && (
        <RulesTab
          sha256={props.sha256}
          rules={data.rules}
          groups={data.groups}
          changes={changes}
          selected={ruleSelected}
          onToggle={(r, on) => setChanges((c) => edit.toggleRule(c, r.id, r.selectedInProfile, on))}
          onSeverity={(r, sev) => setChanges((c) => edit.setSeverity(c, r.id, r.severity, sev))}
        />
      )}
      {tab === 'changes' && <ChangeList data={{ ...data, values }} changes={changes} />}
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
        <AssignMenu assigned={assigned} onChange={setAssigned} />
        <button
          type="button"
          className="button primary"
          disabled={!name.trim() || Object.keys(problems).length > 0 || busy !== ''}
          onClick={() => void save()}
        >
          {busy === 'save' ? 'Saving…' : 'Save tailoring'}
        </button>
        <button
          type="button"
          className="button"
          disabled={!savedId || busy !== ''}
          onClick={() => void exportXml()}
        >
          {busy === 'export' ? 'Exporting…' : 'Export XCCDF'}
        </button>
        <span className="muted small">{changeCount} changes from the profile</span>
      </div>
    </section>
  )
}
