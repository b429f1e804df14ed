// The Watch page's alert channels: the channels that carry drift alerts (send a test, remove, add one) and the
// log of their recent deliveries.
import { useEffect, useState } from 'react'
import { useStore } from '../../stores'
import { alertSelectors } from '../../stores/alerts-slice'
import { ChannelForm, CHANNEL_LABELS } from './ChannelForm'
import { when } from '../../../src-preload/dates'
import { LoadFailed } from '../../components/LoadFailed'

/** A webhook's headers in the list: text values as they are, secret ones by name only. */
function headerSummary(headers: unknown): string {
  if (!headers || typeof headers !== 'object') return ''
  return Object.entries(headers as Record<string, unknown>)
    .map(([k, v]) => (typeof v === 'string' ? `${k}: ${v}` : `${k}: •••• set`))
    .join(' · ')
}

export function AlertChannels() {
  const loaded = useStore(alertSelectors.channels)
  const load = useStore((s) => s.loadAlertChannels)
  const test = useStore((s) => s.testAlertChannel)
  const remove = useStore((s) => s.removeAlertChannel)
  const [adding, setAdding] = useState(false)
  const [editing, setEditing] = useState<string | null>(null)
  useEffect(() => {
    void load()
  }, [load])
  const channels = loaded.data?.channels ?? []
  const log = loaded.data?.deliveries ?? []
  const names = new Map(channels.map((c) => [c.id, c.name]))

  return (
    <section aria-labelledby="channels-h" aria-busy={loaded.state === 'loading'}>
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
      {loaded.state === 'error' && (
        <LoadFailed
          what="Could not load the alert channels"
          error={loaded.error}
          onRetry={() => void load()}
        />
      )}
      {loaded.state === 'loading' && !loaded.data && <p className="muted">Loading the alert channels…</p>}
      {adding && <ChannelForm onSaved={() => setAdding(false)} />}
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
                <td className="small">{headerSummary(c.config.headers)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Edit ${c.name}`}
                    onClick={() => setEditing(editing === c.id ? null : c.id)}
                  >
                    {editing === c.id ? 'Cancel' : 'Edit'}
                  </button>
                  <button type="button" className="button small" onClick={() => void test(c.id)}>
                    Send test
                  </button>
                  <button type="button" className="button small danger" onClick={() => void remove(c.id)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && channels.some((c) => c.id === editing) && (
        <ChannelForm
          key={editing}
          channel={channels.find((c) => c.id === editing)}
          onSaved={() => setEditing(null)}
        />
      )}
      {log.length > 0 && (
        <>
          <h3>Delivery log</h3>
          <table className="table" aria-label="Delivery log">
            <tbody>
              {log.map((d) => (
                <tr key={d.id}>
                  <td className="small">{when(d.sentAt ?? d.createdAt)}</td>
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
