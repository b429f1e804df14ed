// What each export says a result found, in words: an OS rule's evidence sentences (file, setting, package,
// found and expected), or a database or GitHub check's value found against the value expected, and its message.
import type { ReportModel } from '../../../src-preload/contract'

type Result = Pick<ReportModel['results'][number], 'actual' | 'expected' | 'message' | 'evidence'>

/** One line per thing examined, then the check's own message; [] when the check said nothing. */
export function findingLines(r: Result): string[] {
  const said = r.evidence.length
    ? r.evidence.map((c) => c.text)
    : r.actual || r.expected
      ? [`Found ${r.actual || 'nothing'}; expected ${r.expected || '(not stated)'}`]
      : []
  return [...said, ...(r.message ? [r.message] : [])]
}

/** What was tested, as HDF's code_desc names it: the things examined, or the rule and its result. */
export function testedText(r: Result & { ruleId: string; status: string }): string {
  return r.evidence.length ? r.evidence.map((c) => c.text).join(' · ') : `${r.ruleId} ${r.status}`
}
