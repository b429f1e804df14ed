// Lint rules, including the walls between the rooms (DESIGN.md): they fail the build, so they cannot rot.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`])

// One kind, one place (issue 16): what a target kind means lives in its folder under src-main/core/scanners/
// (<kind>/ and the machinery they share) and the registry there. Everywhere else asks the registry, so a
// comparison with a kind's name (t.kind === 'ssh', case 'postgres':) outside that folder is an error: it is
// how knowledge about kinds spread over 17 files before. Ask kinds.get(t.kind)?.policy, or add to the descriptor.
const KIND_NAMES = 'local|ssh|postgres|mysql|github'
const kindBranch = (what) => ({
  message: `${what}: a branch on a target kind belongs in src-main/core/scanners/<kind>/; ask the kind registry (policy, address, credentials) instead.`,
})
const kindBranches = [
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/] > Literal[value=/^(${KIND_NAMES})$/]`,
    ...kindBranch('Comparing with a kind name'),
  },
  { selector: `SwitchCase > Literal[value=/^(${KIND_NAMES})$/]`, ...kindBranch('A case on a kind name') },
]
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message:
    'Only src-main/electron/ipc-main.ts and src-preload/index.ts touch raw IPC; go through the contract.',
}

const noElectron = {
  name: 'electron',
  message: 'The core runs under plain Node: reach Electron through a port.',
}
const noFaces = {
  group: ['**/src-renderer/**', '**/electron/**'],
  message: 'Faces and the shell depend on the core, never the reverse.',
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'dist/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [rawIpc] }],
    },
  },
  {
    files: ['src-main/**', 'src-renderer/**', 'src-preload/**'],
    ignores: ['src-main/core/scanners/**'],
    rules: { 'no-restricted-syntax': ['error', ...kindBranches] },
  },
  {
    files: ['src-main/electron/ipc-main.ts', 'src-preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-main/core/**', 'src-main/server/**', 'src-main/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noFaces] }] },
  },
  {
    // SQL lives in store/: other rooms call its repositories.
    files: ['src-main/**'],
    ignores: ['src-main/core/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(prepare|transaction|pragma)$/]',
          message: 'SQL lives in src-main/core/store: add a method to a repository there.',
        },
      ],
    },
  },
  {
    files: ['src-main/core/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            noFaces,
            {
              group: ['**/scanners/**'],
              message: 'The store keeps what scanners return: shared types live in core/model.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer is untrusted: use the api client.' },
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The renderer has no Node: ask the core through the api client.',
            })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node.' },
            { group: ['**/src-main/**'], message: 'The renderer talks to main only through the contract.' },
          ],
        },
      ],
    },
  },
)
