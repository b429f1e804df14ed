// Who can unlock the vault: each person and each watch worker has their own passphrase or key file wrapping
// the same vault key. Listed, added (passphrase members; key files are for workers and are added from the
// CLI, where the file is) and removed here; each change is in the audit log, and nothing else is re-encrypted.
import { useEffect, useState, type FormEvent } from 'react'
import { useStore } from '../../stores'
import { vaultSelectors } from '../../stores/vault-slice'
import { Field } from '../../components/Field'
import { IconButton } from '../../components/IconButton'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { LoadFailed } from '../../components/LoadFailed'
import { StrengthMeter } from '../../components/StrengthMeter'
import { errorText } from '../../stores/loadable'
import { day } from '../../../src-preload/dates'
import type { VaultMember } from '../../../src-preload/contract'

export function VaultMembers() {
  const status = useStore(vaultSelectors.status)
  const members = useStore(vaultSelectors.members)
  const membersError = useStore(vaultSelectors.membersError)
  const load = useStore((s) => s.loadVaultMembers)
  const add = useStore((s) => s.addVaultMember)
  const remove = useStore((s) => s.removeVaultMember)
  const toast = useStore((s) => s.toast)
  const [name, setName] = useState('')
  const [pass, setPass] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [doomed, setDoomed] = useState<VaultMember | null>(null)
  useEffect(() => void load(), [load])

  const mismatch = again !== '' && pass !== again
  const onAdd = async (e: FormEvent) => {
    e.preventDefault()
    setError('')
    if (pass !== again) return setError('The two passphrases differ')
    setBusy(true)
    try {
      const m = await add(name, pass)
      setName('')
      setPass('')
      setAgain('')
      toast('info', `Added ${m.name}: they unlock with their own passphrase`)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const onRemove = async () => {
    const m = doomed
    setDoomed(null)
    if (!m) return
    try {
      await remove(m.name)
      toast('info', `Removed ${m.name}: they can no longer unlock the vault`)
    } catch (err) {
      toast('error', errorText(err))
    }
  }
  const last = (members?.length ?? 0) <= 1

  return (
    <section className="settings-grid" aria-label="Vault members">
      <div className="form">
        <h2>Members</h2>
        <p className="muted small">
          Each person and each watch worker unlocks with their own passphrase or key file; adding or removing
          one re-encrypts nothing else, and each change is in the audit log. Workers get key files from the
          CLI: <code>driftwatch vault members add NAME --key-file FILE</code>.
        </p>
        {membersError && (
          <LoadFailed
            what="Could not read the vault's members"
            error={membersError}
            inline
            onRetry={() => void load()}
          />
        )}
        {members && (
          <table className="table" aria-label="Members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Unlocks with</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.name} data-member={m.name}>
                  <th scope="row">
                    {m.name} {status?.member === m.name && <span className="chip">you</span>}
                  </th>
                  <td>{m.kind === 'key-file' ? 'Key file' : 'Passphrase'}</td>
                  <td className="muted small">
                    {day(m.addedAt)} by {m.addedBy}
                  </td>
                  <td className="row-actions">
                    <IconButton
                      icon="trash"
                      label={`Remove ${m.name}`}
                      title={last ? 'The last member cannot be removed' : 'Remove: they can no longer unlock'}
                      danger
                      disabled={last}
                      onClick={() => setDoomed(m)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <form className="form" onSubmit={(e) => void onAdd(e)} noValidate aria-label="Add member">
        <h2>Add a member</h2>
        <Field label="Member name" hint='A person or a worker, e.g. "alice"'>
          {({ id, describedBy }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              autoComplete="off"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Their passphrase" hint="At least 12 characters; they can change it after unlocking">
          {({ id, describedBy }) => (
            <>
              <input
                id={id}
                type="password"
                autoComplete="new-password"
                value={pass}
                onChange={(e) => setPass(e.target.value)}
                aria-describedby={[describedBy, 'member-strength'].filter(Boolean).join(' ')}
              />
              {pass && <StrengthMeter value={pass} id="member-strength" />}
            </>
          )}
        </Field>
        <Field
          label="Their passphrase again"
          error={error || (mismatch ? 'The two passphrases differ' : undefined)}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              value={again}
              onChange={(e) => setAgain(e.target.value)}
              aria-invalid={invalid}
              aria-describedby={describedBy}
            />
          )}
        </Field>
        <button type="submit" className="button" disabled={busy || !name.trim() || !pass || pass !== again}>
          {busy ? 'Adding…' : 'Add member'}
        </button>
      </form>
      <ConfirmDialog
        open={doomed !== null}
        title={`Remove ${doomed?.name ?? ''}?`}
        body={
          `${doomed?.name ?? ''} can no longer unlock this vault; the credentials stay, and the removal is in the ` +
          'audit log.' +
          (doomed && status?.member === doomed.name
            ? ' You are unlocked as this member: this session keeps working until the vault locks; then unlock as another member.'
            : '')
        }
        confirmLabel="Remove member"
        danger
        onConfirm={() => void onRemove()}
        onCancel={() => setDoomed(null)}
      />
    </section>
  )
}
