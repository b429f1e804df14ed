// Entry point of the driftwatch command (bin/driftwatch.js loads the built copy of this file).
import { main } from './main'
import { EXIT } from './common'

main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}).then(
  (code) => {
    if (code !== EXIT.keepAlive) process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`driftwatch: ${String(err)}\n`)
    process.exitCode = EXIT.error
  },
)
