// The vault: create it once, unlock it to use credentials, and manage them. The page only ever sees
// names and metadata; secrets typed here go straight to the main process and never come back.
import { useEffect, useState, type FormEvent } from 'react'
import {
  CREDENTIAL_KINDS,
  CREDENTIAL_LABELS,
  type CredentialInput,
  type CredentialKind,
  type CredentialMeta,
} from '../../src-preload/contract'
import { useStore } from '../stores'
import { vaultSelectors } from '../stores/vault-slice'
import { ApiCallError } from '../api/client'
import { Field } from '../components/Field'
import { StrengthMeter } from '../components/StrengthMeter'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Icon } from '../components/Icon'
import { IconButton } from '../components/IconButton'
import { estimateStrength } from '../lib/strength'

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

export function VaultPage() {
  const status = useStore(vaultSelectors.status)
  const load = useStore((s) => s.loadVault)
  useEffect(() => {
    void load()
  }, [load])
  if (!status) return <p className="muted">Loading…</p>
  if (status.state === 'uninitialised') return <CreateVault />
  if (status.state === 'locked') return <UnlockVault />
  return <Credentials />
}

function CreateVault() {
  const init = useStore((s) => s.initVault)
  const [pass, setPass] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState<{ field: 'pass' | 'again' | 'form'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    if (estimateStrength(pass).score === 0)
      return setError({ field: 'pass', text: 'Use at least 12 characters' })
    if (pass !== again) return setError({ field: 'again', text: 'The two passphrases differ' })
    setBusy(true)
    try {
      await init(pass)
    } catch (err) {
      setError({ field: 'form', text: message(err) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <header className="page-head">
        <h1>Create your vault</h1>
      </header>
      <form className="form narrow" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Create vault">
        <p>
          The vault keeps SSH keys, passwords and tokens encrypted on this computer with a passphrase only you
          know. <strong>There is no recovery:</strong> if you forget it, the credentials are lost (targets
          stay).
        </p>
        <Field label="Master passphrase" error={error?.field === 'pass' ? error.text : undefined}>
          {({ id, describedBy, invalid }) => (
            <>
              <input
                id={id}
                type="password"
                autoComplete="new-password"
                value={pass}
                onChange={(e) => (setPass(e.target.value), setError(null))}
                aria-invalid={invalid}
                aria-describedby={[describedBy, 'strength'].filter(Boolean).join(' ')}
                autoFocus
              />
              <StrengthMeter value={pass} id="strength" />
            </>
          )}
        </Field>
        <Field label="Repeat the passphrase" error={error?.field === 'again' ? error.text : undefined}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              value={again}
              onChange={(e) => (setAgain(e.target.value), setError(null))}
              aria-invalid={invalid}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        {error?.field === 'form' && (
          <p className="banner error" role="alert">
            {error.text}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create vault'}
          </button>
        </div>
      </form>
    </>
  )
}

function UnlockVault() {
  const status = useStore(vaultSelectors.status)
  const unlock = useStore((s) => s.unlockVault)
  const [pass, setPass] = useState('')
  const [remember, setRemember] = useState(false)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      await unlock(pass, remember)
    } catch (err) {
      setError(message(err))
      setPass('')
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="unlock" aria-labelledby="unlock-title">
      <span className="unlock-icon" aria-hidden="true">
        <Icon name="vault" size={28} />
      </span>
      <h1 id="unlock-title">The vault is locked</h1>
      <p className="muted">
        {status?.credentials
          ? `${status.credentials} credential${status.credentials === 1 ? ' is' : 's are'} encrypted. `
          : ''}
        Unlock it to scan targets that sign in with them.
      </p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Unlock vault">
        <Field label="Master passphrase" error={error || undefined}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              value={pass}
              onChange={(e) => setPass(e.target.value)}
              aria-invalid={invalid}
              aria-describedby={describedBy}
              autoFocus
            />
          )}
        </Field>
        <label className="check" title={status?.rememberUnavailable || undefined}>
          <input
            type="checkbox"
            checked={remember}
            disabled={Boolean(status?.rememberUnavailable)}
            onChange={(e) => setRemember(e.target.checked)}
          />
          Remember on this device
          {status?.rememberUnavailable && (
            <span className="muted small"> — {status.rememberUnavailable}</span>
          )}
        </label>
        <button type="submit" className="button primary wide" disabled={busy || !pass}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
    </section>
  )
}

type Editing =
  { mode: 'add' } | { mode: 'edit'; cred: CredentialMeta } | { mode: 'rotate'; cred: CredentialMeta } | null

function Credentials() {
  const status = useStore(vaultSelectors.status)
  const credentials = useStore(vaultSelectors.credentials)
  const lock = useStore((s) => s.lockVault)
  const remove = useStore((s) => s.removeCredential)
  const loadCredentials = useStore((s) => s.loadCredentials)
  const toast = useStore((s) => s.toast)
  const [editing, setEditing] = useState<Editing>(null)
  const [doomed, setDoomed] = useState<CredentialMeta | null>(null)
  useEffect(() => {
    void loadCredentials()
  }, [loadCredentials])

  const onDelete = async () => {
    const c = doomed
    setDoomed(null)
    if (!c) return
    try {
      await remove(c.id)
      toast('info', `Deleted “${c.name}”`)
    } catch (err) {
      toast('error', message(err))
    }
  }

  return (
    <>
      <header className="page-head">
        <h1>Vault</h1>
        <div className="head-actions">
          <button type="button" className="button" onClick={() => void lock()}>
            <Icon name="vault" /> Lock now
          </button>
          <button type="button" className="button primary" onClick={() => setEditing({ mode: 'add' })}>
            <Icon name="plus" /> Add credential
          </button>
        </div>
      </header>
      {editing && <CredentialForm editing={editing} onDone={() => setEditing(null)} />}
      {credentials.length === 0 ? (
        <section className="empty">
          <h2>No credentials yet</h2>
          <p>
            Add the SSH keys, passwords and tokens your targets sign in with. They are encrypted before they
            are stored.
          </p>
        </section>
      ) : (
        <table className="table" aria-label="Credentials">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">User</th>
              <th scope="col">Used by</th>
              <th scope="col">Last changed</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {credentials.map((c) => (
              <tr key={c.id} data-credential={c.name}>
                <th scope="row">
                  {c.name}
                  {c.fingerprint && <div className="muted small mono">{c.fingerprint}</div>}
                </th>
                <td>{CREDENTIAL_LABELS[c.kind]}</td>
                <td className="mono">{c.username}</td>
                <td>
                  {c.usedBy.length ? (
                    c.usedBy.map((t) => (
                      <span className="chip" key={t.id}>
                        {t.name}
                      </span>
                    ))
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="muted small">{new Date(c.rotatedAt ?? c.createdAt).toLocaleDateString()}</td>
                <td className="row-actions">
                  <IconButton
                    icon="edit"
                    label={`Edit ${c.name}`}
                    title="Edit name and notes"
                    onClick={() => setEditing({ mode: 'edit', cred: c })}
                  />
                  <IconButton
                    icon="rotate"
                    label={`Rotate ${c.name}`}
                    title="Rotate: replace the secret"
                    onClick={() => setEditing({ mode: 'rotate', cred: c })}
                  />
                  <IconButton
                    icon="trash"
                    label={`Delete ${c.name}`}
                    title="Delete"
                    danger
                    onClick={() => setDoomed(c)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {status && <VaultSettings />}
      <ConfirmDialog
        open={doomed !== null}
        title={`Delete “${doomed?.name ?? ''}”?`}
        body={
          doomed?.usedBy.length
            ? `${doomed.usedBy.length} target(s) sign in with it and will need another credential.`
            : 'The secret is erased from the vault.'
        }
        confirmLabel="Delete credential"
        danger
        onConfirm={() => void onDelete()}
        onCancel={() => setDoomed(null)}
      />
    </>
  )
}

const SECRET_FIELDS: Record<
  CredentialKind,
  { name: string; label: string; multiline?: boolean; optional?: boolean }[]
> = {
  'ssh-key': [
    { name: 'privateKey', label: 'Private key (OpenSSH or PEM)', multiline: true },
    { name: 'passphrase', label: 'Key passphrase', optional: true },
  ],
  'ssh-password': [{ name: 'password', label: 'Password' }],
  'sudo-password': [{ name: 'password', label: 'Sudo password' }],
  'db-password': [{ name: 'password', label: 'Password' }],
  'db-client-cert': [
    { name: 'cert', label: 'Client certificate (PEM)', multiline: true },
    { name: 'key', label: 'Private key (PEM)', multiline: true },
    { name: 'passphrase', label: 'Key passphrase', optional: true },
  ],
  'github-token': [{ name: 'token', label: 'Token' }],
  'alert-secret': [{ name: 'secret', label: 'Secret (webhook key, Slack URL or SMTP password)' }],
}

function CredentialForm({ editing, onDone }: { editing: NonNullable<Editing>; onDone(): void }) {
  const create = useStore((s) => s.createCredential)
  const update = useStore((s) => s.updateCredential)
  const toast = useStore((s) => s.toast)
  const cred = editing.mode === 'add' ? null : editing.cred
  const [kind, setKind] = useState<CredentialKind>(cred?.kind ?? 'ssh-key')
  const [name, setName] = useState(cred?.name ?? '')
  const [username, setUsername] = useState(cred?.username ?? '')
  const [notes, setNotes] = useState(cred?.notes ?? '')
  const [secret, setSecret] = useState<Record<string, string>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const showSecret = editing.mode !== 'edit'
  const showMeta = editing.mode !== 'rotate'

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setErrors({})
    try {
      if (editing.mode === 'add') {
        const c = await create({ kind, name, username, notes, secret } as CredentialInput)
        toast('info', `Added “${c.name}”`)
      } else if (editing.mode === 'edit') {
        await update({ id: editing.cred.id, name, username, notes })
        toast('info', `Saved “${name}”`)
      } else {
        await update({ id: editing.cred.id, secret })
        toast('info', `Rotated “${editing.cred.name}”`)
      }
      setSecret({})
      onDone()
    } catch (err) {
      if (err instanceof ApiCallError && err.issues.length) {
        const errs: Record<string, string> = {}
        for (const i of err.issues) errs[i.path.split('.').pop() ?? 'form'] ??= i.message
        setErrors(errs)
      } else setErrors({ form: message(err) })
    } finally {
      setBusy(false)
    }
  }

  const title =
    editing.mode === 'add'
      ? 'Add a credential'
      : editing.mode === 'edit'
        ? `Edit ${cred?.name}`
        : `Rotate ${cred?.name}`
  return (
    <form className="form panel" onSubmit={(e) => void onSubmit(e)} noValidate aria-label={title}>
      <h2>{title}</h2>
      {editing.mode === 'rotate' && (
        <p className="muted">
          The new secret replaces the old one; targets using it keep working with the new one.
        </p>
      )}
      <div className="grid">
        {editing.mode === 'add' && (
          <Field label="Kind" error={errors.kind}>
            {({ id }) => (
              <select id={id} value={kind} onChange={(e) => setKind(e.target.value as CredentialKind)}>
                {CREDENTIAL_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {CREDENTIAL_LABELS[k]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {showMeta && (
          <>
            <Field label="Name" error={errors.name}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  aria-invalid={invalid}
                  aria-describedby={describedBy}
                  autoComplete="off"
                />
              )}
            </Field>
            <Field label="User name" error={errors.username} hint="Optional: the account it signs in as">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  value={username}
                  onChange={(e) => setUsername(e.target.value)}
                  aria-invalid={invalid}
                  aria-describedby={describedBy}
                  autoComplete="off"
                />
              )}
            </Field>
          </>
        )}
      </div>
      {showSecret &&
        SECRET_FIELDS[kind].map((f) => (
          <Field
            key={`${kind}-${f.name}`}
            label={f.label + (f.optional ? ' (optional)' : '')}
            error={errors[f.name]}
          >
            {({ id, describedBy, invalid }) =>
              f.multiline ? (
                <textarea
                  id={id}
                  rows={4}
                  className="mono"
                  spellCheck={false}
                  value={secret[f.name] ?? ''}
                  onChange={(e) => setSecret({ ...secret, [f.name]: e.target.value })}
                  aria-invalid={invalid}
                  aria-describedby={describedBy}
                />
              ) : (
                <input
                  id={id}
                  type="password"
                  autoComplete="off"
                  value={secret[f.name] ?? ''}
                  onChange={(e) => setSecret({ ...secret, [f.name]: e.target.value })}
                  aria-invalid={invalid}
                  aria-describedby={describedBy}
                />
              )
            }
          </Field>
        ))}
      {showMeta && (
        <Field label="Notes" error={errors.notes}>
          {({ id }) => <textarea id={id} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />}
        </Field>
      )}
      {errors.form && (
        <p className="banner error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy
            ? 'Saving…'
            : editing.mode === 'add'
              ? 'Add credential'
              : editing.mode === 'edit'
                ? 'Save changes'
                : 'Rotate'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function VaultSettings() {
  const status = useStore(vaultSelectors.status)!
  const setAutoLock = useStore((s) => s.setAutoLock)
  const change = useStore((s) => s.changePassphrase)
  const forget = useStore((s) => s.forgetDevice)
  const toast = useStore((s) => s.toast)
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [error, setError] = useState('')
  const onChange = async (e: FormEvent) => {
    e.preventDefault()
    setError('')
    try {
      await change(current, next)
      setCurrent('')
      setNext('')
      toast('info', 'Passphrase changed')
    } catch (err) {
      setError(message(err))
    }
  }
  return (
    <section className="settings-grid" aria-label="Vault settings">
      <div className="form">
        <h2>Auto-lock</h2>
        <Field label="Lock after" hint="Also locks when the computer sleeps or the screen locks">
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={status.autoLockMinutes}
              onChange={(e) =>
                void setAutoLock(Number(e.target.value)).catch((err: unknown) => toast('error', message(err)))
              }
            >
              {[5, 15, 30, 60, 240].map((m) => (
                <option key={m} value={m}>
                  {m < 60 ? `${m} minutes idle` : `${m / 60} hour${m > 60 ? 's' : ''} idle`}
                </option>
              ))}
              <option value={0}>Never</option>
            </select>
          )}
        </Field>
        {status.remembered && (
          <button type="button" className="button" onClick={() => void forget()}>
            Forget on this device
          </button>
        )}
      </div>
      <form className="form" onSubmit={(e) => void onChange(e)} noValidate aria-label="Change passphrase">
        <h2>Change passphrase</h2>
        <Field label="Current passphrase">
          {({ id }) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          )}
        </Field>
        <Field label="New passphrase" error={error || undefined}>
          {({ id, describedBy, invalid }) => (
            <>
              <input
                id={id}
                type="password"
                autoComplete="new-password"
                value={next}
                onChange={(e) => setNext(e.target.value)}
                aria-invalid={invalid}
                aria-describedby={[describedBy, 'new-strength'].filter(Boolean).join(' ')}
              />
              {next && <StrengthMeter value={next} id="new-strength" />}
            </>
          )}
        </Field>
        <button type="submit" className="button" disabled={!current || !next}>
          Change passphrase
        </button>
      </form>
    </section>
  )
}
