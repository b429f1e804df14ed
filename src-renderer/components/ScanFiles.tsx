// A scan's own files, for any scan shown (the latest or a past one): its ARF and the familiar OpenSCAP HTML
// report (OpenSCAP scans), and its evidence JSON; and the banner that says a past scan is open.
import { useState } from 'react'
import type { ScanView } from '../../src-preload/contract'
import { api } from '../api/client'
import { useStore } from '../stores'
import { errorText } from '../stores/loadable'
import { when } from '../../src-preload/dates'

type File = 'arf' | 'html' | 'evidence'
const LABELS: Record<File, string> = {
  arf: 'ARF results',
  html: 'OpenSCAP HTML report',
  evidence: 'Evidence JSON',
}

export function ScanFiles({ scan }: { scan: ScanView }) {
  const toast = useStore((s) => s.toast)
  const [busy, setBusy] = useState<File | ''>('')
  // Why a file could not be made stays on the page (e.g. oscap not installed here): a toast fades.
  const [failure, setFailure] = useState('')
  if (scan.state !== 'done') return null
  const files: File[] = scan.contentSha256 ? ['arf', 'html', 'evidence'] : ['evidence']
  const get = async (file: File) => {
    setBusy(file)
    setFailure('')
    try {
      const res = await api.invoke('scan.download', { scanId: scan.id, file })
      const saved = await api.saveDownload(res)
      if (saved.saved) toast('info', `${LABELS[file]} saved as ${saved.fileName}`)
    } catch (err) {
      setFailure(`${LABELS[file]} not made: ${errorText(err)}`)
    } finally {
      setBusy('')
    }
  }
  return (
    <div className="remediation" aria-label="Scan files">
      <span className="muted small">This scan&apos;s files</span>
      {files.map((f) => (
        <button key={f} type="button" className="button" disabled={!!busy} onClick={() => void get(f)}>
          {busy === f ? 'Preparing…' : LABELS[f]}
        </button>
      ))}
      {failure && (
        <p className="banner error" role="alert">
          {failure}
        </p>
      )}
    </div>
  )
}

export function PastScanBanner({ scan, targetId }: { scan: ScanView; targetId: string }) {
  return (
    <p className="banner" role="status" aria-label="Past scan">
      You are looking at the scan of {when(scan.startedAt)} ({scan.state}).{' '}
      <a href={`#/targets/${encodeURIComponent(targetId)}`}>Back to the latest scan</a>
    </p>
  )
}
