// The sidebar: every section of Driftwatch, one keystroke apart, with the current one marked.
import type { Route } from '../router'
import { useStore } from '../stores'
import { appSelectors } from '../stores/app-slice'
import { vaultSelectors } from '../stores/vault-slice'
import { Icon, type IconName } from './Icon'

const SECTIONS: { page: string; label: string; icon: IconName; href: string }[] = [
  { page: 'dashboard', label: 'Dashboard', icon: 'dashboard', href: '#/' },
  { page: 'targets', label: 'Targets', icon: 'targets', href: '#/targets' },
  { page: 'variables', label: 'Variables', icon: 'sliders', href: '#/variables' },
  { page: 'watch', label: 'Watch', icon: 'watch', href: '#/watch' },
  { page: 'drift', label: 'Drift', icon: 'drift', href: '#/drift' },
  { page: 'controls', label: 'Controls', icon: 'shield', href: '#/controls' },
  { page: 'reports', label: 'Reports', icon: 'reports', href: '#/reports' },
  { page: 'vault', label: 'Vault', icon: 'vault', href: '#/vault' },
  { page: 'settings', label: 'Settings', icon: 'settings', href: '#/settings' },
]

const sectionOf = (route: Route) => (route.page.startsWith('target') ? 'targets' : route.page)

export function Sidebar({ route }: { route: Route }) {
  const info = useStore(appSelectors.info)
  const current = sectionOf(route)
  const vault = useStore(vaultSelectors.state)
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="shield" size={20} />
        </span>
        <span className="brand-name">Driftwatch</span>
      </div>
      <ul>
        {SECTIONS.map((s) => (
          <li key={s.page}>
            <a href={s.href} aria-current={current === s.page ? 'page' : undefined}>
              <Icon name={s.icon} />
              <span>{s.label}</span>
            </a>
          </li>
        ))}
      </ul>
      {vault && vault !== 'uninitialised' && (
        <a className={`vault-state ${vault}`} href="#/vault" aria-label={`Vault ${vault}`}>
          <Icon name={vault === 'locked' ? 'lock' : 'vault'} size={16} />
          {vault === 'locked' ? 'Vault locked' : 'Vault unlocked'}
        </a>
      )}
      <div className="sidebar-foot">
        {info ? (
          <span title={info.dataDir}>
            v{info.version} · {info.face === 'desktop' ? 'desktop' : 'browser, 127.0.0.1'}
          </span>
        ) : (
          <span>connecting…</span>
        )}
      </div>
    </nav>
  )
}
