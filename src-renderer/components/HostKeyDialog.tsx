// First contact and changed keys for SSH targets: the fingerprint a person must compare before a host is trusted,
// or both fingerprints when a pinned key changed (the scan is refused; forgetting the old pin is a deliberate act).
import { useEffect, useRef, useState } from 'react'
import type { Res } from '../../src-preload/contract'

export type HostKeyProbe = Res<'targets.hostKey'>

export function HostKeyDialog(props: {
  probe: HostKeyProbe | null
  onTrust(fingerprint: string): void
  onForget(): void
  onCancel(): void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const [sure, setSure] = useState(false)
  const p = props.probe
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (p && !d.open) d.showModal()
    if (!p && d.open) d.close()
    setSure(false)
  }, [p])
  const at = p ? `${p.host}:${p.port}` : ''
  return (
    <dialog ref={ref} className="dialog hostkey" onCancel={props.onCancel} aria-labelledby="hostkey-title">
      {p?.state === 'unknown' && (
        <>
          <h2 id="hostkey-title">Trust {at}?</h2>
          <p>
            Driftwatch has not connected to this host before. Compare its key fingerprint with the one the
            host owner reads on the host (
            <code>ssh-keygen -lf /etc/ssh/ssh_host_{keyFile(p.keyType)}_key.pub</code>). Once trusted, the key
            is pinned: a different key later refuses every scan.
          </p>
          <dl className="fingerprints">
            <dt>{p.keyType}</dt>
            <dd className="mono" aria-label="Presented fingerprint">
              {p.fingerprint}
            </dd>
          </dl>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={props.onCancel} autoFocus>
              Cancel
            </button>
            <button type="button" className="button primary" onClick={() => props.onTrust(p.fingerprint)}>
              Trust and scan
            </button>
          </div>
        </>
      )}
      {p?.state === 'changed' && (
        <>
          <h2 id="hostkey-title">The host key of {at} changed</h2>
          <p className="banner error" role="alert">
            The scan was refused. If the host was reinstalled or its keys rotated, the owner can confirm the
            new key; otherwise someone may be intercepting the connection.
          </p>
          <dl className="fingerprints">
            <dt>Pinned ({p.pinnedKeyType})</dt>
            <dd className="mono" aria-label="Pinned fingerprint">
              {p.pinnedFingerprint}
            </dd>
            <dt>Now ({p.keyType})</dt>
            <dd className="mono" aria-label="Presented fingerprint">
              {p.fingerprint}
            </dd>
          </dl>
          <label className="check">
            <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} /> The host
            owner confirmed the new key
          </label>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={props.onCancel} autoFocus>
              Close
            </button>
            <button type="button" className="button danger" disabled={!sure} onClick={props.onForget}>
              Forget the old key
            </button>
          </div>
        </>
      )}
    </dialog>
  )
}

const keyFile = (keyType: string) =>
  keyType === 'ssh-ed25519' ? 'ed25519' : keyType.startsWith('ecdsa') ? 'ecdsa' : 'rsa'
