// Case-insensitive comparison that reads the same on both engines. SQLite's NOCASE and LIKE fold ASCII letters
// only; PostgreSQL's lower() on the store's COLLATE "C" columns folds ASCII only too. So a column is compared
// as lower(col), and the value it is compared with is folded here, in ASCII, never by the server (a parameter
// has no "C" collation and would fold more on PostgreSQL than on SQLite).
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely'

/** A value as lower(col) reads its column: A-Z folded, every other character kept. */
export function foldCase(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase())
}

/** lower(col), to compare with or order by. */
export function lowerOf(col: Expression<string>): RawBuilder<string> {
  return sql<string>`lower(${col})`
}

/** col contains `word`, without regard to case; % and _ in `word` are taken literally. */
export function containsNoCase(col: Expression<string>, word: string): RawBuilder<SqlBool> {
  const pattern = `%${foldCase(word).replace(/[\\%_]/g, (c) => '\\' + c)}%`
  // ESCAPE is spelled out: SQLite's LIKE has no escape character unless told, PostgreSQL's is \ by default.
  return sql<SqlBool>`lower(${col}) LIKE ${pattern} ESCAPE '\\'`
}
