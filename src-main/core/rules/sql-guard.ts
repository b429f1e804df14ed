// The SELECT-only check every rule query passes before it may run: one statement that reads, with no
// statement, clause or function that writes, locks, reads server files or runs other SQL. It is the first
// wall; the read-only transaction the scanners open is the second, for what a word list cannot know
// (a user-defined function that writes).

/** Statements a rule may start with. */
const STARTS = new Set(['SELECT', 'WITH', 'SHOW', 'VALUES'])

/** Words that only appear in statements or clauses that change something (or take locks, or end the transaction). */
const FORBIDDEN_WORDS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'UPSERT',
  'CREATE',
  'DROP',
  'ALTER',
  'TRUNCATE',
  'RENAME',
  'GRANT',
  'REVOKE',
  'COPY',
  'CALL',
  'DO',
  'EXECUTE',
  'EXEC',
  'PREPARE',
  'DEALLOCATE',
  'LOCK',
  'UNLOCK',
  'SET',
  'RESET',
  'BEGIN',
  'START',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'VACUUM',
  'ANALYZE',
  'CLUSTER',
  'REINDEX',
  'REFRESH',
  'LISTEN',
  'NOTIFY',
  'UNLISTEN',
  'LOAD',
  'HANDLER',
  'INSTALL',
  'UNINSTALL',
  'FLUSH',
  'KILL',
  'SHUTDOWN',
  'DISCARD',
  'CHECKPOINT',
  'COMMENT',
  'SECURITY',
  'IMPORT',
  'INTO',
  'OUTFILE',
  'DUMPFILE',
  'SHARE',
  'NEXT',
  'PURGE',
  'REPAIR',
  'OPTIMIZE',
  'BINLOG',
  'CHANGE',
])

/** Functions that write, lock, signal other sessions, touch server files, or run SQL given as text. */
const FORBIDDEN_FUNCTIONS = new Set([
  'set_config',
  'nextval',
  'setval',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_dir',
  'pg_stat_file',
  'pg_file_write',
  'pg_terminate_backend',
  'pg_cancel_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_switch_wal',
  'pg_promote',
  'pg_notify',
  'pg_backup_start',
  'pg_backup_stop',
  'pg_start_backup',
  'pg_stop_backup',
  'txid_current',
  'pg_current_xact_id',
  'query_to_xml',
  'query_to_xml_and_xmlschema',
  'query_to_xmlschema',
  'cursor_to_xml',
  'database_to_xml',
  'schema_to_xml',
  'load_file',
  'get_lock',
  'release_lock',
  'release_all_locks',
  'master_pos_wait',
  'source_pos_wait',
  'sys_exec',
  'sys_eval',
  'benchmark',
])
const FORBIDDEN_PREFIXES = ['pg_advisory', 'pg_try_advisory', 'dblink', 'lo_', 'pg_create_', 'pg_drop_']

/** Returns why a query may not run, or null when it is a single read-only SELECT (or SHOW / WITH … SELECT). */
export function selectOnlyProblem(sql: string): string | null {
  if (sql.length > 20_000) return 'The query is longer than 20,000 characters'
  // MySQL strings take backslash escapes, PostgreSQL's standard strings do not: 'a\' ends differently in
  // each. A query must be harmless read either way, so no quote trick hides a statement from one reading.
  return problemIn(sql, true) ?? problemIn(sql, false)
}

function problemIn(sql: string, backslashEscapes: boolean): string | null {
  let code: string
  try {
    code = stripLiterals(sql, backslashEscapes)
  } catch (err) {
    return (err as Error).message
  }
  const body = code.replace(/[\s;]+$/, '')
  if (!body.trim()) return 'The query is empty'
  if (body.includes(';')) return 'Only one statement is allowed (found a ";" before the end)'
  const words = [...body.matchAll(/[A-Za-z_][A-Za-z0-9_$]*/g)]
  const first = words[0]?.[0].toUpperCase()
  if (!first || !STARTS.has(first))
    return `Only SELECT, WITH, SHOW or VALUES queries are allowed (this one starts with ${first ?? 'nothing'})`
  for (const m of words) {
    const w = m[0]
    const upper = w.toUpperCase()
    // A qualified name (pg_catalog.set_config, x.update) is judged by its last part; a column called "start"
    // after a dot is not the START statement.
    const afterDot = body[(m.index ?? 0) - 1] === '.'
    const called = /^\s*\(/.test(body.slice((m.index ?? 0) + w.length))
    const lower = w.toLowerCase()
    if (called && (FORBIDDEN_FUNCTIONS.has(lower) || FORBIDDEN_PREFIXES.some((p) => lower.startsWith(p))))
      return `The function ${lower}() is not allowed in a rule: it writes, locks, reads server files or runs other SQL`
    if (!afterDot && !called && FORBIDDEN_WORDS.has(upper))
      return `${upper} is not allowed in a rule: rules may only read (SELECT)`
  }
  return null
}

/**
 * Removes comments, string literals and quoted identifiers (keeping a blank in their place) so that only SQL
 * words remain. MySQL's executable comments (/*! … *\/) run their content, so they are refused, not removed.
 */
function stripLiterals(sql: string, backslashEscapes: boolean): string {
  let out = ''
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++
      out += ' '
    } else if (c === '#') {
      while (i < n && sql[i] !== '\n') i++
      out += ' '
    } else if (c === '/' && next === '*') {
      if (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!'))
        throw new Error('MySQL executable comments (/*! … */) are not allowed in a rule')
      const end = sql.indexOf('*/', i + 2)
      if (end < 0) throw new Error('A /* comment is not closed')
      i = end + 2
      out += ' '
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      for (;;) {
        if (j >= n) throw new Error(`A ${c} quote is not closed`)
        if (backslashEscapes && sql[j] === '\\' && c !== '`') j += 2
        else if (sql[j] === c && sql[j + 1] === c) j += 2
        else if (sql[j] === c) break
        else j++
      }
      i = j + 1
      out += c === "'" ? " '' " : ' q '
    } else if (c === '$' && /[A-Za-z_$]/.test(next ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0]
      if (!tag) {
        out += c
        i++
        continue
      }
      const end = sql.indexOf(tag, i + tag.length)
      if (end < 0) throw new Error(`A ${tag} quoted string is not closed`)
      i = end + tag.length
      out += " '' "
    } else {
      out += c
      i++
    }
  }
  return out
}
