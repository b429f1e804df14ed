// Whether the database server has TLS turned on, read once per scan: rules about TLS versions and ciphers mean
// nothing on a server that offers no TLS, so they are not applicable there (with this as the reason).
import type { ReadOnlySession } from './read-only'

/** True/false as the server says; null when it cannot be read (then the TLS rules run as usual). */
export async function serverTlsOn(
  kind: 'postgres' | 'mysql',
  session: ReadOnlySession,
  timeoutMs: number,
): Promise<boolean | null> {
  try {
    if (kind === 'postgres') {
      const rows = await session.query('SHOW ssl', timeoutMs)
      const v = String(rows[0]?.ssl ?? '').toLowerCase()
      return v === 'on' ? true : v === 'off' ? false : null
    }
    // MariaDB and MySQL before 8.0.26 report have_ssl; later MySQL also keeps it (YES / DISABLED).
    const rows = await session.query("SHOW GLOBAL VARIABLES LIKE 'have_ssl'", timeoutMs)
    const v = String(rows[0]?.Value ?? rows[0]?.value ?? '').toUpperCase()
    return v === 'YES' ? true : v === 'DISABLED' || v === 'NO' ? false : null
  } catch {
    return null
  }
}

export const TLS_OFF_REASON = {
  postgres:
    'TLS is off on this server (ssl = off): its TLS settings take no effect, so this rule does not apply',
  mysql:
    'TLS is off on this server (have_ssl is not YES): its TLS settings take no effect, so this rule does not apply',
} as const
