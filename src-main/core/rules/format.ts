// The rule pack format, for the built-in CIS-style packs and for custom rules alike (YAML or JSON, in the
// spirit of Wazuh SCA checks): one zod schema, from which resources/rule-pack.schema.json is generated.
import { z } from 'zod'
import { lazyRequire } from '../util/lazy-require'
import type * as Yaml from 'yaml'
import { MAX_QUERY_LENGTH, packQueryProblems } from './sql-guard'
import { isNistSystem, parseNistRefs } from '../controls/references'

// Loaded when a file is first read or written, not when Driftwatch starts.
const yaml = lazyRequire<typeof Yaml>('yaml')

export const PACK_KINDS = ['postgres', 'mysql'] as const
export const FLAVOURS = ['postgresql', 'mysql', 'mariadb'] as const
export type Flavour = (typeof FLAVOURS)[number]
export const RULE_SEVERITIES = ['info', 'low', 'medium', 'high'] as const

const varName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'Variable names are lower-case letters, digits and _ (e.g. min_length)')
/** A value that is a number, or a `${variable}` reference resolved when the scan runs. */
const VarRef = z.string().regex(/^\$\{[a-z][a-z0-9_]{0,63}\}$/, 'A variable is written ${name}')
const Scalar = z.union([z.string().max(1000), z.number(), z.boolean()])
const column = z
  .string()
  .min(1)
  .max(128)
  .default('value')
  .describe('The result column the assertion reads (default "value")')
const onEmpty = z
  .enum(['pass', 'fail', 'notapplicable'])
  .default('fail')
  .describe('The status when the query returns no rows (default fail)')
const NumberOrVar = z.union([z.number(), VarRef])
export const COMPARE_OPS = ['<', '<=', '>', '>=', '=', '!='] as const

export const Assertion = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('equals'),
        column,
        value: Scalar,
        ignoreCase: z.boolean().default(false),
        onEmpty,
      })
      .strict()
      .describe('Every row\'s column equals value (text comparison; booleans also match "on"/"off")'),
    z
      .object({
        type: z.literal('notEquals'),
        column,
        value: Scalar,
        ignoreCase: z.boolean().default(false),
        onEmpty,
      })
      .strict(),
    z
      .object({
        type: z.literal('oneOf'),
        column,
        values: z.array(Scalar).min(1).max(100),
        ignoreCase: z.boolean().default(false),
        onEmpty,
      })
      .strict()
      .describe("Every row's column is one of values"),
    z
      .object({
        type: z.literal('regex'),
        column,
        pattern: z
          .string()
          .min(1)
          .max(1000)
          .refine((p) => {
            try {
              new RegExp(p)
              return true
            } catch {
              return false
            }
          }, 'Not a valid regular expression'),
        ignoreCase: z.boolean().default(false),
        negate: z.boolean().default(false).describe('true: no row may match'),
        onEmpty,
      })
      .strict()
      .describe("Every row's column matches pattern (JavaScript syntax), or none does when negate"),
    z
      .object({ type: z.literal('compare'), column, op: z.enum(COMPARE_OPS), value: NumberOrVar, onEmpty })
      .strict()
      .describe("Every row's column, read as a number, compares to value"),
    z
      .object({ type: z.literal('rowCount'), op: z.enum(COMPARE_OPS).default('='), value: NumberOrVar })
      .strict()
      .describe('The number of rows compares to value (e.g. 0 offending rows)'),
    z
      .object({
        type: z.literal('contains'),
        column,
        values: z.array(z.string().max(200)).min(1).max(100),
        separator: z.string().max(5).optional().describe('Split each cell on this, e.g. "," for lists'),
        ignoreCase: z.boolean().default(true),
      })
      .strict()
      .describe("The set of the column's values (over all rows) contains every one of values"),
    z
      .object({
        type: z.literal('excludes'),
        column,
        values: z.array(z.string().max(200)).min(1).max(100),
        separator: z.string().max(5).optional(),
        ignoreCase: z.boolean().default(true),
      })
      .strict()
      .describe("The set of the column's values (over all rows) contains none of values"),
  ])
  .describe('How the rows the query returns are judged')
export type Assertion = z.output<typeof Assertion>

const version = z
  .string()
  .regex(/^\d+(\.\d+){0,2}$/, 'Versions are written like 15, 10.5 or 8.0.17')
  .describe('A server version such as 15 or 10.5')

