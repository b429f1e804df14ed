// E-mail over SMTP with nodemailer: TLS from the start, STARTTLS, or none (only for a relay on this computer);
// the SMTP password comes from the vault.
import { z } from 'zod'
import { SendError, type AlertChannel } from './channel'

const address = z.string().trim().email('Each address must be an e-mail address such as audit@example.com')

const config = z.object({
  host: z.string({ error: 'SMTP host is required' }).trim().min(1, 'SMTP host is required').max(253),
  port: z.coerce
    .number({ error: 'Port must be a number' })
    .int('Port must be a whole number')
    .min(1, 'Port must be between 1 and 65535')
    .max(65535, 'Port must be between 1 and 65535')
    .default(587),
  security: z
    .enum(['tls', 'starttls', 'none'], { error: 'Security must be tls, starttls or none' })
    .default('starttls'),
  username: z.string().trim().max(256).default(''),
  from: address,
  to: z.array(address).min(1, 'Give at least one recipient').max(50, 'At most 50 recipients'),
})

export const emailChannel: AlertChannel<typeof config> = {
  kind: 'email',
  config,
  needsSecret: false,
  async send(cfg, password, msg, signal) {
    // Loaded when a mail is first sent: no other command pays for nodemailer.
    const { default: nodemailer } = await import('nodemailer')
    const transport = nodemailer.createTransport({
      host: cfg.host,
      port: cfg.port,
      secure: cfg.security === 'tls',
      requireTLS: cfg.security === 'starttls',
      ignoreTLS: cfg.security === 'none',
      auth: cfg.username ? { user: cfg.username, pass: password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    })
    const onAbort = () => transport.close()
    signal.addEventListener('abort', onAbort)
    try {
      await transport.sendMail({
        from: cfg.from,
        to: cfg.to,
        subject: msg.title,
        text: msg.text,
        headers: { 'X-Driftwatch-Delivery': String(msg.deliveryId) },
      })
    } catch (err) {
      const e = err as { code?: string; responseCode?: number; message?: string }
      const permanent = e.code === 'EAUTH' || (e.responseCode !== undefined && e.responseCode >= 500)
      throw new SendError(
        e.code === 'EAUTH'
          ? 'The SMTP server refused the user name or password'
          : `The SMTP server ${cfg.host}:${cfg.port} failed: ${e.message ?? String(err)}`,
        !permanent,
      )
    } finally {
      signal.removeEventListener('abort', onAbort)
      transport.close()
    }
  },
}
