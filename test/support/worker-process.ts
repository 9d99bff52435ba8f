/**
 * A worker in an OS process of its own, for tests that kill it (SIGKILL) and benchmarks that
 * measure its memory: the production worker (services/worker/create.ts, the same tuning and
 * configuration variables), built to plain JavaScript and started with the production node flags
 * (services/worker/launch.ts), plus a hook that pauses an activity.
 *
 * Run as a script (dist/worker/worker-process.js, which spawnWorkerProcess builds from this file
 * with esbuild), configured by:
 *   TEMPORAL_ADDRESS, DATABASE_URL, TEMPORAL_NAMESPACE (default "default"), TEMPORAL_TASK_QUEUE,
 *   WORKER_MAX_CACHED_WORKFLOWS and the rest of services/config.ts, as the worker reads them,
 *   HOEP_WORKFLOW_BUNDLE  a bundle written by bundleWorkflowCode
 *   HOEP_STICKY_TIMEOUT   stickyQueueScheduleToStartTimeout, e.g. "2s": how soon the server gives a
 *                         dead worker's cached workflows to another worker (default 10s)
 *   HOEP_PAUSE            "<activity>:<before-commit|after-commit>[:<call>]": that call (default the
 *                         first) of the activity stops for good, either inside its transaction
 *                         once its rows are written but not committed, or after the commit but
 *                         before the worker reports the activity done. Crash tests kill it there.
 *   HOEP_METRICS_ADDRESS  "host:port": serve the SDK's Prometheus metrics there (the benchmark reads
 *                         its workflow cache hits and misses)
 * It reports on stdout, one JSON line each: {"event":"ready"} once polling, {"event":"paused"}.
 *
 * Imported, it offers spawnWorkerProcess() to start and steer such a process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import type postgres from 'postgres';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities, type MailSettings } from '../../activities/index.js';
import { loadConfigOrExit } from '../../services/config.js';
import { createSql } from '../../services/db.js';
import { createMailer } from '../../services/mail.js';
import { createWorker } from '../../services/worker/create.js';
import {
  WORKER_BUILD_DIR,
  WORKER_ESBUILD_OPTIONS,
  WORKER_NODE_ARGS,
  workerEnv,
  writeAtomically,
} from '../../services/worker/launch.js';

type Activities = ReturnType<typeof createActivities>;
export type ActivityName = keyof Activities;

export interface Pause {
  activity: ActivityName;
  at: 'before-commit' | 'after-commit';
  /** Which call of the activity pauses, counting from 1. */
  call?: number;
}

export type WorkerEvent = { event: 'ready' } | { event: 'paused'; activity: string; at: string; call: number };

const script = fileURLToPath(import.meta.url);

// ── the process ─────────────────────────────────────────────────────────────

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`worker-process: ${name} is not set`);
  return value;
}

function parsePause(text: string | undefined): Pause | undefined {
  if (!text) return undefined;
  const [activity, at, call] = text.split(':');
  if (at !== 'before-commit' && at !== 'after-commit')
    throw new Error(`worker-process: HOEP_PAUSE=${text}: say before-commit or after-commit`);
  return { activity: activity as ActivityName, at, call: call ? Number(call) : 1 };
}

const report = (e: WorkerEvent) => process.stdout.write(`${JSON.stringify(e)}\n`);

/** The activities, with the one named by `pause` made to stop for good at its chosen call. */
function pausing(sql: postgres.Sql, pause: Pause | undefined, mail: MailSettings): Activities {
  const activities = createActivities(sql, mail);
  if (!pause) return activities;
  const real = activities[pause.activity];
  if (typeof real !== 'function') throw new Error(`worker-process: no activity ${pause.activity}`);
  let calls = 0;
  // Calls may overlap (Updates run side by side): each knows its own number.
  const context = new AsyncLocalStorage<number>();
  const stopHere = async () => {
    const call = context.getStore();
    if (call === undefined || call !== (pause.call ?? 1)) return;
    report({ event: 'paused', activity: pause.activity, at: pause.at, call });
    await new Promise<never>(() => {});
  };
  // Before commit: the activity's own writes run on a pool whose transactions wait before they commit.
  const own =
    pause.at === 'before-commit' ? createActivities(waitingBeforeCommit(sql, stopHere), mail)[pause.activity] : real;
  const wrapped = (input: never) =>
    context.run((calls += 1), async () => {
      const result = await (own as (a: never) => Promise<unknown>)(input);
      if (pause.at === 'after-commit') await stopHere();
      return result;
    });
  return { ...activities, [pause.activity]: wrapped };
}

/** The same pool, but `begin` runs `beforeCommit` after the transaction's body and before COMMIT. */
function waitingBeforeCommit(sql: postgres.Sql, beforeCommit: () => Promise<void>): postgres.Sql {
  type Body = (tx: postgres.TransactionSql) => Promise<unknown>;
  const begin = (...args: unknown[]) => {
    const body = args.pop() as Body;
    return (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args, async (tx: postgres.TransactionSql) => {
      const result = await body(tx);
      await beforeCommit();
      return result;
    });
  };
  return new Proxy(sql, {
    get: (target, key, receiver) => (key === 'begin' ? begin : Reflect.get(target, key, receiver)),
  });
}

