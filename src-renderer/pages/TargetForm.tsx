// Add or edit a target: kind-specific fields, checked as you submit against the same schema the core uses,
// with the core's own verdict (e.g. a duplicate name) shown on the field it concerns.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import {
  CREDENTIAL_LABELS,
  CREDENTIALS_FOR,
  DEFAULT_PORTS,
  GITHUB_PERMISSIONS,
  KIND_LABELS,
  SSH_AUTH_METHODS,
  SUDO_MODES,
  TARGET_KINDS,
  TLS_MODES,
  TargetInput,
  type Target,
  type TargetKind,
} from '../../src-preload/contract'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { ApiCallError, api } from '../api/client'
import { Field } from '../components/Field'
import { KindBadge } from '../components/KindBadge'
import { EmptyState } from '../components/EmptyState'
import { navigate } from '../router'

type Draft = Record<string, string>
type Errors = Record<string, string>

const KIND_HELP: Record<TargetKind, string> = {
  local: 'Scan the computer Driftwatch runs on with its local oscap.',
  ssh: 'A Linux host reached over SSH and scanned with OpenSCAP.',
  postgres: 'CIS-style configuration checks, read-only.',
  mysql: 'MySQL or MariaDB configuration checks, read-only.',
  github: 'Branch protection and security features of an organisation or repositories.',
}

const EMPTY: Draft = {
  name: '',
  description: '',
  tags: '',
  groups: '',
  host: '',
  port: '',
  user: '',
  auth: 'key',
  sudo: 'none',
  database: '',
  tls: 'require',
  caFile: '',
  allowCleartextPassword: '',
  org: '',
  repos: '',
  apiBaseUrl: 'https://api.github.com',
  maxDefaultPermission: '',
  credentialId: '',
  sudoCredentialId: '',
}

/** The github-baseline thresholds a GitHub target may change (empty = the pack's default). */
const GITHUB_THRESHOLDS = [
  'minApprovingReviews',
  'maxRepoAdmins',
  'inactiveDays',
  'fullRefreshHours',
  'maxDefaultPermission',
]

const list = (s: string, sep: RegExp) =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean)

function toInput(kind: TargetKind, d: Draft): Record<string, unknown> {
  const common = {
    kind,
    name: d.name,
    description: d.description,
    tags: list(d.tags ?? '', /,/),
    groups: list(d.groups ?? '', /,/),
  }
  const port = d.port?.trim() ? d.port : DEFAULT_PORTS[kind]
  const credentialId = d.credentialId || null
  switch (kind) {
    case 'local':
      return common
    case 'ssh':
      return {
        ...common,
        host: d.host,
        port,
        user: d.user,
        auth: d.auth,
        sudo: d.sudo,
        credentialId: d.auth === 'agent' ? null : credentialId,
        sudoCredentialId: d.sudo === 'password' ? d.sudoCredentialId || null : null,
      }
    case 'postgres':
    case 'mysql':
      return {
        ...common,
        host: d.host,
        port,
        user: d.user,
        database: d.database?.trim() ? d.database : kind === 'postgres' ? 'postgres' : '',
        tls: d.tls,
        caFile: d.caFile,
        allowCleartextPassword: d.tls === 'disable' && d.allowCleartextPassword === 'true',
        credentialId,
      }
    case 'github':
      return {
        ...common,
        org: d.org,
        repos: list(d.repos ?? '', /[\s,]+/),
        apiBaseUrl: d.apiBaseUrl,
        credentialId,
        ...Object.fromEntries(GITHUB_THRESHOLDS.map((f) => [f, d[f] ?? ''])),
      }
  }
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
    if (typeof v === 'string' || typeof v === 'number') d[k] = String(v)
    if (typeof v === 'boolean') d[k] = v ? 'true' : ''
  }
  if (t.kind === 'github') d.repos = t.repos.join('\n')
  return d
}

