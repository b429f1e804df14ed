// The Watch page: schedules with their next-run countdown and last outcome, scans running now with progress,
// pause/resume (all, per target), "scan all now", new schedules, and the alert channels with their delivery log.
import { useEffect, useMemo, useState, type FormEvent } from 'react'
import {
  ALERT_CHANNEL_KINDS,
  type AlertChannelView,
  type Res,
  type RunView,
  type WatchStatus,
} from '../../src-preload/contract'
import { api } from '../api/client'
import { useStore } from '../stores'
import { targetSelectors } from '../stores/targets-slice'
import { contentSelectors } from '../stores/content-slice'
import { watchSelectors } from '../stores/watch-slice'
import { EmptyState } from '../components/EmptyState'
import { countdown, scheduleEvery } from '../lib/schedule-text'

const TRAY_TEXT = {
  ok: 'All good',
  drift: 'Drift detected',
  scanning: 'Scanning',
  vault_locked: 'Waiting for the vault',
  paused: 'Paused',
} as const

const STATUS_TEXT: Record<RunView['status'], string> = {
  waiting: 'Waiting',
  running: 'Scanning',
  backoff: 'Retrying after a failure',
  vault_locked: 'Vault locked',
  unavailable: 'Cannot start',
  paused: 'Paused',
}

function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(t)
  }, [ms])
  return now
}

