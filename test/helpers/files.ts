// Files in and out of a core the way the CLI and the desktop shell move them: a file read from disk and staged
// for content.import / reports.verify by upload id, an export's staged bytes written where the test says.
import type { Core } from '../../src-main/core/app'
import { AppError } from '../../src-main/core/errors'
import { saveStaged, stageUserFile } from '../../src-main/core/files/user-files'
import type { ApiError, Req, Res } from '../../src-preload/contract'
import { call } from './core'

/** content.import of a datastream on disk (as `driftwatch content import FILE` does). */
export async function importContentFile(core: Core, path: string): Promise<Res<'content.import'>> {
  const { uploadId } = await stageUserFile(core.uploads, path)
  return call(core, 'content.import', { uploadId })
}

/** The error content.import answers a file on disk with. */
export async function importContentError(core: Core, path: string): Promise<ApiError> {
  const { uploadId } = await stageUserFile(core.uploads, path)
  const env = await core.invoke('content.import', { uploadId })
  if (env.ok) throw new Error(`expected content.import to fail, got ${JSON.stringify(env.data)}`)
  return env.error
}

/** reports.export, then the staged bytes written to `path` (as `driftwatch export --out` does). */
export async function exportReportTo(
  core: Core,
  req: Req<'reports.export'>,
  path: string,
): Promise<Res<'reports.export'> & { path: string }> {
  const res = await call(core, 'reports.export', req)
  await saveStaged(core.downloads, res.download, path)
  return { ...res, path }
}

/** The error an export answers with, from the channel or from writing its bytes to `path`. */
export async function exportReportError(core: Core, req: unknown, path: string): Promise<ApiError> {
  const env = await core.invoke('reports.export', req)
  if (!env.ok) return env.error
  try {
    await saveStaged(core.downloads, (env.data as Res<'reports.export'>).download, path)
  } catch (err) {
    if (err instanceof AppError) return err.toApi()
    throw err
  }
  throw new Error(`expected the export to ${path} to fail`)
}

/** reports.verify of a bundle on disk. */
export async function verifyBundleFile(
  core: Core,
  path: string,
  trustedKey?: string,
): Promise<Res<'reports.verify'>> {
  const { uploadId } = await stageUserFile(core.uploads, path)
  return call(core, 'reports.verify', { uploadId, trustedKey })
}
