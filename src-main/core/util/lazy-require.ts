// A CommonJS package loaded on first use rather than when Driftwatch starts: for libraries only some commands
// need (the SSH client, parsers, zip, YAML) that are called from synchronous code, so `await import()` cannot
// be used. Each call site keeps its types through `typeof import('…')`.
import { createRequire } from 'node:module'

const load = createRequire(import.meta.url)

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined
  return () => (loaded ??= load(id) as T)
}
