/** Liveness, readiness and metrics: outside /api/v1, without sign-in. */
import type { Hono } from 'hono';
import type { ApiContext, AppEnv } from '../context.js';
import type { Metrics } from '../metrics.js';
import * as records from '../../../core/records.js';

const READY_TIMEOUT_MS = 2000;

/** Resolves to null when `check` answers within the timeout, else to the reason it did not. */
async function answers(check: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => null), timeout]);
  } catch (e) {
    return (e as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

const millis = (t: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds?.toString() ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;

/**
 * Throws unless a worker has polled the task queue lately. Temporal lists each poller with the
 * time its latest poll began; a poll waits up to a minute on the server for work (the matching
 * service's long-poll interval), so a worker that is there has begun one within the last
 * WORKER_POLL_STALE_S (default 70 s). A worker that died is seen as gone once that has passed.
 */
async function workerPolls(ctx: ApiContext): Promise<void> {
  const { TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: name, WORKER_POLL_STALE_S: staleSeconds } = ctx.config;
  const { pollers } = await ctx.temporal.connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  const newest = Math.max(0, ...(pollers ?? []).map((p) => millis(p.lastAccessTime)));
  if (newest === 0) throw new Error(`no worker has ever polled the task queue "${name}"`);
  const age = (Date.now() - newest) / 1000;
  if (age > staleSeconds) throw new Error(`no worker has polled the task queue "${name}" for ${Math.round(age)} s`);
}

export function opsRoutes(app: Hono<AppEnv>, ctx: ApiContext, metrics: Metrics): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const [temporal, worker, postgres] = await Promise.all([
      answers(() => ctx.temporal.connection.workflowService.getSystemInfo({})),
      answers(() => ctx.temporal.withDeadline(Date.now() + READY_TIMEOUT_MS, () => workerPolls(ctx))),
      answers(() => ctx.sql`select 1`),
    ]);
    const checks = { temporal, worker, postgres };
    const failing = Object.entries(checks).filter(([, why]) => why !== null);
    if (failing.length === 0) return c.json({ status: 'ready', temporal: 'ok', worker: 'ok', postgres: 'ok' });
    const reasons = Object.fromEntries(Object.entries(checks).map(([name, why]) => [name, why ?? 'ok']));
    c.header('retry-after', String(ctx.config.RETRY_AFTER_S));
    return c.json({ status: 'unavailable', notAnswering: failing.map(([name]) => name), ...reasons }, 503);
  });

  app.get('/metrics', async (c) => {
    const phases = await records.cyclesByPhase(ctx.sql).catch(() => null);
    return c.body(metrics.render(phases), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
}
