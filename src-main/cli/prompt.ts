// Asking for secrets on a terminal without echoing them, or taking them from the environment or stdin for
// automation. Secrets are never accepted as command-line arguments (they would show in `ps` and history).
import { readUserFile } from '../core/files/read-user-file'
import { CliError } from './common'

export const PASSPHRASE_ENV = 'DRIFTWATCH_VAULT_PASSPHRASE'

let envPassphrase: string | undefined

/**
 * Reads $DRIFTWATCH_VAULT_PASSPHRASE once and removes it from this process's environment, so no child process
 * (Chromium, oscap, a browser) and nothing reading process.env later can see it. Called first thing by the CLI.
 */
export function takeEnvPassphrase(env: NodeJS.ProcessEnv = process.env): void {
  const v = env[PASSPHRASE_ENV]
  if (v !== undefined) {
    if (v) envPassphrase = v
    delete env[PASSPHRASE_ENV]
  }
}

const STORE_ENV = 'DRIFTWATCH_STORE'
let storeFromEnv: string | undefined

/**
 * DRIFTWATCH_STORE leaves the environment at start as the passphrase does: a PostgreSQL URL may carry a
 * password, and no child process (ssh, oscap, a browser) may inherit it.
 */
export function takeEnvStore(env: NodeJS.ProcessEnv = process.env): void {
  const v = env[STORE_ENV]
  if (v !== undefined) {
    if (v) storeFromEnv = v
    delete env[STORE_ENV]
  }
}

/** The store the environment named when the CLI started (see takeEnvStore). */
export const envStore = (): string | undefined => storeFromEnv

/** The passphrase the environment held when the CLI started (see takeEnvPassphrase). */
export const envVaultPassphrase = (): string | undefined => envPassphrase

export interface SecretSource {
  env: NodeJS.ProcessEnv
  stdin: NodeJS.ReadStream
  stderr: NodeJS.WriteStream
}
export const processSource = (): SecretSource => ({
  env: process.env,
  stdin: process.stdin,
  stderr: process.stderr,
})

export async function askHidden(src: SecretSource, question: string): Promise<string> {
  const { stdin, stderr } = src
  if (!stdin.isTTY)
    throw CliError.usage(`no terminal to ask "${question.trim()}"; set ${PASSPHRASE_ENV} or pipe it on stdin`)
  stderr.write(question)
  stdin.setRawMode(true)
  stdin.resume()
  stdin.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    let value = ''
    const done = (err?: Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      stderr.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done()
        if (ch === '\u0003')
          return done(new CliError('cancelled', { code: 'validation', message: 'cancelled', issues: [] }))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** The master passphrase: from the environment (automation; see README for the risk) or a hidden prompt. */
export async function passphrase(src: SecretSource, opts: { confirm?: boolean } = {}): Promise<string> {
  takeEnvPassphrase(src.env)
  const fromEnv = envPassphrase
  if (fromEnv) return fromEnv
  const first = await askHidden(src, 'Vault passphrase: ')
  if (opts.confirm) {
    const again = await askHidden(src, 'Repeat the passphrase: ')
    if (again !== first) throw CliError.usage('the two passphrases differ')
  }
  return first
}

export async function readAllStdin(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

export async function readSecretFile(path: string): Promise<string> {
  try {
    return (await readUserFile(path, { maxBytes: 8 * 1024 * 1024 })).bytes.toString('utf8')
  } catch (err) {
    throw CliError.usage((err as Error).message)
  }
}
