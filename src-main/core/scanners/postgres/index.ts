// The PostgreSQL kind: a server checked with a rule pack (postgres-cis or a custom one) in a read-only,
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

export const postgresFields = z.object({
  host: hostField,
  port: portField.default(5432),
  database: z.string().trim().min(1, 'Database is required').max(63).default('postgres'),
  user: userField,
  credentialId: credentialRef,
  ...tlsFields,
})

export const postgresKind = defineKind({
  kind: 'postgres',
  label: 'PostgreSQL',
  shortLabel: 'PostgreSQL',
  description: 'CIS-style configuration checks, read-only.',
  fields: postgresFields,
  form: [
    ...hostPortUserForm(5432, 'e.g. driftwatch_ro'),
    { name: 'database', label: 'Database', input: 'text', placeholder: 'postgres', flag: 'database' },
    ...tlsForm,
    credentialForm('Credential'),
  ],
  ...sqlKindParts('postgres', 'postgres-cis'),
})
