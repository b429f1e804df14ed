// The "Linux host (SSH)" kind: a host reached over SSH (host key pinned on first use), scanned with OpenSCAP and
// imported content, signing in with a key, a password or the agent, with sudo when oscap needs root.
import { z } from 'zod'
import { hostPortBinding } from '../../vault/bindings'
import { defineKind, type KindTarget } from '../kind'
import { credentialRef, hostField, hostPortUserForm, portField, userField } from '../fields'
import { oscapScanner } from '../ssh-oscap/oscap-scanner'
import { sshRunnerFor } from '../ssh-oscap/ssh-runner'
import { testSshTarget } from './test-connection'

export const SUDO_MODES = ['none', 'nopasswd', 'password'] as const
export const SSH_AUTH_METHODS = ['key', 'password', 'agent'] as const

export const sshFields = z.object({
  host: hostField,
  port: portField.default(22),
  user: userField,
  auth: z.enum(SSH_AUTH_METHODS, { error: 'Authentication must be key, password or agent' }).default('key'),
  credentialId: credentialRef,
  sudo: z.enum(SUDO_MODES, { error: 'Sudo mode must be none, nopasswd or password' }).default('none'),
  sudoCredentialId: credentialRef,
})
export type SshTarget = KindTarget<z.output<typeof sshFields>>

export const sshKind = defineKind({
  kind: 'ssh',
  label: 'Linux host (SSH)',
  shortLabel: 'SSH',
  description: 'A Linux host reached over SSH and scanned with OpenSCAP.',
  fields: sshFields,
  form: [
    ...hostPortUserForm(22, 'e.g. auditor'),
    {
      name: 'auth',
      label: 'Sign in with',
      input: 'select',
      default: 'key',
      flag: 'auth',
      options: [
        { value: 'key', label: 'SSH key' },
        { value: 'password', label: 'Password' },
        { value: 'agent', label: 'SSH agent' },
      ],
    },
    {
      name: 'sudo',
      label: 'Sudo',
      input: 'select',
      default: 'none',
      flag: 'sudo',
      options: [
        { value: 'none', label: 'None' },
        { value: 'nopasswd', label: 'sudo without password' },
        { value: 'password', label: 'sudo with password (sent on stdin)' },
      ],
    },
    {
      name: 'credentialId',
      label: 'Key credential',
      input: 'credential',
      flag: 'credential',
      showWhen: { field: 'auth', in: ['key', 'password'] },
      labelWhen: [{ field: 'auth', value: 'password', label: 'Password credential' }],
    },
    {
      name: 'sudoCredentialId',
      label: 'Sudo password credential',
      input: 'credential',
      flag: 'sudo-credential',
      showWhen: { field: 'sudo', in: ['password'] },
    },
  ],
  address: (t) => `${t.user}@${t.host}:${t.port}`,
  bindingAddress: (t) => hostPortBinding(t.host, t.port),
  policy: {
    content: true,
    tailoring: true,
    rulePack: 'none',
    defaultPack: null,
    hostKey: true,
    testConnection: true,
  },
  credentials: [
    { field: 'credentialId', role: 'login', kinds: ['ssh-key', 'ssh-password'] },
    { field: 'sudoCredentialId', role: 'sudo', kinds: ['sudo-password'] },
  ],
  test: (t, env) => testSshTarget(env, t),
  scanner: (env) =>
    oscapScanner({
      content: env.content,
      message: (t) => `Connecting to ${t.name}`,
      runner: (t, signal, trustFingerprint) =>
        sshRunnerFor(t as SshTarget, {
          vault: env.vault,
          hostKeys: env.hostKeys,
          trustFingerprint,
          signal,
          timeouts: { connectTimeoutMs: env.network.connectMs, keepaliveMs: env.network.keepaliveMs },
        }),
    }),
  report: { method: 'OpenSCAP (oscap xccdf eval)', subject: (t) => t.host },
})
