// The Watch page's alert channel form (add one, or edit one): the kind of alert channel, its settings, its
// secret and a webhook's secret header values (which go to the vault and never come back to the page).
import { useState, type FormEvent } from 'react'
import { ALERT_CHANNEL_KINDS, type AlertChannelView } from '../../../src-preload/contract'
import { emptyRow, HeaderRows, headersRequest, rowsOf, type HeaderRow } from './HeaderRows'
import { useStore } from '../../stores'
import { errorText, fieldIssues } from '../../stores/loadable'

export const CHANNEL_LABELS: Record<(typeof ALERT_CHANNEL_KINDS)[number], string> = {
  webhook: 'Webhook (signed JSON)',
  slack: 'Slack incoming webhook',
  'github-issue': 'GitHub issue',
  email: 'E-mail (SMTP)',
}

/** A saved channel's settings as the form's text fields. */
function fieldsOf(c: AlertChannelView | undefined): Record<string, string> {
  if (!c) return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(c.config))
    if (k !== 'headers' && v !== undefined && v !== null)
      out[k] = Array.isArray(v) ? v.join(', ') : String(v as string | number)
  return out
}

export function ChannelForm({ onSaved, channel }: { onSaved(): void; channel?: AlertChannelView }) {
  const toast = useStore((s) => s.toast)
  const saveChannel = useStore((s) => s.saveAlertChannel)
  const [busy, setBusy] = useState(false)
  const [kind, setKind] = useState<(typeof ALERT_CHANNEL_KINDS)[number]>(channel?.kind ?? 'webhook')
  const [name, setName] = useState(channel?.name ?? '')
  const [fields, setFields] = useState<Record<string, string>>(() => fieldsOf(channel))
  const [secret, setSecret] = useState('')
  const [throttle, setThrottle] = useState(String(channel?.throttleMinutes ?? 0))
  const [headers, setHeaders] = useState<HeaderRow[]>(() => {
    const saved = rowsOf(channel?.config.headers)
    return saved.length ? saved : [emptyRow()]
  })
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
    // The check filter every kind takes.
    const list = (v: string) => v.split(/[\s,]+/).filter(Boolean)
    if (f('checks').trim()) config.checks = list(f('checks'))
    if (f('excludeChecks').trim()) config.excludeChecks = list(f('excludeChecks'))
    if (f('minSeverity')) config.minSeverity = f('minSeverity')
    const h = kind === 'webhook' ? headersRequest(headers) : {}
    if (h.headers) config.headers = h.headers
    setBusy(true)
    try {
      await saveChannel({
        ...(channel && { id: channel.id, enabled: channel.enabled }),
        kind,
        name,
        config,
        ...(secret && { secret }),
        ...(h.headerSecrets && { headerSecrets: h.headerSecrets }),
        throttleMinutes: Number(throttle) || 0,
      })
      toast('info', 'Alert channel saved')
      onSaved()
    } catch (err) {
      setErrors(fieldIssues(err))
      toast('error', `Channel not saved: ${errorText(err)}`)
    } finally {
      setBusy(false)
    }
  }
  const err = (p: string) => errors[p] && <span className="field-error">{errors[p]}</span>
  // A header's issue is keyed by its name (config.headers.Host, headerSecrets.X-Api-Key): shown on its row; the
  // rest (a header no row names any more, the headers as a whole) under the rows.
  const rowNames = new Set(headers.map((r) => r.name.trim()).filter(Boolean))
  const headerErrors = (header: string) =>
    Object.entries(errors)
      .filter(([k]) => {
        const m = /^(?:config\.headers|headerSecrets)(?:\.(.*))?$/.exec(k)
        return m && (header ? m[1] === header : !m[1] || !rowNames.has(m[1]))
      })
      .map(([k, m]) => (
        <span className="field-error" key={k}>
          {m}
        </span>
      ))
  const errUnder = (prefix: string) =>
    Object.entries(errors)
      .filter(([k]) => k === prefix || k.startsWith(`${prefix}.`))
      .map(([k, m]) => (
        <span className="field-error" key={k}>
          {m}
        </span>
      ))
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
      aria-label={channel ? `Edit alert channel ${channel.name}` : 'New alert channel'}
    >
      <div className="grid">
        <label className="field">
          <span className="label">Kind</span>
          <select
            value={kind}
            disabled={Boolean(channel)}
            onChange={(e) => setKind(e.target.value as typeof kind)}
          >
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
        {kind === 'webhook' && <HeaderRows rows={headers} onChange={setHeaders} errors={headerErrors} />}
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
            placeholder={channel?.credentialId ? '•••• set (type to replace)' : ''}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
          {err('secret')}
        </label>
        <label className="field">
          <span className="label">Only these checks (rule id patterns, comma-separated)</span>
          <input value={f('checks')} onChange={set('checks')} placeholder="pg-*, branch-protection" />
          {errUnder('config.checks')}
        </label>
        <label className="field">
          <span className="label">Leave out these checks</span>
          <input value={f('excludeChecks')} onChange={set('excludeChecks')} />
          {errUnder('config.excludeChecks')}
        </label>
        <label className="field">
          <span className="label">Lowest rule severity</span>
          <select value={f('minSeverity')} onChange={set('minSeverity')}>
            <option value="">Any</option>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </label>
        <label className="field">
          <span className="label">Throttle (minutes between messages per target)</span>
          <input type="number" min={0} value={throttle} onChange={(e) => setThrottle(e.target.value)} />
        </label>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save channel'}
        </button>
      </div>
    </form>
  )
}
