// Where oscap runs: this computer, or a host over SSH. The scan pipeline speaks only to this interface,
// so a local scan and a remote one are the same steps (temp dir, upload and verify, run, fetch, clean up).
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { childEnv } from '../../child-env'

export interface ExecResult {
  code: number | null
  signal?: string
  stdout: string
  stderr: string
}

export interface ExecOptions {
  timeoutMs?: number
  signal?: AbortSignal
  onStdout?(chunk: string): void
}

export interface Runner {
  /** A human name for messages: "this computer" or "root@10.0.0.5:22". */
  where: string
  mktemp(): Promise<string>
  upload(data: Buffer, path: string): Promise<void>
  /** Runs a command with the privileges the target is configured for (sudo mode). */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>
  download(path: string): Promise<Buffer>
  cleanup(dir: string): Promise<void>
  close(): Promise<void>
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** Quotes one argument for a POSIX shell (the remote side runs commands through sh). */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

export class LocalRunner implements Runner {
  where = 'this computer'

  async mktemp(): Promise<string> {
    return mkdtemp(join(tmpdir(), 'driftwatch.'))
  }

  async upload(data: Buffer, path: string): Promise<void> {
    await writeFile(path, data)
    const back = await readFile(path)
    if (sha256(back) !== sha256(data)) throw new Error(`The copy of ${path} does not match what was written`)
  }

  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const [cmd, ...args] = argv
      const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() })
      let stdout = ''
      let stderr = ''
      const kill = () => child.kill('SIGTERM')
      const timer = opts.timeoutMs ? setTimeout(kill, opts.timeoutMs) : undefined
      opts.signal?.addEventListener('abort', kill, { once: true })
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        stdout += s
        opts.onStdout?.(s)
      })
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        // Like a shell: a command that does not exist exits 127, it is not a failure to reach the host.
        if (err.code === 'ENOENT') resolve({ code: 127, stdout: '', stderr: `${cmd}: not found` })
        else reject(err)
      })
      child.on('close', (code, signal) => {
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', kill)
        resolve({ code, signal: signal ?? undefined, stdout, stderr })
      })
    })
  }

  download(path: string): Promise<Buffer> {
    return readFile(path)
  }

  async cleanup(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true })
  }

  async close(): Promise<void> {}
}
