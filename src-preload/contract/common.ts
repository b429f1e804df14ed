// Helpers every domain of the contract shares: the channel() pairing, common request shapes, the staged-file
// reply and the one error shape that crosses the wall.
import { z } from 'zod'

export const Id = z.object({ id: z.string().min(1, 'id is required') })
export const Empty = z.object({}).strict()
/** Channels that move files are strict: a request naming a field they do not know (say, a path) is refused. */
export const StrictId = Id.strict()
/**
 * A file staged in the core under a random single-use id: an export waiting to be downloaded or saved, or an
 * uploaded file waiting to be imported. The wire never carries a filesystem path to read or write.
 */
export const stagedId = (message: string) =>
  z.string({ error: message }).regex(/^[A-Za-z0-9_-]{32}$/, message)
export const Download = {
  /** Fetch it once: GET /api/download/ID in serve mode, or the desktop app's save dialog. */
  download: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  bytes: z.number(),
  sha256: z.string(),
}

/** Every error that crosses the wall has this shape; `issues` name the fields a form should mark. */
export const ApiError = z.object({
  code: z.enum([
    'validation',
    'not_found',
    'conflict',
    'unauthorized',
    'forbidden',
    'unavailable',
    'internal',
  ]),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).default([]),
})
export type ApiError = z.infer<typeof ApiError>

export const sha = z.string().regex(/^[0-9a-f]{64}$/, 'Content is named by the SHA-256 of its file')

export const channel = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({
  request,
  response,
})
