// Adding, editing or rotating a credential: its kind, name and notes, and the secret fields of that kind, which
// go to the main process and never come back to the page.
import { useState, type FormEvent } from 'react'
import {
  CREDENTIAL_KINDS,
  type CredentialInput,
  type CredentialKind,
  type CredentialMeta,
} from '../../../src-preload/contract'
import { CREDENTIAL_LABELS } from '../../../src-preload/labels'
import { useStore } from '../../stores'
import { ApiCallError } from '../../api/client'
import { Field } from '../../components/Field'
import { errorText as message } from '../../stores/loadable'

/** What the credential form is doing: adding one, editing its name and notes, or rotating its secret. */
export type Editing =
  { mode: 'add' } | { mode: 'edit'; cred: CredentialMeta } | { mode: 'rotate'; cred: CredentialMeta } | null

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

export function CredentialForm({ editing, onDone }: { editing: NonNullable<Editing>; onDone(): void }) {
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
