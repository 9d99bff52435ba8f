/**
 * Builds the worker as plain JavaScript, so that it runs on `node` alone: no tsx loader (a hooks
 * thread with an isolate of its own, ~40 MB) and no webpack run at start. Into dist/worker/:
 *
 *   main.js             services/worker/main.ts and the engine code it imports, bundled by esbuild;
 *                       packages stay imports from node_modules
 *   workflow-bundle.js  workflows/index.ts bundled by the Temporal SDK (bundleWorkflowCode);
 *                       main.js loads the bundle beside it
 *   run                 sh script that starts main.js with the node flags of ./launch.ts
 *
 * `npm run build:worker` runs it; `npm start` runs it on every start (beside the Temporal and
 * Postgres start-up) and the Dockerfile at image build. Each file is written under a temporary
 * name and renamed, so a concurrent build or a running worker never sees half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import {
  WORKER_BUILD_DIR,
  WORKER_ENV,
  WORKER_ESBUILD_OPTIONS,
  WORKER_NODE_ARGS,
  builtWorker,
  writeAtomically,
} from './launch.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

function runScript(): string {
  return [
    '#!/bin/sh',
    '# The HØP worker as built by services/worker/build.ts, with the node flags of',
    '# services/worker/launch.ts. A value already in the environment is kept.',
    ...Object.entries(WORKER_ENV).flatMap(([name, value]) => [`: "\${${name}:=${value}}"`, `export ${name}`]),
    `exec node ${WORKER_NODE_ARGS.map(quote).join(' ')} "$(dirname "$0")/main.js" "$@"`,
    '',
  ].join('\n');
}

export interface BuildResult {
  dir: string;
  ms: number;
}

export async function buildWorker(): Promise<BuildResult> {
  const started = performance.now();
  fs.mkdirSync(WORKER_BUILD_DIR, { recursive: true });
  const [main, workflows] = await Promise.all([
    esbuild.build({
      ...WORKER_ESBUILD_OPTIONS,
      entryPoints: [path.join(root, 'services', 'worker', 'main.ts')],
      outfile: builtWorker.main,
      write: false,
    }),
    bundleWorkflowCode({ workflowsPath: path.join(root, 'workflows', 'index.ts'), logger: new DefaultLogger('WARN') }),
  ]);
  // The bundle first: a main.js on disk always has its bundle beside it.
  writeAtomically(builtWorker.workflowBundle, workflows.code);
  writeAtomically(builtWorker.main, main.outputFiles[0]!.contents);
  writeAtomically(builtWorker.run, runScript(), 0o755);
  return { dir: WORKER_BUILD_DIR, ms: performance.now() - started };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildWorker().then(
    ({ dir, ms }) =>
      console.log(`worker built into ${path.relative(process.cwd(), dir) || '.'} in ${(ms / 1000).toFixed(1)} s`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
