// What the ARF reader makes of each element it meets, and which subtrees it skips (still checked) unread.

/** The role of an open element, kept on a stack while the ARF streams by. */
export type Kind =
  | 'other'
  | 'skip'
  | 'benchmark'
  | 'group'
  | 'bench-rule'
  | 'test-result'
  | 'rule-result'
  | 'target-facts'
  | 'capture'
  | 'oval'

/** Foreign content an ARF carries that results never come from: skipped (still checked) rather than built. */
export const SKIPPED_FOREIGN = new Set([
  'oval_definitions',
  'oval_results',
  'oval_system_characteristics',
  'ocil',
  'cpe-list',
  'Signature',
])
/** What the OVAL evidence reader needs when it shares the pass. */
export const OVAL_KEPT = new Set(['oval_results', 'oval_system_characteristics'])
/** Where every element the results need is XCCDF: anything else below is skipped. */
export const XCCDF_ONLY = new Set<Kind | undefined>([
  'benchmark',
  'group',
  'bench-rule',
  'test-result',
  'rule-result',
  'target-facts',
])

/**
 * The children each kind reads (any namespace; classify() still decides). The rest never reach a handler: a
 * benchmark rule's hundreds of thousands of references in a large ARF are skipped from their start tags on.
 */
export const WANTED_CHILDREN = {
  benchmark: new Set(['Group', 'Rule', 'TestResult']),
  group: new Set(['Group', 'Rule', 'TestResult']),
  'bench-rule': new Set(['title', 'ident']),
  'rule-result': new Set(['result', 'ident', 'message', 'check', 'complex-check', 'check-import']),
} satisfies Partial<Record<Kind, ReadonlySet<string>>>
export const RULE_RESULT_WITH_EVIDENCE = new Set([...WANTED_CHILDREN['rule-result'], 'check-content-ref'])