export const Rule = z
  .object({
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Rule ids are letters, digits, ".", "_" and "-"'),
    title: z.string().trim().min(1, 'A rule needs a title').max(300),
    description: z.string().max(5000).default(''),
    rationale: z.string().max(5000).default(''),
    severity: z.enum(RULE_SEVERITIES).default('medium'),
    remediation: z.string().max(5000).default(''),
    references: z
      .array(
        z
          .object({ system: z.string().min(1).max(100), id: z.string().min(1).max(100) })
          .strict()
          .refine((r) => !isNistSystem(r.system) || parseNistRefs(r.id).unreadable.length === 0, {
            message: 'A NIST-800-53 reference names a control, such as AU-2, IA-2(1) or CM-6(a)',
            path: ['id'],
          }),
      )
      .max(50)
      .default([])
      .describe(
        'e.g. { system: "CIS PostgreSQL 15", id: "3.1.20" }; { system: "NIST-800-53", id: "AU-12" } places the rule under that control on the Controls page',
      ),
    applies: z
      .object({
        flavours: z.array(z.enum(FLAVOURS)).min(1).optional().describe('Server flavours; absent = all'),
        minVersion: version.optional().describe('Lowest server version the rule applies to (inclusive)'),
        belowVersion: version.optional().describe('First server version the rule no longer applies to'),
        serverTls: z
          .literal(true)
          .optional()
          .describe('Applies only when the server has TLS turned on (a TLS version or cipher setting)'),
      })
      .strict()
      .default({}),
    privilege: z
      .string()
      .max(300)
      .optional()
      .describe('The grant the query needs (named when the server refuses it), e.g. pg_read_all_settings'),
    query: z
      .string()
      .min(1, 'A rule needs a query')
      .max(MAX_QUERY_LENGTH)
      // The SQL guard needs the pack's kind (its dialect); parsePack runs it on every rule.
      .describe('One read-only SELECT (or WITH … SELECT, SHOW); anything that writes is refused on import')
      .optional(),
    assert: Assertion.optional(),
    manual: z
      .string()
      .trim()
      .min(1)
      .max(5000)
      .optional()
      .describe(
        'A check no query can make (e.g. restores are tested): how a person verifies it. Such a rule runs no ' +
          'query, reads as not checked, and is attested by hand',
      ),
    timeoutSeconds: z
      .number()
      .min(0.1)
      .max(300)
      .optional()
      .describe('Statement timeout for this rule (default: the scanner default, 5 s)'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.manual) {
      if (r.query || r.assert)
        ctx.addIssue({ code: 'custom', path: ['manual'], message: 'A manual check has no query or assert' })
      return
    }
    if (!r.query) ctx.addIssue({ code: 'custom', path: ['query'], message: 'A rule needs a query' })
    if (!r.assert) ctx.addIssue({ code: 'custom', path: ['assert'], message: 'A rule needs an assert' })
  })
export type Rule = z.output<typeof Rule>

export const Variable = z
  .object({
    type: z.enum(['number', 'string']),
    title: z.string().min(1).max(300),
    description: z.string().max(2000).default(''),
    default: z.union([z.number(), z.string().max(1000)]),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (typeof v.default !== (v.type === 'number' ? 'number' : 'string'))
      ctx.addIssue({ code: 'custom', path: ['default'], message: `The default must be a ${v.type}` })
  })
export type Variable = z.output<typeof Variable>

export const RulePack = z
  .object({
    $schema: z.string().optional(),
    id: z
      .string()
      .min(2)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'Pack ids are lower-case letters, digits and hyphens'),
    title: z.string().trim().min(1, 'A pack needs a title').max(200),
    description: z.string().max(5000).default(''),
    kind: z.enum(PACK_KINDS).describe('The target kind the pack scans'),
    version: z.string().max(40).default('1'),
    benchmark: z.string().max(200).default('').describe('The benchmark the references point into'),
    extends: z
      .string()
      .max(64)
      .optional()
      .describe('Another pack whose rules and variables this one starts from (e.g. postgres-cis)'),
    variables: z.record(varName, Variable).default({}).describe('Thresholds rules refer to as ${name}'),
    values: z
      .record(varName, z.union([z.number(), z.string().max(1000)]))
      .default({})
      .describe("Values for this pack's or the extended pack's variables, like XCCDF refine-value"),
    rules: z.array(Rule).max(2000).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>()
    p.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'id'],
          message: `The rule id ${r.id} is used twice`,
        })
      seen.add(r.id)
    })
    if (!p.extends && p.rules.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['rules'],
        message: 'A pack needs rules, or extends another pack',
      })
  })
export type RulePack = z.output<typeof RulePack>
export type RulePackInput = z.input<typeof RulePack>

/** The JSON Schema published in resources/ for people writing custom packs (kept in step by a unit test). */
export function rulePackJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RulePack, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://driftwatch.dev/schemas/rule-pack.schema.json',
    title: 'Driftwatch rule pack',
    description:
      'Declarative SQL checks for PostgreSQL and MySQL/MariaDB targets: read-only queries and assertions on their rows.',
  }
}

export class PackFormatError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message)
  }
}

/** Reads a pack from YAML or JSON text (JSON is YAML), checking it against the schema; never runs anything. */
export function parsePack(text: string): RulePack {
  let data: unknown
  try {
    data = yaml().parse(text, { maxAliasCount: 100, prettyErrors: true })
  } catch (err) {
    throw new PackFormatError(`The file is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new PackFormatError('A rule pack is a mapping with id, title, kind and rules')
  const parsed = RulePack.safeParse(data)
  const guarded = parsed.success ? packQueryProblems(parsed.data) : []
  if (!parsed.success || guarded.length) {
    const issues = parsed.success
      ? guarded.map((g) => ({ path: `rules.${g.index}.query`, message: g.problem }))
      : parsed.error.issues.map((i) => ({
          path: i.path.map(String).join('.'),
          message: i.message,
        }))
    const first = issues[0]!
    const where = describePath(data as Record<string, unknown>, first.path)
    throw new PackFormatError(
      `${where}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      issues,
    )
  }
  return parsed.data!
}

/** "rules.3.query" → 'rule "pg-bad" (rules.3.query)', so a person finds the rule by its id. */
function describePath(data: Record<string, unknown>, path: string): string {
  const m = /^rules\.(\d+)/.exec(path)
  const rules = data.rules
  if (m && Array.isArray(rules)) {
    const id = (rules[Number(m[1])] as { id?: unknown } | undefined)?.id
    if (typeof id === 'string') return `Rule "${id.slice(0, 128)}" (${path})`
  }
  return path || 'The pack'
}

export function formatPack(pack: RulePack, format: 'yaml' | 'json'): string {
  const { $schema: _drop, ...rest } = pack
  const out = { $schema: 'https://driftwatch.dev/schemas/rule-pack.schema.json', ...rest }
  return format === 'json' ? JSON.stringify(out, null, 2) + '\n' : yaml().stringify(out, { lineWidth: 0 })
}
