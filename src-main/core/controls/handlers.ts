// The controls channels: the frameworks, every control's status across chosen targets, one control's drill-down.
import type { Handlers } from '../dispatch'
import type { ControlsService } from './service'
import { controlsCsv, matrixCsv } from './csv'

type ControlHandlers = Pick<
  Handlers,
  'controls.frameworks' | 'controls.status' | 'controls.control' | 'controls.csv'
>

export function controlHandlers(service: ControlsService): ControlHandlers {
  return {
    'controls.frameworks': () => ({ frameworks: service.frameworks() }),
    'controls.status': (req) => service.status(req),
    'controls.control': (req) => service.control(req),
    'controls.csv': ({ table, ...req }) => {
      const s = service.status(req)
      const name = `controls-${s.framework.id}${s.baseline ? `-${s.baseline}` : ''}${table === 'matrix' ? '-matrix' : ''}.csv`
      return { fileName: name, text: table === 'matrix' ? matrixCsv(s) : controlsCsv(s) }
    },
  }
}
