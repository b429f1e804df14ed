// Build of the three processes: main (Electron shell + the driftwatch CLI, sharing the core), the sandboxed
// preload (one self-contained CommonJS file, as sandboxing requires), and the React renderer.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // zod and kysely are bundled: one file parses in a fraction of the time of their modules (kysely alone is
      // ~250 files, each resolved and stat'ed), on every start of the CLI: `targets list` took 0.39 s with
      // kysely's files and 0.20 s with it bundled.
      externalizeDeps: { exclude: ['zod', 'kysely'] },
      rollupOptions: {
        input: { index: resolve('src-main/index.ts'), cli: resolve('src-main/cli/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: {
      outDir: 'out/renderer',
      // Minified: react-dom alone is 547 kB as written and about a third of that minified; the first paint
      // waits for it.
      minify: true,
      rollupOptions: {
        input: { index: resolve('src-renderer/index.html'), report: resolve('src-renderer/report.html') },
      },
    },
    plugins: [react()],
  },
})
