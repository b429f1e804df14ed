// The environment every process Driftwatch starts gets: only what programs need to run (PATH, locale, home,
// temp dir), so no secret or token in this process's environment (the vault passphrase, API tokens) reaches
// a child, where other processes of the same user could read it from /proc/<pid>/environ.

/** Variables passed through by name; LC_* is passed by prefix. Nothing named DRIFTWATCH_* ever is. */
const PASS = ['PATH', 'LANG', 'LANGUAGE', 'TZ', 'HOME', 'TMPDIR', 'USER', 'LOGNAME'] as const

/**
 * A minimal environment for a child process. `extra` adds what one child needs beyond that (e.g. DISPLAY for
 * a browser a person sees); it must never carry a secret.
 */
export function childEnv(
  extra: Record<string, string | undefined> = {},
  from: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined) continue
    if ((PASS as readonly string[]).includes(k) || k.startsWith('LC_')) env[k] = v
  }
  // A sane PATH even when this process was started with none, so `oscap` and friends still resolve.
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin'
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v
  return env
}
