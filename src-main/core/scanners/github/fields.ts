// A GitHub target's own fields: an organisation and/or repositories, the API (GitHub Enterprise Server too),
// the token, and the github-baseline thresholds it may change (empty = the pack's default).
import { z } from 'zod'
import type { KindTarget } from '../kind'
import { credentialRef } from '../fields'

const githubRepo = z
  .string()
  .trim()
  // With an organisation, entries may be patterns: acme/api-* includes, !acme/legacy-* excludes.
  .regex(/^!?[A-Za-z0-9-]+\/[A-Za-z0-9._*-]+$/, 'Repositories are written owner/name')

const packCount = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.coerce
      .number({ error: `${label} must be a number` })
      .int(`${label} must be a whole number`)
      .min(min, `${label} must be between ${min} and ${max}`)
      .max(max, `${label} must be between ${min} and ${max}`)
      .optional(),
  )
export const GITHUB_PERMISSIONS = ['none', 'read', 'write', 'admin'] as const

export const githubFields = z
  .object({
    org: z
      .string()
      .trim()
      .max(39, 'Organisation names are at most 39 characters')
      .regex(
        /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)?$/,
        'Organisation may contain letters, digits and hyphens',
      )
      .default(''),
    repos: z.array(githubRepo).max(10_000).default([]),
    apiBaseUrl: z
      .string()
      .trim()
      .url('API base URL must be a URL such as https://github.example.com/api/v3')
      .refine((u) => /^https?:\/\//.test(u), 'API base URL must start with https://')
      .default('https://api.github.com'),
    credentialId: credentialRef,
    minApprovingReviews: packCount('Required approvals', 0, 6),
    maxRepoAdmins: packCount('Admins per repository', 1, 1000),
    inactiveDays: packCount('Days without a push', 1, 3650),
    fullRefreshHours: packCount('Full refresh (hours)', 1, 720),
    maxDefaultPermission: z.preprocess(
      (v) => (v === '' || v === null ? undefined : v),
      z.enum(GITHUB_PERMISSIONS, { error: 'Base permission must be none, read, write or admin' }).optional(),
    ),
  })
  .superRefine((t, ctx) => {
    if (!t.org && t.repos.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['org'],
        message: 'Give an organisation or at least one repository',
      })
  })

export type GithubTarget = KindTarget<z.output<typeof githubFields>>
