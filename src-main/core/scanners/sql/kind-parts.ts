// What the two database kinds (postgres, mysql) share in their descriptors: address, credential, policy,
// Test connection, scanner and report line; each kind folder adds its own fields, defaults and labels.
import { hostPortBinding } from '../../vault/bindings'
import type { KindEnv } from '../kind'
import { sqlScanner } from './sql-scanner'
import { testSqlTarget } from './test-connection'
import type { SqlTarget } from './connect'

interface SqlFields {
  host: string
  port: number
  user: string
  database: string
}

export function sqlKindParts(name: string, defaultPack: string) {
  return {
    address: (t: SqlFields) => `${t.user}@${t.host}:${t.port}${t.database ? `/${t.database}` : ''}`,
    bindingAddress: (t: SqlFields) => hostPortBinding(t.host, t.port),
    policy: {
      content: false,
      tailoring: false,
      rulePack: 'choose' as const,
      defaultPack,
      hostKey: false,
      testConnection: true,
    },
    credentials: [
      {
        field: 'credentialId',
        role: 'login' as const,
        kinds: ['db-password' as const, 'db-client-cert' as const],
      },
    ],
    test: (t: SqlFields, env: KindEnv) => testSqlTarget(t as unknown as SqlTarget, env.vault),
    scanner: (env: KindEnv) =>
      sqlScanner({
        vault: env.vault,
        packs: env.packs,
        timeoutMs: env.network.statementMs,
        network: { connectMs: env.network.connectMs, queryMs: env.network.queryMs },
      }),
    report: { method: `Driftwatch ${name} rule pack`, subject: (t: { host: string }) => t.host },
  }
}
