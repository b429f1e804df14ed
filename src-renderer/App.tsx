// The app shell: sidebar, the page the address names, and passing notices.
import { lazy, Suspense, useEffect, useRef } from 'react'
import { useStore } from './stores'
import { appSelectors } from './stores/app-slice'
import { useRoute } from './router'
import { Sidebar } from './components/Sidebar'
import { Toasts } from './components/Toasts'
import { EmptyState } from './components/EmptyState'

// Every page loads when first opened (its own chunk), so the first paint waits only for the shell and the page
// the address names.
const Dashboard = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.Dashboard })))
const TargetsPage = lazy(() => import('./pages/Targets').then((m) => ({ default: m.TargetsPage })))
const TargetFormPage = lazy(() => import('./pages/TargetForm').then((m) => ({ default: m.TargetFormPage })))
const SettingsPage = lazy(() => import('./pages/Settings').then((m) => ({ default: m.SettingsPage })))
const VaultPage = lazy(() => import('./pages/Vault').then((m) => ({ default: m.VaultPage })))
const VariablesPage = lazy(() => import('./pages/Variables').then((m) => ({ default: m.VariablesPage })))
const TargetDetailPage = lazy(() =>
  import('./pages/TargetDetail').then((m) => ({ default: m.TargetDetailPage })),
)
const WatchPage = lazy(() => import('./pages/Watch').then((m) => ({ default: m.WatchPage })))
const DriftPage = lazy(() => import('./pages/Drift').then((m) => ({ default: m.DriftPage })))
const ControlsPage = lazy(() => import('./pages/Controls').then((m) => ({ default: m.ControlsPage })))
const ReportsPage = lazy(() => import('./pages/Reports').then((m) => ({ default: m.ReportsPage })))
const ComparePage = lazy(() => import('./pages/Compare').then((m) => ({ default: m.ComparePage })))

export function App() {
  const route = useRoute()
  const connection = useStore(appSelectors.connection)
  const eventStream = useStore(appSelectors.eventStream)

  const firstRender = useRef(true)
  useEffect(() => {
    // After a page change, focus moves to the new content (as a screen reader user expects); a fresh load
    // leaves focus at the top so Tab starts with the skip link and the sidebar.
    if (firstRender.current) {
      firstRender.current = false
      return
    }
    document.getElementById('main')?.focus({ preventScroll: true })
  }, [route.page])

  return (
    <div className="shell">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <Sidebar route={route} />
      <main id="main" tabIndex={-1} className="main">
        {eventStream === 'dropped' && connection === 'ready' && (
          <p className="banner warning stream-notice" role="status">
            Reconnecting to Driftwatch… What this page shows may be out of date; it is read again once the
            connection is back.
          </p>
        )}
        {connection === 'unauthorised' ? (
          <EmptyState
            title="This address needs its access token"
            body='Open the full address that "driftwatch serve" printed: it ends with #token=… and only works on this computer. A link opened by "serve --open" works once, within 30 seconds.'
          />
        ) : connection === 'offline' ? (
          <EmptyState
            title="Driftwatch is not reachable"
            body='The server behind this page stopped. Start it again with "npx driftwatch serve" and open the new address.'
          />
        ) : (
          // One fallback for every page while its chunk loads (a few milliseconds from disk or 127.0.0.1).
          <Suspense fallback={<p className="muted page-loading">Loading…</p>}>
            <Page route={route} />
          </Suspense>
        )}
      </main>
      <Toasts />
    </div>
  )
}

function Page({ route }: { route: ReturnType<typeof useRoute> }) {
  switch (route.page) {
    case 'dashboard':
      return <Dashboard />
    case 'targets':
      return <TargetsPage />
    case 'target-new':
      return <TargetFormPage />
    case 'target-edit':
      return <TargetFormPage id={route.id} />
    case 'target':
      // Keyed: another target starts with a fresh page (no connection report or open rule of the last one).
      return <TargetDetailPage key={route.id} id={route.id} scanId={route.scanId} />
    case 'settings':
      return <SettingsPage />
    case 'vault':
      return <VaultPage />
    case 'variables':
      return <VariablesPage sha={route.sha} profileId={route.profileId} />
    case 'reports':
      return <ReportsPage />
    case 'watch':
      return <WatchPage />
    case 'drift':
      return <DriftPage eventId={'eventId' in route ? route.eventId : undefined} />
    case 'compare':
      return <ComparePage a={route.a} b={route.b} />
    case 'controls':
      return <ControlsPage />
    case 'not-found':
      return (
        <EmptyState
          title="Nothing here"
          body={`There is no page at “${route.path}”.`}
          action={{ label: 'Go to the dashboard', href: '#/' }}
        />
      )
  }
}
