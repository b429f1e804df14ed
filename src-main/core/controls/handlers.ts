// The controls channels: the frameworks, every control's status across chosen targets, one control's drill-down.
import type { Handlers } from '../dispatch'
import type { ControlsService } from './service'

type ControlHandlers = Pick<Handlers, 'controls.frameworks' | 'controls.status' | 'controls.control'>

export function controlHandlers(service: ControlsService): ControlHandlers {
  return {
    'controls.frameworks': () => ({ frameworks: service.frameworks() }),
    'controls.status': (req) => service.status(req),
    'controls.control': (req) => service.control(req),
  }
}
