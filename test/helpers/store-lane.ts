// Which store a test's `driftwatch` child processes open. In the SQLite lanes, the one in the data folder they
// are given. In the "postgresql" lane (postgres-store-setup.ts), the PostgreSQL database the file's in-process
// cores use for that folder: the setup file registers it here, and the helpers that start the CLI (cli.ts,
// daemon.ts) pass it as DRIFTWATCH_STORE, so a child and an in-process core on one data folder share one store.
let storeOf: ((dataDir: string) => string) | undefined

/** Called by the postgresql lane's setup file: the store for a data folder. */
export function setLaneStore(f: ((dataDir: string) => string) | undefined): void {
  storeOf = f
}

/** The store a core or child on `dataDir` opens in this lane; undefined in the SQLite lanes (the folder's file). */
export function laneStore(dataDir: string): string | undefined {
  return storeOf?.(dataDir)
}

/**
 * The environment a `driftwatch` child with these arguments needs to open this lane's store: DRIFTWATCH_STORE
 * for its --data-dir in the postgresql lane; nothing when the arguments name a store themselves, name no data
 * folder, or the lane is SQLite's.
 */
export function laneStoreEnv(args: readonly string[]): NodeJS.ProcessEnv {
  if (!storeOf || args.some((a) => a === '--store' || a.startsWith('--store='))) return {}
  const i = args.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='))
  if (i < 0) return {}
  const a = args[i]!
  const dir = a.startsWith('--data-dir=') ? a.slice('--data-dir='.length) : args[i + 1]
  return dir === undefined ? {} : { DRIFTWATCH_STORE: storeOf(dir) }
}
