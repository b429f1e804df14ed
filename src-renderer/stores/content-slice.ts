// SCAP content as the renderer knows it: imports, the profile being tailored, and saved tailorings.
import type { StateCreator } from 'zustand'
import type { ContentSummary, Res, TailoringView } from '../../src-preload/contract'
import { api } from '../api/client'
import type { State } from './index'

export interface ContentSlice {
  content: ContentSummary[]
  discovered: Res<'content.discover'> | null
  tailorings: TailoringView[]
  loadContent(): Promise<void>
  /** Imports a file the person picked (its upload id) or one the server discovered (its listed id). */
  importContent(from: { uploadId: string } | { discovered: string }): Promise<ContentSummary>
}

export const createContentSlice: StateCreator<State, [['zustand/devtools', never]], [], ContentSlice> = (
  set,
  get,
) => ({
  content: [],
  discovered: null,
  tailorings: [],
  async loadContent() {
    const [{ content }, discovered, { tailorings }] = await Promise.all([
      api.invoke('content.list', {}),
      api.invoke('content.discover', {}),
      api.invoke('tailorings.list', {}),
    ])
    set({ content, discovered, tailorings })
  },
  async importContent(from) {
    const c = await api.invoke('content.import', from)
    await get().loadContent()
    return c
  },
})

export const contentSelectors = {
  content: (s: State) => s.content,
  discovered: (s: State) => s.discovered,
  tailorings: (s: State) => s.tailorings,
}
