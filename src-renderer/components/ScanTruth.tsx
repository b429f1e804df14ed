// What a target page says beside a scan so its score is read right: the score's base ("20 pass of 22
// applicable"), a warning when the content was for another platform (all or most rules not applicable) and
// which score still stands, and, before a scan, a warning when the chosen content does not fit the OS that Test
// connection found.
import { when } from '../../src-preload/dates'
import { applicability, scoreBase } from '../../src-preload/applicability'
import type { ContentSummary, Res, ScanView } from '../../src-preload/contract'
import { platformMatch } from '../lib/platform'

export function ScanBase({ scan }: { scan: Pick<ScanView, 'counts'> }) {
  return <span className="small score-base">{scoreBase(scan.counts)}</span>
}

/** Shown over a scan's results when its rules did not apply to the target. */
export function PlatformMismatch({ scan, kept }: { scan: ScanView; kept: ScanView | undefined }) {
  const a = applicability(scan.counts)
  if (!a.mismatch) return null
  return (
    <div className="banner warning" role="alert" aria-label="Platform mismatch">
      <strong>Platform mismatch: </strong>
      {a.applicable === 0
        ? `none of the ${a.evaluated} rules applied to this target`
        : `${a.notApplicable} of ${a.evaluated} rules did not apply to this target`}{' '}
      (not applicable). The content is probably for another operating system or version (its platform check
      did not match): choose content for this target&apos;s system and scan again.{' '}
      {kept && kept.id !== scan.id
        ? `The target keeps its score of ${kept.score ?? '–'}% from ${when(kept.startedAt)}, the last scan with applicable rules.`
        : 'This scan does not count as the target’s score.'}
    </div>
  )
}

/** The OS Test connection found, read from its "os" step. */
export function detectedOs(report: Res<'targets.testConnection'> | null): string {
  const step = report?.steps.find((s) => s.step === 'os' && s.ok)
  return step?.detail ?? ''
}

export const contentText = (c: ContentSummary | undefined) =>
  c ? `${c.fileName} ${c.benchmarks[0]?.title ?? ''}` : ''

/** Before a scan: the chosen content names another system than the one Test connection found. */
export function OsContentWarning({ os, content }: { os: string; content: ContentSummary | undefined }) {
  if (!os || !content || platformMatch(contentText(content), os) !== 'mismatch') return null
  return (
    <p className="banner warning" role="alert" aria-label="Content does not match the host">
      This host runs <strong>{os}</strong>, but the chosen content is for{' '}
      <strong>{content.benchmarks[0]?.title ?? content.fileName}</strong>: most rules would not apply. Choose
      content for the host&apos;s system.
    </p>
  )
}
