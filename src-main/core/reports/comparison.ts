// Puts a comparison of two chosen scans into a report model as its appendix, so the preview and every format
// print the same comparison; the report's id then names the two scans too (another pair is another report).
import type { ReportModel, ReportScope } from '../../../src-preload/contract'
import { AppError } from '../errors'
import { compareScans } from '../judgement/compare'
import type { JudgementDeps } from '../judgement/context'
import type { JudgementRepo } from '../store/judgement'
import { stableUuid } from './model'

type Deps = Omit<JudgementDeps, 'judgement'> & { judgement?: JudgementRepo }

export function withComparison(model: ReportModel, pair: ReportScope['compare'], d: Deps): ReportModel {
  if (!pair) return model
  const { judgement } = d
  if (!judgement)
    throw new AppError('unavailable', 'Comparing scans needs the exceptions store, which this core has not')
  let comparison: ReportModel['comparison']
  try {
    comparison = compareScans({ ...d, judgement }, pair.a, pair.b)
  } catch (err) {
    // The scope's field names say which scan to choose again (--compare on the command line).
    if (err instanceof AppError)
      throw new AppError(
        err.code,
        `Compare appendix: ${err.message}`,
        err.issues.map((i) => ({ ...i, path: `scope.compare.${i.path}` })),
      )
    throw err
  }
  return {
    ...model,
    reportId: stableUuid(`${model.reportId}|compare|${pair.a}|${pair.b}`),
    comparison,
  }
}
