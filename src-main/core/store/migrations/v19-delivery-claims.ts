// Schema migration 19: alert deliveries claimed with a lease. With many watchers each running the outbox's
// sender, a pending message is taken by one of them for a while (claimed_by, claim_until; FOR UPDATE SKIP LOCKED
// on PostgreSQL), so it is sent by one process only; a claim whose sender died lapses and another sends it.
// Shipped: never edited.
import type { Migration } from './migration'

const SQLITE = `
  ALTER TABLE alert_deliveries ADD COLUMN claimed_by TEXT;
  ALTER TABLE alert_deliveries ADD COLUMN claim_until TEXT;
`

const POSTGRES = `
  ALTER TABLE alert_deliveries ADD COLUMN claimed_by TEXT COLLATE "C";
  ALTER TABLE alert_deliveries ADD COLUMN claim_until TEXT COLLATE "C";
`

export const v19: Migration = {
  version: 19,
  name: 'alert deliveries claimed by one sender',
  up(db) {
    db.exec(SQLITE)
  },
  postgres(sql) {
    sql.exec(POSTGRES)
  },
}
