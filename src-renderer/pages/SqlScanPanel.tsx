// The scan panel of a PostgreSQL or MySQL/MariaDB target: pick a rule pack (built in or custom) instead of
// SCAP content, scan with live progress and cancel; import a custom pack (YAML/JSON) or export the chosen one.
// The pack assigned to the target (with its variables) is its policy: chosen first, and what schedules run.
import { useCallback, useEffect, useState } from 'react'
import type { RulePackSummary } from '../../src-preload/contract'
import { api } from '../api/client'
import { useStore } from '../stores'
import { scanSelectors } from '../stores/scans-slice'
import { ruleSelectors } from '../stores/rules-slice'
import { LiveScanProgress } from '../components/LiveScanProgress'
import { useAssignedPolicy } from '../components/AssignedPolicy'
import { LoadFailed } from '../components/LoadFailed'

export function SqlScanPanel({ targetId, kind }: { targetId: string; kind: string }) {
  const live = useStore(scanSelectors.live(targetId))
  const toast = useStore((s) => s.toast)
  const loaded = useStore(ruleSelectors.packs(kind))
  const loadRulePacks = useStore((s) => s.loadRulePacks)
  const packs = loaded?.data ?? []
  const [packId, setPackId] = useState('')
  const [editing, setEditing] = useState(false)
  const [assignedNow, setAssignedNow] = useState<string | null>(null)
  const policy = useAssignedPolicy(targetId, (p) => p.pack && setPackId(p.pack.id))
  const assignedPack = assignedNow ?? policy?.pack?.id ?? ''
  const load = useCallback(() => loadRulePacks(kind), [kind, loadRulePacks])
  useEffect(() => {
    void load()
  }, [load])
  const current = packId || packs.find((p) => p.builtIn)?.id || ''
  const chosen = packs.find((p) => p.id === current)

  const start = async () => {
    try {
      await api.invoke('scan.start', { targetId, profileId: current })
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  const importFile = async (file: File | undefined) => {
    if (!file) return
    try {
      const text = await file.text()
      let pack: RulePackSummary
      try {
        pack = await api.invoke('rules.import', { text })
      } catch (err) {
        // The same pack again: offer to replace it rather than fail.
        if (!/already imported/.test((err as Error).message) || !window.confirm(`${(err as Error).message}?`))
          throw err
        pack = await api.invoke('rules.import', { text, replace: true })
      }
      await load()
      setPackId(pack.id)
      toast('info', `Imported ${pack.title} (${pack.rules} rules)`)
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  const assign = async () => {
    try {
      const p = await api.invoke('policy.assign', { targetId, packId: current })
      setAssignedNow(p.pack?.id ?? '')
      toast(
        'info',
        `${chosen?.title ?? current} is now this target's policy: schedules and group scans run it`,
      )
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  const exportPack = async () => {
    try {
      const { fileName, text } = await api.invoke('rules.export', { id: current, format: 'yaml' })
      await api.saveText(fileName, 'application/yaml', text)
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }

  if (loaded?.state === 'error' && packs.length === 0)
    return (
      <LoadFailed what="Could not read the rule packs" error={loaded.error} onRetry={() => void load()} />
    )
  return (
    <section className="scan-panel" aria-label="Scan">
      <select aria-label="Rule pack" value={current} onChange={(e) => setPackId(e.target.value)}>
        {packs.map((p) => (
          <option key={p.id} value={p.id}>
            {p.id === assignedPack ? 'Assigned: ' : ''}
            {p.title} ({p.rules} rules{p.builtIn ? '' : ', custom'})
          </option>
        ))}
      </select>
      {current && current !== assignedPack && (
        <button type="button" className="button" onClick={() => void assign()}>
          Assign to this target
        </button>
      )}
      {live ? (
        <LiveScanProgress live={live} />
      ) : (
        <button type="button" className="button primary" disabled={!current} onClick={() => void start()}>
          Scan now
        </button>
      )}
      <label className="button">
        Import rules…
        <input
          type="file"
          accept=".yaml,.yml,.json"
          aria-label="Import a rule pack"
          hidden
          onChange={(e) => {
            void importFile(e.target.files?.[0])
            e.target.value = ''
          }}
        />
      </label>
      <button type="button" className="button" disabled={!chosen} onClick={() => void exportPack()}>
        Export pack
      </button>
      {chosen && chosen.variables.length > 0 && (
        <button type="button" className="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          Variables…
        </button>
      )}
      {chosen && chosen.variables.length > 0 && !editing && (
        <span
          className="muted small clip"
          title={chosen.variables.map((v) => `${v.name} = ${v.value}`).join('\n')}
        >
          {chosen.variables.map((v) => `${v.name} = ${v.value}`).join(' · ')}
        </span>
      )}
      {chosen && editing && (
        <VariablesEditor
          key={chosen.id}
          pack={chosen}
          onSaved={(id) => {
            setEditing(false)
            void load().then(() => setPackId(id))
          }}
        />
      )}
    </section>
  )
}

/**
 * The pack's thresholds, editable like XCCDF Values: saved as a custom pack that extends the chosen one and
 * sets its values (a rule pack's counterpart of a tailoring), so the choice is named, exportable and reviewable.
 */
function VariablesEditor({ pack, onSaved }: { pack: RulePackSummary; onSaved(id: string): void }) {
  const toast = useStore((s) => s.toast)
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(pack.variables.map((v) => [v.name, String(v.value)])),
  )
  // A built-in pack is tailored into a new custom pack; a custom pack's values are edited in place.
  const [id, setId] = useState(pack.builtIn ? `${pack.id}-tailored` : pack.id)
  const save = async () => {
    const changed: Record<string, number | string> = {}
    for (const v of pack.variables) {
      const raw = values[v.name] ?? ''
      if (raw === String(v.value)) continue
      if (v.type === 'number' && (raw.trim() === '' || !Number.isFinite(Number(raw)))) {
        toast('error', `${v.title}: enter a number`)
        return
      }
      changed[v.name] = v.type === 'number' ? Number(raw) : raw
    }
    try {
      // JSON is YAML: the importer checks it like any custom pack (types, bounds, the pack it extends).
      let doc: Record<string, unknown> = {
        id,
        title: `${pack.title} (tailored)`,
        kind: pack.kind,
        extends: pack.id,
        values: changed,
      }
      if (!pack.builtIn && id === pack.id) {
        const current = JSON.parse((await api.invoke('rules.export', { id, format: 'json' })).text) as {
          values?: Record<string, number | string>
        }
        doc = { ...current, values: { ...current.values, ...changed } }
      }
      const saved = await api.invoke('rules.import', { text: JSON.stringify(doc), replace: true })
      toast('info', `Saved ${saved.id}: ${Object.keys(changed).length} values changed`)
      onSaved(saved.id)
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }
  return (
    <form
      className="variables-editor"
      aria-label="Rule pack variables"
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      {pack.variables.map((v) => (
        <label key={v.name} className="small">
          {v.title}
          <input
            aria-label={v.name}
            type={v.type === 'number' ? 'number' : 'text'}
            value={values[v.name] ?? ''}
            onChange={(e) => setValues({ ...values, [v.name]: e.target.value })}
          />
        </label>
      ))}
      <label className="small">
        Save as pack
        <input aria-label="Tailored pack id" value={id} onChange={(e) => setId(e.target.value)} />
      </label>
      <button type="submit" className="button primary">
        Save
      </button>
    </form>
  )
}
