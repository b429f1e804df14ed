// What a target kind is: one descriptor per folder under scanners/<kind>/ (its fields, form, address, policy,
// Test connection, plan and scan, how its evidence reads). Everything else asks the registry, never the kind.
import type { z } from 'zod'
import type { KindFormField, KindView, Res, Target } from '../../../src-preload/contract'
import type { CoreContext } from '../context'
import type { ContentRepo } from '../store/content'
import type { GithubRepoStateRepo, HttpCacheRepo } from '../store/github'
import type { RulePacks } from '../rules/registry'
import type { Vault } from '../vault/vault'
import type { HostKeyStore } from './ssh-oscap/host-key-store'
import type { Scanner } from './scanner'

/** What the core hands a kind: the rooms and stores its Test connection and scanner may use. */
export interface KindEnv extends CoreContext {
  vault: Vault
  packs: RulePacks
  content: ContentRepo
  hostKeys: HostKeyStore
  httpCache: HttpCacheRepo
  githubState: GithubRepoStateRepo
  network: { connectMs?: number; keepaliveMs?: number; queryMs?: number; statementMs?: number }
}

/** A stored target with its kind's own fields typed (the wire carries them flat beside the common ones). */
export type KindTarget<F> = Target & F

export type TestReport = Res<'targets.testConnection'>

export interface TargetKindDescriptor<F extends object = Record<string, unknown>> {
  kind: string
  label: string
  /** The badge in lists. */
  shortLabel: string
  description: string
  /** The kind's own fields (the common ones are the contract's); issues name these fields. */
  fields: z.ZodType<F>
  form: KindFormField[]
  /** How the target reads in lists and on its page: one way, for every face. */
  address(t: KindTarget<F>): string
  /**
   * Where its credentials' secrets go, in the normal form credential bindings keep (vault/bindings.ts:
   * host:port, an API URL); null when they never leave this computer. A credential first used at one binding
   * address needs the passphrase again anywhere else.
   */
  bindingAddress(t: KindTarget<F>): string | null
  policy: KindView['policy']
  /** The vault credentials its targets use, by the field holding their id. */
  credentials: KindView['credentials']
  progressUnit?: string
  /** "Test connection"; absent when there is nothing to connect to. */
  test?(t: KindTarget<F>, env: KindEnv): Promise<TestReport>
  /** The scanner (plan and scan) built once per core with what it needs. */
  scanner(env: KindEnv): Pick<Scanner, 'plan' | 'scan'>
  /** How its evidence reads in reports. */
  report: {
    /** The method line: the tool that produced the results. */
    method: string
    /** What was assessed, as the report's host column shows it. */
    subject(t: KindTarget<F>): string
  }
}

/** A descriptor with its field types forgotten: what the registry holds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = TargetKindDescriptor<any>

/** Declares a kind with its fields' types inferred from its schema. */
export const defineKind = <S extends z.ZodType<object>>(
  d: Omit<TargetKindDescriptor<z.output<S>>, 'fields'> & { fields: S },
): TargetKindDescriptor<z.output<S>> => d as unknown as TargetKindDescriptor<z.output<S>>
