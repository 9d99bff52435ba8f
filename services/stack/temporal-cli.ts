/**
 * Finds the Temporal CLI (which contains `temporal server start-dev`), building it from source
 * with Go when it is nowhere to be found. Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the
 * cached build, a fresh build into the cache.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli';

export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'hoep', 'temporal-cli', `v${TEMPORAL_CLI_VERSION}`, 'temporal');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
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
  await build(go, cached, log, env, signal);
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

/**
 * Builds into a temporary GOBIN next to the cache and renames the binary into place, so an
 * interrupted build never leaves a half-written `temporal` that would later be taken as good.
 */
async function build(
  go: string,
  target: string,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<void> {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleBuilds(path.dirname(dir));
  const gobin = fs.mkdtempSync(path.join(path.dirname(dir), '.build-'));
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  log(`Temporal CLI not found: building ${MODULE} v${TEMPORAL_CLI_VERSION} with ${go} (once; usually 2-3 minutes)`);
  const args = [
    'install',
    '-v',
    '-ldflags',
    `-X ${MODULE}/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
    `${MODULE}/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
  ];
  const child = spawn(go, args, {
    env: { ...env, GOBIN: gobin, CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'pipe'],
    ...(signal ? { signal } : {}),
  });
  const recent: string[] = [];
  let packages = 0;
  // `go install -v` names each package as it compiles it: one dot per package, a count now and then.
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
    if (line.startsWith('go: downloading')) return;
    packages += 1;
    process.stdout.write(packages % 50 === 0 ? `. ${packages} packages, ${elapsed()}\n` : '.');
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((e: Error) => {
    fs.rmSync(gobin, { recursive: true, force: true });
    throw new Error(`Could not run ${go}: ${e.message}`);
  });
  process.stdout.write('\n');
  if (code !== 0) {
    fs.rmSync(gobin, { recursive: true, force: true });
    throw new Error(
      `Building the Temporal CLI failed (go exit code ${code}) after ${elapsed()}:\n${recent.join('\n')}\n\n${notFoundHelp(target)}`,
    );
  }
  fs.renameSync(path.join(gobin, 'temporal'), target);
  fs.rmSync(gobin, { recursive: true, force: true });
  log(`Built the Temporal CLI in ${elapsed()}: ${target}`);
}

/** Temp GOBINs of builds that were killed (older than an hour, so never a build in progress). */
function removeStaleBuilds(parent: string): void {
  for (const name of fs.readdirSync(parent)) {
    const full = path.join(parent, name);
    if (name.startsWith('.build-') && Date.now() - fs.statSync(full).mtimeMs > 3_600_000)
      fs.rmSync(full, { recursive: true, force: true });
  }
}
