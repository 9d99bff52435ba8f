/**
 * The one place that makes the engine's Worker, with its production tuning. services/worker/main.ts
 * runs it; test/support/worker-process.ts (crash tests, the cycle benchmark) runs the same one
 * with a pause hook, so what is measured and crash-tested is what production runs.
 *
 * Tuning:
 * - a bounded workflow cache (WORKER_MAX_CACHED_WORKFLOWS). The SDK's default derives from the V8
 *   heap limit (about 2 300 workflows on a 24 GB machine), so every cycle ever
 *   touched stays in memory. Cycles are year-long and idle most of the time: the least recently
 *   used are evicted and replayed from their history on their next action.
 * - a prebuilt workflow bundle when one is given (dist/worker/workflow-bundle.js), so the worker
 *   does not run webpack at start.
 * - in-flight tasks get 10 s to finish on shutdown.
 */
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';
import type { Duration } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { Config } from '../config.js';
import { createMailer, type MailConfig } from '../mail.js';

export type Activities = ReturnType<typeof createActivities>;

/** The SDK's default; it may not exceed the cache size. */
const MAX_CONCURRENT_WORKFLOW_TASKS = 40;

export interface CreateWorkerOptions {
  config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE' | 'WORKER_MAX_CACHED_WORKFLOWS' | 'webBaseUrl'> &
    MailConfig;
  sql: postgres.Sql;
  connection: NativeConnection;
  /** Replace some of the activities createActivities(sql) gives. */
  activities?: Partial<Activities>;
  /** A bundle written by bundleWorkflowCode; without one the worker bundles workflows/ at start. */
  workflowBundlePath?: string;
  /** How soon the server hands a silent worker's cached workflows to another worker (SDK default 10 s). */
  stickyQueueScheduleToStartTimeout?: Duration;
}

export function workerOptions(o: CreateWorkerOptions): WorkerOptions {
  const cache = o.config.WORKER_MAX_CACHED_WORKFLOWS;
  return {
    connection: o.connection,
    namespace: o.config.TEMPORAL_NAMESPACE,
    taskQueue: o.config.TEMPORAL_TASK_QUEUE,
    ...(o.workflowBundlePath
      ? { workflowBundle: { codePath: o.workflowBundlePath } }
      : { workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)) }),
    activities: {
      ...createActivities(o.sql, { mailer: createMailer(o.config), webBaseUrl: o.config.webBaseUrl }),
      ...o.activities,
    },
    maxCachedWorkflows: cache,
    maxConcurrentWorkflowTaskExecutions:
      cache === 0 ? MAX_CONCURRENT_WORKFLOW_TASKS : Math.min(MAX_CONCURRENT_WORKFLOW_TASKS, cache),
    shutdownGraceTime: '10s',
    ...(o.stickyQueueScheduleToStartTimeout === undefined
      ? {}
      : { stickyQueueScheduleToStartTimeout: o.stickyQueueScheduleToStartTimeout }),
  };
}

export function createWorker(o: CreateWorkerOptions): Promise<Worker> {
  return Worker.create(workerOptions(o));
}
