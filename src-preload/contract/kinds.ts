// Target kinds as data: each kind's form (fields, labels, help), the credentials it takes and its scan policy.
import { z } from 'zod'
import { channel, Empty } from './common'
import { CREDENTIAL_KINDS } from './credentials'

/** One field of a kind's form, as data: the renderer draws the form from these, with no code per kind. */
export const KindFormField = z.object({
  name: z.string(),
  label: z.string(),
  input: z.enum(['text', 'number', 'port', 'select', 'textarea', 'checkbox', 'credential']),
  placeholder: z.string().optional(),
  /** The form's starting value (the schema's default applies when the field is left empty). */
  default: z.string().optional(),
  help: z.string().optional(),
  required: z.boolean().optional(),
  /** A select's choices; `hint` says what the choice needs or means, shown under the field while chosen. */
  options: z
    .array(z.object({ value: z.string(), label: z.string(), hint: z.string().optional() }))
    .optional(),
  /** A textarea holding a list: one entry per line (commas and spaces also separate). */
  list: z.boolean().optional(),
  /** Shown (and sent) only while another field has one of these values. */
  showWhen: z.object({ field: z.string(), in: z.array(z.string()) }).optional(),
  /** The label while another field has a given value (e.g. "Password credential" when signing in by password). */
  labelWhen: z.array(z.object({ field: z.string(), value: z.string(), label: z.string() })).optional(),
  /** The command line's flag for this field (driftwatch targets add --FLAG). */
  flag: z.string().optional(),
})
export type KindFormField = z.output<typeof KindFormField>

/** A kind's use of a vault credential: the target field holding its id, its role, the credential kinds it takes. */
export const KindCredential = z.object({
  field: z.string(),
  role: z.string(),
  kinds: z.array(z.enum(CREDENTIAL_KINDS)),
})
export type KindCredential = z.output<typeof KindCredential>

/** A target kind as every face sees it: labels, form, and what its scan panel offers. */
export const KindView = z.object({
  kind: z.string(),
  label: z.string(),
  shortLabel: z.string(),
  description: z.string(),
  fields: z.array(KindFormField),
  credentials: z.array(KindCredential),
  policy: z.object({
    /** Scanned with imported SCAP content and one of its profiles. */
    content: z.boolean(),
    /** Takes a tailoring of that content. */
    tailoring: z.boolean(),
    /** "choose": a rule pack is picked (custom ones may be imported); "built-in": one fixed pack; "none". */
    rulePack: z.enum(['choose', 'built-in', 'none']),
    defaultPack: z.string().nullable(),
    /** A host key is confirmed before the first scan. */
    hostKey: z.boolean(),
    /** Offers "Test connection". */
    testConnection: z.boolean(),
  }),
  /** What live progress counts (rules, repositories). */
  progressUnit: z.string(),
})
export type KindView = z.output<typeof KindView>

export const kindChannels = {
  'kinds.list': channel(Empty, z.object({ kinds: z.array(KindView), defaultKind: z.string() })),
} as const
