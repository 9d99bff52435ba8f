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
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Math.random is not deterministic; use the workflow API or pass values in.' }],
    },
  },
  // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no wall clock.
  // Layers: workflows/ imports domain/ (and the partnership's config type), never activities/ or the
  // processes; domain/ imports neither workflows/ nor activities/ nor the processes.
  ...[
    { files: ['workflows/**/*.ts'], layer: ['**/activities/**', '**/services/**', '**/test/**', '**/scripts/**'], what: 'Workflow code' },
    { files: ['domain/**/*.ts'], layer: ['**/workflows/**', '**/activities/**', '**/services/**', '**/test/**', '**/scripts/**'], what: 'Domain code' },
  ].map(({ files, layer, what }) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: `${what} may not use Node built-ins (determinism).` })),
        patterns: [
          { group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', 'postgres', 'hono', 'hono/*'], message: 'Not allowed in deterministic code.' },
          { group: layer, message: `${what} may not import this layer (see the layers above).` },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Not allowed in workflows.' }, { name: 'process', message: 'No process access in workflows.' }],
    },
  })),
);
