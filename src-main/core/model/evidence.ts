// What a check found on a target, as data and in words: the thing examined, what was there, and what the rule
// held it against. OS rules get these from the OVAL results in their ARF; the app and every export show them.

export interface EvidenceCheck {
  /** What was examined: a file path, "package aide", "kernel parameter kernel.randomize_va_space". */
  subject: string
  /** The setting read within it (PermitRootLogin, PASS_MIN_LEN); '' when the check reads no named setting. */
  setting: string
  /** What was found, each item in words ("PermitRootLogin yes", "mode 0644, owner uid 0"); [] when nothing. */
  found: string[]
  /** How many items were found in all, when more than `found` lists. */
  foundCount: number
  /** What nothing found means here ("no line sets PermitRootLogin", "not installed"); '' when items were found. */
  missing: string
  /** What it was held against ("no", "installed", "mode 0600 or stricter"); '' when the check states nothing. */
  expected: string
  /** Whether this check held as the scanner evaluated it; null when it errored or was not evaluated. */
  holds: boolean | null
  /** The sentence a person reads: "/etc/ssh/sshd_config: PermitRootLogin yes; expected no". */
  text: string
}

/** One sentence per check, as the exports print a rule's evidence. */
export const evidenceText = (checks: readonly EvidenceCheck[]): string => checks.map((c) => c.text).join('\n')
