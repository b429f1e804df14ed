// The assertion engine: each assertion type judges real-shaped rows (MySQL's 1/0 booleans, PostgreSQL arrays
// and "on"/"off"), records actual and expected, and a broken assertion is an error, never a fail.
import { describe, expect, it } from 'vitest'
import { evaluate, normaliseRows } from '../../../src-main/core/scanners/sql/assertions'
import { Assertion } from '../../../src-main/core/rules/format'

const a = (x: unknown) => Assertion.parse(x)
const one = (value: unknown) => normaliseRows([{ value }])

describe('assertions', () => {
  it('equals: text, and booleans across spellings', () => {
    expect(evaluate(a({ type: 'equals', value: 'on' }), one('on'), {})).toEqual({
      status: 'pass',
      actual: 'on',
      expected: '= on',
      message: '',
    })
    expect(evaluate(a({ type: 'equals', value: 'on' }), one('off'), {})).toMatchObject({
      status: 'fail',
      actual: 'off',
    })
    expect(evaluate(a({ type: 'equals', value: 'ON' }), one(1), {}).status).toBe('pass')
    expect(evaluate(a({ type: 'equals', value: 0 }), one(0), {}).status).toBe('pass')
    expect(evaluate(a({ type: 'equals', value: false }), one(false), {}).status).toBe('pass')
    expect(evaluate(a({ type: 'equals', value: 'YES' }), one('yes'), {}).status).toBe('pass')
    expect(evaluate(a({ type: 'equals', value: 'DISABLED' }), one('disabled'), {}).status).toBe('fail')
    expect(evaluate(a({ type: 'equals', value: 'on' }), [], {})).toMatchObject({
      status: 'fail',
      actual: '(no rows)',
    })
    expect(evaluate(a({ type: 'equals', value: 'on', onEmpty: 'notapplicable' }), [], {}).status).toBe(
      'notapplicable',
    )
  })

  it('oneOf, regex and negated regex', () => {
    expect(evaluate(a({ type: 'oneOf', values: ['ddl', 'mod', 'all'] }), one('none'), {})).toMatchObject({
      status: 'fail',
      expected: 'one of ddl, mod, all',
    })
    expect(evaluate(a({ type: 'regex', pattern: '%u' }), one('%m [%p] %u'), {}).status).toBe('pass')
    expect(evaluate(a({ type: 'regex', pattern: '\\*', negate: true }), one('*'), {})).toMatchObject({
      status: 'fail',
      expected: 'does not match /\\*/',
    })
  })

  it('compare with variables, and a value that is not a number is an error', () => {
    const rule = a({ type: 'compare', op: '>=', value: '${min_length}' })
    expect(evaluate(rule, one('14'), { min_length: 12 })).toMatchObject({ status: 'pass', expected: '>= 12' })
    expect(evaluate(rule, one(8), { min_length: 12 })).toMatchObject({ status: 'fail', actual: '8' })
    expect(evaluate(rule, one('abc'), { min_length: 12 })).toMatchObject({
      status: 'error',
      message: 'The value abc is not a number',
    })
    expect(evaluate(rule, one(1), {})).toMatchObject({
      status: 'error',
      message: 'The variable ${min_length} has no value',
    })
  })

  it('rowCount lists the offending rows', () => {
    const rows = normaliseRows([
      { rolname: 'app', hash: 'md5' },
      { rolname: 'legacy', hash: 'md5' },
    ])
    const v = evaluate(a({ type: 'rowCount', value: 0 }), rows, {})
    expect(v).toMatchObject({ status: 'fail', actual: '2 rows', expected: '0 rows' })
    expect(v.message).toBe('2 rows:\nrolname=app hash=md5\nrolname=legacy hash=md5')
    expect(evaluate(a({ type: 'rowCount', op: '<=', value: 1 }), rows.slice(1), {}).status).toBe('pass')
  })

  it('contains and excludes over lists and rows', () => {
    const libs = one('passwordcheck, pg_stat_statements')
    expect(evaluate(a({ type: 'contains', values: ['pgaudit'], separator: ',' }), libs, {})).toMatchObject({
      status: 'fail',
      actual: 'passwordcheck, pg_stat_statements',
      message: 'Missing: pgaudit',
    })
    expect(
      evaluate(a({ type: 'contains', values: ['PG_STAT_STATEMENTS'], separator: ',' }), libs, {}).status,
    ).toBe('pass')
    const exts = normaliseRows([{ value: 'plpgsql' }, { value: 'dblink' }])
    expect(evaluate(a({ type: 'excludes', values: ['dblink', 'file_fdw'] }), exts, {})).toMatchObject({
      status: 'fail',
      message: 'Present but should not be: dblink',
    })
  })

  it('checks every row, naming those that fail', () => {
    const rows = normaliseRows([{ value: 'on' }, { value: 'off' }, { value: 'on' }])
    const v = evaluate(a({ type: 'equals', value: 'on' }), rows, {})
    expect(v).toMatchObject({
      status: 'fail',
      actual: 'off',
      message: '1 of 3 rows do not satisfy it:\nvalue=off',
    })
  })

  it('a missing column is an error naming the columns there are', () => {
    expect(
      evaluate(a({ type: 'equals', value: 'on' }), normaliseRows([{ setting: 'on' }]), {}),
    ).toMatchObject({
      status: 'error',
      message: 'The query returns no column "value" (it returns setting)',
    })
  })

  it('normalises driver values: arrays, dates, buffers, bigints', () => {
    expect(
      normaliseRows([
        { a: ['all'], d: new Date('2030-01-01T00:00:00Z'), b: Buffer.from('x'), n: 10n, z: null },
      ]),
    ).toEqual([{ a: 'all', d: '2030-01-01T00:00:00.000Z', b: 'x', n: '10', z: null }])
  })
})
