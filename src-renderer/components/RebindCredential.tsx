// The confirmation a moved target needs before its credential may be used at the new address: the vault
// passphrase again, sent to credentials.rebind (which checks it, with the unlock backoff, and audits it).
import { useState } from 'react'
import { api } from '../api/client'

/** The sentence the core gives when a credential is asked for at an address it is not bound to. */
export const needsRebind = (message: string) => /is bound to .*; confirm to use it at /.test(message)

export function RebindCredential({
  targetId,
  message,
  onDone,
}: {
  targetId: string
  message: string
  onDone(): void
}) {
  const [passphrase, setPassphrase] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    setBusy(true)
    setError('')
    try {
      await api.invoke('credentials.rebind', { targetId, passphrase })
      setPassphrase('')
      onDone()
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      className="banner warning rebind"
      aria-label="Confirm the credential at this address"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <p role="alert">{message}</p>
      <label>
        Vault passphrase{' '}
        <input
          type="password"
          name="rebindPassphrase"
          autoComplete="current-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </label>{' '}
      <button type="submit" className="button" disabled={busy || !passphrase}>
        {busy ? 'Checking…' : 'Confirm the new address'}
      </button>
      {error && <p className="error small">{error}</p>}
    </form>
  )
}
