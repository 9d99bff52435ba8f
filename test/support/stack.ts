/**
 * What integration tests use to reach the stack that test/support/global-setup.ts started.
 * The Temporal client and the Postgres pool are shared within a test file, and together with
 * any worker still running they are closed after the file (the afterAll below).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import type postgres from 'postgres';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../services/config.js';
import { createSql } from '../../services/db.js';
import { createWorker, type Activities } from '../../services/worker/create.js';
import { spawnWorkerProcess, type Pause, type WorkerProcess } from './worker-process.js';

export interface Harness {
  temporalAddress: string;
  databaseUrl: string;
  namespace: string;
  /** The workflow bundle global-setup built from workflows/index.ts. */
  workflowBundlePath: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hoep: Harness;
  }
}

export function testEnv(): { temporalAddress: string; databaseUrl: string; namespace: string } {
  const { temporalAddress, databaseUrl, namespace } = inject('hoep');
  return { temporalAddress, databaseUrl, namespace };
}

let sharedSql: postgres.Sql | undefined;
let sharedClient: Promise<Client> | undefined;
const workers = new Set<RunningWorker>();

/** The test database, with the schema migrated and the reference data loaded. */
export function sql(): postgres.Sql {
  sharedSql ??= createSql(testEnv().databaseUrl, { max: 5, applicationName: 'hoep-test' });
  return sharedSql;
}

/** A year Y such that no other test in this run uses Y..Y+span (a counter in the test database). */
export async function freshYear(span = 1): Promise<number> {
  const [row] = await sql()<
    { year: number }[]
  >`update test_years set next = next + ${span + 1} returning next - ${span + 1} as year`;
  return row!.year;
}

export function connectClient(): Promise<Client> {
  const { temporalAddress, namespace } = testEnv();
  sharedClient ??= Connection.connect({ address: temporalAddress }).then(
    (connection) => new Client({ connection, namespace }),
  );
  return sharedClient;
}

export type { Activities };

export interface WorkerOptions {
  /** Defaults to a fresh unique queue, so tests never pick up each other's tasks. */
  taskQueue?: string;
  /** Replace some of the real activities (from createActivities) with stand-ins. */
  activities?: Partial<Activities>;
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** A worker with the prebuilt workflow bundle and the real activities, running in the background. */
export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    // Only warnings: the worker's info logs would drown the test output.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const { temporalAddress, namespace, workflowBundlePath } = inject('hoep');
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: temporalAddress });
  // The production worker (services/worker/create.ts) with the defaults of the configuration.
  const config = { ...loadConfig({}), TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: taskQueue };
  const worker = await createWorker({
    config,
    sql: sql(),
    connection,
    workflowBundlePath,
    ...(options.activities ? { activities: options.activities } : {}),
  });
  const running = worker.run();
  // A worker that fails is reported by stop(); until then, no unhandled rejection.
  running.catch(() => undefined);
  const handle: RunningWorker = {
    worker,
    taskQueue,
    stop: async () => {
      workers.delete(handle);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await connection.close();
      }
    },
  };
  workers.add(handle);
  return handle;
}

/**
 * The production worker as an OS process of its own on this stack (./worker-process.ts), for tests
 * that kill it; `env`: more of its configuration (e.g. SMTP_URL).
 */
export function workerProcess(taskQueue: string, o: { pause?: Pause; env?: NodeJS.ProcessEnv } = {}): WorkerProcess {
  const { temporalAddress, databaseUrl, namespace, workflowBundlePath } = inject('hoep');
  // A short sticky timeout: the dead worker's cached workflows go to the next worker after 2 s, not 10.
  return spawnWorkerProcess({
    temporalAddress,
    databaseUrl,
    namespace,
    taskQueue,
    workflowBundlePath,
    stickyTimeout: '2s',
    ...o,
  });
}

afterAll(async () => {
  await Promise.all([...workers].map((w) => w.stop()));
  if (sharedClient) await (await sharedClient).connection.close();
  await sharedSql?.end();
  sharedClient = undefined;
  sharedSql = undefined;
});
