// The locked vault: its passphrase, and on a vault shared by several people and workers (a team store), which
// member is unlocking. Each member's passphrase opens only their own wrap of the vault key, so the member is
// asked for, never guessed by trying the passphrase on each.
import { useEffect, useState, type FormEvent } from 'react'
import { useStore } from '../../stores'
import { vaultSelectors } from '../../stores/vault-slice'
import { Field } from '../../components/Field'
import { Icon } from '../../components/Icon'
import { errorText as message } from '../../stores/loadable'

export function UnlockVault() {
  const status = useStore(vaultSelectors.status)
  const unlock = useStore((s) => s.unlockVault)
  const [pass, setPass] = useState('')
  const [remember, setRemember] = useState(false)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const shared = (status?.members ?? 0) > 1
  const members = useStore(vaultSelectors.members)
  const membersError = useStore(vaultSelectors.membersError)
  const loadMembers = useStore((s) => s.loadVaultMembers)
  const [member, setMember] = useState('')
  useEffect(() => {
    if (shared) void loadMembers()
  }, [shared, loadMembers])
  const byPassphrase = members?.filter((m) => m.kind === 'passphrase') ?? []
  const byKeyFile = members?.filter((m) => m.kind === 'key-file') ?? []

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      await unlock(pass, remember, shared ? member : undefined)
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
        {shared && (
          <Field
            label="Member"
            error={membersError || undefined}
            hint={
              byKeyFile.length
                ? `${byKeyFile.map((m) => m.name).join(', ')} unlock${byKeyFile.length === 1 ? 's' : ''} with a key file: driftwatch vault unlock --member NAME --key-file FILE`
                : `${status?.members} people and workers share this vault, each with their own passphrase`
            }
          >
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                value={member}
                onChange={(e) => {
                  setMember(e.target.value)
                  setError('')
                }}
                aria-invalid={invalid}
                aria-describedby={describedBy}
                disabled={!members}
              >
                <option value="" disabled>
                  {members ? 'Who is unlocking?' : 'Loading members…'}
                </option>
                {byPassphrase.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={shared ? 'Your passphrase' : 'Master passphrase'} error={error || undefined}>
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
        <button type="submit" className="button primary wide" disabled={busy || !pass || (shared && !member)}>
          {busy ? 'Unlocking…' : shared && member ? `Unlock as ${member}` : 'Unlock'}
        </button>
      </form>
    </section>
  )
}
