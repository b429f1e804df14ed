// The renderer's store talking to a real core through the preload bridge, as in the desktop window. The api
// client picks its transport once, when first imported, so the bridge goes in place first and the store is
// imported after it; the store and the client are then module singletons bound to this bridge, which is why
// test/unit/renderer runs isolated, one module graph per file (vitest.config.ts).
import { beforeAll } from 'vitest'
import type { Core } from '../../src-main/core/app'
import { BRIDGE_KEY, type PreloadBridge } from '../../src-preload/contract'
import { FILES_KEY } from '../../src-preload/files'
// Only the type: the module itself is imported once the bridge is installed.
import type { useStore } from '../../src-renderer/stores'

export interface RendererBridge {
  /** The store, imported in beforeAll once the bridge is in place. */
  readonly store: typeof useStore
  /** Points the bridge at `core`: the store's calls from now on reach it. Returns `core`. */
  connect(core: Core): Core
}

export function useRendererBridge(): RendererBridge {
  let core: Core | undefined
  let store: typeof useStore | undefined
  const bridge: PreloadBridge = {
    invoke: (channel, req) => {
      if (!core) throw new Error(`the store called ${channel} before the test connected a core`)
      return core.invoke(channel, req)
    },
    on: () => () => undefined,
  }
  const g = globalThis as Record<string, unknown>
  g[BRIDGE_KEY] = bridge
  g[FILES_KEY] = {}
  beforeAll(async () => {
    store = (await import('../../src-renderer/stores')).useStore
  })
  return {
    get store() {
      if (!store) throw new Error('the store is imported in beforeAll; use it inside a test')
      return store
    },
    connect(c) {
      core = c
      return c
    },
  }
}
