// The caps every SCAP content reader (datastream, ARF) takes, so a hostile or broken file costs bounded time
// and memory.
import { XML_DEFAULT_LIMITS } from './xml-reader'

/** Caps that keep a hostile or broken file from costing more than bounded time and memory. */
export interface Limits {
  maxBytes?: number
  maxDepth?: number
  maxElements?: number
  maxAttributeLength?: number
  maxTextLength?: number
  maxBenchmarks?: number
  maxProfiles?: number
  maxGroups?: number
  maxRules?: number
  maxValues?: number
}

export const DEFAULT_LIMITS: Required<Limits> = {
  ...XML_DEFAULT_LIMITS,
  maxBenchmarks: 64,
  maxProfiles: 10_000,
  maxGroups: 100_000,
  maxRules: 200_000,
  maxValues: 100_000,
}
