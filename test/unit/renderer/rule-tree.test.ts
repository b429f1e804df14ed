// The benchmark browser's tree: nesting, counts over a Group's whole subtree, search over references, and a
// filter that opens the Groups it matches in.
import { describe, expect, it } from 'vitest'
import { buildTree, flattenTree, ruleMatches } from '../../../src-renderer/lib/rule-tree'

const groups = [
  { id: 'sys', title: 'System', parentId: null },
  { id: 'ssh', title: 'SSH', parentId: 'sys' },
  { id: 'empty', title: 'Nothing here', parentId: 'sys' },
  { id: 'net', title: 'Network', parentId: null },
]
const rules = [
  { id: 'r_root', title: 'Disable root login', groupId: 'ssh', refs: ['CCE CCE-1-2', 'NIST-800-53 AC-6(2)'] },
  { id: 'r_idle', title: 'Idle timeout', groupId: 'ssh', refs: ['NIST-800-53 AC-12'] },
  { id: 'r_fw', title: 'Firewall on', groupId: 'net', refs: ['CIS 3.5.1'] },
  { id: 'r_top', title: 'Orphan', groupId: '', refs: [] },
]
const on = new Set(['r_root', 'r_fw'])
const selected = (r: { id: string }) => on.has(r.id)
const tree = buildTree(groups, rules)
const label = (rows: ReturnType<typeof flattenTree>) =>
  rows.map((r) => (r.type === 'group' ? `${r.group.id}:${r.selected}/${r.total}` : r.rule.id))

describe('rule tree', () => {
  it('nests Groups, counts selected/total over the subtree, hides empty Groups and closed subtrees', () => {
    const rows = flattenTree(tree, { query: '', selectedOnly: false, selected, open: new Set(['sys']) })
    expect(label(rows)).toEqual(['sys:1/2', 'ssh:1/2', 'net:1/1', 'r_top'])
    const all = flattenTree(tree, {
      query: '',
      selectedOnly: false,
      selected,
      open: new Set(['sys', 'ssh', 'net']),
    })
    expect(label(all)).toEqual(['sys:1/2', 'ssh:1/2', 'r_root', 'r_idle', 'net:1/1', 'r_fw', 'r_top'])
  })

  it('searches title, id, CCE and NIST references, opening the Groups above a match', () => {
    const byCce = flattenTree(tree, { query: 'cce-1-2', selectedOnly: false, selected, open: new Set() })
    expect(label(byCce)).toEqual(['sys:1/2', 'ssh:1/2', 'r_root'])
    expect(ruleMatches(rules[1]!, 'nist-800-53 ac-12')).toBe(true)
    expect(ruleMatches(rules[2]!, 'CIS 3.5')).toBe(true)
    expect(ruleMatches(rules[2]!, 'firewall off')).toBe(false)
  })

  it('"selected only" keeps the selected rules and their Groups', () => {
    const rows = flattenTree(tree, { query: '', selectedOnly: true, selected, open: new Set() })
    expect(label(rows)).toEqual(['sys:1/2', 'ssh:1/2', 'r_root', 'net:1/1', 'r_fw'])
  })

  it('finds the last of 5,000 rules by its CCE', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      id: `r${i}`,
      title: `Rule ${i}`,
      groupId: i % 2 ? 'ssh' : 'net',
      refs: [`CCE CCE-${i}`],
    }))
    const big = buildTree(groups, many)
    const rows = flattenTree(big, { query: 'cce-4999', selectedOnly: false, selected, open: new Set() })
    expect(label(rows).at(-1)).toBe('r4999')
  })
})
