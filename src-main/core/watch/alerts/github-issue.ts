// A GitHub issue in a chosen repository per alert message (GitHub Enterprise Server through its API base URL);
// the token comes from the vault. Labels let a team route or filter Driftwatch's issues.
import { z } from 'zod'
import { SendError, type AlertChannel } from './channel'
import { messageJson } from './message'
import { retryAfterMs } from '../../util/backoff'

const config = z.object({
  repo: z
    .string({ error: 'Repository is required' })
    .trim()
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'Repository is written owner/name'),
  apiBaseUrl: z
    .string()
    .trim()
    .url('API base URL must be a URL such as https://github.example.com/api/v3')
    .default('https://api.github.com'),
  labels: z.array(z.string().trim().min(1).max(50)).max(10).default(['driftwatch']),
})

export const githubIssueChannel: AlertChannel<typeof config> = {
  kind: 'github-issue',
  config,
  needsSecret: true,
  async send(cfg, token, msg, signal) {
    const [owner, repo] = cfg.repo.split('/') as [string, string]
    // Loaded when an issue is first sent: no other command pays for octokit.
    const { Octokit } = await import('@octokit/rest')
    const octokit = new Octokit({
      auth: token,
      baseUrl: cfg.apiBaseUrl.replace(/\/+$/, ''),
      request: { signal },
    })
    const body =
      `${msg.text}\n\n<details><summary>Details (JSON)</summary>\n\n\`\`\`json\n` +
      `${JSON.stringify(messageJson(msg), null, 2)}\n\`\`\`\n</details>\n`
    try {
      await octokit.rest.issues.create({ owner, repo, title: msg.title, body, labels: cfg.labels })
    } catch (err) {
      const status = (err as { status?: number }).status
      if (status === undefined)
        throw new SendError(`GitHub could not be reached (${(err as Error).message})`, true)
      throw new SendError(
        status === 401
          ? 'GitHub refused the token (401): check the token in the vault'
          : status === 403 || status === 404
            ? `GitHub answered ${status}: the token cannot create issues in ${cfg.repo}`
            : `GitHub answered ${status}: ${(err as Error).message}`,
        status >= 500 || status === 429,
        retryAfterMs(
          (err as { response?: { headers?: Record<string, string> } }).response?.headers?.['retry-after'],
        ),
      )
    }
  },
}
