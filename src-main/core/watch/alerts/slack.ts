// Slack incoming webhook: the URL itself is the secret (anyone holding it can post), so it lives in the vault.
import { z } from 'zod'
import { checkHttp, networkError, SendError, type AlertChannel } from './channel'

export const slackChannel: AlertChannel<z.ZodObject<Record<string, never>>> = {
  kind: 'slack',
  config: z.object({}),
  needsSecret: true,
  async send(_config, secret, msg, signal) {
    if (!secret || !/^https?:\/\//.test(secret))
      throw new SendError(
        'The Slack webhook URL in the vault is not a URL (https://hooks.slack.com/…)',
        false,
      )
    let res: Response
    try {
      res = await fetch(secret, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: msg.text,
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: msg.title.slice(0, 150) } },
            {
              type: 'section',
              text: { type: 'mrkdwn', text: msg.text.split('\n').slice(1).join('\n').slice(0, 2900) || ' ' },
            },
          ],
        }),
        signal,
        redirect: 'error',
      })
    } catch (err) {
      // fetch puts the URL in some messages; the redactor would catch it, but it is not said in the first place.
      throw networkError(err, 'Slack')
    }
    await checkHttp(res, 'Slack')
  },
}
