// The Watch page's "Add channel" form: the kind of alert channel, its settings, and its secret (which goes
// to the vault and never comes back to the page).
import { useState, type FormEvent } from 'react'
import { ALERT_CHANNEL_KINDS } from '../../../src-preload/contract'
import { useStore } from '../../stores'
import { errorText, fieldIssues } from '../../stores/loadable'

export const CHANNEL_LABELS: Record<(typeof ALERT_CHANNEL_KINDS)[number], string> = {
  webhook: 'Webhook (signed JSON)',
  slack: 'Slack incoming webhook',
  'github-issue': 'GitHub issue',
  email: 'E-mail (SMTP)',
}

/** "Name: value" lines into headers (a line without a colon is kept whole as a name, for the core to refuse). */
function headerLines(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const at = line.indexOf(':')
    if (at < 0) out[line] = ''
    else out[line.slice(0, at).trim()] = line.slice(at + 1).trim()
  }
  return out
}

export function ChannelForm({ onSaved }: { onSaved(): void }) {
  const toast = useStore((s) => s.toast)
  const saveChannel = useStore((s) => s.saveAlertChannel)
  const [busy, setBusy] = useState(false)
  const [kind, setKind] = useState<(typeof ALERT_CHANNEL_KINDS)[number]>('webhook')
  const [name, setName] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const [secret, setSecret] = useState('')
  const [throttle, setThrottle] = useState('0')
  const [headerSecret, setHeaderSecret] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const f = (k: string) => fields[k] ?? ''
  const set = (k: string) => (e: { target: { value: string } }) =>
    setFields({ ...fields, [k]: e.target.value })

  async function submit(e: FormEvent) {
    e.preventDefault()
    setErrors({})
    const config: Record<string, unknown> =
      kind === 'webhook'
        ? { url: f('url'), ...(f('headers').trim() && { headers: headerLines(f('headers')) }) }
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
    const secretHeader = kind === 'webhook' && f('secretHeaderName').trim()
    setBusy(true)
    try {
      await saveChannel({
        kind,
        name,
        config,
        ...(secret && { secret }),
        ...(secretHeader && { headerSecrets: { [secretHeader]: headerSecret } }),
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
  // A header's issue is keyed by its name (config.headers.Host): shown under the headers box.
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
        {kind === 'webhook' && (
          <>
            <label className="field">
              <span className="label">Headers (one per line, Header: value; not secret)</span>
              <textarea
                rows={2}
                value={f('headers')}
                onChange={set('headers')}
                placeholder="X-Team: security"
              />
              {errUnder('config.headers')}
            </label>
            <label className="field">
              <span className="label">Secret header</span>
              <input
                value={f('secretHeaderName')}
                onChange={set('secretHeaderName')}
                placeholder="X-Api-Key"
              />
              {errUnder('headerSecrets')}
            </label>
            <label className="field">
              <span className="label">Its value — kept in the vault</span>
              <input
                type="password"
                autoComplete="off"
                value={headerSecret}
                onChange={(e) => setHeaderSecret(e.target.value)}
              />
            </label>
          </>
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
