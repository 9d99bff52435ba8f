/** Liveness, readiness and metrics: outside /api/v1, without sign-in. */
import type { Hono } from 'hono';
import type { ApiContext, AppEnv } from '../context.js';
import type { Metrics } from '../metrics.js';
import * as records from '../records.js';

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

export function opsRoutes(app: Hono<AppEnv>, ctx: ApiContext, metrics: Metrics): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const [temporal, postgres] = await Promise.all([
      answers(() => ctx.temporal.connection.workflowService.getSystemInfo({})),
      answers(() => ctx.sql`select 1`),
    ]);
    const failing = Object.entries({ temporal, postgres }).filter(([, why]) => why !== null);
    if (failing.length === 0) return c.json({ status: 'ready', temporal: 'ok', postgres: 'ok' });
    const checks = Object.fromEntries(Object.entries({ temporal, postgres }).map(([name, why]) => [name, why ?? 'ok']));
    return c.json({ status: 'unavailable', notAnswering: failing.map(([name]) => name), ...checks }, 503);
  });

  app.get('/metrics', async (c) => {
    const phases = await records.cyclesByPhase(ctx.sql).catch(() => null);
    return c.body(metrics.render(phases), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
}
