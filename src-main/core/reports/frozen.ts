// Reports built once: the model a preview (or an export by scope) built is frozen and kept by its id, so the
// preview and every format of that report render the same scans, whatever lands in the store meanwhile.
import type { ReportModel } from '../../../src-preload/contract'
import { AppError } from '../errors'

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** The last few reports built (8: a 5,000-finding model is megabytes), newest kept; one with the same id (same scope, scans and engagement) replaces it. */
export class FrozenReports {
  private readonly models = new Map<string, ReportModel>()
  constructor(private readonly keep = 8) {}

  put(model: ReportModel): ReportModel {
    const frozen = deepFreeze(model)
    this.models.delete(frozen.reportId)
    this.models.set(frozen.reportId, frozen)
    while (this.models.size > this.keep) this.models.delete(this.models.keys().next().value!)
    return frozen
  }

  get(reportId: string): ReportModel {
    const m = this.models.get(reportId)
    if (!m)
      throw new AppError(
        'not_found',
        `Report ${reportId.slice(0, 8)} is no longer held (Driftwatch keeps the last ${this.keep} built, until it restarts): build the preview again`,
        [{ path: 'reportId', message: 'unknown report' }],
      )
    return m
  }
}
