// Rule packs as the renderer knows them: the packs a database kind can scan with, and one pack rule's text
// (description, rationale, remediation, query) for the rule-detail panel, each with its loading and error state.
import type { StateCreator } from 'zustand'
import type { Res, RulePackSummary } from '../../src-preload/contract'
import { api } from '../api/client'
import { keyedLoader, type Loadable } from './loadable'
import type { State } from './index'

export type PackRule = Res<'rules.rule'>

export interface RulesSlice {
  /** By target kind. */
  rulePacks: Record<string, Loadable<RulePackSummary[]>>
  /** By `${packId}/${ruleId}`. */
  packRules: Record<string, Loadable<PackRule>>
  loadRulePacks(kind: string): Promise<void>
  loadPackRule(packId: string, ruleId: string): Promise<void>
}

export const createRulesSlice: StateCreator<State, [['zustand/devtools', never]], [], RulesSlice> = (
  set,
  get,
) => {
  const packsLoader = keyedLoader(
    () => get().rulePacks,
    (rulePacks) => set({ rulePacks }),
  )
  const ruleLoader = keyedLoader(
    () => get().packRules,
    (packRules) => set({ packRules }),
  )
  return {
    rulePacks: {},
    packRules: {},
    // Custom packs are imported, replaced and removed while the app runs: both are read again when asked.
    loadRulePacks: (kind) => packsLoader(kind, async () => (await api.invoke('rules.list', { kind })).packs),
    loadPackRule: (packId, ruleId) =>
      ruleLoader(`${packId}/${ruleId}`, () => api.invoke('rules.rule', { packId, ruleId })),
  }
}

export const ruleSelectors = {
  packs: (kind: string) => (s: State) => s.rulePacks[kind],
  packRule: (packId: string, ruleId: string) => (s: State) => s.packRules[`${packId}/${ruleId}`],
}
