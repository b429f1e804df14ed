// Every schema migration in the order they apply. Append only: a shipped migration is never edited; a change
// is a new file and a new entry at the end of this list.
import type { Migration } from './migration'
import { v01 } from './v01-targets'
import { v02 } from './v02-settings'
import { v03 } from './v03-vault'
import { v04 } from './v04-content'
import { v05 } from './v05-scans'
import { v06 } from './v06-rule-packs'
import { v07 } from './v07-github-cache'
import { v08 } from './v08-watch'
import { v09 } from './v09-audit-log'
import { v10 } from './v10-credential-bindings'
import { v11 } from './v11-targets-kind-free'
import { v12 } from './v12-result-evidence'
import { v13 } from './v13-scan-policy'
import { v14 } from './v14-exceptions-attestations'
import { v15 } from './v15-rule-controls'
import { v16 } from './v16-control-counts'
import { v17 } from './v17-schedule-calendar'
import { v18 } from './v18-shared-watch'
import { v19 } from './v19-delivery-claims'
import { v20 } from './v20-vault-members'
import { v21 } from './v21-scan-order'

export const migrations: Migration[] = [
  v01,
  v02,
  v03,
  v04,
  v05,
  v06,
  v07,
  v08,
  v09,
  v10,
  v11,
  v12,
  v13,
  v14,
  v15,
  v16,
  v17,
  v18,
  v19,
  v20,
  v21,
]

export const LATEST_VERSION = migrations.at(-1)?.version ?? 0
