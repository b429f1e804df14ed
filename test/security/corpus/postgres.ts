// Hostile PostgreSQL rule queries: each is what a custom rule pack could carry to turn a scan against the
// server it audits. Placeholders are filled in by the tests: {CANARY} a file the server can read, {DIR} its
// folder, {OUT} a file name the server could write, {VICTIM_APP} the application_name of a session to keep
// alive. `refusal` is what the guard must say (a pattern over its reason).
export interface HostileQuery {
  sql: string
  /** What the query would do if it ran as a superuser. */
  does: string
  refusal: RegExp
}

const notListed = (fn: string) => new RegExp(`function ${fn}\\(\\) is not on the list`)

export const POSTGRES_CORPUS: HostileQuery[] = [
  // ---- The bypasses found against the old keyword guard ----
  {
    sql: `SELECT "pg_read_file"('{CANARY}') AS value`,
    does: 'reads a server file (quoted name)',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT * FROM "pg_ls_dir"('{DIR}') AS value`,
    does: 'lists a server folder (quoted name)',
    refusal: notListed('pg_ls_dir'),
  },
  {
    sql: `SELECT "pg_terminate_backend"(pid) FROM pg_stat_activity WHERE application_name = '{VICTIM_APP}'`,
    does: 'ends another session (quoted name)',
    refusal: notListed('pg_terminate_backend'),
  },
  {
    sql: `SELECT "lo_export"("lo_import"('{CANARY}'), '{OUT}')`,
    does: 'copies a server file through a large object (quoted names)',
    refusal: notListed('lo_export'),
  },
  {
    sql: `SELECT 1 # 2 AS x, pg_read_file('{CANARY}') AS value`,
    does: '# is an operator in PostgreSQL, not a comment: the call runs',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT 1 # 0 AS a, "pg_ls_dir"('{DIR}') AS value`,
    does: '# operator then a quoted call',
    refusal: notListed('pg_ls_dir'),
  },
  // ---- Files ----
  {
    sql: `SELECT pg_read_file('{CANARY}') AS value`,
    does: 'reads a server file',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT pg_catalog.pg_read_file('{CANARY}', 0, 200) AS value`,
    does: 'reads a server file (qualified)',
    refusal: notListed('pg_catalog.pg_read_file'),
  },
  {
    sql: `SELECT pg_catalog."pg_read_file"('{CANARY}') AS value`,
    does: 'reads a server file (qualified, quoted)',
    refusal: notListed('pg_catalog.pg_read_file'),
  },
  {
    sql: `SELECT convert_from(pg_read_binary_file('{CANARY}'), 'UTF8') AS value`,
    does: 'reads a server file as bytes',
    refusal: /function (convert_from|pg_read_binary_file)\(\) is not on the list/,
  },
  {
    sql: `SELECT (pg_stat_file('{CANARY}')).size AS value`,
    does: 'probes a server file',
    refusal: notListed('pg_stat_file'),
  },
  {
    sql: `SELECT pg_ls_tmpdir() AS value`,
    does: 'lists the temp folder',
    refusal: notListed('pg_ls_tmpdir'),
  },
  { sql: `SELECT pg_ls_logdir() AS value`, does: 'lists the log folder', refusal: notListed('pg_ls_logdir') },
  {
    sql: `SELECT lo_import('{CANARY}') AS value`,
    does: 'loads a server file into a large object',
    refusal: notListed('lo_import'),
  },
  {
    sql: `SELECT lo_get(lo_import('{CANARY}')) AS value`,
    does: 'reads a server file through a large object',
    refusal: notListed('lo_get'),
  },
  {
    sql: `SELECT lo_from_bytea(0, pg_read_binary_file('{CANARY}')) AS value`,
    does: 'copies a file into a large object',
    refusal: notListed('lo_from_bytea'),
  },
  { sql: `COPY (SELECT 'x') TO '{OUT}'`, does: 'writes a server file', refusal: /COPY is not allowed/ },
  {
    sql: `COPY (SELECT 1) TO PROGRAM 'touch {OUT}'`,
    does: 'runs a shell command on the server',
    refusal: /COPY is not allowed/,
  },
  {
    sql: `SELECT 1; COPY (SELECT 'x') TO '{OUT}'`,
    does: 'stacked COPY after a SELECT',
    refusal: /Only one statement/,
  },
  {
    sql: `SELECT xmlparse(document '<!DOCTYPE x SYSTEM "file://{CANARY}"><x/>') AS value`,
    does: 'an XML external entity reading a file',
    refusal: /XML function is not allowed/,
  },
  // ---- Other SQL run as text, other sessions, other databases ----
  {
    sql: `SELECT query_to_xml('SELECT pg_read_file(''{CANARY}'')', true, true, '') AS value`,
    does: 'runs SQL given as text',
    refusal: notListed('query_to_xml'),
  },
  {
    sql: `SELECT * FROM dblink('dbname=postgres', 'SELECT pg_read_file(''{CANARY}'')') AS t(value text)`,
    does: 'runs SQL over a second connection outside the read-only transaction',
    refusal: notListed('dblink'),
  },
  {
    sql: `SELECT dblink_exec('dbname=postgres', 'CREATE TABLE dw_owned(x int)')`,
    does: 'writes over a second connection',
    refusal: notListed('dblink_exec'),
  },
  {
    sql: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{VICTIM_APP}'`,
    does: 'ends another session',
    refusal: notListed('pg_terminate_backend'),
  },
  {
    sql: `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '{VICTIM_APP}'`,
    does: "cancels another session's query",
    refusal: notListed('pg_cancel_backend'),
  },
  {
    sql: `SELECT pg_reload_conf()`,
    does: 'reloads the server configuration',
    refusal: notListed('pg_reload_conf'),
  },
  {
    sql: `SELECT set_config('default_transaction_read_only', 'off', false)`,
    does: 'changes a setting (the read-only default)',
    refusal: notListed('set_config'),
  },
  {
    sql: `SELECT pg_catalog.set_config('log_statement', 'none', false)`,
    does: 'switches off statement logging',
    refusal: notListed('pg_catalog.set_config'),
  },
  {
    sql: `SELECT pg_sleep(60)`,
    does: 'holds the session (denial of service)',
    refusal: notListed('pg_sleep'),
  },
  {
    sql: `SELECT pg_advisory_lock(42)`,
    does: 'takes a lock other sessions wait on',
    refusal: notListed('pg_advisory_lock'),
  },
  { sql: `SELECT pg_notify('dw', 'x')`, does: 'signals listeners', refusal: notListed('pg_notify') },
  { sql: `SELECT nextval('dw_seq')`, does: 'advances a sequence (a write)', refusal: notListed('nextval') },
  {
    sql: `SELECT txid_current()`,
    does: 'assigns a transaction id (a write)',
    refusal: notListed('txid_current'),
  },
  {
    sql: `SELECT public.current_setting('ssl') AS value`,
    does: 'calls a look-alike in another schema',
    refusal: notListed('public.current_setting'),
  },
  {
    sql: `SELECT 1 OPERATOR(public.+) 1`,
    does: 'calls a user-defined operator',
    refusal: /OPERATOR\(public\.\+\) is not allowed/,
  },
  // ---- Statements, clauses and CTEs that write or lock ----
  {
    sql: `WITH gone AS (DELETE FROM pg_largeobject RETURNING 1) SELECT count(*) FROM gone`,
    does: 'a data-modifying CTE',
    refusal: /DELETE is not allowed/,
  },
  {
    sql: `WITH x AS (INSERT INTO dw_t VALUES (1) RETURNING 1) SELECT * FROM x`,
    does: 'a data-modifying CTE',
    refusal: /INSERT is not allowed/,
  },
  {
    sql: `SELECT * INTO dw_stolen FROM pg_authid`,
    does: 'SELECT INTO creates a table',
    refusal: /INTO is not allowed/,
  },
  { sql: `SELECT * FROM pg_class FOR UPDATE`, does: 'locks rows', refusal: /FOR UPDATE/ },
  { sql: `SELECT * FROM pg_class FOR SHARE NOWAIT`, does: 'locks rows', refusal: /FOR UPDATE/ },
  {
    sql: `DO $$BEGIN PERFORM pg_read_file('{CANARY}'); END$$`,
    does: 'an anonymous code block',
    refusal: /DO is not allowed/,
  },
  {
    sql: `PREPARE dw AS SELECT pg_read_file('{CANARY}')`,
    does: 'a prepared statement',
    refusal: /PREPARE is not allowed/,
  },
  { sql: `EXECUTE dw`, does: 'runs a prepared statement', refusal: /EXECUTE is not allowed/ },
  {
    sql: `SET default_transaction_read_only = off`,
    does: 'leaves read-only mode',
    refusal: /SET is not allowed/,
  },
  {
    sql: `SELECT 1; COMMIT; COPY (SELECT 1) TO '{OUT}'`,
    does: 'ends the read-only transaction then writes',
    refusal: /Only one statement/,
  },
  {
    sql: `EXPLAIN ANALYZE SELECT pg_read_file('{CANARY}')`,
    does: 'EXPLAIN ANALYZE runs the query',
    refusal: /EXPLAIN is not allowed/,
  },
  { sql: `LOAD '/tmp/dw-evil.so'`, does: 'loads a shared library', refusal: /LOAD is not allowed/ },
  {
    sql: `SHOW ssl; SELECT pg_read_file('{CANARY}')`,
    does: 'a call stacked after SHOW',
    refusal: /Only one statement/,
  },
  // ---- Quoting, escapes and comments ----
  {
    sql: `SELECT U&"\\0070g_read_file"('{CANARY}') AS value`,
    does: 'a unicode-escaped function name',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT U&"!0070g_ls_dir" UESCAPE '!' ('{DIR}') AS value`,
    does: 'a unicode name with its own escape',
    refusal: notListed('pg_ls_dir'),
  },
  {
    sql: `SELECT $$'$$ AS a, pg_read_file('{CANARY}') AS value -- $$`,
    does: 'dollar quoting that looks like a string to a naive reader',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT $q$ ; $q$ AS a, pg_ls_dir('{DIR}') AS value`,
    does: 'tagged dollar quoting',
    refusal: notListed('pg_ls_dir'),
  },
  {
    sql: `SELECT E'it\\'s' AS a, pg_read_file('{CANARY}') AS value`,
    does: "an E'' string with an escaped quote",
    refusal: /standard_conforming_strings/,
  },
  {
    sql: `SELECT 'a\\' --' AS a, pg_read_file('{CANARY}') AS value --'`,
    does: 'a string that ends elsewhere with standard_conforming_strings off',
    refusal: /standard_conforming_strings/,
  },
  {
    sql: `SELECT 1 /* /* */ */, pg_read_file('{CANARY}') AS value`,
    does: 'nested comments end later than a naive reader thinks',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT 1 AS a -- \n, pg_read_file('{CANARY}') AS value`,
    does: 'the call on the line after a comment',
    refusal: notListed('pg_read_file'),
  },
  // ---- Calls hidden deeper in the tree ----
  {
    sql: `SELECT (SELECT pg_read_file('{CANARY}')) AS value`,
    does: 'a call in a scalar subquery',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT 1 AS value WHERE EXISTS (SELECT pg_ls_dir('{DIR}'))`,
    does: 'a call in EXISTS',
    refusal: notListed('pg_ls_dir'),
  },
  {
    sql: `SELECT rolname FROM pg_roles ORDER BY pg_read_file('{CANARY}')`,
    does: 'a call in ORDER BY',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT count(*) OVER (ORDER BY pg_read_file('{CANARY}')) AS value FROM pg_roles`,
    does: 'a call in a window',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `WITH r AS (SELECT pg_read_file('{CANARY}') AS value) SELECT value FROM r`,
    does: 'a call in a CTE',
    refusal: notListed('pg_read_file'),
  },
  { sql: `VALUES (pg_read_file('{CANARY}'))`, does: 'a call in VALUES', refusal: notListed('pg_read_file') },
  {
    sql: `SELECT CASE WHEN true THEN pg_read_file('{CANARY}') END AS value`,
    does: 'a call in CASE',
    refusal: notListed('pg_read_file'),
  },
  {
    sql: `SELECT current_setting('data_directory') || pg_read_file('{CANARY}') AS value`,
    does: 'an allowed call beside a forbidden one',
    refusal: notListed('pg_read_file'),
  },
]
