// Child process for the audit log's race test: opens the store it is given (a SQLite file or a PostgreSQL URL)
// and appends entries through the real AuditLog as fast as it can, starting at a shared moment so several
// children append at once.
import { openStore } from '../../src-main/core/store/open'
import { AuditLog } from '../../src-main/core/audit/log'
import { systemClock } from '../../src-main/core/ports'

const [location, actor, countArg, startArg] = process.argv.slice(2)
const sql = openStore(location!, { applicationName: actor })
const log = new AuditLog(sql, systemClock, actor!)
while (Date.now() < Number(startArg)) {
  // Wait for the shared start: every child's connection is open by then.
}
for (let i = 0; i < Number(countArg); i++) log.append({ action: 'race.append', subject: `${actor}-${i}` })
sql.close()
