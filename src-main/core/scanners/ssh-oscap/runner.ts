// Where oscap runs: this computer, or a host over SSH. The scan pipeline speaks only to this interface,
// so a local scan and a remote one are the same steps (temp dir, upload, verify and run, fetch, clean up).
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
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

/** Files written by upload(), each checked against its SHA-256 where oscap runs before oscap reads it. */
export interface EvalJob {
  files: { path: string; sha256: string }[]
  /** `oscap xccdf eval --progress …`, writing its ARF to `arf`. */
  argv: string[]
  arf: string
}

export interface EvalRun {
  /** The ARF, uncompressed, as it arrives (it ends empty when oscap failed); errors if the run does. */
  arf: NodeJS.ReadableStream
  /** How the run ended. `damaged`: an uploaded file did not match its SHA-256 (oscap did not run). */
  done: Promise<ExecResult & { damaged?: { path: string; sha256: string } }>
}

export interface Runner {
  /** A human name for messages: "this computer" or "root@10.0.0.5:22". */
  where: string
  /** A fresh private temp dir, or null when oscap is not installed there (one step for both). */
  workDir(): Promise<string | null>
  /** Writes the files (all at once); evaluate() verifies them. */
  upload(files: { data: Buffer; path: string }[], signal?: AbortSignal): Promise<void>
  /**
   * Verifies the uploads, runs oscap with the privileges the target is configured for (sudo mode) and streams
   * its ARF back, all in one command. `onProgress` gets oscap's --progress output as it comes.
   */
  evaluate(job: EvalJob, opts: ExecOptions & { onProgress(chunk: string): void }): EvalRun
  /** Runs a command with the privileges the target is configured for (sudo mode). */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>
  cleanup(dir: string): Promise<void>
  close(): Promise<void>
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** Quotes one argument for a POSIX shell (the remote side runs commands through sh). */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

export class LocalRunner implements Runner {
  where = 'this computer'

  async workDir(): Promise<string | null> {
    return mkdtemp(join(tmpdir(), 'driftwatch.'))
  }

  async upload(files: { data: Buffer; path: string }[]): Promise<void> {
    await Promise.all(files.map((f) => writeFile(f.path, f.data)))
  }

  evaluate(job: EvalJob, opts: ExecOptions & { onProgress(chunk: string): void }): EvalRun {
    const run = async (): Promise<Awaited<EvalRun['done']>> => {
      for (const f of job.files) {
        const got = sha256(await readFile(f.path))
        if (got !== f.sha256)
          return { code: null, stdout: '', stderr: '', damaged: { path: f.path, sha256: got } }
      }
      return this.exec(job.argv, { ...opts, onStdout: opts.onProgress })
    }
    const done = run()
    const arf = new PassThrough()
    done.then(
      async (r) => {
        if (r.damaged || (r.code !== 0 && r.code !== 2)) return arf.end()
        const ok = await access(job.arf).then(
          () => true,
          () => false,
        )
        if (ok) createReadStream(job.arf).pipe(arf)
        else arf.end()
      },
      (err: Error) => arf.destroy(err),
    )
    return { arf, done }
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

  async cleanup(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true })
  }

  async close(): Promise<void> {}
}
