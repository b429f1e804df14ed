// Shared pieces of the CLI: the command shape, exit codes, and turning core envelopes into output or errors.
import type { ParseArgsConfig } from 'node:util'
import type { ApiError, Channel, Req, Res } from '../../src-preload/contract'
import type { Core } from '../core/app'

export const EXIT = { ok: 0, error: 1, usage: 64, keepAlive: -1 } as const

export interface Out {
  stdout(s: string): void
  stderr(s: string): void
}

export interface RunContext {
  core: Core
  values: Record<string, unknown>
  positionals: string[]
  json: boolean
  out: Out
}

export interface Command {
  name: string
  usage: string
  summary: string
  help: string
  options: NonNullable<ParseArgsConfig['options']>
  /** Resolves to an exit code, or EXIT.keepAlive for long-running commands that exit on a signal. */
  run(ctx: RunContext): Promise<number>
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly api: ApiError,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message)
  }
  static usage(message: string): CliError {
    return new CliError(message, { code: 'validation', message, issues: [] }, EXIT.usage)
  }
}

/** Calls the core like any other face, and turns a failure into a readable CLI error naming the flags at fault. */
export async function call<C extends Channel>(
  core: Core,
  channel: C,
  req: Req<C>,
  flagFor: (path: string) => string = (p) => p,
): Promise<Res<C>> {
  const env = await core.invoke(channel, req)
  if (env.ok) return env.data as Res<C>
  const lines = env.error.issues.length
    ? env.error.issues.map((i) => `  ${flagFor(i.path)}: ${i.message}`).join('\n')
    : ''
  const message =
    env.error.code === 'validation' && env.error.issues.length
      ? `invalid input:\n${lines}`
      : env.error.message
  throw new CliError(message, env.error)
}
