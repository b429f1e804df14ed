// The rule pack format and the built-in packs: every built-in rule is complete and SELECT-only, custom packs
// are refused with a message naming the rule and the problem, `extends` and variables resolve, and the
// JSON Schema published in resources/ is the one the code checks against.
import { beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020'
import YAML from 'yaml'
import { formatPack, PackFormatError, parsePack } from '../../../src-main/core/rules/format'
import { loadSqlGuard, queryProblem } from '../../../src-main/core/rules/sql-guard'
import { builtInPacks, RulePacks } from '../../../src-main/core/rules/registry'
import { sqliteSql } from '../../../src-main/core/store/sql/sqlite'
import { RulePacksRepo } from '../../../src-main/core/store/rule-packs'
import { openDatabase } from '../../../src-main/core/store/db'
import { useTmpDirs } from '../../helpers/tmp-dir'
import { golden, UPDATE_HINT } from '../../golden/golden-files'

const SCHEMA_FILE = join(import.meta.dirname, '../../../resources/rule-pack.schema.json')
const tmp = useTmpDirs()
beforeAll(() => loadSqlGuard())

const pack = (rules: unknown[], extra: Record<string, unknown> = {}) =>
  YAML.stringify({ id: 'acme-pg', title: 'ACME', kind: 'postgres', rules, ...extra })
const rule = (id: string, query: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: `Rule ${id}`,
  query,
  assert: { type: 'rowCount', value: 0 },
  ...extra,
})
const refusal = (text: string): PackFormatError => {
  try {
    parsePack(text)
  } catch (err) {
    if (err instanceof PackFormatError) return err
    throw err
  }
  throw new Error('expected the pack to be refused')
}

describe('the built-in packs', () => {
  const pg = builtInPacks().find((p) => p.id === 'postgres-cis')!
  const my = builtInPacks().find((p) => p.id === 'mysql-cis')!

  it('has at least 50 PostgreSQL and 30 MySQL/MariaDB checks, each complete', () => {
    expect(pg.rules.length).toBeGreaterThanOrEqual(50)
    expect(my.rules.length).toBeGreaterThanOrEqual(30)
    for (const r of [...pg.rules, ...my.rules]) {
      expect.soft(r.description, r.id).not.toBe('')
      expect.soft(r.rationale, r.id).not.toBe('')
      expect.soft(r.remediation, r.id).not.toBe('')
      expect.soft(r.references.length, r.id).toBeGreaterThan(0)
      // A manual check runs no query: it has its procedure instead.
      if (r.manual) expect.soft(r.query, r.id).toBeUndefined()
      else
        expect.soft(queryProblem(r.query ?? '', pg.rules.includes(r) ? 'postgres' : 'mysql'), r.id).toBeNull()
    }
  })

  it('checks what the issue names', () => {
    const text = (p: typeof pg) => p.rules.map((r) => r.query).join('\n')
    for (const s of [
      'ssl',
      'ssl_min_protocol_version',
      'password_encryption',
      'logging_collector',
      'log_connections',
      'log_disconnections',
      'log_line_prefix',
      'log_statement',
      'shared_preload_libraries',
      'listen_addresses',
      'pg_hba_file_rules',
      'pg_authid',
      'lanpltrusted',
      'prosecdef',
      "grantee = 'PUBLIC'",
    ])
      expect(text(pg)).toContain(s)
    for (const s of [
      'local_infile',
      'secure_file_priv',
      'sql_mode',
      'have_ssl',
      'require_secure_transport',
      "User = ''",
      "Host = '%'",
      'File_priv',
      'Process_priv',
      'Super_priv',
      'Grant_priv',
      'log_error',
      'test',
    ])
      expect(text(my)).toContain(s)
  })

  it('round-trips through YAML and JSON export', () => {
    for (const p of builtInPacks()) {
      expect(parsePack(formatPack(p, 'yaml'))).toEqual({ ...p, $schema: expect.any(String) })
      expect(parsePack(formatPack(p, 'json'))).toEqual({ ...p, $schema: expect.any(String) })
    }
  })
})

describe('the SELECT-only guard (more in test/security/)', () => {
  it.each([
    ['postgres', 'SELECT 1'],
    ['postgres', "SELECT current_setting('ssl') AS value;"],
    ['postgres', 'WITH r AS (SELECT rolname FROM pg_roles) SELECT * FROM r'],
    ['mysql', "SHOW VARIABLES LIKE 'local_infile'"],
    ['postgres', "SELECT 'DELETE FROM x; DROP TABLE y' AS harmless_text"],
    ['postgres', 'SELECT "update" FROM t -- a quoted column, and a comment saying DROP'],
    ['postgres', 'SELECT $$ INSERT $$ AS dollar_quoted'],
    ['postgres', 'SELECT r.start, x.set FROM t r, u x'],
    ['postgres', "SELECT current_setting('shared_preload_libraries') ~ '(^|,)\\s*pgaudit' AS value"],
    ['mysql', "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'test\\_%' # why"],
  ] as const)('allows on %s: %s', (dialect, q) => expect(queryProblem(q, dialect)).toBeNull())

  it.each([
    ['postgres', 'WITH x AS (INSERT INTO t VALUES (1) RETURNING 1) SELECT * FROM x', /INSERT is not allowed/],
    ['postgres', 'SELECT 1; DELETE FROM t', /Only one statement/],
    ['postgres', 'DELETE FROM t', /DELETE is not allowed/],
    ['postgres', "SELECT set_config('log_statement', 'none', false)", /set_config\(\) is not on the list/],
    ['postgres', "SELECT pg_catalog.pg_read_file('/etc/passwd')", /pg_read_file\(\) is not on the list/],
    ['postgres', 'SELECT pg_sleep(2)', /pg_sleep\(\) is not on the list/],
    ['postgres', 'SELECT * INTO new_table FROM t', /INTO is not allowed/],
    ['mysql', "SELECT * FROM t INTO OUTFILE '/tmp/x'", /INTO .* is not allowed/],
    ['postgres', 'SELECT * FROM t FOR UPDATE', /FOR UPDATE/],
    ['mysql', 'SELECT /*!50000 1; DROP TABLE t */', /Executable comments/],
    ['postgres', "SELECT 'unterminated", /parser cannot read the query: unterminated quoted string/],
    ['mysql', "SELECT GET_LOCK('x', 10)", /GET_LOCK\(\) is not on the list/],
    [
      'postgres',
      "SELECT 'it\\'s' AS mysql_escape, '; DROP TABLE t; --' AS pg_reading",
      /standard_conforming_strings/,
    ],
  ] as const)('refuses on %s: %s', (dialect, q, why) => expect(queryProblem(q, dialect)).toMatch(why))
})

