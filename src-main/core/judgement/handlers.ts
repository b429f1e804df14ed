// The judgement room's channels: exceptions, attestations, a scan read under them, and scan comparison.
import type { Handlers } from '../dispatch'
import { attestationHandlers } from './attestations'
import { compareHandlers } from './compare'
import type { JudgementDeps } from './context'
import { exceptionHandlers } from './exceptions'

export type { JudgementDeps } from './context'

export const judgementHandlers = (d: JudgementDeps) =>
  ({
    ...exceptionHandlers(d),
    ...attestationHandlers(d),
    ...compareHandlers(d),
  }) satisfies Partial<Handlers>
