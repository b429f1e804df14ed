#!/usr/bin/env node
// The driftwatch command: runs the built CLI (npm install builds it; so does `npm run build`).
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write('driftwatch: not built yet; run "npm run build" in the Driftwatch folder\n')
  process.exit(1)
}
await import(cli.href)