describe('custom packs', () => {
  it('refuses a rule that writes, naming the rule and the statement', () => {
    const err = refusal(
      pack([rule('ok', 'SELECT 1'), rule('sneaky', 'WITH x AS (DELETE FROM t RETURNING 1) SELECT * FROM x')]),
    )
    expect(err.message).toBe(
      'Rule "sneaky" (rules.1.query): DELETE is not allowed in a rule: rules may only read',
    )
    expect(err.issues[0]?.path).toBe('rules.1.query')
  })

  it('names unknown fields, bad assertions, duplicate ids and unreadable files', () => {
    expect(refusal(pack([rule('a', 'SELECT 1', { sevrity: 'high' })])).message).toMatch(/Rule "a".*sevrity/)
    expect(refusal(pack([rule('a', 'SELECT 1', { assert: { type: 'similar', value: 1 } })])).message).toMatch(
      /Rule "a" \(rules\.0\.assert\.type\)/,
    )
    expect(
      refusal(pack([rule('a', 'SELECT 1', { assert: { type: 'regex', pattern: '(' } })])).message,
    ).toMatch(/Not a valid regular expression/)
    expect(refusal(pack([rule('a', 'SELECT 1'), rule('a', 'SELECT 2')])).message).toMatch(/a is used twice/)
    expect(refusal('id: [unclosed').message).toMatch(/not valid YAML or JSON/)
    expect(refusal('- a list').message).toMatch(/mapping/)
    expect(refusal(pack([], { kind: 'oracle' })).message).toMatch(/^kind: /)
  })

  it('resolves extends and variables, and refuses what cannot resolve', () => {
    const db = openDatabase(join(tmp.make('dw-packs-'), 'db.sqlite'))
    try {
      const packs = new RulePacks(new RulePacksRepo(sqliteSql(db)))
      const custom = parsePack(
        pack(
          [
            rule('acme-extra', 'SELECT 1 AS value', {
              assert: { type: 'compare', op: '<=', value: '${acme_limit}' },
            }),
          ],
          {
            extends: 'postgres-cis',
            variables: { acme_limit: { type: 'number', title: 'Limit', default: 3 } },
            values: { max_superusers: 2 },
          },
        ),
      )
      const resolved = packs.check(custom)
      expect(resolved.rules.length).toBe(builtInPacks()[0]!.rules.length + 1)
      expect(resolved.values).toMatchObject({
        max_superusers: 2,
        acme_limit: 3,
        max_log_rotation_age_minutes: 1440,
      })

      const bad = (extra: Record<string, unknown>, rules: unknown[] = []) => {
        try {
          packs.check(parsePack(pack(rules, { extends: 'postgres-cis', ...extra })))
        } catch (err) {
          return (err as Error).message
        }
        return 'accepted'
      }
      expect(bad({ extends: 'mysql-cis' })).toBe(
        'acme-pg scans postgres targets but extends mysql-cis, a mysql pack',
      )
      expect(bad({ extends: 'nope' })).toBe('acme-pg extends nope, which is not installed')
      expect(bad({ values: { max_superusers: 0 } })).toMatch(/values.max_superusers: 0 is outside 1…100/)
      expect(bad({ values: { max_superusers: 'two' } })).toBe(
        'values.max_superusers: max_superusers is a number',
      )
      expect(bad({ values: { no_such: 1 } })).toBe('values.no_such: there is no variable no_such to set')
      expect(
        bad({}, [rule('x', 'SELECT 1 AS value', { assert: { type: 'equals', value: '${ghost}' } })]),
      ).toMatch(/Rule "x" uses \$\{ghost\}/)
      expect(bad({ id: 'postgres-cis' })).toMatch(/belongs to a built-in pack/)
    } finally {
      db.close()
    }
  })
})

describe('the published JSON Schema', () => {
  it('is the schema the code checks against (`npm run golden:update` rewrites it, never the test)', () => {
    const { generate } = golden('resources/rule-pack.schema.json')
    expect(readFileSync(SCHEMA_FILE, 'utf8'), `${SCHEMA_FILE} ${UPDATE_HINT}`).toBe(generate())
  })

  it('accepts the built-in packs as exported and refuses what the importer refuses', () => {
    const ajv = new Ajv2020({ strict: false })
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object)
    for (const p of builtInPacks())
      expect(validate(JSON.parse(formatPack(p, 'json'))), JSON.stringify(validate.errors)).toBe(true)
    expect(
      validate({
        id: 'x-y',
        title: 'T',
        kind: 'postgres',
        rules: [{ id: 'a', title: 'A', query: 'SELECT 1', assert: { type: 'equals' } }],
      }),
    ).toBe(false)
    expect(validate({ id: 'x-y', title: 'T', kind: 'mongo', rules: [] })).toBe(false)
  })
})
