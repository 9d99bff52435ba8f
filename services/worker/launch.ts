/**
 * The worker as an OS process, in one place: how an entry point is built to plain JavaScript,
 * where the built files are, and the node flags it runs with. The launcher
 * (services/stack/main.ts), the benchmark and the crash tests (test/support/worker-process.ts)
 * spawn node with these; `npm run worker` and the Docker image run dist/worker/run, which
 * ./build.ts writes from them. Nothing but node built-ins is imported here, so the worker
 * process itself can import this file without loading the build tools.
 *
 * The flags hold for each of the worker's two V8 isolates: the main thread (activities, the SDK)
 * and the workflow thread (the workflow bundle and every cached workflow).
 * - --max-old-space-size=256: V8 lets the old generation grow towards its limit before collecting
 *   hard (by default a share of the machine's memory, 2-4 GB), so the limit caps the garbage the
 *   worker carries. Under the cycle benchmark the live heaps stay near 30 MB (main) and 55 MB
 *   (workflows, about 0.6 MB per cached 100-measure cycle): raise this with a much larger
 *   WORKER_MAX_CACHED_WORKFLOWS.
 * - --max-semi-space-size=4 (MB; default 16): the young generation of each isolate, where the
 *   many short-lived objects of workflow activations and gRPC payloads die; more frequent but
 *   shorter scavenges.
 * - MALLOC_ARENA_MAX=2: glibc gives threads that allocate at once their own malloc arenas (up to
 *   8 per core), and each keeps the memory it freed. The worker has many threads (the SDK's Rust
 *   core, libuv's pool, the workflow thread); two arenas serve them in less memory.
 * What each saves under the cycle benchmark is in docs/development.md (Benchmarks).
 *
 * A MALLOC_ARENA_MAX already in the environment is kept, to try other values.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

export const WORKER_NODE_ARGS: readonly string[] = ['--max-old-space-size=256', '--max-semi-space-size=4'];
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** Where ./build.ts puts the built worker (gitignored). */
export const WORKER_BUILD_DIR = fileURLToPath(new URL('../../dist/worker/', import.meta.url));
export const builtWorker = {
  main: path.join(WORKER_BUILD_DIR, 'main.js'),
  workflowBundle: path.join(WORKER_BUILD_DIR, 'workflow-bundle.js'),
  run: path.join(WORKER_BUILD_DIR, 'run'),
};

/** esbuild settings for a worker entry point: our TypeScript bundled, packages left to node_modules. */
export const WORKER_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  legalComments: 'none',
} as const satisfies BuildOptions;

/** Writes under a temporary name, then renames: a reader never sees half a file. */
export function writeAtomically(file: string, content: string | Uint8Array, mode = 0o644): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.renameSync(temp, file);
}

/** The environment for a worker process: `env` with WORKER_ENV filled in where it is unset. */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const [name, value] of Object.entries(WORKER_ENV)) if (!out[name]) out[name] = value;
  return out;
}

/** The settings a worker process runs with, for logs and benchmark reports. */
export function describeWorkerProcess(env: NodeJS.ProcessEnv): string {
  const filled = workerEnv(env);
  return ['node', ...WORKER_NODE_ARGS, ...Object.keys(WORKER_ENV).map((name) => `${name}=${filled[name]}`)].join(' ');
}
