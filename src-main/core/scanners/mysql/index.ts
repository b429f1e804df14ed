// The MySQL / MariaDB kind: a server checked with a rule pack (mysql-cis or a custom one) in a read-only,
// time-bounded session; Test connection signs in and reads the version.
import { z } from 'zod'
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
import { sqlKindParts } from '../sql/kind-parts'

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
  ...sqlKindParts('mysql', 'mysql-cis'),
})
