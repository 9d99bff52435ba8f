/**
 * Finds the Temporal CLI (which contains `temporal server start-dev`), building it from source
 * with Go when it is nowhere to be found. Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the
 * cached build, a fresh build into the cache.
 */
import path from 'node:path';
import { cacheDir, goInstall, isExecutable, onPath } from './go-install.js';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli';

export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env, 'temporal-cli', `v${TEMPORAL_CLI_VERSION}`), 'temporal');
}

export interface FindOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Aborting kills a build in progress. */
  signal?: AbortSignal;
}

export async function findOrBuildTemporalCli(options: FindOptions = {}): Promise<string> {
  const { log = console.log, env = process.env, signal } = options;
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH))
      throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file.`);
    return env.TEMPORAL_CLI_PATH;
  }
  const found = onPath('temporal', env);
  if (found) return found;
  const cached = cachedCliPath(env);
  if (isExecutable(cached)) return cached;
  const go = onPath('go', env);
  if (!go) throw new Error(notFoundHelp(cached));
  await goInstall({
    go,
    args: [
      '-ldflags',
      `-X ${MODULE}/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      `${MODULE}/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
    ],
    dir: path.dirname(cached),
    binaries: { temporal: 'temporal' },
    what: `the Temporal CLI (${MODULE} v${TEMPORAL_CLI_VERSION})`,
    takes: 'usually 2-3 minutes',
    help: notFoundHelp(cached),
    log,
    env,
    ...(signal ? { signal } : {}),
  });
  return cached;
}

function notFoundHelp(cached: string): string {
  return [
    'The Temporal CLI (`temporal`, which runs the local Temporal server) was not found, and Go is not installed to build it.',
    'Any one of these fixes it:',
    '  - install it: `brew install temporal`, or `curl -sSf https://temporal.download/cli.sh | sh` and put it on PATH;',
    '  - point TEMPORAL_CLI_PATH at a `temporal` binary you already have;',
    `  - install Go (https://go.dev/dl/) and run again: the CLI v${TEMPORAL_CLI_VERSION} is then built once into ${cached} (about 2-3 minutes).`,
    'Or run against an existing Temporal server by setting TEMPORAL_ADDRESS=host:port.',
  ].join('\n');
}