export function WatchPage() {
  const status = useStore(watchSelectors.status)
  const targets = useStore(targetSelectors.targets)
  const live = useStore((s) => s.live)
  const toast = useStore((s) => s.toast)
  const load = useStore((s) => s.loadWatch)
  const now = useNow()
  const names = useMemo(() => new Map(targets.map((t) => [t.id, t.name])), [targets])

  useEffect(() => {
    void load()
  }, [load])

  const act = async (p: Promise<unknown>, done?: string) => {
    try {
      await p
      await load()
      if (done) toast('info', done)
    } catch (err) {
      toast('error', (err as Error).message)
    }
  }

  if (!status) return <p className="muted">Loading…</p>
  const running = Object.entries(live)

  return (
    <>
      <header className="page-head">
        <div>
          <h1>Watch</h1>
          <p className="muted small" aria-live="polite">
            <span className={`tray tray-${status.tray}`}>{TRAY_TEXT[status.tray]}</span>{' '}
            {status.active
              ? 'Watching from this window.'
              : status.elsewhere
                ? `Watching from ${status.elsewhere}.`
                : 'The watch is not running here: keep the desktop app open, or run "driftwatch watch".'}{' '}
            {status.openAlerts > 0 && `${status.openAlerts} open alert${status.openAlerts === 1 ? '' : 's'}.`}
          </p>
        </div>
        <div className="head-actions">
          <button
            type="button"
            className="button"
            onClick={() => void act(api.invoke('watch.runNow', {}), 'Every schedule is due now')}
          >
            Scan all now
          </button>
          {status.paused ? (
            <button
              type="button"
              className="button primary"
              onClick={() => void act(api.invoke('watch.resume', {}))}
            >
              Resume watch
            </button>
          ) : (
            <button type="button" className="button" onClick={() => void act(api.invoke('watch.pause', {}))}>
              Pause watch
            </button>
          )}
        </div>
      </header>

      {running.length > 0 && (
        <section aria-labelledby="running-h">
          <h2 id="running-h">Scanning now</h2>
          <ul className="running">
            {running.map(([targetId, l]) => (
              <li key={targetId}>
                <a href={`#/targets/${encodeURIComponent(targetId)}`}>{names.get(targetId) ?? targetId}</a>{' '}
                <span className="muted small">{l.phase === 'rule' ? l.lastRule : l.message || l.phase}</span>
                <progress max={l.total || 1} value={l.total ? l.done : undefined} aria-label="Progress">
                  {l.done}/{l.total}
                </progress>
                <span className="small">{l.total ? `${l.done}/${l.total}` : ''}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="schedules-h">
        <h2 id="schedules-h">Schedules</h2>
        {status.schedules.length === 0 ? (
          <EmptyState
            title="Nothing is watched yet"
            body="Add a schedule below: a target or a group, how often, and what to scan it against."
          />
        ) : (
          <table className="table" aria-label="Schedules">
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">How often</th>
                <th scope="col">Next run</th>
                <th scope="col">Last run</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {status.schedules.flatMap((s) => {
                const runs = status.runs.filter((r) => r.scheduleId === s.id)
                const rows = runs.length ? runs : [null]
                return rows.map((r) => {
                  const targetPaused = r ? status.pausedTargets.includes(r.targetId) : false
                  return (
                    <tr key={`${s.id}:${r?.targetId ?? ''}`}>
                      <td>
                        {r
                          ? (names.get(r.targetId) ?? r.targetId)
                          : s.group
                            ? `group ${s.group}`
                            : names.get(s.targetId ?? '')}
                        {s.group && r && <span className="muted small"> (group {s.group})</span>}
                        {s.priority && <span className="badge"> priority</span>}
                      </td>
                      <td>{scheduleEvery(s)}</td>
                      <td data-testid="countdown">
                        {!r
                          ? '–'
                          : r.status === 'running'
                            ? 'scanning…'
                            : r.status === 'paused' || status.paused
                              ? 'paused'
                              : countdown(r.nextRunAt, now)}
                      </td>
                      <td className="small">
                        {r?.lastRunAt ? new Date(r.lastRunAt).toLocaleString() : 'never'}
                        {r && r.failures > 0 && <span className="muted"> · {r.failures} failed</span>}
                      </td>
                      <td>
                        {r ? STATUS_TEXT[r.status] : 'Waiting'}
                        {r?.detail && <div className="muted small">{r.detail}</div>}
                      </td>
                      <td className="row-actions">
                        {r &&
                          (targetPaused ? (
                            <button
                              type="button"
                              className="button small"
                              onClick={() => void act(api.invoke('watch.resume', { targetId: r.targetId }))}
                            >
                              Resume target
                            </button>
                          ) : (
                            <button
                              type="button"
                              className="button small"
                              onClick={() => void act(api.invoke('watch.pause', { targetId: r.targetId }))}
                            >
                              Pause target
                            </button>
                          ))}
                        <button
                          type="button"
                          className="button small"
                          onClick={() => void act(api.invoke('watch.runNow', { scheduleId: s.id }))}
                        >
                          Run now
                        </button>
                        <button
                          type="button"
                          className="button small danger"
                          onClick={() =>
                            void act(api.invoke('watch.schedules.remove', { id: s.id }), 'Schedule removed')
                          }
                        >
                          Remove
                        </button>
                      </td>
                    </tr>
                  )
                })
              })}
            </tbody>
          </table>
        )}
        <ScheduleForm onSaved={() => void load()} />
      </section>
      <AlertChannels />
      <WatchSettings
        key={JSON.stringify(status.settings)}
        settings={status.settings}
        onSaved={() => void load()}
      />
    </>
  )
}

function WatchSettings({ settings, onSaved }: { settings: WatchStatus['settings']; onSaved(): void }) {
  const toast = useStore((s) => s.toast)
  const [v, setV] = useState({
    concurrency: String(settings.concurrency),
    major: String(settings.thresholds.major),
    minor: String(settings.thresholds.minor),
    priorityFactor: String(settings.priorityFactor),
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  async function submit(e: FormEvent) {
    e.preventDefault()
    setErrors({})
    try {
      await api.invoke('watch.settings', {
        ...settings,
        concurrency: Number(v.concurrency),
        priorityFactor: Number(v.priorityFactor),
        thresholds: { major: Number(v.major), minor: Number(v.minor) },
      })
      toast('info', 'Watch settings saved')
      onSaved()
    } catch (err) {
      const e2 = err as Error & { issues?: { path: string; message: string }[] }
      setErrors(Object.fromEntries((e2.issues ?? []).map((i) => [i.path, i.message])))
      toast('error', e2.message)
    }
  }
  const field = (k: keyof typeof v, label: string, path: string) => (
    <label className="field">
      <span className="label">{label}</span>
      <input type="number" step="any" value={v[k]} onChange={(e) => setV({ ...v, [k]: e.target.value })} />
      {errors[path] && <span className="field-error">{errors[path]}</span>}
    </label>
  )
  return (
    <section aria-labelledby="watch-settings-h">
      <h2 id="watch-settings-h">Settings</h2>
      <form
        className="form panel-lite watch-form"
        onSubmit={(e) => void submit(e)}
        aria-label="Watch settings"
      >
        <div className="grid">
          {field('concurrency', 'Scans at once', 'concurrency')}
          {field('priorityFactor', 'Priority targets run … times as often', 'priorityFactor')}
          {field('major', 'Major score drop (points)', 'thresholds.major')}
          {field('minor', 'Minor score drop / improvement (points)', 'thresholds.minor')}
        </div>
        <div className="form-actions">
          <button type="submit" className="button">
            Save settings
          </button>
        </div>
      </form>
    </section>
  )
}

function ScheduleForm({ onSaved }: { onSaved(): void }) {
  const targets = useStore(targetSelectors.targets)
  const labels = useStore(targetSelectors.labels)
  const content = useStore(contentSelectors.content)
  const loadContent = useStore((s) => s.loadContent)
  const toast = useStore((s) => s.toast)
  const [scope, setScope] = useState('')
  const [kind, setKind] = useState<'interval' | 'daily'>('interval')
  const [minutes, setMinutes] = useState('60')
  const [times, setTimes] = useState('02:00')
  const [priority, setPriority] = useState(false)
  const [sha, setSha] = useState('')
  const [profiles, setProfiles] = useState<{ id: string; title: string }[]>([])
  const [profileId, setProfileId] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})

  useEffect(() => {
    void loadContent()
  }, [loadContent])
  useEffect(() => {
    if (sha) void api.invoke('content.profiles', { sha256: sha }).then((r) => setProfiles(r.profiles))
  }, [sha])

  const target = targets.find((t) => `t:${t.id}` === scope)
  const needsContent = scope.startsWith('g:') || target?.kind === 'local' || target?.kind === 'ssh'

  async function submit(e: FormEvent) {
    e.preventDefault()
    setErrors({})
    try {
      await api.invoke('watch.schedules.save', {
        targetId: scope.startsWith('t:') ? scope.slice(2) : null,
        group: scope.startsWith('g:') ? scope.slice(2) : null,
        kind,
        intervalMinutes: Number(minutes),
        dailyTimes: kind === 'daily' ? times.split(/[\s,]+/).filter(Boolean) : [],
        priority,
        ...(needsContent && sha && { sha256: sha }),
        ...(needsContent && profileId && { profileId }),
      })
      toast('info', 'Schedule saved')
      onSaved()
    } catch (err) {
      const e2 = err as Error & { issues?: { path: string; message: string }[] }
      setErrors(Object.fromEntries((e2.issues ?? []).map((i) => [i.path, i.message])))
      toast('error', e2.message)
    }
  }

  return (
    <form className="form panel-lite watch-form" onSubmit={(e) => void submit(e)} aria-label="New schedule">
      <h3>New schedule</h3>
      <div className="grid">
        <label className="field">
          <span className="label">Target or group</span>
          <select value={scope} onChange={(e) => setScope(e.target.value)} required>
            <option value="">Choose…</option>
            <optgroup label="Targets">
              {targets.map((t) => (
                <option key={t.id} value={`t:${t.id}`}>
                  {t.name}
                </option>
              ))}
            </optgroup>
            {labels.groups.length > 0 && (
              <optgroup label="Groups">
                {labels.groups.map((g) => (
                  <option key={g} value={`g:${g}`}>
                    {g}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          {errors.targetId && <span className="field-error">{errors.targetId}</span>}
        </label>
        <label className="field">
          <span className="label">When</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'interval' | 'daily')}>
            <option value="interval">Every N minutes</option>
            <option value="daily">Daily at set times</option>
          </select>
        </label>
        {kind === 'interval' ? (
          <label className="field">
            <span className="label">Minutes between scans</span>
            <input type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
            {errors.intervalMinutes && <span className="field-error">{errors.intervalMinutes}</span>}
          </label>
        ) : (
          <label className="field">
            <span className="label">Times (HH:MM, comma-separated, local time)</span>
            <input value={times} onChange={(e) => setTimes(e.target.value)} />
            {errors.dailyTimes && <span className="field-error">{errors.dailyTimes}</span>}
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={priority} onChange={(e) => setPriority(e.target.checked)} />{' '}
          Priority (scanned more often, and first)
        </label>
        {needsContent && (
          <>
            <label className="field">
              <span className="label">SCAP content</span>
              <select value={sha} onChange={(e) => setSha(e.target.value)}>
                <option value="">Choose…</option>
                {content.map((c) => (
                  <option key={c.sha256} value={c.sha256}>
                    {c.fileName}
                  </option>
                ))}
              </select>
              {errors.sha256 && <span className="field-error">{errors.sha256}</span>}
            </label>
            <label className="field">
              <span className="label">Profile</span>
              <select value={profileId} onChange={(e) => setProfileId(e.target.value)}>
                <option value="">Choose…</option>
                {profiles.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </select>
              {errors.profileId && <span className="field-error">{errors.profileId}</span>}
            </label>
          </>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary">
          Add schedule
        </button>
      </div>
    </form>
  )
}

const CHANNEL_LABELS: Record<(typeof ALERT_CHANNEL_KINDS)[number], string> = {
  webhook: 'Webhook (signed JSON)',
  slack: 'Slack incoming webhook',
  'github-issue': 'GitHub issue',
  email: 'E-mail (SMTP)',
}

function AlertChannels() {
  const toast = useStore((s) => s.toast)
  const [channels, setChannels] = useState<AlertChannelView[]>([])
  const [log, setLog] = useState<Res<'alerts.deliveries'>['deliveries']>([])
  const [adding, setAdding] = useState(false)
  const [version, setVersion] = useState(0)
  const reload = () => setVersion((v) => v + 1)
  useEffect(() => {
    void Promise.all([api.invoke('alerts.channels.list', {}), api.invoke('alerts.deliveries', {})]).then(
      ([c, d]) => {
        setChannels(c.channels)
        setLog(d.deliveries.slice(0, 20))
      },
    )
  }, [version])
  const names = new Map(channels.map((c) => [c.id, c.name]))

  async function test(id: string) {
    try {
      const d = await api.invoke('alerts.channels.test', { id })
      toast(d.state === 'sent' ? 'info' : 'error', d.state === 'sent' ? 'Test message sent' : d.lastError)
    } catch (err) {
      toast('error', (err as Error).message)
    }
    reload()
  }

  return (
    <section aria-labelledby="channels-h">
      <div className="toolbar">
        <h2 id="channels-h">Alert channels</h2>
        <button type="button" className="button" onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'Add channel'}
        </button>
      </div>
      <p className="muted small">
        Desktop notifications are always on. Channels get one message per scan that drifted, once per failing
        rule (no repeats while it stays failing); their secrets are kept in the vault.
      </p>
      {adding && (
        <ChannelForm
          onSaved={() => {
            setAdding(false)
            reload()
          }}
        />
      )}
      {channels.length > 0 && (
        <table className="table" aria-label="Alert channels">
          <tbody>
            {channels.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td className="muted">{CHANNEL_LABELS[c.kind]}</td>
                <td className="small">
                  {c.throttleMinutes ? `at most every ${c.throttleMinutes} min per target` : ''}
                </td>
                <td className="row-actions">
                  <button type="button" className="button small" onClick={() => void test(c.id)}>
                    Send test
                  </button>
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => void api.invoke('alerts.channels.remove', { id: c.id }).then(reload)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.length > 0 && (
        <>
          <h3>Delivery log</h3>
          <table className="table" aria-label="Delivery log">
            <tbody>
              {log.map((d) => (
                <tr key={d.id}>
                  <td className="small">{new Date(d.sentAt ?? d.createdAt).toLocaleString()}</td>
                  <td>{names.get(d.channelId) ?? d.channelId}</td>
                  <td>
                    {d.test ? 'test' : `${d.eventIds.length} event${d.eventIds.length === 1 ? '' : 's'}`}
                  </td>
                  <td>
                    <span
                      className={`status status-${d.state === 'sent' ? 'pass' : d.state === 'failed' ? 'fail' : 'error'}`}
                    >
                      {d.state}
                    </span>{' '}
                    <span className="muted small">
                      {d.attempts} attempt{d.attempts === 1 ? '' : 's'} {d.lastError && `· ${d.lastError}`}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

function ChannelForm({ onSaved }: { onSaved(): void }) {
  const toast = useStore((s) => s.toast)
  const [kind, setKind] = useState<(typeof ALERT_CHANNEL_KINDS)[number]>('webhook')
  const [name, setName] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const [secret, setSecret] = useState('')
  const [throttle, setThrottle] = useState('0')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const f = (k: string) => fields[k] ?? ''
  const set = (k: string) => (e: { target: { value: string } }) =>
    setFields({ ...fields, [k]: e.target.value })

  async function submit(e: FormEvent) {
    e.preventDefault()
    setErrors({})
    const config: Record<string, unknown> =
      kind === 'webhook'
        ? { url: f('url') }
        : kind === 'github-issue'
          ? { repo: f('repo'), ...(f('apiBaseUrl') && { apiBaseUrl: f('apiBaseUrl') }) }
          : kind === 'email'
            ? {
                host: f('host'),
                port: f('port') || 587,
                security: f('security') || 'starttls',
                username: f('username'),
                from: f('from'),
                to: f('to')
                  .split(/[\s,]+/)
                  .filter(Boolean),
              }
            : {}
    try {
      await api.invoke('alerts.channels.save', {
        kind,
        name,
        config,
        ...(secret && { secret }),
        throttleMinutes: Number(throttle) || 0,
      })
      toast('info', 'Alert channel saved')
      onSaved()
    } catch (err) {
      const e2 = err as Error & { issues?: { path: string; message: string }[] }
      setErrors(Object.fromEntries((e2.issues ?? []).map((i) => [i.path, i.message])))
      toast('error', e2.message)
    }
  }
  const err = (p: string) => errors[p] && <span className="field-error">{errors[p]}</span>
  const secretLabel =
    kind === 'webhook'
      ? 'Signing key (HMAC-SHA256)'
      : kind === 'slack'
        ? 'Slack webhook URL'
        : kind === 'email'
          ? 'SMTP password'
          : 'GitHub token'

  return (
    <form
      className="form panel-lite watch-form"
      onSubmit={(e) => void submit(e)}
      aria-label="New alert channel"
    >
      <div className="grid">
        <label className="field">
          <span className="label">Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            {ALERT_CHANNEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {CHANNEL_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} />
          {err('name')}
        </label>
        {kind === 'webhook' && (
          <label className="field">
            <span className="label">URL</span>
            <input value={f('url')} onChange={set('url')} placeholder="https://example.com/driftwatch" />
            {err('config.url')}
          </label>
        )}
        {kind === 'github-issue' && (
          <>
            <label className="field">
              <span className="label">Repository (owner/name)</span>
              <input value={f('repo')} onChange={set('repo')} />
              {err('config.repo')}
            </label>
            <label className="field">
              <span className="label">API base URL (GitHub Enterprise Server)</span>
              <input
                value={f('apiBaseUrl')}
                onChange={set('apiBaseUrl')}
                placeholder="https://api.github.com"
              />
              {err('config.apiBaseUrl')}
            </label>
          </>
        )}
        {kind === 'email' && (
          <>
            {(['host', 'port', 'username', 'from', 'to'] as const).map((k) => (
              <label className="field" key={k}>
                <span className="label">
                  {k === 'to' ? 'To (comma-separated)' : k[0]!.toUpperCase() + k.slice(1)}
                </span>
                <input value={f(k)} onChange={set(k)} />
                {err(`config.${k}`)}
              </label>
            ))}
            <label className="field">
              <span className="label">Security</span>
              <select value={f('security') || 'starttls'} onChange={set('security')}>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
                <option value="none">None (local relay only)</option>
              </select>
            </label>
          </>
        )}
        <label className="field">
          <span className="label">{secretLabel} — kept in the vault</span>
          <input
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
          {err('secret')}
        </label>
        <label className="field">
          <span className="label">Throttle (minutes between messages per target)</span>
          <input type="number" min={0} value={throttle} onChange={(e) => setThrottle(e.target.value)} />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary">
          Save channel
        </button>
      </div>
    </form>
  )
}
