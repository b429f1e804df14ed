// Add or edit a target: the kind's fields drawn from the core's description of it (kinds.list: labels, inputs,
// defaults, when a field shows), the common fields checked as you submit against the contract's schema, and the
// core's own verdict on the kind's fields (e.g. a bad port, a duplicate name) shown on the field it concerns.
import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react'
import { TargetInput, type KindFormField, type KindView, type Target } from '../../src-preload/contract'
import { CREDENTIAL_LABELS } from '../../src-preload/labels'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { ApiCallError } from '../api/client'
import { Field } from '../components/Field'
import { KindBadge } from '../components/KindBadge'
import { EmptyState } from '../components/EmptyState'
import { navigate } from '../router'
import { LoadFailed } from '../components/LoadFailed'

type Draft = Record<string, string>
type Errors = Record<string, string>

const EMPTY: Draft = { name: '', description: '', tags: '', groups: '' }

const list = (s: string, sep: RegExp) =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean)

const valueOf = (f: KindFormField, d: Draft) => d[f.name] ?? f.default ?? ''
/** A field shown only for some values of another reads that field as the form shows it, its default included. */
const visible = (f: KindFormField, d: Draft, fields: readonly KindFormField[]) => {
  const when = f.showWhen
  if (!when) return true
  const control = fields.find((c) => c.name === when.field)
  return when.in.includes(String(control ? valueOf(control, d) : (d[when.field] ?? '')))
}
const labelOf = (f: KindFormField, d: Draft) =>
  f.labelWhen?.find((l) => d[l.field] === l.value)?.label ?? f.label

/** The draft as the contract's input: a field left empty is left out, so the kind's default applies. */
function toInput(kind: KindView | undefined, d: Draft): Record<string, unknown> {
  const input: Record<string, unknown> = {
    kind: kind?.kind ?? '',
    name: d.name,
    description: d.description,
    tags: list(d.tags ?? '', /,/),
    groups: list(d.groups ?? '', /,/),
  }
  for (const f of kind?.fields ?? []) {
    if (!visible(f, d, kind?.fields ?? [])) continue
    const v = valueOf(f, d)
    if (f.list) input[f.name] = list(v, /[\s,]+/)
    else if (f.input === 'checkbox') input[f.name] = v === 'true'
    else if (f.input === 'credential') input[f.name] = v || null
    else if (v.trim() !== '') input[f.name] = v
  }
  return input
}

function fromTarget(t: Target): Draft {
  const d: Draft = {
    ...EMPTY,
    name: t.name,
    description: t.description,
    tags: t.tags.join(', '),
    groups: t.groups.join(', '),
  }
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') d[k] ??= String(v)
    else if (Array.isArray(v) && !(k in EMPTY)) d[k] = v.join('\n')
  }
  return d
}

