// The JSON Schema of driftwatch.yml, built from the kinds registry and the alert channels (a new kind or channel
// needs no change here); resources/driftwatch-config.schema.json is this, printed by `driftwatch config schema`.
import { z } from 'zod'
import { ALERT_CHANNEL_KINDS, CREDENTIAL_KINDS, SecretFields } from '../../../src-preload/contract'
import type { Kinds } from '../scanners/registry'
import { channelFor } from '../watch/alerts'
import { COMMON_TARGET_KEYS, HOST_KEY } from './check'
import type { TOP_KEYS } from './model'

type Json = Record<string, unknown>

const fromZod = (schema: z.ZodType): Json => {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json
  delete s.$schema
  return s
}

const secretRef: Json = {
  description: 'A secret: ${ENV_VAR}, { env: NAME } or { file: PATH }; never the secret itself',
  oneOf: [
    { type: 'string', pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$' },
    {
      type: 'object',
      properties: { env: { type: 'string' } },
      required: ['env'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { file: { type: 'string' } },
      required: ['file'],
      additionalProperties: false,
    },
  ],
}
const str = { type: 'string' }
const strList = { type: 'array', items: str }
const times = (description: string): Json => ({
  description,
  oneOf: [
    { type: 'string', pattern: '^([01]?\\d|2[0-3]):[0-5]\\d$' },
    {
      type: 'array',
      items: { type: 'string', pattern: '^([01]?\\d|2[0-3]):[0-5]\\d$' },
      minItems: 1,
      maxItems: 24,
    },
  ],
})

function targetSchema(kinds: Kinds): Json {
  return {
    oneOf: kinds.list.map((k) => {
      const own = fromZod(k.fields)
      const props = { ...((own.properties as Json) ?? {}) }
      for (const c of k.credentials)
        props[c.field] = {
          type: 'string',
          description: `The name of a vault credential (${c.kinds.join(', ')})`,
        }
      return {
        type: 'object',
        title: k.label,
        properties: {
          name: str,
          kind: { const: k.kind },
          description: str,
          tags: strList,
          groups: strList,
          policy: {
            type: 'object',
            properties: { tailoring: str, pack: str },
            additionalProperties: false,
          },
          ...(k.policy.hostKey && {
            [HOST_KEY]: {
              type: 'string',
              description:
                'The SSH host key to pin for host:port: its public key line (ssh-ed25519 AAAA…, as in ' +
                '/etc/ssh/ssh_host_ed25519_key.pub) or a known_hosts line naming the host',
            },
          }),
          ...props,
        },
        required: [
          'name',
          'kind',
          ...((own.required as string[]) ?? []).filter(
            (r) => !(COMMON_TARGET_KEYS as readonly string[]).includes(r),
          ),
        ],
        additionalProperties: false,
      }
    }),
  }
}

function channelSchema(): Json {
  return {
    oneOf: ALERT_CHANNEL_KINDS.map((kind) => {
      const own = fromZod(channelFor(kind)!.config)
      const ownProps = { ...((own.properties as Json) ?? {}) }
      // In the file a header value is text, or a secret by reference (the store keeps a vault reference).
      if (ownProps.headers)
        ownProps.headers = {
          type: 'object',
          description: 'HTTP headers to send: plain text, or a secret as { env: NAME } or { file: PATH }',
          additionalProperties: { oneOf: [str, ...(secretRef.oneOf as Json[]).slice(1)] },
        }
      return {
        type: 'object',
        title: kind,
        properties: {
          name: str,
          kind: { const: kind },
          enabled: { type: 'boolean' },
          throttleMinutes: { type: 'integer', minimum: 0, maximum: 10080 },
          secret: {
            oneOf: [
              secretRef,
              {
                type: 'object',
                properties: { vault: str },
                required: ['vault'],
                additionalProperties: false,
              },
            ],
          },
          ...ownProps,
        },
        required: ['name', 'kind', ...((own.required as string[]) ?? [])],
        additionalProperties: false,
      }
    }),
  }
}

export function configSchema(kinds: Kinds): Json {
  const props: Record<(typeof TOP_KEYS)[number], Json> = {
    version: { const: 1 },
    content: {
      type: 'array',
      description: 'SCAP datastreams, imported by apply when missing; policies name them by name',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', not: { pattern: '^[0-9a-f]{64}$' } },
          file: {
            type: 'string',
            description: "The datastream's path; a relative one is read from the config file's folder",
          },
          sha256: {
            type: 'string',
            pattern: '^[0-9a-f]{64}$',
            description: 'The SHA-256 the file must have (apply refuses another)',
          },
        },
        required: ['name', 'file'],
        additionalProperties: false,
      },
    },
    credentials: {
      type: 'array',
      items: {
        oneOf: CREDENTIAL_KINDS.map((kind) => ({
          type: 'object',
          properties: {
            name: str,
            kind: { const: kind },
            username: str,
            notes: str,
            secret: {
              type: 'object',
              properties: Object.fromEntries(
                Object.keys(SecretFields[kind].shape).map((k) => [k, secretRef]),
              ),
              additionalProperties: false,
            },
          },
          required: ['name', 'kind'],
          additionalProperties: false,
        })),
      },
    },
    targets: { type: 'array', items: targetSchema(kinds) },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: str, tailoring: str },
        required: ['name'],
        additionalProperties: false,
      },
    },
    policies: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: str,
          content: {
            type: 'string',
            description: 'The name of an entry under content, or the SHA-256 of an imported datastream',
          },
          profile: str,
          values: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
          selectors: { type: 'object', additionalProperties: str },
          rules: { type: 'object', additionalProperties: { type: 'boolean' } },
          severity: {
            type: 'object',
            additionalProperties: { enum: ['info', 'low', 'medium', 'high', 'unknown'] },
          },
        },
        required: ['name', 'content', 'profile'],
        additionalProperties: false,
      },
    },
    schedules: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          target: { type: 'string', description: 'A target name, or a glob such as *-prod' },
          group: str,
          every: {
            description: 'Minutes, or a duration: 30m, 2h, 1d',
            oneOf: [
              { type: 'integer', minimum: 1 },
              { type: 'string', pattern: '^\\d+\\s*(m|min|minutes?|h|hours?|d|days?)?$' },
            ],
          },
          daily: times('Times of day (HH:MM) in timezone, every day'),
          weekly: times('Times of day (HH:MM) in timezone, on the days of the week in days'),
          monthly: times('Times of day (HH:MM) in timezone, on the days of the month in days'),
          days: {
            description:
              'weekly: mon, tue, wed, thu, fri, sat, sun (or 0-6, Sunday 0); monthly: 1-31, a shorter month ' +
              'running on its last day',
            type: 'array',
            items: {
              oneOf: [
                { type: 'integer', minimum: 0, maximum: 31 },
                { type: 'string', pattern: '^[A-Za-z]{3,9}$|^\\d{1,2}$' },
              ],
            },
            minItems: 1,
          },
          timezone: {
            type: 'string',
            description: "An IANA time zone (Europe/Paris, America/New_York, UTC); default the computer's",
          },
          priority: { type: 'boolean' },
          jitter: { type: 'integer', minimum: 0, maximum: 3600 },
          paused: { type: 'boolean' },
        },
        oneOf: [{ required: ['target'] }, { required: ['group'] }],
        additionalProperties: false,
      },
    },
    alerts: { type: 'array', items: channelSchema() },
    reports: {
      type: 'array',
      description: 'Weekly or monthly report exports (PDF and/or signed bundle) written to a folder',
      items: {
        type: 'object',
        properties: {
          name: str,
          cadence: { enum: ['weekly', 'monthly'] },
          day: {
            description:
              'weekly: mon..sun (or 0-6, Sunday 0); monthly: 1-31, a shorter month running on its last day',
            oneOf: [
              { type: 'integer', minimum: 0, maximum: 31 },
              { type: 'string', pattern: '^[A-Za-z]{3,9}$' },
            ],
          },
          at: {
            type: 'string',
            pattern: '^([01]?\\d|2[0-3]):[0-5]\\d$',
            description: 'HH:MM (default 06:00)',
          },
          timezone: { type: 'string', description: "An IANA time zone; default the computer's" },
          formats: {
            type: 'array',
            items: { enum: ['pdf', 'bundle'] },
            minItems: 1,
            description: 'Default: pdf and bundle',
          },
          targets: { ...strList, description: 'Target names (with groups: the scope; none: every target)' },
          groups: strList,
          folder: {
            type: 'string',
            description:
              "Where the files go (must exist and be writable; relative to the config file's folder); default the data folder's exports/",
          },
          paused: { type: 'boolean' },
        },
        required: ['name', 'cadence', 'day'],
        additionalProperties: false,
      },
    },
    watch: {
      type: 'object',
      properties: {
        concurrency: { type: 'integer', minimum: 1, maximum: 32 },
        perKind: { type: 'object', additionalProperties: { type: 'integer', minimum: 1, maximum: 32 } },
        thresholds: {
          type: 'object',
          properties: { major: { type: 'number' }, minor: { type: 'number' } },
          additionalProperties: false,
        },
        priorityFactor: { type: 'number', minimum: 1, maximum: 24 },
        backoffBaseMinutes: { type: 'number' },
        backoffCapMinutes: { type: 'number' },
        priority: {
          type: 'array',
          items: str,
          description: 'Globs of target or group names scanned more often and first',
        },
      },
      additionalProperties: false,
    },
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://driftwatch.example/schemas/driftwatch-config.schema.json',
    title: 'driftwatch.yml',
    type: 'object',
    properties: props,
    additionalProperties: false,
  }
}
