// Hostile MySQL/MariaDB rule queries: each is what a custom rule pack could carry to turn a scan against the
// server it audits. Placeholders are filled in by the tests: {CANARY} a file the server can read, {OUT} a file
// name the server could write, {VICTIM} the connection id of a session to keep alive. `refusal` is what the
// guard must say (a pattern over its reason).
import type { HostileQuery } from './postgres'

const notListed = (fn: string) => new RegExp(`function ${fn}\\(\\) is not on the list`, 'i')
const INTO = /SELECT … INTO .* is not allowed/

export const MYSQL_CORPUS: HostileQuery[] = [
  // ---- The bypasses found against the old keyword guard ----
  {
    sql: "SELECT `load_file`('{CANARY}') AS value",
    does: 'reads a server file (back-ticked name)',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT 1 --1\n, load_file('{CANARY}') AS value",
    does: '--1 is minus minus one to MySQL, not a comment: the call runs',
    refusal: /not followed by a space/,
  },
  {
    sql: "SELECT 1 --1\nINTO OUTFILE '{OUT}'",
    does: 'INTO OUTFILE behind --1',
    refusal: /not followed by a space/,
  },
  {
    sql: "SELECT 1 AS $$, load_file('{CANARY}') AS $$",
    does: '$$ is a name to MySQL, a quote to a naive reader',
    refusal: /A \$ outside quotes/,
  },
  {
    sql: "SELECT 'x' AS $$ INTO OUTFILE '{OUT}' -- $$",
    does: 'INTO OUTFILE hidden between $$',
    refusal: /A \$ outside quotes/,
  },
  {
    sql: "SELECT 1 AS `a` INTO OUTFILE '{OUT}'",
    does: 'INTO OUTFILE after a back-ticked alias',
    refusal: INTO,
  },
  // ---- Files ----
  {
    sql: "SELECT load_file('{CANARY}') AS value",
    does: 'reads a server file',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT LOAD_FILE('{CANARY}') AS value",
    does: 'reads a server file (upper case)',
    refusal: notListed('LOAD_FILE'),
  },
  {
    sql: "SELECT load_file/**/('{CANARY}') AS value",
    does: 'a comment between name and parenthesis',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT CONVERT(load_file('{CANARY}') USING utf8mb4) AS value",
    does: 'a call inside CONVERT',
    refusal: notListed('load_file'),
  },
  { sql: "SELECT 'x' INTO OUTFILE '{OUT}'", does: 'writes a server file', refusal: INTO },
  { sql: "SELECT 'x' INTO DUMPFILE '{OUT}'", does: 'writes a server file, raw', refusal: INTO },
  {
    sql: "SELECT User FROM mysql.user INTO OUTFILE '{OUT}'",
    does: 'writes the account list to a file',
    refusal: INTO,
  },
  {
    sql: "SELECT 1 # a comment\nINTO OUTFILE '{OUT}'",
    does: 'INTO OUTFILE on the line after a # comment',
    refusal: INTO,
  },
  {
    sql: "SELECT 1 -- a comment\nINTO DUMPFILE '{OUT}'",
    does: 'INTO DUMPFILE after a -- comment',
    refusal: INTO,
  },
  {
    sql: "SELECT 1 INTO OUTFILE '{OUT}' FIELDS TERMINATED BY '<?php ?>'",
    does: 'writes a web shell',
    refusal: /INTO|cannot read/,
  },
  {
    sql: "SELECT 1 /*! INTO OUTFILE '{OUT}' */",
    does: 'INTO OUTFILE in an executable comment',
    refusal: /Executable comments/,
  },
  {
    sql: "SELECT 1 /*!50000 , load_file('{CANARY}') */ AS value",
    does: 'a versioned executable comment',
    refusal: /Executable comments/,
  },
  {
    sql: "SELECT 1 /*M!100000 , load_file('{CANARY}') */ AS value",
    does: "MariaDB's executable comment",
    refusal: /Executable comments/,
  },
  {
    sql: "SELECT /*+ SET_VAR(sql_mode='ANSI_QUOTES') */ 1",
    does: 'an optimizer hint that changes the session',
    refusal: /optimizer hints/,
  },
  {
    sql: "LOAD DATA INFILE '{CANARY}' INTO TABLE mysql.dw",
    does: 'loads a server file into a table',
    refusal: /cannot read|not allowed/,
  },
  // ---- Stacked statements and statements that are not SELECT ----
  {
    sql: "SELECT 1; SELECT load_file('{CANARY}')",
    does: 'a stacked read of a file',
    refusal: /Only one statement|not on the list/,
  },
  { sql: 'SELECT 1; KILL {VICTIM}', does: 'ends another session', refusal: /Only one statement|cannot read/ },
  { sql: 'KILL {VICTIM}', does: 'ends another session', refusal: /cannot read|not allowed/ },
  {
    sql: "SET GLOBAL general_log_file = '{OUT}'",
    does: 'points the general log at a file of its choosing',
    refusal: /cannot read|not allowed/,
  },
  { sql: 'DO SLEEP(60)', does: 'holds the session', refusal: /cannot read|not allowed/ },
  {
    sql: "PREPARE s FROM 'SELECT load_file(''{CANARY}'')'",
    does: 'a prepared statement',
    refusal: /cannot read|not allowed/,
  },
  { sql: 'EXECUTE s', does: 'runs a prepared statement', refusal: /cannot read|not allowed/ },
  { sql: 'HANDLER mysql.user OPEN', does: 'opens a table handler', refusal: /cannot read|not allowed/ },
  { sql: "INSTALL SONAME 'ha_connect'", does: 'loads a server plugin', refusal: /cannot read|not allowed/ },
  {
    sql: "SHOW GRANTS; SELECT load_file('{CANARY}')",
    does: 'a call stacked after SHOW',
    refusal: /Only SHOW/,
  },
  {
    sql: "SHOW VARIABLES WHERE Variable_name = 'x' AND load_file('{CANARY}') IS NOT NULL",
    does: 'SHOW … WHERE runs expressions',
    refusal: /Only SHOW/,
  },
  // ---- Functions with side effects ----
  { sql: 'SELECT SLEEP(60)', does: 'holds the session', refusal: notListed('SLEEP') },
  {
    sql: "SELECT BENCHMARK(500000000, MD5('x'))",
    does: 'burns the server CPU',
    refusal: notListed('BENCHMARK'),
  },
  { sql: "SELECT GET_LOCK('dw', 10)", does: 'takes a named lock', refusal: notListed('GET_LOCK') },
  {
    sql: 'SELECT RELEASE_ALL_LOCKS()',
    does: "releases other code's locks",
    refusal: notListed('RELEASE_ALL_LOCKS'),
  },
  {
    sql: "SELECT MASTER_POS_WAIT('log', 1, 60)",
    does: 'waits on replication',
    refusal: notListed('MASTER_POS_WAIT'),
  },
  { sql: "SELECT sys_exec('touch {OUT}')", does: 'a command-running UDF', refusal: notListed('sys_exec') },
  {
    sql: "SELECT mysql.load_file('{CANARY}')",
    does: 'a qualified call',
    refusal: notListed('mysql.load_file'),
  },
  {
    sql: "SELECT CONCAT('a', `sleep`(5)) AS value",
    does: 'a back-ticked call inside CONCAT',
    refusal: notListed('sleep'),
  },
  {
    sql: 'SELECT LOAD_FILE(0x2f6574632f706173737764) AS value',
    does: 'a file name as hex',
    refusal: notListed('LOAD_FILE'),
  },
  {
    sql: "SELECT @a := load_file('{CANARY}') AS value",
    does: 'an assignment',
    refusal: /not allowed|not on the list/,
  },
  { sql: 'SELECT 1 INTO @dw', does: 'SELECT INTO a variable', refusal: INTO },
  { sql: 'SELECT User FROM mysql.user FOR UPDATE', does: 'locks rows', refusal: /FOR UPDATE/ },
  {
    sql: 'SELECT User FROM mysql.user LOCK IN SHARE MODE',
    does: 'locks rows',
    refusal: /LOCK IN SHARE MODE|cannot read/,
  },
  // ---- Quoting, escapes and modes ----
  {
    sql: `SELECT "load_file"('{CANARY}') AS value`,
    does: 'a call by name under ANSI_QUOTES',
    refusal: /Double quotes/,
  },
  {
    sql: "SELECT 'it\\'s' AS a, load_file('{CANARY}') AS value",
    does: "a \\' that ends elsewhere under NO_BACKSLASH_ESCAPES",
    refusal: /NO_BACKSLASH_ESCAPES/,
  },
  {
    sql: "SELECT 'a\\\\' AS a, load_file('{CANARY}') AS value -- '",
    does: 'a trailing backslash pair before a quote',
    refusal: /NO_BACKSLASH_ESCAPES/,
  },
  {
    sql: "SELECT \\N, load_file('{CANARY}') AS value",
    does: 'a backslash outside strings',
    refusal: /backslash outside/,
  },
  {
    sql: "SELECT 1 AS `a``b`, load_file('{CANARY}') AS value",
    does: 'a doubled back-tick in a name',
    refusal: notListed('load_file'),
  },
  // ---- Calls hidden deeper in the tree ----
  {
    sql: "SELECT (SELECT load_file('{CANARY}')) AS value",
    does: 'a call in a scalar subquery',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT 1 AS value FROM DUAL WHERE load_file('{CANARY}') IS NOT NULL",
    does: 'a call in WHERE',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT User FROM mysql.user ORDER BY load_file('{CANARY}')",
    does: 'a call in ORDER BY',
    refusal: notListed('load_file'),
  },
  {
    sql: "WITH x AS (SELECT load_file('{CANARY}') AS value) SELECT value FROM x",
    does: 'a call in a CTE',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT 1 AS value UNION SELECT load_file('{CANARY}')",
    does: 'a call in a UNION',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT value FROM (SELECT load_file('{CANARY}') AS value) t",
    does: 'a call in a derived table',
    refusal: notListed('load_file'),
  },
  {
    sql: "SELECT IF(1, load_file('{CANARY}'), 0) AS value",
    does: 'a call inside IF',
    refusal: notListed('load_file'),
  },
]
