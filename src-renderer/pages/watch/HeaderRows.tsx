// A webhook's extra HTTP headers as rows (name, value, "secret"): any number, added and removed. A secret value
// goes to the vault when the channel is saved and never comes back: a header already set shows "•••• set" and
// a Replace button, and is kept by its vault reference unless a new value is typed.
import type { ReactNode } from 'react'

export interface HeaderRow {
  /** Stable React key. */
  key: number
  name: string
  value: string
  secret: boolean
  /** The vault reference of a secret value already set (the value itself never reaches the page). */
  ref?: string
  /** A set secret being replaced: its value field is shown, empty. */
  replacing?: boolean
}

let nextKey = 1
export const emptyRow = (): HeaderRow => ({ key: nextKey++, name: '', value: '', secret: false })

/** The rows of a saved channel's headers: text values as they are, secret ones by reference only. */
export function rowsOf(headers: unknown): HeaderRow[] {
  if (!headers || typeof headers !== 'object') return []
  return Object.entries(headers as Record<string, unknown>).map(([name, v]) =>
    typeof v === 'string'
      ? { key: nextKey++, name, value: v, secret: false }
      : { key: nextKey++, name, value: '', secret: true, ref: (v as { vault: string }).vault },
  )
}

/** The request's headers (text, and kept secrets by reference) and the secret values to seal. */
export function headersRequest(rows: HeaderRow[]): {
  headers?: Record<string, string | { vault: string }>
  headerSecrets?: Record<string, string>
} {
  const headers: Record<string, string | { vault: string }> = {}
  const headerSecrets: Record<string, string> = {}
  for (const r of rows) {
    const name = r.name.trim()
    if (!name && !r.value) continue
    if (!r.secret) headers[name] = r.value.trim()
    else if (r.ref && !r.replacing) headers[name] = { vault: r.ref }
    // An empty secret is sent as it is, for the core to refuse under its name.
    else headerSecrets[name] = r.value
  }
  return {
    ...(Object.keys(headers).length && { headers }),
    ...(Object.keys(headerSecrets).length && { headerSecrets }),
  }
}

export function HeaderRows({
  rows,
  onChange,
  errors,
}: {
  rows: HeaderRow[]
  onChange(rows: HeaderRow[]): void
  /** The issues of a header, by its name (config.headers.NAME or headerSecrets.NAME). */
  errors(name: string): ReactNode
}) {
  const update = (key: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)))
  return (
    <fieldset className="field header-rows">
      <legend className="label">Headers (secret values are kept in the vault)</legend>
      {rows.map((r, i) => {
        const n = i + 1
        const set = r.secret && r.ref && !r.replacing
        return (
          <div key={r.key} className="header-row" role="group" aria-label={`Header ${n}`}>
            <input
              aria-label={`Header ${n} name`}
              placeholder="X-Api-Key"
              value={r.name}
              onChange={(e) => update(r.key, { name: e.target.value })}
            />
            {set ? (
              <span className="header-set">
                <span className="muted">•••• set</span>{' '}
                <button
                  type="button"
                  className="button small"
                  onClick={() => update(r.key, { replacing: true, value: '' })}
                  aria-label={`Replace header ${n} value`}
                >
                  Replace
                </button>
              </span>
            ) : (
              <input
                aria-label={`Header ${n} value`}
                type={r.secret ? 'password' : 'text'}
                autoComplete="off"
                placeholder={r.secret ? (r.ref ? 'new value' : 'kept in the vault') : 'security'}
                value={r.value}
                onChange={(e) => update(r.key, { value: e.target.value })}
              />
            )}
            <label className="check">
              <input
                type="checkbox"
                aria-label={`Header ${n} secret`}
                checked={r.secret}
                // A set secret stays secret: turning it into text would need its value, which the page never has.
                disabled={Boolean(r.ref)}
                onChange={(e) => update(r.key, { secret: e.target.checked, value: '' })}
              />{' '}
              Secret
            </label>
            <button
              type="button"
              className="button small"
              aria-label={`Remove header ${n}`}
              onClick={() => onChange(rows.filter((x) => x.key !== r.key))}
            >
              Remove
            </button>
            {r.name.trim() && errors(r.name.trim())}
          </div>
        )
      })}
      <div>
        <button type="button" className="button small" onClick={() => onChange([...rows, emptyRow()])}>
          Add header
        </button>
      </div>
      {errors('')}
    </fieldset>
  )
}
