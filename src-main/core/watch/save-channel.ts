// Saving an alert channel (the Watch page, the CLI, driftwatch.yml): its settings checked by its kind, its own
// secret and each secret header value sealed in the vault as credentials of the channel's own, never stored in
// the settings, which keep only references.
import { randomUUID } from 'node:crypto'
import type { ParsedReq } from '../../../src-preload/contract'
import { AppError, notFound } from '../errors'
import type { AlertsRepo, ChannelRow } from '../store/alerts'
import type { Vault } from '../vault/vault'
import { fromVaultError } from '../vault/app-errors'
import { channelFor } from './alerts/index'
import { headerNotes, type HeaderValue } from './alerts/headers'

export interface ChannelSaverDeps {
  alerts: AlertsRepo
  vault: Vault
  emit(name: 'credentials.changed', payload: { ids: string[] }): void
  now(): string
}

export function channelSaver(d: ChannelSaverDeps) {
  const { alerts, vault, emit, now } = d
  async function saveChannel(req: ParsedReq<'alerts.channels.save'>): Promise<ChannelRow> {
    const impl = channelFor(req.kind)!
    const id = (req.id && alerts.channel(req.id)?.id) || randomUUID()
    // Secret header values: the settings name them with a placeholder until they are sealed below.
    const headerSecrets = Object.entries(req.headerSecrets ?? {}) as [string, string][]
    const config = headerSecrets.length
      ? {
          ...req.config,
          headers: {
            ...(req.config.headers as object),
            ...Object.fromEntries(headerSecrets.map(([k]) => [k, { vault: 'pending' }])),
          },
        }
      : req.config
    const parsed = impl.config.safeParse(config)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: ['config', ...i.path].join('.'),
        message: i.message,
      }))
      throw new AppError('validation', issues[0]?.message ?? 'The channel settings are invalid', issues)
    }
    const existing = req.id ? alerts.channel(req.id) : undefined
    if (req.id && !existing) throw notFound('That alert channel')
    const clash = alerts
      .channels()
      .find((c) => c.name.toLowerCase() === req.name.toLowerCase() && c.id !== req.id)
    if (clash)
      throw new AppError('conflict', `An alert channel named "${req.name}" exists already`, [
        { path: 'name', message: 'Name already used' },
      ])
    let credentialId = req.credentialId === undefined ? (existing?.credentialId ?? null) : req.credentialId
    if (credentialId && !vault.list().some((c) => c.id === credentialId))
      throw new AppError('validation', 'That credential is not in the vault', [
        { path: 'credentialId', message: 'Unknown credential' },
      ])
    if (req.secret) {
      try {
        const own = credentialId ? vault.get(credentialId) : undefined
        if (own && own.kind === 'alert-secret' && own.meta.notes === `alert channel ${id}`)
          vault.update(own.id, { secret: { secret: req.secret } })
        else {
          const taken = new Set(vault.list().map((c) => c.name.toLowerCase()))
          let name = `Alert: ${req.name}`.slice(0, 100)
          if (taken.has(name.toLowerCase())) name = `${name.slice(0, 90)} ${id.slice(0, 8)}`
          credentialId = vault.add(
            'alert-secret',
            name,
            { notes: `alert channel ${id}` },
            { secret: req.secret },
          ).id
        }
      } catch (err) {
        fromVaultError(err)
      }
      emit('credentials.changed', { ids: [credentialId!] })
    }
    const settings = parsed.data as Record<string, unknown>
    if (settings.headers) settings.headers = sealHeaders(id, req.name, settings.headers, headerSecrets)
    if (impl.needsSecret && !credentialId)
      throw new AppError('validation', `A ${req.kind} channel needs its secret, kept in the vault`, [
        { path: 'secret', message: 'Required' },
      ])
    return alerts.saveChannel(
      {
        id,
        kind: req.kind,
        name: req.name,
        enabled: req.enabled,
        config: settings,
        credentialId,
        throttleMinutes: req.throttleMinutes,
      },
      now(),
    )
  }

  /**
   * Seals each secret header value in a vault credential of the channel's own (updated when there is one) and
   * keeps only its id; checks that every other reference names a credential in the vault; removes the channel's
   * header credentials no header refers to any more.
   */
  function sealHeaders(
    id: string,
    name: string,
    headers: unknown,
    secrets: [string, string][],
  ): Record<string, HeaderValue> {
    const out = { ...(headers as Record<string, HeaderValue>) }
    const creds = vault.list()
    try {
      for (const [header, value] of secrets) {
        const notes = headerNotes(id, header)
        const own = creds.find((c) => c.kind === 'alert-secret' && c.meta.notes === notes)
        if (own) vault.update(own.id, { secret: { secret: value } })
        const cid =
          own?.id ??
          vault.add(
            'alert-secret',
            `Alert: ${name} ${header}`.slice(0, 90) + ` ${id.slice(0, 8)}`,
            { notes },
            {
              secret: value,
            },
          ).id
        out[header] = { vault: cid }
        emit('credentials.changed', { ids: [cid] })
      }
      for (const [header, v] of Object.entries(out))
        if (typeof v !== 'string' && !vault.list().some((c) => c.id === v.vault))
          throw new AppError('validation', `The secret of the header ${header} is not in the vault`, [
            { path: `config.headers.${header}`, message: 'Unknown credential' },
          ])
      const kept = new Set(Object.values(out).flatMap((v) => (typeof v === 'string' ? [] : [v.vault])))
      for (const c of vault.list())
        if (c.meta.notes?.startsWith(`alert channel ${id} header `) && !kept.has(c.id)) vault.remove(c.id)
    } catch (err) {
      if (err instanceof AppError) throw err
      fromVaultError(err)
    }
    return out
  }
  return saveChannel
}
