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
  {
    // web/ reads the engine through web/core.ts alone (and web/env.ts the API's context type), never the
    // API's own modules or route files: the integrator repoints core.ts when core/ lands.
    files: ['web/**/*.ts'],
    ignores: ['web/core.ts', 'web/env.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/services/api/*', '**/services/api/**'], message: 'web/ reads the engine through web/core.ts only.' }],
      }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no wall clock.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code may not use Node built-ins (determinism).' })),
        patterns: [{ group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', 'postgres', 'hono', 'hono/*'], message: 'Not allowed in deterministic code.' }],
      }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Not allowed in workflows.' }, { name: 'process', message: 'No process access in workflows.' }],
    },
  },
);
