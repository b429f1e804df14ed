#!/usr/bin/env node
// Starts one test service by hand, prints how to reach it as JSON and stops it on Ctrl-C.
import { register } from 'node:module'

register('./ts-loader.mjs', import.meta.url)
const lib = await import('./lib.ts')

const usage =
  'usage: node test/services/run.mjs postgres|postgres-hardened|mariadb|mariadb-hardened|sshd|widen-ssg DIR'
const [what, arg] = process.argv.slice(2)
const starters = {
  postgres: () => lib.startPostgres({ name: 'manual' }),
  'postgres-hardened': () => lib.startPostgres({ name: 'manual', hardened: true }),
  mariadb: () => lib.startMariadb({ name: 'manual' }),
  'mariadb-hardened': () => lib.startMariadb({ name: 'manual', hardened: true }),
  sshd: () => lib.startSshd({ name: 'manual' }),
}

if (what === 'widen-ssg' && arg) {
  console.log(await lib.widenedDebian11Datastream(arg))
} else if (what && what in starters) {
  const service = await starters[what]()
  console.log(JSON.stringify({ ...service, stop: undefined }, null, 2))
  console.error('running; Ctrl-C stops it and removes its dir')
  const stop = () => service.stop().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // The servers are unref'd children, so something has to keep this process alive.
  setInterval(() => undefined, 1 << 30)
} else {
  console.error(usage)
  process.exit(64)
}
