// Server state with its loading and error states spelled out, so no page shows stale data as fresh or a failed
// call as "nothing there". Pure helpers: the slices build on them and unit tests check them without a server.
/** What the renderer holds of one server answer. `data` survives a reload or a failed reload, so the page
 * keeps showing the last good answer while it says what is happening. */
export interface Loadable<T> {
  state: 'idle' | 'loading' | 'ready' | 'error'
  data: T | null
  error: string
}

export const idle = <T>(): Loadable<T> => ({ state: 'idle', data: null, error: '' })
export const loading = <T>(prev: Loadable<T> | undefined): Loadable<T> => ({
  state: 'loading',
  data: prev?.data ?? null,
  error: '',
})
export const ready = <T>(data: T): Loadable<T> => ({ state: 'ready', data, error: '' })
export const failed = <T>(prev: Loadable<T> | undefined, err: unknown): Loadable<T> => ({
  state: 'error',
  data: prev?.data ?? null,
  error: errorText(err),
})

/** The reason a call failed, in words for the user (never "[object Object]", never empty). */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : ''
  return text.trim() || 'The request failed for an unknown reason'
}

/** A failed form submission's field errors, by field path ("config.url"); empty when the failure names none. */
export function fieldIssues(err: unknown): Record<string, string> {
  // An ApiCallError carries the contract's issues; read them by shape so this module needs no transport.
  const issues = (err as { issues?: unknown } | null)?.issues
  if (!Array.isArray(issues)) return {}
  return Object.fromEntries(
    issues
      .filter(
        (i): i is { path: string; message: string } =>
          typeof i?.path === 'string' && typeof i?.message === 'string',
      )
      .map((i) => [i.path, i.message]),
  )
}

/** Loads into a keyed map of Loadables and drops answers that a newer request for the same key overtook. */
export function keyedLoader<T>(
  read: () => Record<string, Loadable<T>>,
  write: (next: Record<string, Loadable<T>>) => void,
) {
  const seq = new Map<string, number>()
  return async (key: string, call: () => Promise<T>): Promise<void> => {
    const mine = (seq.get(key) ?? 0) + 1
    seq.set(key, mine)
    write({ ...read(), [key]: loading(read()[key]) })
    try {
      const data = await call()
      if (seq.get(key) === mine) write({ ...read(), [key]: ready(data) })
    } catch (err) {
      if (seq.get(key) === mine) write({ ...read(), [key]: failed(read()[key], err) })
    }
  }
}

/** Runs an action the user asked for; a failure becomes an error toast that says what failed and why.
 * Answers whether it worked, so the caller can go on (close a form, say "saved") only then. */
export async function attempt(
  toast: (kind: 'info' | 'error', text: string) => void,
  what: string,
  call: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await call()
    return true
  } catch (err) {
    toast('error', `${what}: ${errorText(err)}`)
    return false
  }
}