export function TargetFormPage({ id }: { id?: string }) {
  const cached = useStore(targetSelectors.byId(id))
  const create = useStore((s) => s.createTarget)
  const update = useStore((s) => s.updateTarget)
  const toast = useStore((s) => s.toast)
  const credentials = useStore((s) => s.credentials)
  const vaultState = useStore((s) => s.vault?.state)
  const [existing, setExisting] = useState<Target | null | undefined>(id ? cached : null)
  const [kind, setKind] = useState<TargetKind>(cached?.kind ?? 'ssh')
  const [draft, setDraft] = useState<Draft>(cached ? fromTarget(cached) : EMPTY)
  const [errors, setErrors] = useState<Errors>({})
  const [formError, setFormError] = useState('')
  const [saving, setSaving] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)

  useEffect(() => {
    if (!id || cached) return
    // Opened by address (reload, link): fetch the target rather than rely on the list.
    api.invoke('targets.get', { id }).then(
      (t) => {
        setExisting(t)
        setKind(t.kind)
        setDraft(fromTarget(t))
      },
      () => setExisting(undefined),
    )
  }, [id, cached])

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

  const focusFirstError = (errs: Errors) => {
    requestAnimationFrame(() => {
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
      first?.focus()
      void errs
    })
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    setFormError('')
    const input = toInput(kind, draft)
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

  const portPlaceholder = useMemo(() => String(DEFAULT_PORTS[kind] ?? ''), [kind])

  if (id && existing === undefined)
    return (
      <EmptyState
        title="Target not found"
        body="It may have been deleted."
        action={{ label: 'Back to targets', href: '#/targets' }}
      />
    )
  if (id && existing === null) return <p className="muted">Loading…</p>

  const text = (
    field: string,
    label: string,
    opts: { hint?: string; placeholder?: string; type?: string; required?: boolean } = {},
  ) => (
    <Field label={label} error={errors[field]} hint={opts.hint}>
      {({ id: fid, describedBy, invalid }) => (
        <input
          id={fid}
          name={field}
          type={opts.type ?? 'text'}
          value={draft[field] ?? ''}
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
  const select = (
    field: string,
    label: string,
    options: readonly string[],
    labels: Record<string, string> = {},
  ) => (
    <Field label={label} error={errors[field]}>
      {({ id: fid, describedBy, invalid }) => (
        <select
          id={fid}
          name={field}
          value={draft[field]}
          onChange={set(field)}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        >
          {options.map((o) => (
            <option key={o} value={o}>
              {labels[o] ?? o}
            </option>
          ))}
        </select>
      )}
    </Field>
  )

  const credentialSelect = (field: 'credentialId' | 'sudoCredentialId', label: string) => {
    const kinds = CREDENTIALS_FOR[kind][field] ?? []
    const options = credentials.filter((c) => kinds.includes(c.kind))
    const hint =
      vaultState === 'uninitialised'
        ? 'Create the vault (Vault page) to add credentials'
        : options.length === 0
          ? `No ${kinds.map((k) => CREDENTIAL_LABELS[k].toLowerCase()).join(' or ')} in the vault yet`
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
            <span className="muted">{KIND_LABELS[existing.kind]} — the kind of a target cannot change.</span>
          </p>
        ) : (
          <fieldset className="kinds">
            <legend>Kind</legend>
            {TARGET_KINDS.map((k) => (
              <label key={k} className={`kind-option${kind === k ? ' selected' : ''}`}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
                <span className="kind-title">{KIND_LABELS[k]}</span>
                <span className="kind-help">{KIND_HELP[k]}</span>
              </label>
            ))}
          </fieldset>
        )}
        {errors.kind && <p className="field-error">{errors.kind}</p>}

        <div className="grid">
          {text('name', 'Name', { required: true, placeholder: 'e.g. web-1 (production)' })}
          {kind !== 'local' && kind !== 'github' && (
            <>
              {text('host', 'Host', { required: true, placeholder: 'hostname or IP address' })}
              {text('port', 'Port', {
                type: 'text',
                placeholder: portPlaceholder,
                hint: `Default ${portPlaceholder}`,
              })}
              {text('user', 'User', {
                required: true,
                placeholder: kind === 'ssh' ? 'e.g. auditor' : 'e.g. driftwatch_ro',
              })}
            </>
          )}
          {kind === 'ssh' && (
            <>
              {select('auth', 'Sign in with', SSH_AUTH_METHODS, {
                key: 'SSH key',
                password: 'Password',
                agent: 'SSH agent',
              })}
              {select('sudo', 'Sudo', SUDO_MODES, {
                none: 'None',
                nopasswd: 'sudo without password',
                password: 'sudo with password (sent on stdin)',
              })}
              {draft.auth !== 'agent' &&
                credentialSelect(
                  'credentialId',
                  draft.auth === 'password' ? 'Password credential' : 'Key credential',
                )}
              {draft.sudo === 'password' && credentialSelect('sudoCredentialId', 'Sudo password credential')}
            </>
          )}
          {(kind === 'postgres' || kind === 'mysql') && (
            <>
              {text('database', 'Database', { placeholder: kind === 'postgres' ? 'postgres' : 'optional' })}
              {select('tls', 'TLS', TLS_MODES, {
                disable: 'Disabled',
                require: 'Required (no certificate check)',
                'verify-ca': 'Verify the CA',
                'verify-full': 'Verify the CA and host name',
              })}
              {(draft.tls === 'verify-ca' || draft.tls === 'verify-full') &&
                text('caFile', 'CA certificate file', { placeholder: '/path/to/ca.pem' })}
              {draft.tls === 'disable' && (
                <label className="check">
                  <input
                    type="checkbox"
                    name="allowCleartextPassword"
                    checked={draft.allowCleartextPassword === 'true'}
                    onChange={(e) =>
                      setDraft((d) => ({ ...d, allowCleartextPassword: e.target.checked ? 'true' : '' }))
                    }
                  />{' '}
                  Allow the password in clear text
                  <span className="warning" role="note">
                    {' '}
                    Without TLS, a server that asks for a cleartext password (PostgreSQL
                    &ldquo;password&rdquo;, MySQL mysql_clear_password) gets it readable to anyone on the
                    network. Off: Driftwatch refuses such a login before the password is sent.
                  </span>
                </label>
              )}
              {credentialSelect('credentialId', 'Credential')}
            </>
          )}
          {kind === 'github' && (
            <>
              {text('org', 'Organisation', {
                placeholder: 'e.g. acme-corp',
                hint: 'All its repositories, or only those listed below',
              })}
              <Field label="Repositories" error={errors.repos} hint="owner/name, one per line">
                {({ id: fid, describedBy, invalid }) => (
                  <textarea
                    id={fid}
                    name="repos"
                    rows={3}
                    value={draft.repos}
                    onChange={set('repos')}
                    aria-invalid={invalid}
                    aria-describedby={describedBy}
                    spellCheck={false}
                  />
                )}
              </Field>
              {credentialSelect('credentialId', 'Token credential')}
              {text('apiBaseUrl', 'API base URL', {
                hint: 'Change for GitHub Enterprise Server, e.g. https://github.example.com/api/v3',
              })}
              {text('minApprovingReviews', 'Required approvals', {
                type: 'number',
                hint: 'Default 2 (CIS 1.1.3)',
              })}
              {text('maxRepoAdmins', 'Admins per repository, at most', { type: 'number', hint: 'Default 3' })}
              {text('inactiveDays', 'Days without a push before archiving', {
                type: 'number',
                hint: 'Default 365',
              })}
              {text('fullRefreshHours', 'Re-check unchanged repositories every (hours)', {
                type: 'number',
                hint: 'Default 24',
              })}
              {select('maxDefaultPermission', 'Highest base permission', ['', ...GITHUB_PERMISSIONS], {
                '': 'Pack default (read)',
              })}
            </>
          )}
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
