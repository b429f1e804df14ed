// The "This computer" kind: the computer Driftwatch runs on, scanned with its local oscap and imported content.
import { z } from 'zod'
import { defineKind } from '../kind'
import { oscapScanner } from '../ssh-oscap/oscap-scanner'
import { LocalRunner } from '../ssh-oscap/runner'

export const localKind = defineKind({
  kind: 'local',
  label: 'This computer',
  shortLabel: 'Local',
  description: 'Scan the computer Driftwatch runs on with its local oscap.',
  fields: z.object({}),
  form: [],
  address: () => 'This computer',
  // A sudo password for this computer never leaves it.
  bindingAddress: () => null,
  policy: {
    content: true,
    tailoring: true,
    rulePack: 'none',
    defaultPack: null,
    hostKey: false,
    testConnection: false,
  },
  credentials: [],
  scanner: (env) =>
    oscapScanner({
      content: env.content,
      message: () => 'Scanning this computer',
      runner: async () => new LocalRunner(),
    }),
  report: { method: 'OpenSCAP (oscap xccdf eval)', subject: () => 'this computer' },
})
