// The driftwatch subcommands: a plain list of names and how to load each one. A command's module (and the
// libraries it needs) is imported only when that command runs, so `driftwatch targets list` never loads the
// web server, the report renderers or a scanner. Adding a command is one module and one line here.
import type { Command } from './common'

export interface CommandEntry {
  name: string
  load(): Promise<Command>
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'targets', load: async () => (await import('./targets')).targetsCommand },
  { name: 'scan', load: async () => (await import('./scan')).scanCommand },
  { name: 'remediation', load: async () => (await import('./remediation')).remediationCommand },
  { name: 'scans', load: async () => (await import('./scans')).scansCommand },
  { name: 'hosts', load: async () => (await import('./hosts')).hostsCommand },
  { name: 'watch', load: async () => (await import('./watch')).watchCommand },
  { name: 'export', load: async () => (await import('./export')).exportCommand },
  { name: 'verify', load: async () => (await import('./export')).verifyCommand },
  { name: 'vault', load: async () => (await import('./vault')).vaultCommand },
  { name: 'audit', load: async () => (await import('./audit')).auditCommand },
  { name: 'content', load: async () => (await import('./content')).contentCommand },
  { name: 'tailoring', load: async () => (await import('./content')).tailoringCommand },
  { name: 'rules', load: async () => (await import('./rules')).rulesCommand },
  { name: 'exceptions', load: async () => (await import('./judgement')).exceptionsCommand },
  { name: 'attest', load: async () => (await import('./judgement')).attestCommand },
  { name: 'compare', load: async () => (await import('./judgement')).compareCommand },
  { name: 'controls', load: async () => (await import('./controls')).controlsCommand },
  { name: 'serve', load: async () => (await import('./serve')).serveCommand },
  { name: 'apply', load: async () => (await import('./config')).applyCommand },
  { name: 'export-config', load: async () => (await import('./config')).exportConfigCommand },
  { name: 'config', load: async () => (await import('./config')).configCommand },
  { name: 'schedules', load: async () => (await import('./schedules')).schedulesCommand },
  { name: 'alerts', load: async () => (await import('./alerts')).alertsCommand },
  { name: 'drift', load: async () => (await import('./drift')).driftCommand },
  { name: 'settings', load: async () => (await import('./settings')).settingsCommand },
  { name: 'migrate-store', load: async () => (await import('./migrate-store')).migrateStoreCommand },
]
