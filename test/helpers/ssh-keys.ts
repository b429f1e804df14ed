// Test SSH key pairs. ssh2's generator now and then (about 1 in 200 here) writes an OpenSSH private key
// that its own parser rejects as malformed, while keys from ssh-keygen always parse; so keep only keys
// that parse, or tests would fail at random for a reason no user meets.
import ssh2 from 'ssh2'

type Opts = { passphrase: string; cipher: string; rounds: number }

export function ed25519KeyPair(opts?: Opts): { private: string; public: string } {
  for (;;) {
    const k = opts
      ? ssh2.utils.generateKeyPairSync('ed25519', opts)
      : ssh2.utils.generateKeyPairSync('ed25519')
    if (!(ssh2.utils.parseKey(k.private, opts?.passphrase) instanceof Error)) return k
  }
}
