/**
 * What the Temporal CLI (./temporal-cli.ts) and the full Temporal server (./temporal-full-server.ts)
 * share: finding executables, their cache under ${XDG_CACHE_HOME:-~/.cache}/hoep, and building Go
 * binaries once with `go install` into that cache.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

/** A folder of the engine's build cache, e.g. cacheDir(env, 'temporal-cli', 'v1.5.1'). */
export function cacheDir(env: NodeJS.ProcessEnv, ...parts: string[]): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'hoep', ...parts);
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

export interface GoInstall {
  go: string;
  /** `go install` arguments after -v: flags and package@version paths. */
  args: string[];
  /** Folder the binaries go into, and each binary's name there by the name `go install` gives it. */
  dir: string;
  binaries: Record<string, string>;
  /** What is built, for the log: "the Temporal CLI". */
  what: string;
  /** How long it usually takes, for the log: "usually 2-3 minutes". */
  takes: string;
  /** Added to the error when the build fails: how else to get the binaries. */
  help?: string;
  log: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Aborting kills the build. */
  signal?: AbortSignal;
}

/**
 * Builds into a temporary GOBIN beside `dir` and renames the binaries into place, so that an
 * interrupted build never leaves a half-written binary that a later run would take as good.
 * `go install -v` names each package as it compiles it: one dot per package, a count now and then.
 */
export async function goInstall(o: GoInstall): Promise<void> {
  fs.mkdirSync(o.dir, { recursive: true });
  removeStaleBuilds(path.dirname(o.dir));
  const gobin = fs.mkdtempSync(path.join(path.dirname(o.dir), '.build-'));
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  o.log(`${capitalised(o.what)} not found: building it with ${o.go} (once; ${o.takes})`);
  try {
    const child = spawn(o.go, ['install', '-v', ...o.args], {
      env: { ...o.env, GOBIN: gobin, CGO_ENABLED: '0' },
      stdio: ['ignore', 'inherit', 'pipe'],
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const recent: string[] = [];
    let packages = 0;
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
      throw new Error(`Could not run ${o.go}: ${e.message}`);
    });
    process.stdout.write('\n');
    if (code !== 0) {
      const help = o.help ? `\n\n${o.help}` : '';
      throw new Error(
        `Building ${o.what} failed (go exit code ${code}) after ${elapsed()}:\n${recent.join('\n')}${help}`,
      );
    }
    for (const [built, name] of Object.entries(o.binaries))
      fs.renameSync(path.join(gobin, built), path.join(o.dir, name));
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
  o.log(`Built ${o.what} in ${elapsed()}: ${o.dir}`);
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Temp GOBINs of builds that were killed (older than an hour, so never a build in progress). */
function removeStaleBuilds(parent: string): void {
  for (const name of fs.readdirSync(parent)) {
    const full = path.join(parent, name);
    if (name.startsWith('.build-') && Date.now() - fs.statSync(full).mtimeMs > 3_600_000)
      fs.rmSync(full, { recursive: true, force: true });
  }
}
