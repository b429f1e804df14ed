// THE API between the rooms: every channel with its request and response schema, and every pushed event.
// Main implements it (src-main/core/app.ts), preload and the HTTP server carry it, the renderer calls it.
// Each domain keeps its schemas and channels in its own file; this index assembles them into one map.
import type { z } from 'zod'
import { alertChannels } from './alerts'
import { appChannels } from './app'
import type { ApiError } from './common'
import { contentChannels } from './content'
import { controlChannels } from './controls'
import { credentialChannels } from './credentials'
import { driftChannels } from './drift'
import { events, type EventName } from './events'
import { hostChannels } from './hosts'
import { judgementChannels } from './judgement'
import { kindChannels } from './kinds'
import { policyChannels } from './policy'
import { reportChannels } from './reports'
import { reportScheduleChannels } from './report-schedules'
import { ruleChannels } from './rules'
import { scanChannels } from './scans'
import { targetChannels } from './targets'
import { watchChannels } from './watch'

export { ApiError } from './common'
export * from './alerts'
export * from './app'
export * from './content'
export * from './controls'
export * from './credentials'
export * from './drift'
export * from './events'
export * from './hosts'
export * from './judgement'
export * from './kinds'
export * from './policy'
export * from './reports'
export * from './report-schedules'
export * from './rules'
export * from './scans'
export * from './targets'
export * from './watch'

export const contract = {
  ...appChannels,
  ...targetChannels,
  ...kindChannels,
  ...credentialChannels,
  ...contentChannels,
  ...scanChannels,
  ...policyChannels,
  ...hostChannels,
  ...ruleChannels,
  ...watchChannels,
  ...driftChannels,
  ...alertChannels,
  ...reportChannels,
  ...judgementChannels,
  ...controlChannels,
  ...reportScheduleChannels,
} as const

export type Contract = typeof contract
export type Channel = keyof Contract
export type Req<C extends Channel> = z.input<Contract[C]['request']>
export type ParsedReq<C extends Channel> = z.output<Contract[C]['request']>
export type Res<C extends Channel> = z.output<Contract[C]['response']>
export const CHANNELS = Object.keys(contract) as Channel[]

/** The envelope every transport returns, so a failure is data and never a thrown crash across the wall. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ApiError }

/** The one function both transports expose; typed per channel by the contract. */
export type Invoke = <C extends Channel>(channel: C, req: Req<C>) => Promise<Res<C>>

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** Window global installed by the preload; the renderer's api client is the only reader. */
export interface PreloadBridge {
  invoke(channel: string, req: unknown): Promise<Envelope<unknown>>
  on(event: string, listener: (payload: unknown) => void): () => void
}
export { BRIDGE_KEY } from '../bridge-keys'
export const IPC_PREFIX = 'dw:'
export const IPC_EVENT = 'dw:event'
