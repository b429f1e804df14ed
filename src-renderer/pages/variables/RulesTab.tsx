// The "Rules" tab, a benchmark browser: the benchmark's Group tree with selected/total counts per Group, a
// search over title, rule id and references (CCE, NIST, CIS…), "selected only", and every rule reachable.
// Rows are rendered a page at a time as the list scrolls into view, so a 1,500-rule benchmark stays smooth.
import { useEffect, useMemo, useRef, useState } from 'react'
import { SEVERITIES } from '../../../src-preload/contract'
import type { ProfileData } from '../../stores/content-slice'
import { buildTree, flattenTree, type TreeGroup } from '../../lib/rule-tree'
import { short, type Changes } from './changes'
import { RuleDetail } from './RuleDetail'

type Rule = ProfileData['rules'][number]
const PAGE = 150

export function RulesTab(props: {
  sha256: string
  rules: Rule[]
  groups: TreeGroup[]
  changes: Changes
  selected(r: Rule): boolean
  onToggle(r: Rule, on: boolean): void
  onSeverity(r: Rule, sev: (typeof SEVERITIES)[number]): void
}) {
  const [query, setQuery] = useState('')
  const [selectedOnly, setSelectedOnly] = useState(false)
  // The top-level Groups start open, so the first screen shows the benchmark's outline.
  const [open, setOpen] = useState<ReadonlySet<string>>(
    () => new Set(props.groups.filter((g) => !g.parentId).map((g) => g.id)),
  )
  const [shown, setShown] = useState(PAGE)
  const tree = useMemo(() => buildTree(props.groups, props.rules), [props.groups, props.rules])
  const { selected } = props
  const rows = useMemo(
    () => flattenTree(tree, { query, selectedOnly, selected, open }),
    [tree, query, selectedOnly, selected, open],
  )
  const matching = rows.filter((r) => r.type === 'rule').length
  const filtering = query.trim() !== '' || selectedOnly
  const more = useRef<HTMLTableRowElement>(null)

  useEffect(() => {
    const el = more.current
    if (!el) return
    const io = new IntersectionObserver((e) => {
      if (e.some((x) => x.isIntersecting)) setShown((n) => n + PAGE)
    })
    io.observe(el)
    return () => io.disconnect()
  }, [shown, rows.length])

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  return (
    <>
      <div className="toolbar">
        <label className="search">
          <span className="sr-only">Search rules</span>
          <input
            type="search"
            placeholder="Search title, rule id, CCE, NIST or CIS reference"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value)
              setShown(PAGE)
            }}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={selectedOnly}
            onChange={(e) => {
              setSelectedOnly(e.target.checked)
              setShown(PAGE)
            }}
          />{' '}
          Selected only
        </label>
        <span className="muted small" aria-live="polite">
          {filtering
            ? `${matching} of ${props.rules.length} rules match`
            : `${props.rules.length} rules in ${props.groups.length} groups`}
        </span>
      </div>
      <table className="table rule-tree" aria-label="Rules">
        <thead>
          <tr>
            <th scope="col">Selected</th>
            <th scope="col">Rule</th>
            <th scope="col">Severity</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, shown).map((row) =>
            row.type === 'group' ? (
              <tr
                key={`g:${row.group.id}`}
                className="group-row"
                data-group={short(row.group.id)}
                data-depth={row.depth}
              >
                <td className="count" aria-label={`${row.selected} of ${row.total} selected`}>
                  {row.selected}/{row.total}
                </td>
                <th scope="row" colSpan={2} style={{ paddingLeft: `${0.5 + row.depth * 1.1}rem` }}>
                  <button
                    type="button"
                    className="tree-toggle"
                    aria-expanded={row.open}
                    disabled={filtering}
                    onClick={() => toggle(row.group.id)}
                  >
                    <span aria-hidden="true">{row.open ? '▾' : '▸'}</span>{' '}
                    {row.group.title || short(row.group.id)}
                  </button>
                </th>
              </tr>
            ) : (
              <tr
                key={row.rule.id}
                data-rule={short(row.rule.id)}
                className={props.changes.selects[row.rule.id] !== undefined ? 'changed' : ''}
              >
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${row.rule.title}`}
                    checked={props.selected(row.rule)}
                    onChange={(e) => props.onToggle(row.rule, e.target.checked)}
                  />
                </td>
                <th scope="row" style={{ paddingLeft: `${0.5 + row.depth * 1.1}rem` }}>
                  <RuleDetail sha256={props.sha256} id={row.rule.id} title={row.rule.title} />
                  <div className="muted small mono">
                    {short(row.rule.id)}
                    {row.rule.refs
                      .filter((x) => x.startsWith('CCE '))
                      .map((x) => (
                        <span key={x}> · {x.slice(4)}</span>
                      ))}
                  </div>
                </th>
                <td>
                  <select
                    aria-label={`Severity of ${row.rule.title}`}
                    value={props.changes.refineRules[row.rule.id] ?? row.rule.severity}
                    onChange={(e) =>
                      props.onSeverity(row.rule, e.target.value as (typeof SEVERITIES)[number])
                    }
                  >
                    {SEVERITIES.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ),
          )}
          {rows.length > shown && (
            <tr ref={more}>
              <td colSpan={3} className="muted small">
                Loading more… ({rows.length - shown} rows below)
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {rows.length === 0 && (
        <p className="muted">
          {selectedOnly && !query ? 'No rule is selected.' : `No rule matches “${query}”.`}
        </p>
      )}
    </>
  )
}
