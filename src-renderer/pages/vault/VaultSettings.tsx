// The unlocked vault's settings: when it locks itself, the master passphrase, and forgetting this device.
import { useState, type FormEvent } from 'react'
import { useStore } from '../../stores'
import { vaultSelectors } from '../../stores/vault-slice'
import { Field } from '../../components/Field'
import { StrengthMeter } from '../../components/StrengthMeter'
import { errorText as message } from '../../stores/loadable'

export function VaultSettings() {
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
