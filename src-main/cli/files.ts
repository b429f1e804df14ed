// The CLI's reading of files named on its command line: through the core's reader, which refuses FIFOs,
// devices, sockets and folders without waiting on them, turned into CLI errors that name the file.
import { readUserFile } from '../core/files/read-user-file'
import { stageUserFile, type Staged } from '../core/files/user-files'
import { CliError, type RunContext } from './common'

const asCliError = (err: unknown): never => {
  const message = (err as Error).message
  throw new CliError(message, { code: 'validation', message, issues: [] })
}

/** Reads FILE and stages it in the core, for a channel that imports by upload id. */
export function stage(ctx: RunContext, path: string, mediaType?: string): Promise<Staged> {
  return stageUserFile(ctx.core.uploads, path, { mediaType }).catch(asCliError)
}

/** A text file named on the command line, at most maxBytes. */
export async function readTextFile(path: string, maxBytes: number): Promise<string> {
  const f = await readUserFile(path, { maxBytes }).catch(asCliError)
  return f.bytes.toString('utf8')
}
