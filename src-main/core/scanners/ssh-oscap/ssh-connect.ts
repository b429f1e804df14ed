// Connecting over SSH: the host key checked against its pin (or the fingerprint a person confirmed) before
// anything is sent, exactly the configured login methods, a key probe that never logs in, and every failure
// turned into a message that says what to do.
import type { AuthenticationType, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2'
import { lazyRequire } from '../../util/lazy-require'
import type * as Ssh2 from 'ssh2'
import { CONNECT_TIMEOUT_MS, KEEPALIVE_COUNT, KEEPALIVE_MS, SshError } from './ssh-common'
import { HOST_KEY_ALGORITHMS, hostKeyOf, type HostKey, type PinnedHostKey } from './host-key'
import type { HostKeyPins } from './host-key-store'
import { SshSession } from './ssh-session'

// Loaded on the first connection: commands that open none never pay for the SSH library.
const ssh2 = lazyRequire<typeof Ssh2>('ssh2')

// Electron's BoringSSL has no chacha20-poly1305, so the list is explicit rather than ssh2's default.
export const CIPHERS = [
  'aes256-gcm@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-ctr',
  'aes192-ctr',
  'aes128-ctr',
] as const

export interface SshAuth {
  privateKey?: Buffer
  passphrase?: Buffer
  password?: Buffer
  /** Path to an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string
}

export interface OpenSshOptions {
  host: string
  port: number
  user: string
  auth: SshAuth
  hostKeys: HostKeyPins
  /** The fingerprint a person confirmed for a host with no pin yet; it is pinned when it matches. */
  trustFingerprint?: string
  connectTimeoutMs?: number
  keepaliveMs?: number
  signal?: AbortSignal
}

/** Connects, checks the host key against its pin (or the fingerprint a person confirmed), and logs in. */
export function openSsh(opts: OpenSshOptions): Promise<SshSession> {
  const at = `${opts.host}:${opts.port}`
  if (opts.signal?.aborted)
    return Promise.reject(new SshError('cancelled', `Connecting to ${at} was cancelled`))
  const pin = opts.hostKeys.get(opts.host, opts.port)
  const client = new (ssh2().Client)()
  let presented: HostKey | undefined
  let refusal: SshError | undefined
  let handshaken = false
  let sawBanner = false

  const verify = (blob: Buffer): boolean => {
    presented = hostKeyOf(blob)
    if (pin) {
      if (pin.fingerprint === presented.fingerprint && pin.publicKey === presented.publicKey) return true
      refusal = new SshError(
        'host_key_changed',
        `The host key of ${at} changed: pinned ${pin.fingerprint}, now ${presented.fingerprint}. ` +
          'If the change is expected (the host was reinstalled or its keys rotated), remove the old pin ' +
          'and trust the new key; otherwise someone may be intercepting the connection: do not scan.',
        presented,
      )
      return false
    }
    if (opts.trustFingerprint && opts.trustFingerprint.trim() === presented.fingerprint) return true
    refusal = new SshError(
      'host_key_unknown',
      `${at} is not known yet; its host key fingerprint is ${presented.fingerprint} ` +
        `(${presented.keyType}). ` +
        'Check it with the host owner (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and trust it to continue.',
      presented,
    )
    return false
  }

  const config: ConnectConfig = {
    host: opts.host,
    port: opts.port,
    username: opts.user,
    readyTimeout: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    keepaliveInterval: opts.keepaliveMs ?? KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_COUNT,
    hostVerifier: verify,
    algorithms: {
      cipher: [...CIPHERS],
      // With a pin, ask for that key type, so a host with several keys presents the pinned one.
      ...(pin && HOST_KEY_ALGORITHMS[pin.keyType]
        ? { serverHostKey: HOST_KEY_ALGORITHMS[pin.keyType] as ServerHostKeyAlgorithm[] }
        : {}),
    },
    // Exactly the methods configured, no fallbacks: a key target never tries a password, and the reverse.
    authHandler: authMethods(opts),
  }
  if (opts.auth.privateKey) config.privateKey = opts.auth.privateKey
  if (opts.auth.passphrase) config.passphrase = opts.auth.passphrase as unknown as string
  if (opts.auth.password) config.password = opts.auth.password.toString('utf8')
  if (opts.auth.agent) config.agent = opts.auth.agent

  return new Promise((resolve, reject) => {
    let done = false
    const fail = (err: SshError) => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      client.removeAllListeners('ready')
      client.on('error', () => undefined)
      client.destroy()
      reject(err)
    }
    const onAbort = () => fail(new SshError('cancelled', `Connecting to ${at} was cancelled`))
    opts.signal?.addEventListener('abort', onAbort, { once: true })

    client.on('greeting', () => (sawBanner = true))
    client.on('handshake', () => {
      const first = !handshaken
      handshaken = true
      sawBanner = true
      // Pinned only now: the key exchange has proved the server holds the private half. (Re-keying
      // raises 'handshake' again, with the key already checked against the pin set here.)
      if (first && !pin && presented)
        opts.hostKeys.trust(
          opts.host,
          opts.port,
          presented.keyType,
          presented.fingerprint,
          presented.publicKey,
        )
    })
    client.on('ready', () => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      // Later errors surface as 'close' on the session, failing whatever command is running.
      client.on('error', () => undefined)
      resolve(
        new SshSession(
          client,
          opts.host,
          opts.port,
          opts.user,
          { ...presented!, status: pin ? 'pinned' : 'trusted-now' },
          (opts.keepaliveMs ?? KEEPALIVE_MS) * (KEEPALIVE_COUNT + 1),
        ),
      )
    })
    client.on('error', (err: Error & { level?: string; code?: string }) =>
      fail(refusal ?? explain(err, opts, { sawBanner, handshaken, pin })),
    )
    client.on('close', () =>
      fail(refusal ?? new SshError('disconnected', `${at} closed the connection before login completed`)),
    )
    try {
      client.connect(config)
    } catch (err) {
      // ssh2 parses the private key synchronously; never echo the key or passphrase, only what is wrong.
      const msg = (err as Error).message
      fail(
        new SshError(
          'key_unreadable',
          /passphrase|encrypted/i.test(msg)
            ? opts.auth.passphrase
              ? 'The private key could not be decrypted: the passphrase is wrong'
              : 'The private key is protected by a passphrase: add it to the SSH key credential'
            : 'The private key could not be read: use an OpenSSH or PEM private key (RSA, ECDSA or Ed25519)',
        ),
      )
    }
  })
}

