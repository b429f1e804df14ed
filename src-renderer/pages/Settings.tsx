// Settings: where data lives, which face this is, and how the theme is chosen.
import { useStore } from '../stores'
import { appSelectors } from '../stores/app-slice'

export function SettingsPage() {
  const info = useStore(appSelectors.info)
  return (
    <>
      <header className="page-head">
        <h1>Settings</h1>
      </header>
      <dl className="facts">
        <dt>Version</dt>
        <dd>{info?.version ?? '…'}</dd>
        <dt>Running as</dt>
        <dd>{info ? (info.face === 'desktop' ? 'Desktop app' : 'Browser UI served on 127.0.0.1') : '…'}</dd>
        <dt>Data folder</dt>
        <dd>
          <code>{info?.dataDir ?? '…'}</code>
        </dd>
        <dt>Database schema</dt>
        <dd>{info ? `version ${info.schemaVersion}` : '…'}</dd>
        <dt>Appearance</dt>
        <dd>Light or dark, following your system setting.</dd>
      </dl>
    </>
  )
}
