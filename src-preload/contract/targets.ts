// Targets on the wire: the fields every kind shares, a target as stored, and the channels that list and edit them.
import { z } from 'zod'
import { channel, Empty, Id } from './common'

// Target kinds live in the core's registry (src-main/core/scanners/registry.ts), one folder per kind: the wall
// knows only what every target shares. The kind's own fields travel flat beside these (host, port, org, ...)
// and the core checks them with the kind's schema, naming each field at fault (see kinds.list for the form).

// Hostnames or IP literals; the pattern only refuses what can never be a host (spaces, slashes, schemes).
export const hostField = z
  .string({ error: 'Host is required' })
  .trim()
  .min(1, 'Host is required')
  .max(253, 'Host is longer than 253 characters')
  .regex(/^[A-Za-z0-9._:[\]-]+$/, 'Host may contain only letters, digits, dots, hyphens, colons and brackets')

export const portField = z.coerce
  .number({ error: 'Port must be a number' })
  .int('Port must be a whole number')
  .min(1, 'Port must be between 1 and 65535')
  .max(65535, 'Port must be between 1 and 65535')

const labelList = (what: string) =>
  z
    .array(
      z
        .string()
        .trim()
        .min(1, `${what} cannot be empty`)
        .max(64, `${what} is longer than 64 characters`)
        .regex(/^[^,\n]+$/, `${what} cannot contain commas or line breaks`),
    )
    .max(50, `At most 50 ${what.toLowerCase()}s`)
    .default([])

const commonFields = {
  // Which kinds exist is the registry's answer; the core names them when this one is unknown.
  kind: z.string({ error: 'Kind is required' }),
  name: z
    .string({ error: 'Name is required' })
    .trim()
    .min(1, 'Name is required')
    .max(100, 'Name is longer than 100 characters'),
  description: z.string().trim().max(2000, 'Description is longer than 2000 characters').default(''),
  tags: labelList('Tag'),
  groups: labelList('Group'),
}

/** A target as a person gives it: the common fields checked here, the kind's own fields kept for the core. */
export const TargetInput = z.looseObject(commonFields)
export type TargetInput = z.input<typeof TargetInput>
export type TargetFields = z.output<typeof TargetInput>

const stored = { id: z.string(), createdAt: z.string(), updatedAt: z.string() }
export const Target = z.looseObject({
  ...commonFields,
  ...stored,
  /** How the target reads in lists (user@host:port, an organisation, "This computer"), from its kind. */
  address: z.string(),
})
export type Target = z.output<typeof Target>

export const targetChannels = {
  'targets.list': channel(
    z
      .object({
        query: z.string().max(200).default(''),
        kind: z.string().max(60).optional(),
        tag: z.string().optional(),
        group: z.string().optional(),
      })
      .default({ query: '' }),
    z.object({ targets: z.array(Target), total: z.number().int() }),
  ),
  'targets.get': channel(Id, Target),
  'targets.create': channel(z.object({ target: TargetInput }), Target),
  'targets.update': channel(
    z.object({ id: z.string().min(1, 'id is required'), target: TargetInput }),
    Target,
  ),
  'targets.duplicate': channel(Id, Target),
  'targets.remove': channel(Id, z.object({ removed: z.literal(true) })),
  'targets.labels': channel(Empty, z.object({ tags: z.array(z.string()), groups: z.array(z.string()) })),
  'targets.testConnection': channel(
    Id,
    z.object({
      status: z.enum(['ok', 'failed', 'vault_locked', 'unsupported']),
      message: z.string(),
      steps: z.array(
        z.object({ step: z.string(), ok: z.boolean(), detail: z.string(), fix: z.string().optional() }),
      ),
    }),
  ),
} as const