export function TargetFormPage({ id }: { id?: string }) {
  const cached = useStore(targetSelectors.byId(id))
  const create = useStore((s) => s.createTarget)
  const update = useStore((s) => s.updateTarget)
  const toast = useStore((s) => s.toast)
  const credentials = useStore((s) => s.credentials)
  const vaultState = useStore((s) => s.vault?.state)
  const kinds = useStore(targetSelectors.kinds)
  const defaultKind = useStore((s) => s.defaultKind)
  const read = useStore(targetSelectors.read(id))
  const loadTarget = useStore((s) => s.loadTarget)
  const [existing, setExisting] = useState<Target | null>(cached ?? null)
  const [kind, setKind] = useState<string>(cached?.kind ?? defaultKind)
  const view = kinds.find((k) => k.kind === kind)
  // Opened before the kinds arrived (a reload on this page): start with the core's default kind.
  useEffect(() => {
    if (!kind && defaultKind) setKind(defaultKind)
  }, [kind, defaultKind])
  const [draft, setDraft] = useState<Draft>(cached ? fromTarget(cached) : EMPTY)
  const [errors, setErrors] = useState<Errors>({})
  const [formError, setFormError] = useState('')
  const [saving, setSaving] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)

  useEffect(() => {
    // Opened by address (reload, link): read the target rather than rely on the list.
    if (id && !cached) void loadTarget(id)
  }, [id, cached, loadTarget])
  const fetched = read?.state === 'ready' ? read.data : null
  useEffect(() => {
    if (!fetched || existing) return
    setExisting(fetched)
    setKind(fetched.kind)
    setDraft(fromTarget(fetched))
  }, [fetched, existing])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.querySelector('dialog[open]')) navigate('/targets')
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const set = (field: string) => (e: { target: { value: string } }) => {
    setDraft((d) => ({ ...d, [field]: e.target.value }))
    if (errors[field]) setErrors((er) => ({ ...er, [field]: '' }))
  }

  // Focus moves to the first field at fault once React has committed the errors (an effect runs after the
  // commit; a requestAnimationFrame could run before it on a busy machine and find no invalid field yet).
  const [focusRequest, setFocusRequest] = useState(0)
  useEffect(() => {
    if (!focusRequest) return
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [focusRequest])
  const focusFirstError = (_errs: Errors) => setFocusRequest((n) => n + 1)

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    setFormError('')
    const input = toInput(view, draft)
    const checked = TargetInput.safeParse(input)
    if (!checked.success) {
      const errs: Errors = {}
      for (const issue of checked.error.issues) {
        const field = String(issue.path[0] ?? 'form')
        errs[field] ??= issue.message
      }
      setErrors(errs)
      focusFirstError(errs)
      return
    }
    setSaving(true)
    try {
      const saved = existing ? await update(existing.id, checked.data) : await create(checked.data)
      toast('info', existing ? `Saved “${saved.name}”` : `Added “${saved.name}”`)
      navigate('/targets')
    } catch (err) {
      if (err instanceof ApiCallError && err.issues.length) {
        const errs: Errors = {}
        for (const i of err.issues)
          errs[i.path.replace(/^target\./, '').split('.')[0] ?? 'form'] ??= i.message
        setErrors(errs)
        focusFirstError(errs)
      } else setFormError((err as Error).message)
    } finally {
      setSaving(false)
    }
  }

  if (id && !existing) {
    if (read?.state === 'ready' && !read.data)
      return (
        <EmptyState
          title="Target not found"
          body="It may have been deleted."
          action={{ label: 'Back to targets', href: '#/targets' }}
        />
      )
    if (read?.state === 'error')
      return (
        <LoadFailed
          what="Could not read this target"
          error={read.error}
          onRetry={() => void loadTarget(id)}
        />
      )
    return <p className="muted">Loading…</p>
  }

  const text = (
    field: string,
    label: string,
    opts: { hint?: string; placeholder?: string; type?: string; required?: boolean; value?: string } = {},
  ) => (
    <Field label={label} error={errors[field]} hint={opts.hint}>
      {({ id: fid, describedBy, invalid }) => (
        <input
          id={fid}
          name={field}
          type={opts.type ?? 'text'}
          value={opts.value ?? draft[field] ?? ''}
          placeholder={opts.placeholder}
          onChange={set(field)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          aria-required={opts.required}
          autoComplete="off"
          spellCheck={false}
        />
      )}
    </Field>
  )
  const select = (f: KindFormField) => (
    <Field
      label={labelOf(f, draft)}
      error={errors[f.name]}
      hint={f.options?.find((o) => o.value === valueOf(f, draft))?.hint ?? f.help}
    >
      {({ id: fid, describedBy, invalid }) => (
        <select
          id={fid}
          name={f.name}
          value={valueOf(f, draft)}
          onChange={set(f.name)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        >
          {(f.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )

  const credentialSelect = (field: string, label: string) => {
    const accepted = view?.credentials.find((c) => c.field === field)?.kinds ?? []
    const options = credentials.filter((c) => accepted.includes(c.kind))
    const hint =
      vaultState === 'uninitialised'
        ? 'Create the vault (Vault page) to add credentials'
        : options.length === 0
          ? `No ${accepted.map((k) => CREDENTIAL_LABELS[k].toLowerCase()).join(' or ')} in the vault yet`
          : undefined
    return (
      <Field label={label} error={errors[field]} hint={hint}>
        {({ id: fid, describedBy, invalid }) => (
          <select
            id={fid}
            name={field}
            value={draft[field] ?? ''}
            onChange={set(field)}
            aria-invalid={invalid}
            aria-describedby={describedBy}
          >
            <option value="">None</option>
            {options.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({CREDENTIAL_LABELS[c.kind]})
              </option>
            ))}
            {draft[field] && !options.some((c) => c.id === draft[field]) && (
              <option value={draft[field]}>Unknown credential (deleted?)</option>
            )}
          </select>
        )}
      </Field>
    )
  }

  /** One of the kind's fields, drawn from its description. */
  const kindField = (f: KindFormField) => {
    const label = labelOf(f, draft)
    switch (f.input) {
      case 'select':
        return <Fragment key={f.name}>{select(f)}</Fragment>
      case 'credential':
        return <Fragment key={f.name}>{credentialSelect(f.name, label)}</Fragment>
      case 'checkbox':
        return (
          <label key={f.name} className="check">
            <input
              type="checkbox"
              name={f.name}
              checked={valueOf(f, draft) === 'true'}
              onChange={(e) => set(f.name)({ target: { value: String(e.target.checked) } })}
            />{' '}
            {label}
            {f.help && (
              <span className="warning" role="note">
                {' '}
                {f.help}
              </span>
            )}
          </label>
        )
      case 'textarea':
        return (
          <Field key={f.name} label={label} error={errors[f.name]} hint={f.help}>
            {({ id: fid, describedBy, invalid }) => (
              <textarea
                id={fid}
                name={f.name}
                rows={3}
                value={valueOf(f, draft)}
                placeholder={f.placeholder}
                onChange={set(f.name)}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                spellCheck={false}
              />
            )}
          </Field>
        )
      default:
        return (
          <Fragment key={f.name}>
            {text(f.name, label, {
              hint: f.help,
              placeholder: f.placeholder,
              type: f.input === 'number' ? 'number' : 'text',
              required: f.required,
              value: valueOf(f, draft),
            })}
          </Fragment>
        )
    }
  }

  return (
    <>
      <header className="page-head">
        <h1>{existing ? `Edit ${existing.name}` : 'Add a target'}</h1>
      </header>
      <form
        ref={formRef}
        className="form"
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        aria-label={existing ? 'Edit target' : 'Add target'}
      >
        {existing ? (
          <p>
            <KindBadge kind={existing.kind} />{' '}
            <span className="muted">
              {view?.label ?? existing.kind} — the kind of a target cannot change.
            </span>
          </p>
        ) : (
          <fieldset className="kinds">
            <legend>Kind</legend>
            {kinds.map((k) => (
              <label key={k.kind} className={`kind-option${kind === k.kind ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="kind"
                  value={k.kind}
                  checked={kind === k.kind}
                  onChange={() => setKind(k.kind)}
                />
                <span className="kind-title">{k.label}</span>
                <span className="kind-help">{k.description}</span>
              </label>
            ))}
          </fieldset>
        )}
        {errors.kind && <p className="field-error">{errors.kind}</p>}

        <div className="grid">
          {text('name', 'Name', { required: true, placeholder: 'e.g. web-1 (production)' })}
          {view?.fields.filter((f, _, all) => visible(f, draft, all)).map((f) => kindField(f))}
          {text('tags', 'Tags', { placeholder: 'prod, pci', hint: 'Comma-separated' })}
          {text('groups', 'Groups', {
            placeholder: 'dmz',
            hint: 'Comma-separated; scans and schedules can target a group',
          })}
        </div>
        <Field label="Description" error={errors.description}>
          {({ id: fid, describedBy, invalid }) => (
            <textarea
              id={fid}
              name="description"
              rows={2}
              value={draft.description}
              onChange={set('description')}
              aria-invalid={invalid}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        {formError && (
          <p className="banner error" role="alert">
            {formError}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={saving}>
            {saving ? 'Saving…' : existing ? 'Save changes' : 'Add target'}
          </button>
          <a className="button" href="#/targets">
            Cancel
          </a>
        </div>
      </form>
    </>
  )
}