async function main(): Promise<void> {
  const metrics = process.env.HOEP_METRICS_ADDRESS;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    ...(metrics ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metrics } } } } : {}),
  });
  const config = loadConfigOrExit();
  required('TEMPORAL_TASK_QUEUE');
  const sql = createSql(required('DATABASE_URL'), { applicationName: `hoep-worker-${process.pid}` });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const sticky = process.env.HOEP_STICKY_TIMEOUT;
  const worker = await createWorker({
    config,
    sql,
    connection,
    workflowBundlePath: required('HOEP_WORKFLOW_BUNDLE'),
    activities: pausing(sql, parsePause(process.env.HOEP_PAUSE), {
      mailer: createMailer(config),
      webBaseUrl: config.webBaseUrl,
    }),
    ...(sticky ? { stickyQueueScheduleToStartTimeout: sticky } : {}),
  });
  const running = worker.run(); // SIGTERM/SIGINT shut it down (Runtime's default signal handling).
  report({ event: 'ready' });
  await running;
  await sql.end({ timeout: 5 });
  await connection.close();
}

if (process.argv[1] === script) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

// ── steering it from a test or a benchmark ──────────────────────────────────

export interface WorkerProcessOptions {
  temporalAddress: string;
  databaseUrl: string;
  namespace?: string;
  taskQueue: string;
  workflowBundlePath: string;
  stickyTimeout?: string;
  pause?: Pause;
  /** host:port for the SDK's Prometheus metrics (off by default). */
  metricsAddress?: string;
  /** Append the worker's own output to this file instead of printing it (the fault suite kills many). */
  logFile?: string;
  /** More configuration for the worker (services/config.ts), e.g. SMTP_URL. */
  env?: NodeJS.ProcessEnv;
}

export interface WorkerProcess {
  pid: number;
  /** Resolves with the first event of that kind; rejects when the process exits first or after timeoutMs. */
  next(event: WorkerEvent['event'], timeoutMs?: number): Promise<WorkerEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no shutdown, no completion reported, open transactions and connections just drop. */
  kill(): Promise<void>;
  /** SIGTERM: the worker drains and exits. */
  stop(): Promise<void>;
}

const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

let built: string | undefined;

/** This file bundled to plain JavaScript (once per process, in a few hundred ms), as production runs the worker. */
function builtScript(): string {
  if (built) return built;
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof Esbuild;
  const outfile = path.join(WORKER_BUILD_DIR, 'worker-process.js');
  fs.mkdirSync(WORKER_BUILD_DIR, { recursive: true });
  const result = esbuild.buildSync({ ...WORKER_ESBUILD_OPTIONS, entryPoints: [script], outfile, write: false });
  writeAtomically(outfile, result.outputFiles[0]!.contents);
  return (built = outfile);
}

export function spawnWorkerProcess(o: WorkerProcessOptions): WorkerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: o.temporalAddress,
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_NAMESPACE: o.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    HOEP_WORKFLOW_BUNDLE: o.workflowBundlePath,
    HOEP_STICKY_TIMEOUT: o.stickyTimeout ?? '',
    HOEP_PAUSE: o.pause ? `${o.pause.activity}:${o.pause.at}:${o.pause.call ?? 1}` : '',
    HOEP_METRICS_ADDRESS: o.metricsAddress ?? '',
    ...o.env,
  };
  // node itself, with the production flags: the pid is the worker, not a launcher in front of it.
  const child = spawn(process.execPath, [...WORKER_NODE_ARGS, builtScript()], {
    env: workerEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  live.add(pid);
  const output = (stream: NodeJS.WriteStream, line: string) =>
    o.logFile ? fs.appendFileSync(o.logFile, `[worker ${pid}] ${line}\n`) : stream.write(`[worker ${pid}] ${line}\n`);
  const events: WorkerEvent[] = [];
  const waiters = new Set<() => void>();
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{"event"')) return void output(process.stdout, line);
    events.push(JSON.parse(line) as WorkerEvent);
    for (const wake of waiters) wake();
  });
  readline.createInterface({ input: child.stderr! }).on('line', (line) => output(process.stderr, line));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      live.delete(pid);
      resolve({ code, signal });
      for (const wake of waiters) wake();
    });
  });

  const next = (event: WorkerEvent['event'], timeoutMs = 60_000) =>
    new Promise<WorkerEvent>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`worker ${pid}: no ${event} within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const found = events.find((e) => e.event === event);
        if (found) settle(found);
        else if (gone) settle(new Error(`worker ${pid} exited before ${event}`));
      };
      const settle = (outcome: WorkerEvent | Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      waiters.add(check);
      check();
    });

  const signal = async (sig: NodeJS.Signals) => {
    if (!gone) child.kill(sig);
    await exited;
  };
  return { pid, next, exited, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
