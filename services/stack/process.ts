/**
 * Child processes of the local stack: each runs in its own process group, so a Ctrl-C in the
 * terminal reaches only the launcher, which then stops the children in a chosen order.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  /** Settles when the process has exited, for whatever reason. */
  exited: Promise<ExitInfo>;
  /** Stops it (stopSignal, then SIGKILL to its whole group after graceMs); resolves on exit. */
  stop(): Promise<ExitInfo>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Append stdout and stderr to this file; otherwise print them line by line prefixed with `[name]`. */
  logFile?: string;
  /** Postgres wants SIGINT to its postmaster only; everything else gets SIGTERM to the group. */
  stopSignal?: NodeJS.Signals;
  signalGroup?: boolean;
  graceMs?: number;
  uid?: number;
  gid?: number;
}

/** Children still running; signalled if the launcher exits without stopping them. */
const live = new Set<{ pid: number; stopSignal: NodeJS.Signals; signalGroup: boolean }>();
process.on('exit', () => {
  for (const child of live) signal(child.pid, child.stopSignal, child.signalGroup);
});

function signal(pid: number, sig: NodeJS.Signals, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // already gone
  }
}

export function describeExit(info: ExitInfo): string {
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
}

export async function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<ManagedProcess> {
  const { stopSignal = 'SIGTERM', signalGroup = true, graceMs = 10_000 } = options;
  const log = options.logFile ? fs.openSync(options.logFile, 'a') : undefined;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', log ?? 'pipe', log ?? 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  if (log !== undefined) fs.closeSync(log);
  try {
    await once(child, 'spawn');
  } catch (e) {
    throw new Error(`${name}: could not start ${command}: ${(e as Error).message}`);
  }
  const pid = child.pid as number;
  if (log === undefined) {
    prefixLines(child.stdout, `[${name}] `, process.stdout);
    prefixLines(child.stderr, `[${name}] `, process.stderr);
  }
  const entry = { pid, stopSignal, signalGroup };
  live.add(entry);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, sig) => {
      live.delete(entry);
      // Anything the leader left behind in its group goes too.
      signal(pid, 'SIGKILL', true);
      resolve({ code, signal: sig });
    });
  });

  let stopping: Promise<ExitInfo> | undefined;
  const stop = (): Promise<ExitInfo> => {
    stopping ??= (async () => {
      signal(pid, stopSignal, signalGroup);
      const timer = setTimeout(() => signal(pid, 'SIGKILL', true), graceMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    })();
    return stopping;
  };
  return { name, pid, exited, stop };
}

function prefixLines(stream: Readable | null, prefix: string, out: NodeJS.WriteStream): void {
  if (!stream) return;
  readline
    .createInterface({ input: stream, crlfDelay: Infinity })
    .on('line', (line) => out.write(prefix + line + '\n'));
}

/** The last lines of a log file, to explain why a server did not come up. */
export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
