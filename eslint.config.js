import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'Math.random is not deterministic; use the workflow API or pass values in.',
        },
      ],
    },
  },
  {
    // Layers of the HTTP side (issue 11 item 5): a route module is one resource's sub-app and calls
    // core/ for everything else; it does not reach into another route module, nor into web/.
    files: ['services/api/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*', '../routes/*'],
              message: 'A route module does not import another route module: put what both need in core/.',
            },
            { group: ['**/web', '**/web/**'], message: 'The API routes do not import web/.' },
          ],
        },
      ],
    },
  },
  {
    // web/ reads the engine through web/core.ts alone (which re-exports core/; web/env.ts takes the
    // API's context type), never the API's own modules or route files.
    files: ['web/**/*.ts'],
    ignores: ['web/core.ts', 'web/env.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/api/*', '**/services/api/**'],
              message: 'web/ reads the engine through web/core.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/core.ts', 'web/env.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/services/api/routes', '**/services/api/routes/**'],
              message: 'web/ does not import services/api/routes/: use core/.',
            },
          ],
        },
      ],
    },
  },
  {
    // core/ is beneath the HTTP surfaces: it imports neither of them (types of services/api's auth and log aside).
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/web', '**/web/**'], message: 'core/ does not import web/.' },
            {
              group: ['**/services/api/*', '!**/services/api/auth.js', '!**/services/api/log.js'],
              message: 'core/ does not import the HTTP API (services/api), which is built on it.',
            },
          ],
        },
      ],
    },
  },
  // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no wall clock.
  // Layers: workflows/ imports domain/ (and the partnership's config type), never activities/ or the
  // processes; domain/ imports neither workflows/ nor activities/ nor the processes.
  ...[
    {
      files: ['workflows/**/*.ts'],
      layer: ['**/activities/**', '**/services/**', '**/test/**', '**/scripts/**'],
      what: 'Workflow code',
    },
    {
      files: ['domain/**/*.ts'],
      layer: ['**/workflows/**', '**/activities/**', '**/services/**', '**/test/**', '**/scripts/**'],
      what: 'Domain code',
    },
  ].map(({ files, layer, what }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: `${what} may not use Node built-ins (determinism).` })),
          patterns: [
            {
              group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', 'postgres', 'hono', 'hono/*'],
              message: 'Not allowed in deterministic code.',
            },
            { group: layer, message: `${what} may not import this layer (see the layers above).` },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Not allowed in workflows.' },
        { name: 'process', message: 'No process access in workflows.' },
      ],
    },
  })),
  // domain/ is pure rules and value types: it imports nothing of the project outside domain/ but
  // types (the partnership's configuration, which schema/partnership.ts derives from its zod schema).
  ...[
    { files: ['domain/*.ts'], outside: '^\\.\\./' },
    { files: ['domain/*/*.ts'], outside: '^\\.\\./\\.\\./' },
  ].map(({ files, outside }) => ({
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: outside,
              allowTypeImports: true,
              message: 'domain/ imports nothing of the project outside domain/ (types aside).',
            },
          ],
        },
      ],
    },
  })),
  {
    // A promise a workflow forgets is work that can outlive its step unseen: every one is awaited,
    // returned, or marked `void` on purpose. Type-aware, so for workflows/ only (it needs the types).
    files: ['workflows/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
);
