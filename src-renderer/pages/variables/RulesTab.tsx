// The "Rules" tab: search the profile's rules, select or unselect each, and refine its severity.
import { useState } from 'react'
import { SEVERITIES } from '../../../src-preload/contract'
import type { ProfileData } from '../../stores/content-slice'
import { short, type Changes } from './changes'
import { RuleDetail } from './RuleDetail'

type Rule = ProfileData['rules'][number]

export function RulesTab(props: {
  sha256: string
  rules: Rule[]
  changes: Changes
  selected(r: Rule): boolean
  onToggle(r: Rule, on: boolean): void
  onSeverity(r: Rule, sev: (typeof SEVERITIES)[number]): void
}) {
  const [query, setQuery] = useState('')
  const q = query.toLowerCase()
  const rules = props.rules.filter(
    (r) => !q || r.title.toLowerCase().includes(q) || r.id.toLowerCase().includes(q),
  )
  return (
    <>
      <div className="toolbar">
        <label className="search">
          <span className="sr-only">Search rules</span>
          <input
            type="search"
            placeholder="Search rules"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <span className="muted small">{rules.length} rules</span>
      </div>
      <table className="table" aria-label="Rules">
        <thead>
          <tr>
            <th scope="col">Selected</th>
            <th scope="col">Rule</th>
            <th scope="col">Severity</th>
          </tr>
        </thead>
        <tbody>
          {rules.slice(0, 300).map((r) => (
            <tr
              key={r.id}
              data-rule={short(r.id)}
              className={props.changes.selects[r.id] !== undefined ? 'changed' : ''}
            >
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${r.title}`}
                  checked={props.selected(r)}
                  onChange={(e) => props.onToggle(r, e.target.checked)}
                />
              </td>
              <th scope="row">
                <RuleDetail sha256={props.sha256} id={r.id} title={r.title} />
                <div className="muted small mono">{short(r.id)}</div>
              </th>
              <td>
                <select
                  aria-label={`Severity of ${r.title}`}
                  value={props.changes.refineRules[r.id] ?? r.severity}
                  onChange={(e) => props.onSeverity(r, e.target.value as (typeof SEVERITIES)[number])}
                >
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rules.length > 300 && <p className="muted small">Showing 300 of {rules.length}; search to narrow.</p>}
    </>
  )
}
