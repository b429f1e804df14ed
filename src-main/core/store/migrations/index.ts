// The store's schema migrations: the runner and the ordered list it applies.
export type { Migration } from './migration'
export { LATEST_VERSION, migrations } from './list'
export { MigrationError, migrate, schemaVersion } from './runner'
