// The vault: create it once, unlock it to use credentials, and manage them. The page only ever sees
// names and metadata; secrets typed here go straight to the main process and never come back.
import { useEffect, useState, type FormEvent } from 'react'
import type { CredentialMeta } from '../../src-preload/contract'
import { CREDENTIAL_LABELS } from '../../src-preload/labels'
import { useStore } from '../stores'
import { vaultSelectors } from '../stores/vault-slice'
import { Field } from '../components/Field'
import { StrengthMeter } from '../components/StrengthMeter'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { Icon } from '../components/Icon'
import { IconButton } from '../components/IconButton'
import { estimateStrength } from '../lib/strength'
import { CredentialForm, type Editing } from './vault/CredentialForm'
import { VaultSettings } from './vault/VaultSettings'
import { VaultMembers } from './vault/VaultMembers'
import { UnlockVault } from './vault/UnlockVault'
import { day } from '../../src-preload/dates'
import { LoadFailed } from '../components/LoadFailed'

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))

export function VaultPage() {
  const status = useStore(vaultSelectors.status)
  const load = useStore((s) => s.loadVault)
  const error = useStore(vaultSelectors.vaultError)
  useEffect(() => {
    void load()
  }, [load])
  if (!status && error)
    return <LoadFailed what="Could not read the vault" error={error} onRetry={() => void load()} />
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

function Credentials() {
  const status = useStore(vaultSelectors.status)
  const credentials = useStore(vaultSelectors.credentials)
  const lock = useStore((s) => s.lockVault)
  const remove = useStore((s) => s.removeCredential)
  const loadCredentials = useStore((s) => s.loadCredentials)
  const credentialsError = useStore(vaultSelectors.credentialsError)
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
        <div>
          <h1>Vault</h1>
          {status && status.members > 1 && (
            <p className="muted small" role="note">
              {status.member ? `Unlocked as ${status.member}` : 'Unlocked by this device'} · shared by{' '}
              {status.members} members
            </p>
          )}
        </div>
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
      {credentialsError && (
        <LoadFailed
          what="Could not list the credentials"
          error={credentialsError}
          onRetry={() => void loadCredentials()}
        />
      )}
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
                <td className="muted small">{day(c.rotatedAt ?? c.createdAt)}</td>
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
      {status && <VaultMembers />}
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
