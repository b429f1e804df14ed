// Fills a corpus query's placeholders ({CANARY}, {DIR}, {OUT}, {VICTIM_APP}, {VICTIM}) with a test's values.
export const fill = (sql: string, values: Record<string, string>): string =>
  sql.replace(/\{[A-Z_]+\}/g, (k) => values[k] ?? k)
