// The alert channels Driftwatch can send to: a plain list (a new channel is one file and one line here).
import type { AlertChannel } from './channel'
import { webhookChannel } from './webhook'
import { slackChannel } from './slack'
import { githubIssueChannel } from './github-issue'
import { emailChannel } from './email'
import { withFilter } from './filter'

/** Each with the check filter every channel takes (filter.ts) beside its own settings. */
export const CHANNELS: readonly AlertChannel[] = [
  webhookChannel,
  slackChannel,
  githubIssueChannel,
  emailChannel,
].map(withFilter)

export const channelFor = (kind: string): AlertChannel | undefined => CHANNELS.find((c) => c.kind === kind)
