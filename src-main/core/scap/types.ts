// What Driftwatch knows of SCAP content: a benchmark's profiles, groups, rules and Values (XCCDF 1.2),
// as plain data read from a source datastream, and a tailoring as the changes an auditor made to a profile.

export type Severity = 'unknown' | 'info' | 'low' | 'medium' | 'high'
export type ValueType = 'number' | 'string' | 'boolean'
export type ValueOperator =
  | 'equals'
  | 'not equal'
  | 'greater than'
  | 'less than'
  | 'greater than or equal'
  | 'less than or equal'
  | 'pattern match'

export interface Reference {
  /** e.g. 'CCE', 'NIST-800-53', 'CIS', 'STIG', 'DISA-SRG', 'other' */
  system: string
  id: string
  href?: string
}

export interface XccdfValue {
  id: string
  title: string
  description: string
  type: ValueType
  operator: ValueOperator
  interactive: boolean
  /** The unselected <value> (no selector attribute), or '' when there is none. */
  default: string
  /** selector name → value, in document order (e.g. '5_minutes' → '300'). */
  selectors: { selector: string; value: string }[]
  lowerBound?: number
  upperBound?: number
  /** <match> pattern (a regular expression) a string must satisfy. */
  match?: string
  /** Ids of the rules whose checks use this Value (check-export value-id). */
  usedBy: string[]
}

export interface XccdfRule {
  id: string
  title: string
  severity: Severity
  /** Sanitised plain text: markup removed, never HTML. */
  description: string
  rationale: string
  references: Reference[]
  /** Ids of Values the rule's checks export. */
  values: string[]
  /** Remediation snippets (shell and Ansible), Values shown as [value_id]; absent in content imported before. */
  fixes?: RuleFix[]
  selectedByDefault: boolean
  groupId: string
}

export interface RuleFix {
  system: 'bash' | 'ansible'
  text: string
}

export interface XccdfGroup {
  id: string
  title: string
  parentId: string | null
}

export interface XccdfProfile {
  id: string
  title: string
  description: string
  /** Rule (and group) ids the profile selects (select selected="true"), after its own unselects. */
  selected: string[]
  /** refine-value: Value id → selector name. */
  refineValues: Record<string, string>
  /** set-value: Value id → literal value. */
  setValues: Record<string, string>
  /** refine-rule: rule id → severity override. */
  refineRules: Record<string, { severity?: Severity }>
  extends?: string
  /** Ids the profile unselects (select selected="false"): what a profile that extends another takes away. */
  unselected?: string[]
}

export interface Benchmark {
  id: string
  title: string
  version: string
  /**
   * The ds:data-stream that lists the benchmark's component (`oscap --datastream-id`); the component id
   * when no data-stream references it; '' for a plain XCCDF file.
   */
  datastreamId: string
  /** The ds:component holding the benchmark. */
  componentId?: string
  /** The data-stream's checklist component-ref id (`oscap --xccdf-id`). */
  componentRefId?: string
  profiles: XccdfProfile[]
  groups: XccdfGroup[]
  rules: XccdfRule[]
  values: XccdfValue[]
}

export interface ParsedDatastream {
  /** SHA-256 of the file's bytes (content addressing). */
  sha256: string
  bytes: number
  scapVersion: string
  benchmarks: Benchmark[]
}

/** An auditor's changes to one profile, saved under a name; written out as an XCCDF 1.2 Tailoring. */
export interface Tailoring {
  /** e.g. xccdf_org.example_profile_standard_customized */
  profileId: string
  profileTitle: string
  extends: string
  /** Value id → selector name (refine-value). */
  refineValues: Record<string, string>
  /** Value id → literal value (set-value). */
  setValues: Record<string, string>
  /** Rule or group id → selected. */
  selects: Record<string, boolean>
  /** Rule id → severity (refine-rule). */
  refineRules: Record<string, Severity>
  /** The benchmark the tailoring applies to (its href in the tailoring file). */
  benchmarkHref: string
  version: string
  /** Tailoring document id (xccdf_<reverse-dns>_tailoring_<name>); derived from profileId when absent. */
  id?: string
  /** xs:dateTime the version was completed (the file's required version@time); the caller supplies it. */
  versionTime?: string
  profileDescription?: string
  /** Optional id and version attributes of the file's <benchmark> reference. */
  benchmarkId?: string
  benchmarkVersion?: string
  /** What an imported file held that a Tailoring cannot carry (e.g. a refine-rule weight); never written. */
  dropped?: string[]
}

export class ScapError extends Error {
  constructor(
    readonly code: 'doctype' | 'too_large' | 'too_deep' | 'too_many' | 'malformed' | 'not_scap' | 'invalid',
    message: string,
  ) {
    super(message)
    this.name = 'ScapError'
  }
}
