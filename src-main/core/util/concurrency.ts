// Doing many things a few at a time, one way everywhere (group scans, GitHub repository checks, SFTP writes,
// the CLI's group scan): a fixed number of lanes, each taking the next item as soon as its last one ends.

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, starting them in item order, and resolves with
 * the results in item order. On the first failure no further item starts; the calls already running are
 * waited for (so nothing still runs after this returns), then it rejects with that first failure.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`mapLimit needs a limit of at least 1, not ${limit}`)
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  let failure: unknown
  const lane = async () => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i]!, i)
      } catch (err) {
        if (!failed) {
          failed = true
          failure = err
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.floor(limit), items.length) }, lane))
  if (failed) throw failure
  return results
}
