// The banner over a scan's results when it ran under an account that could harm the audited server (a
// superuser, or one that may read/write server files), so nobody reads those results without knowing.
export function ScanAccountWarning({ info }: { info: Record<string, string> }) {
  const warning = info.privilegeWarning
  if (!warning) return null
  return (
    <p className="banner warning" role="alert" aria-label="Scan account warning">
      <strong>
        {/ is a superuser/.test(warning) ? 'Scanned as a superuser' : 'Scanned with a privileged account'}:
      </strong>{' '}
      {warning}
    </p>
  )
}
