// Generic webhook: the message as JSON, signed with HMAC-SHA256 over the exact body bytes, so the receiver
// can check it came from this Driftwatch (the key lives in the vault). The delivery id lets it drop repeats.
import { createHmac } from 'node:crypto'
import { z } from 'zod'
import { checkHttp, networkError, type AlertChannel } from './channel'
import { messageJson } from './message'
import { headersField } from './headers'

export const SIGNATURE_HEADER = 'x-driftwatch-signature-256'
export const DELIVERY_HEADER = 'x-driftwatch-delivery'
/** The same id as an Idempotency-Key (IETF httpapi draft), which generic receivers and gateways understand. */
export const IDEMPOTENCY_HEADER = 'idempotency-key'

export const sign = (key: string, body: string): string =>
  `sha256=${createHmac('sha256', key).update(body, 'utf8').digest('hex')}`

const httpUrl = z
  .string({ error: 'URL is required' })
  .trim()
  .url('URL must be a web address such as https://example.com/hook')
  .refine((u) => /^https?:\/\//i.test(u), 'URL must start with https:// or http://')

const webhookConfig = z.object({ url: httpUrl, headers: headersField })

export const webhookChannel: AlertChannel<typeof webhookConfig> = {
  kind: 'webhook',
  config: webhookConfig,
  needsSecret: true,
  async send(config, secret, msg, signal) {
    const body = JSON.stringify(messageJson(msg))
    // The dispatcher hands secret header values in, read from the vault; a reference never goes out as text.
    const extra = Object.entries(config.headers ?? {}).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    )
    let res: Response
    try {
      res = await fetch(config.url, {
        method: 'POST',
        headers: {
          ...Object.fromEntries(extra),
          'content-type': 'application/json',
          'user-agent': 'Driftwatch',
          [SIGNATURE_HEADER]: sign(secret ?? '', body),
          [DELIVERY_HEADER]: String(msg.deliveryId),
          [IDEMPOTENCY_HEADER]: `driftwatch-delivery-${msg.deliveryId}`,
        },
        body,
        signal,
        redirect: 'error',
      })
    } catch (err) {
      throw networkError(err, 'The webhook')
    }
    await checkHttp(res, 'The webhook')
  },
}
