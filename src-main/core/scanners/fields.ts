// Field schemas and form pieces several kinds share (a user name, a credential reference, TLS for databases).
import { z } from 'zod'
import type { KindFormField } from '../../../src-preload/contract'

export { hostField, portField } from '../../../src-preload/contract'

export const userField = z
  .string({ error: 'User is required' })
  .trim()
  .min(1, 'User is required')
  .max(128, 'User is longer than 128 characters')

export const credentialRef = z.string().trim().min(1).max(64).nullable().default(null)

export const TLS_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const

/** The TLS modes as the form labels them: errors name a mode the way the person sees it. */
export const TLS_LABELS: Record<(typeof TLS_MODES)[number], string> = {
  disable: 'Disabled',
  require: 'Required (no certificate check)',
  'verify-ca': 'Verify the CA',
  'verify-full': 'Verify the CA and host name',
}

export const tlsFields = {
  tls: z
    .enum(TLS_MODES, { error: 'TLS mode must be one of disable, require, verify-ca, verify-full' })
    .default('require'),
  caFile: z.string().trim().max(4096).default(''),
  /**
   * Lets the password travel in clear when TLS is off and the server asks for it (PostgreSQL `password`
   * auth, MySQL mysql_clear_password). Off: such a login is refused before the password is sent.
   */
  allowCleartextPassword: z.boolean().default(false),
}

/** Host, port and user, in the order every networked form shows them. */
export const hostPortUserForm = (port: number, userPlaceholder: string): KindFormField[] => [
  {
    name: 'host',
    label: 'Host',
    input: 'text',
    required: true,
    placeholder: 'hostname or IP address',
    flag: 'host',
  },
  {
    name: 'port',
    label: 'Port',
    input: 'port',
    placeholder: String(port),
    help: `Default ${port}`,
    flag: 'port',
  },
  { name: 'user', label: 'User', input: 'text', required: true, placeholder: userPlaceholder, flag: 'user' },
]

/** A database's TLS mode and, when the CA is verified, the CA file. */
export const tlsForm: KindFormField[] = [
  {
    name: 'tls',
    label: 'TLS',
    input: 'select',
    default: 'require',
    flag: 'tls',
    options: [
      {
        value: 'disable',
        label: TLS_LABELS.disable,
        hint: 'Plain TCP: works with any server, but passwords and data cross the network readable.',
      },
      {
        value: 'require',
        label: TLS_LABELS.require,
        hint:
          'Needs TLS turned on at the server (PostgreSQL ssl = on; MariaDB/MySQL ssl_cert and ssl_key). ' +
          'Encrypts, but does not check who answers. A server without TLS refuses this mode.',
      },
      {
        value: 'verify-ca',
        label: TLS_LABELS['verify-ca'],
        hint: 'Needs TLS on at the server and the CA file that signed its certificate (below).',
      },
      {
        value: 'verify-full',
        label: TLS_LABELS['verify-full'],
        hint:
          'Needs TLS on at the server, the CA file (below), and a certificate naming the host exactly as ' +
          'typed above.',
      },
    ],
  },
  {
    name: 'caFile',
    label: 'CA certificate file',
    input: 'text',
    placeholder: '/path/to/ca.pem',
    showWhen: { field: 'tls', in: ['verify-ca', 'verify-full'] },
    flag: 'ca-file',
  },
  {
    name: 'allowCleartextPassword',
    label: 'Allow the password in clear text',
    input: 'checkbox',
    showWhen: { field: 'tls', in: ['disable', 'require'] },
    help:
      'Without TLS, or with TLS whose certificate is not checked, a server that asks for a cleartext ' +
      'password (PostgreSQL "password", MySQL mysql_clear_password) gets it readable to anyone on the ' +
      'network or in the middle. Off: Driftwatch refuses such a login before the password is sent.',
  },
]

export const credentialForm = (label: string): KindFormField => ({
  name: 'credentialId',
  label,
  input: 'credential',
  flag: 'credential',
})
