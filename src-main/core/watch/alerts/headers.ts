// Extra HTTP headers a webhook sends (a receiver behind an API gateway wants its key or a routing header): plain
// values kept with the channel's settings, secret ones only as a reference to a vault credential, read when the
// message is sent. Headers HTTP itself or Driftwatch's signature sets cannot be overridden.
import { z } from 'zod'
import type { Vault } from '../../vault/vault'
import { SendError } from './channel'

/** Set by HTTP itself (framing, hop-by-hop) or by the channel: a custom value would break or forge them. */
const FORBIDDEN: Record<string, string> = {
  host: 'HTTP sets it from the URL',
  'content-length': 'HTTP sets it from the body',
  'content-type': 'the body is always JSON',
  'transfer-encoding': 'it is hop-by-hop (HTTP framing)',
  connection: 'it is hop-by-hop',
  'keep-alive': 'it is hop-by-hop',
  upgrade: 'it is hop-by-hop',
  te: 'it is hop-by-hop',
  trailer: 'it is hop-by-hop',
  'proxy-connection': 'it is hop-by-hop',
  expect: 'it is hop-by-hop',
  'x-driftwatch-signature-256': "it is Driftwatch's own signature",
  'x-driftwatch-delivery': "it is Driftwatch's own delivery id",
}

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** A secret header's value: the id of the vault credential holding it. */
export const VaultRef = z.object({ vault: z.string().min(1) }).strict()
export type HeaderValue = string | { vault: string }

const plain = z
  .string()
  .max(1024, 'A header value of at most 1,024 characters')
  .refine((v) => !/[\r\n\0]/.test(v), 'A header value is one line (no line breaks)')

export const headersField = z
  .record(
    z.string(),
    z.union([plain, VaultRef], { error: 'A header value is text, or a secret kept in the vault' }),
  )
  .superRefine((h, ctx) => {
    const seen = new Set<string>()
    for (const name of Object.keys(h)) {
      const lower = name.toLowerCase()
      if (!TOKEN.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not an HTTP header name` })
      else if (FORBIDDEN[lower] || lower.startsWith('proxy-'))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `The header ${name} cannot be set: ${FORBIDDEN[lower] ?? 'it is for proxies (hop-by-hop)'}`,
        })
      else if (seen.has(lower))
        ctx.addIssue({ code: 'custom', path: [name], message: `The header ${name} is given twice` })
      seen.add(lower)
    }
    if (Object.keys(h).length > 20) ctx.addIssue({ code: 'custom', path: [], message: 'At most 20 headers' })
  })
  .optional()

/** Names of the headers whose values are secrets (kept in the vault). */
export const secretHeaderNames = (h: Record<string, HeaderValue> | undefined): string[] =>
  Object.entries(h ?? {})
    .filter(([, v]) => typeof v !== 'string')
    .map(([k]) => k)

/** The vault notes marking the credential a channel keeps one secret header's value in. */
export const headerNotes = (channelId: string, header: string) =>
  `alert channel ${channelId} header ${header.toLowerCase()}`

/** Settings with each secret header's vault reference replaced by its value (only in memory, for one send). */
export async function withHeaderSecrets(
  vault: Pick<Vault, 'withSecret'>,
  config: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const headers = config.headers as Record<string, HeaderValue> | undefined
  if (!headers || !secretHeaderNames(headers).length) return config
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(headers))
    out[name] =
      typeof v === 'string'
        ? v
        : await vault
            .withSecret(v.vault, null, (s) => s.secret?.toString('utf8') ?? '')
            .catch((err: unknown) => {
              throw new SendError(
                `The secret of the header ${name} could not be read: ${(err as Error).message}`,
                false,
              )
            })
  return { ...config, headers: out }
}