export interface HostKeyProbe {
  /** trusted: matches the pin · unknown: no pin yet · changed: differs from the pin. */
  state: 'trusted' | 'unknown' | 'changed'
  presented: HostKey
  pinned?: PinnedHostKey
}

/**
 * Asks a host for its key without logging in (the key exchange stops at our refusal), so a person can be shown
 * the fingerprint before trusting it. Nothing is pinned here.
 */
export function probeHostKey(
  opts: Pick<OpenSshOptions, 'host' | 'port' | 'hostKeys' | 'connectTimeoutMs' | 'signal'>,
): Promise<HostKeyProbe> {
  const at = `${opts.host}:${opts.port}`
  const pin = opts.hostKeys.get(opts.host, opts.port)
  const client = new (ssh2().Client)()
  let presented: HostKey | undefined
  let sawBanner = false
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (err?: SshError) => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      client.on('error', () => undefined)
      client.destroy()
      if (presented) {
        const state = !pin
          ? 'unknown'
          : pin.fingerprint === presented.fingerprint && pin.publicKey === presented.publicKey
            ? 'trusted'
            : 'changed'
        resolve({ state, presented, ...(pin ? { pinned: pin } : {}) })
      } else reject(err ?? new SshError('disconnected', `${at} closed the connection before showing its key`))
    }
    const onAbort = () => finish(new SshError('cancelled', `Connecting to ${at} was cancelled`))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    client.on('greeting', () => (sawBanner = true))
    client.on('error', (err: Error & { level?: string; code?: string }) =>
      finish(
        presented
          ? undefined
          : explain(err, { ...opts, user: '', auth: {} }, { sawBanner, handshaken: false, pin }),
      ),
    )
    client.on('close', () => finish())
    client.connect({
      host: opts.host,
      port: opts.port,
      username: 'driftwatch-probe',
      readyTimeout: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      algorithms: {
        cipher: [...CIPHERS],
        ...(pin && HOST_KEY_ALGORITHMS[pin.keyType]
          ? { serverHostKey: HOST_KEY_ALGORITHMS[pin.keyType] as ServerHostKeyAlgorithm[] }
          : {}),
      },
      hostVerifier: (blob: Buffer) => {
        presented = hostKeyOf(blob)
        // Refusing ends the key exchange: nothing is sent that could log in.
        setImmediate(() => finish())
        return false
      },
    })
  })
}

function authMethods(opts: Pick<OpenSshOptions, 'auth'>): AuthenticationType[] {
  const methods: AuthenticationType[] = []
  if (opts.auth.agent) methods.push('agent')
  if (opts.auth.privateKey) methods.push('publickey')
  if (opts.auth.password) methods.push('password')
  return methods
}

function explain(
  err: Error & { level?: string; code?: string },
  opts: OpenSshOptions,
  seen: { sawBanner: boolean; handshaken: boolean; pin?: PinnedHostKey },
): SshError {
  const at = `${opts.host}:${opts.port}`
  const msg = err.message ?? ''
  if (err.level === 'client-authentication') {
    const what = opts.auth.password
      ? 'password'
      : opts.auth.agent && !opts.auth.privateKey
        ? 'agent keys'
        : 'key'
    return new SshError(
      'auth_failed',
      `The server refused the ${what} for user ${opts.user} on ${at}: check the credential and that the ` +
        `${what === 'password' ? 'account allows password logins' : 'public key is in authorized_keys'}`,
    )
  }
  if (err.level === 'agent')
    return new SshError('auth_failed', `The ssh-agent could not be used for ${opts.user} on ${at}: ${msg}`)
  if (err.level === 'client-timeout')
    return seen.sawBanner
      ? new SshError('timeout', `${at} answered but did not complete the SSH login in time`)
      : new SshError(
          'unreachable',
          `Nothing answers on ${at} (no SSH greeting in time): check host, port and firewall`,
        )
  if (err.code === 'ECONNREFUSED')
    return new SshError(
      'unreachable',
      `Nothing answers on ${at} (connection refused): check host, port and sshd`,
    )
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.level === 'client-dns')
    return new SshError('unreachable', `Nothing answers on ${at}: the name ${opts.host} does not resolve`)
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'ETIMEDOUT')
    return new SshError('unreachable', `Nothing answers on ${at} (${err.code}): check the network path`)
  if (seen.pin && /host key/i.test(msg) && !seen.handshaken)
    return new SshError(
      'host_key_changed',
      `The host key of ${at} changed: pinned ${seen.pin.fingerprint} (${seen.pin.keyType}), now the host ` +
        `offers no ${seen.pin.keyType} key at all. If the change is expected, remove the old pin and ` +
        'trust the new key.',
    )
  if (/no matching/i.test(msg))
    return new SshError(
      'disconnected',
      `${at} and Driftwatch share no SSH algorithm (${msg}): update the host's sshd`,
    )
  return new SshError(
    'disconnected',
    `The SSH connection to ${at} failed: ${msg || err.code || 'unknown error'}`,
  )
}
