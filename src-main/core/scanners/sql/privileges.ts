// What the scan account may do beyond reading: a superuser, or an account that may read/write server files
// or run programs, turns any flaw in a rule into harm on the audited server. Read before a scan and on "Test
// connection", said in the UI, CLI and report, with the least-privilege role to create instead.
type Query = (sql: string) => Promise<Record<string, unknown>[]>

const PG_CHECK = `SELECT r.rolsuper AS superuser,
  pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read_files,
  pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write_files,
  pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS run_programs
FROM pg_roles r WHERE r.rolname = current_user`

// The current account's global privileges: information_schema shows each account its own.
const MYSQL_CHECK = `SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES
WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`

const MYSQL_DANGEROUS = ['SUPER', 'FILE', 'SHUTDOWN', 'CREATE USER', 'GRANT OPTION']
/** MySQL 8 splits SUPER into dynamic privileges; ALL ON *.* on MariaDB 10.11 lists about 30 static ones. */
const MYSQL_ALL_THRESHOLD = 25

const truthy = (v: unknown) => v === true || v === 't' || v === 1 || v === '1'

/** One sentence naming what the account holds beyond reading, or null when it holds nothing dangerous. */
export async function privilegeWarning(
  kind: 'postgres' | 'mysql',
  user: string,
  query: Query,
): Promise<string | null> {
  if (kind === 'postgres') {
    const row = (await query(PG_CHECK))[0] ?? {}
    const held = [
      truthy(row.superuser) && 'is a superuser',
      truthy(row.read_files) && 'may read server files (pg_read_server_files)',
      truthy(row.write_files) && 'may write server files (pg_write_server_files)',
      truthy(row.run_programs) && 'may run programs on the server (pg_execute_server_program)',
    ].filter(Boolean)
    if (!held.length) return null
    return `The scan account ${user} ${held.join(', ')}: a rule pack runs with all of that. Scan with a least-privilege role instead (pg_read_all_settings + pg_monitor + pg_hba_file_rules; Test connection shows the SQL).`
  }
  const privs = (await query(MYSQL_CHECK)).map((r) => String(r.privilege ?? '').toUpperCase())
  const held = MYSQL_DANGEROUS.filter((p) => privs.includes(p))
  const all = privs.length >= MYSQL_ALL_THRESHOLD
  if (!held.length && !all) return null
  const what = [all ? 'ALL PRIVILEGES ON *.*' : '', held.length ? `global ${held.join(', ')}` : '']
    .filter(Boolean)
    .join(', including ')
  return `The scan account ${user} holds ${what}: a rule pack runs with all of that (FILE reads and writes server files). Scan with a least-privilege account instead (SELECT on mysql.* only; Test connection shows the SQL).`
}

/**
 * The role to create instead, as SQL a person can copy (the name is a suggestion). Each grant is what a built-in
 * pack needs and no more (test/security/least-privilege.test.ts proves the verdicts match a superuser's):
 * PostgreSQL's pg_hba_file_rules view and function are revoked from PUBLIC, and granted in the database scanned;
 * MariaDB needs SELECT on the mysql schema only (variables and information_schema are readable by anyone).
 */
export function leastPrivilegeSql(kind: 'postgres' | 'mysql'): string {
  return kind === 'postgres'
    ? [
        "CREATE ROLE driftwatch_scan LOGIN PASSWORD 'choose-a-password';",
        'GRANT pg_read_all_settings, pg_monitor TO driftwatch_scan;',
        'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO driftwatch_scan;',
        'GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO driftwatch_scan;',
      ].join('\n')
    : [
        "CREATE USER 'driftwatch_scan'@'%' IDENTIFIED BY 'choose-a-password';",
        "GRANT SELECT ON mysql.* TO 'driftwatch_scan'@'%';",
      ].join('\n')
}
