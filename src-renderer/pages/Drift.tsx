// The Drift page: each target's score over time with its drift marked, the drift events filtered by target,
// type, severity and dates, and one event's before/after evidence (what the rule found in each scan).
import { lazy, Suspense, useEffect, useMemo, useState } from 'react'
import { DRIFT_TYPES, type Res } from '../../src-preload/contract'
import { DRIFT_TYPE_LABELS } from '../../src-preload/labels'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { watchSelectors } from '../stores/watch-slice'
import { driftSelectors } from '../stores/drift-slice'
import { alertSelectors } from '../stores/alerts-slice'
import { DriftKpis } from './drift/DriftKpis'
import { EmptyState } from '../components/EmptyState'
import { navigate } from '../router'
import { driftChange } from '../lib/format'
import { when } from '../../src-preload/dates'

// The chart library loads on demand: the events list below never waits for it.
const DriftChart = lazy(() => import('../components/DriftChart').then((m) => ({ default: m.DriftChart })))

type DriftType = (typeof DRIFT_TYPES)[number]
const SEVERITIES = ['high', 'medium', 'low', 'major', 'minor', 'improvement']

interface Filter {
  targetId: string
  types: DriftType[]
  severity: string
  from: string
  to: string
}

export function DriftPage({ eventId }: { eventId?: number }) {
  const targets = useStore(targetSelectors.targets)
  const version = useStore(watchSelectors.driftVersion)
  const [filter, setFilter] = useState<Filter>({ targetId: '', types: [], severity: '', from: '', to: '' })
  const loadedEvents = useStore(driftSelectors.events)
  const loadEvents = useStore((s) => s.loadDriftEvents)
  const loadTimeline = useStore((s) => s.loadDriftTimeline)
  const events = loadedEvents.data
  const [chartTarget, setChartTarget] = useState('')
  const names = useMemo(() => new Map(targets.map((t) => [t.id, t.name])), [targets])

  useEffect(() => {
    void loadEvents({
      ...(filter.targetId && { targetId: filter.targetId }),
      types: filter.types,
      severities: filter.severity ? [filter.severity] : [],
      ...(filter.from && { from: new Date(`${filter.from}T00:00:00`).toISOString() }),
      ...(filter.to && { to: new Date(`${filter.to}T23:59:59.999`).toISOString() }),
    })
  }, [filter, version, loadEvents])

  // The timeline shows the filtered target, else the target of the latest event, else the first target.
  const shownTarget = filter.targetId || chartTarget || events?.events[0]?.targetId || targets[0]?.id || ''
  const timeline = useStore(driftSelectors.timeline(shownTarget))
  const points = timeline?.data ?? []
  useEffect(() => {
    if (shownTarget) void loadTimeline(shownTarget)
  }, [shownTarget, version, loadTimeline])

  if (targets.length === 0)
    return (
      <>
        <header className="page-head">
          <h1>Drift</h1>
        </header>
        <EmptyState
          title="No drift recorded"
          body="Drift appears here once a target has been scanned more than once and a rule changed from pass to fail, or back."
          action={{ label: 'Add a target', href: '#/targets/new' }}
        />
      </>
    )

  const toggleType = (t: DriftType) =>
    setFilter((f) => ({
      ...f,
      types: f.types.includes(t) ? f.types.filter((x) => x !== t) : [...f.types, t],
    }))

  return (
    <>
      <header className="page-head">
        <h1>Drift</h1>
      </header>
      <section aria-labelledby="timeline-h" className="panel-lite">
        <div className="toolbar">
          <h2 id="timeline-h">Score timeline</h2>
          <label>
            <span className="sr-only">Target shown on the timeline</span>
            <select
              value={shownTarget}
              onChange={(e) => setChartTarget(e.target.value)}
              disabled={Boolean(filter.targetId)}
            >
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <span className="muted small">
            {points.length} scans · <span className="legend legend-bad">regression</span>{' '}
            <span className="legend legend-good">fixed</span>{' '}
            <span className="legend legend-other">other drift</span>
          </span>
        </div>
        {timeline?.state === 'error' ? (
          <p className="banner error" role="alert">
            Could not read the timeline of {names.get(shownTarget) ?? 'this target'}: {timeline.error}
          </p>
        ) : !timeline?.data ? (
          <p className="muted">Loading the timeline…</p>
        ) : points.length === 0 ? (
          <p className="muted">No finished scans of {names.get(shownTarget) ?? 'this target'} yet.</p>
        ) : (
          <Suspense fallback={<p className="muted">Loading the timeline…</p>}>
            <DriftChart
              points={points}
              onPick={(p) => {
                const first = events?.events.find((e) => e.scanId === p.scanId)
                if (first) navigate(`#/drift/${first.id}`)
              }}
            />
          </Suspense>
        )}
      </section>

      <DriftKpis names={names} version={version} />
      <OpenAlerts names={names} version={version} />
      <section aria-labelledby="events-h">
        <h2 id="events-h">Events</h2>
        <div className="toolbar" role="search">
          <label>
            <span className="sr-only">Target</span>
            <select
              value={filter.targetId}
              onChange={(e) => setFilter({ ...filter, targetId: e.target.value })}
            >
              <option value="">All targets</option>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="chips" aria-label="Types">
            {DRIFT_TYPES.map((t) => (
              <label key={t} className={`chip ${filter.types.includes(t) ? 'on' : ''}`}>
                <input type="checkbox" checked={filter.types.includes(t)} onChange={() => toggleType(t)} />
                {DRIFT_TYPE_LABELS[t]}
              </label>
            ))}
          </fieldset>
          <label>
            <span className="sr-only">Severity</span>
            <select
              value={filter.severity}
              onChange={(e) => setFilter({ ...filter, severity: e.target.value })}
            >
              <option value="">Any severity</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label className="small">
            From{' '}
            <input
              type="date"
              value={filter.from}
              onChange={(e) => setFilter({ ...filter, from: e.target.value })}
            />
          </label>
          <label className="small">
            To{' '}
            <input
              type="date"
              value={filter.to}
              onChange={(e) => setFilter({ ...filter, to: e.target.value })}
            />
          </label>
          <span className="muted small" aria-live="polite">
            {loadedEvents.state === 'loading'
              ? 'Loading…'
              : events
                ? `${events.events.length} of ${events.total} events`
                : ''}
          </span>
        </div>
        {loadedEvents.state === 'error' && (
          <p className="banner error" role="alert">
            Could not read the drift events: {loadedEvents.error}
          </p>
        )}
        {events && events.events.length === 0 ? (
          <p className="muted">
            No drift matches these filters. Drift is recorded when a target is scanned again and a rule
            changed.
          </p>
        ) : (
          <>
            {eventId !== undefined && <EventView id={eventId} names={names} />}
            <table className="table" aria-label="Drift events">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Target</th>
                  <th scope="col">Type</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Change</th>
                  <th scope="col">Severity</th>
                </tr>
              </thead>
              <tbody>
                {events?.events.map((e) => (
                  <tr
                    key={e.id}
                    className={e.id === eventId ? 'selected' : undefined}
                    onClick={() => navigate(`#/drift/${e.id}`)}
                  >
                    <td className="small">{when(e.at)}</td>
                    <td>{names.get(e.targetId) ?? e.targetId}</td>
                    <td>
                      <span className={`drift drift-${e.type}`}>{DRIFT_TYPE_LABELS[e.type]}</span>
                    </td>
                    <td>
                      <a href={`#/drift/${e.id}`}>{e.type === 'score' ? 'Score' : e.title || e.ruleId}</a>
                    </td>
                    <td className="mono small">{driftChange(e)}</td>
                    <td>{e.severity}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </>
  )
}

function EventView({ id, names }: { id: number; names: Map<string, string> }) {
  const current = useStore(driftSelectors.event(id))
  const load = useStore((s) => s.loadDriftEvent)
  useEffect(() => {
    void load(id)
  }, [id, load])
  if (current?.state === 'error')
    return (
      <p className="banner error" role="alert">
        Could not read drift event {id}: {current.error}
      </p>
    )
  const data = current?.data
  if (!data) return <p className="muted">Loading…</p>
  const { event, before, after } = data
  return (
    <aside className="panel-lite drift-event" aria-label="Drift event">
      <div className="drift-event-head">
        <h3>{event.type === 'score' ? 'Score drift' : event.title || event.ruleId}</h3>
        <a className="button" href="#/drift">
          Close
        </a>
      </div>
      <p className="muted small">
        <span className={`drift drift-${event.type}`}>{DRIFT_TYPE_LABELS[event.type]}</span> on{' '}
        <a href={`#/targets/${encodeURIComponent(event.targetId)}`}>
          {names.get(event.targetId) ?? event.targetId}
        </a>
        , {when(event.at)}
        {event.ruleId && (
          <>
            {' '}
            · <span className="mono">{event.ruleId}</span>
          </>
        )}
      </p>
      <div className="evidence-compare">
        <Side title="Before" side={before} />
        <Side title="After" side={after} />
      </div>
      {event.prevScanId && (
        <a className="button" href={`#/compare?a=${event.prevScanId}&b=${event.scanId}`}>
          Compare the two scans
        </a>
      )}
    </aside>
  )
}

function Side({ title, side }: { title: string; side: Res<'drift.event'>['before'] }) {
  return (
    <section className="evidence-side" aria-label={title}>
      <h4>{title}</h4>
      {!side ? (
        <p className="muted small">No earlier scan.</p>
      ) : (
        <dl className="evidence-facts">
          <dt>Scan</dt>
          <dd className="small">{side.at ? when(side.at) : '–'}</dd>
          <dt>Status</dt>
          <dd>
            <span className={`status status-${side.status}`}>{side.status}</span>
          </dd>
          <dt>Found</dt>
          <dd className="mono">{side.actual || '∅'}</dd>
          {side.expected && (
            <>
              <dt>Expected</dt>
              <dd className="mono">{side.expected}</dd>
            </>
          )}
          {side.message && (
            <>
              <dt>Message</dt>
              <dd className="small">{side.message}</dd>
            </>
          )}
          {side.evidence && (
            <>
              <dt>Evidence</dt>
              <dd className="mono small" title="SHA-256 of the stored evidence">
                {side.evidence.slice(0, 16)}…
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  )
}

/** Alerts still open (or acknowledged): one per failing rule, until it passes again. */
function OpenAlerts({ names, version }: { names: Map<string, string>; version: number }) {
  const loaded = useStore(alertSelectors.open)
  const load = useStore((s) => s.loadOpenAlerts)
  const ack = useStore((s) => s.acknowledgeAlert)
  useEffect(() => {
    void load()
  }, [version, load])
  const alerts = loaded.data ?? []
  if (loaded.state === 'error')
    return (
      <p className="banner error" role="alert">
        Could not read the open alerts: {loaded.error}
      </p>
    )
  if (alerts.length === 0) return null
  return (
    <section aria-labelledby="alerts-h">
      <h2 id="alerts-h">Open alerts</h2>
      <table className="table" aria-label="Open alerts">
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id}>
              <td>{names.get(a.targetId) ?? a.targetId}</td>
              <td>
                <a href={`#/drift/${a.eventId}`}>{a.ruleId || 'Score dropped'}</a>
              </td>
              <td className="small">since {when(a.openedAt)}</td>
              <td className="row-actions">
                {a.state === 'open' ? (
                  <button type="button" className="button small" onClick={() => void ack(a.id)}>
                    Acknowledge
                  </button>
                ) : (
                  <span className="muted small">acknowledged</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
