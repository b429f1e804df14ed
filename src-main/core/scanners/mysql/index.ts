// The MySQL / MariaDB kind: a server checked with a rule pack (mysql-cis or a custom one) in a read-only,
// time-bounded session; Test connection signs in and reads the version.
import { z } from 'zod'
import { hostPortBinding } from '../../vault/bindings'
import { defineKind } from '../kind'
import {
  credentialForm,
  credentialRef,
  hostField,
  hostPortUserForm,
  portField,
  tlsFields,
  tlsForm,
  userField,
} from '../fields'
import { sqlScanner } from '../sql/sql-scanner'
import { testSqlTarget } from '../sql/test-connection'
import type { SqlTarget } from '../sql/connect'

export const mysqlFields = z.object({
  host: hostField,
  port: portField.default(3306),
  database: z.string().trim().max(64).default(''),
  user: userField,
  credentialId: credentialRef,
  ...tlsFields,
})

export const mysqlKind = defineKind({
  kind: 'mysql',
  label: 'MySQL / MariaDB',
  shortLabel: 'MySQL',
  description: 'MySQL or MariaDB configuration checks, read-only.',
  fields: mysqlFields,
  form: [
    ...hostPortUserForm(3306, 'e.g. driftwatch_ro'),
    { name: 'database', label: 'Database', input: 'text', placeholder: 'optional', flag: 'database' },
    ...tlsForm,
    credentialForm('Credential'),
  ],
  address: (t) => `${t.user}@${t.host}:${t.port}${t.database ? `/${t.database}` : ''}`,
  bindingAddress: (t) => hostPortBinding(t.host, t.port),
  policy: {
    content: false,
    tailoring: false,
    rulePack: 'choose',
    defaultPack: 'mysql-cis',
    hostKey: false,
    testConnection: true,
  },
  credentials: [{ field: 'credentialId', role: 'login', kinds: ['db-password', 'db-client-cert'] }],
  test: (t, env) => testSqlTarget(t as SqlTarget, env.vault),
  scanner: (env) =>
    sqlScanner({
      vault: env.vault,
      packs: env.packs,
      timeoutMs: env.network.statementMs,
      network: { connectMs: env.network.connectMs, queryMs: env.network.queryMs },
    }),
  report: { method: 'Driftwatch mysql rule pack', subject: (t) => t.host },
})
