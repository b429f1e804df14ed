// SCAP content as the renderer knows it: imports, each content's profiles, the profile being tailored, rule
// texts, and saved tailorings. Imported content is named by its SHA-256 and never changes, so what was read
// of it once is kept; only a failed read is tried again.
import type { StateCreator } from 'zustand'
import type { ContentSummary, Req, Res, TailoringView } from '../../src-preload/contract'
import { api } from '../api/client'
import { errorText, keyedLoader, type Loadable } from './loadable'
import type { State } from './index'

export type ProfileSummary = Res<'content.profiles'>['profiles'][number]
export type ProfileData = Res<'content.profile'>
export type RuleText = Res<'content.rule'>

export interface ContentSlice {
  content: ContentSummary[]
  contentLoaded: boolean
  contentError: string
  discovered: Res<'content.discover'> | null
  tailorings: TailoringView[]
  /** By content SHA-256. */
  profiles: Record<string, Loadable<ProfileSummary[]>>
  /** By `${sha256}/${profileId}`. */
  profileData: Record<string, Loadable<ProfileData>>
  /** By `${sha256}/${ruleId}`. */
  ruleTexts: Record<string, Loadable<RuleText>>
  loadContent(): Promise<void>
  /** Imports a file the person picked (its upload id) or one the server discovered (its listed id). */
  importContent(from: { uploadId: string } | { discovered: string }): Promise<ContentSummary>
  loadProfiles(sha256: string): Promise<void>
  loadProfile(sha256: string, profileId: string): Promise<void>
  loadRuleText(sha256: string, ruleId: string): Promise<void>
  /** Throws on failure, so the editor can mark the Values at fault. */
  saveTailoring(req: Req<'tailorings.save'>): Promise<TailoringView>
  /** Throws on failure (the caller says so in a toast). */
  exportTailoring(id: string): Promise<Res<'tailorings.export'>>
}

const settled = (l: Loadable<unknown> | undefined) => l?.state === 'ready' || l?.state === 'loading'

export const createContentSlice: StateCreator<State, [['zustand/devtools', never]], [], ContentSlice> = (
  set,
  get,
) => {
  const profilesLoader = keyedLoader(
    () => get().profiles,
    (profiles) => set({ profiles }),
  )
  const profileLoader = keyedLoader(
    () => get().profileData,
    (profileData) => set({ profileData }),
  )
  const ruleLoader = keyedLoader(
    () => get().ruleTexts,
    (ruleTexts) => set({ ruleTexts }),
  )
  return {
    content: [],
    contentLoaded: false,
    contentError: '',
    discovered: null,
    tailorings: [],
    profiles: {},
    profileData: {},
    ruleTexts: {},
    async loadContent() {
      try {
        const [{ content }, discovered, { tailorings }] = await Promise.all([
          api.invoke('content.list', {}),
          api.invoke('content.discover', {}),
          api.invoke('tailorings.list', {}),
        ])
        set({ content, discovered, tailorings, contentLoaded: true, contentError: '' })
      } catch (err) {
        set({ contentLoaded: true, contentError: errorText(err) })
      }
    },
    async importContent(from) {
      const c = await api.invoke('content.import', from)
      await get().loadContent()
      return c
    },
    async loadProfiles(sha256) {
      if (settled(get().profiles[sha256])) return
      await profilesLoader(sha256, async () => (await api.invoke('content.profiles', { sha256 })).profiles)
    },
    async loadProfile(sha256, profileId) {
      const key = `${sha256}/${profileId}`
      if (settled(get().profileData[key])) return
      await profileLoader(key, () => api.invoke('content.profile', { sha256, profileId }))
    },
    async loadRuleText(sha256, ruleId) {
      const key = `${sha256}/${ruleId}`
      if (settled(get().ruleTexts[key])) return
      await ruleLoader(key, () => api.invoke('content.rule', { sha256, ruleId }))
    },
    async saveTailoring(req) {
      const t = await api.invoke('tailorings.save', req)
      await get().loadContent()
      return t
    },
    exportTailoring: (id) => api.invoke('tailorings.export', { id }),
  }
}

export const contentSelectors = {
  content: (s: State) => s.content,
  loaded: (s: State) => s.contentLoaded,
  error: (s: State) => s.contentError,
  discovered: (s: State) => s.discovered,
  tailorings: (s: State) => s.tailorings,
  profiles: (sha256: string) => (s: State) => s.profiles[sha256],
  profile: (sha256: string, profileId: string) => (s: State) => s.profileData[`${sha256}/${profileId}`],
  ruleText: (sha256: string, ruleId: string) => (s: State) => s.ruleTexts[`${sha256}/${ruleId}`],
}
