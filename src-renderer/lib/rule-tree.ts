// The benchmark browser's tree as data: XCCDF Groups nested as in the datastream, each with its rules and its
// selected/total counts, filtered by a search (title, rule id, CCE, NIST, CIS…) and "selected only", then
// flattened to the rows on screen (a collapsed Group hides its subtree; a filter opens every Group it matches in).

export interface TreeRule {
  id: string
  title: string
  groupId: string
  refs: string[]
}
export interface TreeGroup {
  id: string
  title: string
  parentId: string | null
}

export type TreeRow<R extends TreeRule> =
  | { type: 'group'; group: TreeGroup; depth: number; selected: number; total: number; open: boolean }
  | { type: 'rule'; rule: R; depth: number }

interface Node<R> {
  group: TreeGroup
  children: Node<R>[]
  rules: R[]
}

/** Whether a rule matches a search: every word appears in its title, id or one of its references. */
export function ruleMatches(r: TreeRule, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return true
  const hay = `${r.title}\n${r.id}\n${r.refs.join('\n')}`.toLowerCase()
  return words.every((w) => hay.includes(w))
}

const ROOT: TreeGroup = { id: '', title: '', parentId: null }

/** The Group tree; rules whose Group is unknown (or none) sit at the top, under no Group. */
export function buildTree<R extends TreeRule>(groups: TreeGroup[], rules: R[]): Node<R> {
  const root: Node<R> = { group: ROOT, children: [], rules: [] }
  const nodes = new Map<string, Node<R>>([['', root]])
  for (const g of groups) nodes.set(g.id, { group: g, children: [], rules: [] })
  for (const g of groups) (nodes.get(g.parentId ?? '') ?? root).children.push(nodes.get(g.id)!)
  for (const r of rules) (nodes.get(r.groupId) ?? root).rules.push(r)
  return root
}

export interface FlattenOptions<R> {
  query: string
  selectedOnly: boolean
  selected(r: R): boolean
  /** Groups the person opened (by id); ignored while a filter is on, when every matching Group is open. */
  open: ReadonlySet<string>
}

/** The rows to show, in document order, with each Group's counts over its whole subtree (unfiltered). */
export function flattenTree<R extends TreeRule>(root: Node<R>, o: FlattenOptions<R>): TreeRow<R>[] {
  const filtering = o.query.trim() !== '' || o.selectedOnly
  const keep = (r: R) => (!o.selectedOnly || o.selected(r)) && ruleMatches(r, o.query)
  const out: TreeRow<R>[] = []
  // Returns [selected, total, kept] for the subtree; rows are written after the counts are known.
  const walk = (
    n: Node<R>,
    depth: number,
  ): { rows: TreeRow<R>[]; selected: number; total: number; kept: number } => {
    const rows: TreeRow<R>[] = []
    let selected = 0
    let total = 0
    let kept = 0
    const isOpen = n === root || filtering || o.open.has(n.group.id)
    const childDepth = n === root ? depth : depth + 1
    for (const c of n.children) {
      const sub = walk(c, childDepth)
      selected += sub.selected
      total += sub.total
      kept += sub.kept
      if (isOpen && sub.total > 0 && (!filtering || sub.kept > 0)) rows.push(...sub.rows)
    }
    for (const r of n.rules) {
      total++
      if (o.selected(r)) selected++
      if (!keep(r)) continue
      kept++
      if (isOpen) rows.push({ type: 'rule', rule: r, depth: childDepth })
    }
    if (n === root) return { rows, selected, total, kept }
    const head: TreeRow<R> = { type: 'group', group: n.group, depth, selected, total, open: isOpen }
    return { rows: [head, ...rows], selected, total, kept }
  }
  out.push(...walk(root, 0).rows)
  return out
}
