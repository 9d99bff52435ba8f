/** Execution and year-end: progress reports, indicator values, the close. */
import { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { closeCycle, reportIndicators, reportProgress } from '../../../workflows/messages.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { updateCycle } from '../../../core/cycle-commands.js';
import { route } from '../endpoint.js';

/** The execution resource as a sub-app of the API, mounted at {API_BASE} (services/api/app.ts). */
export function executionApi(ctx: ApiContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  route(api, ctx, endpoints.reportProgress, async ({ c, principal, params, body, operationId }) => {
    const report = { measureId: params.mid, ...body };
    return c.json(
      await updateCycle(ctx, params.cid, reportProgress, { actor: actorOf(principal), report }, operationId),
      201,
    );
  });

  route(api, ctx, endpoints.reportIndicators, async ({ c, principal, params, body, operationId }) =>
    c.json(
      await updateCycle(
        ctx,
        params.cid,
        reportIndicators,
        { actor: actorOf(principal), indicators: body },
        operationId,
      ),
      201,
    ),
  );

  route(api, ctx, endpoints.closeCycle, async ({ c, principal, params, body, operationId }) =>
    c.json(
      await updateCycle(
        ctx,
        params.cid,
        closeCycle,
        { actor: actorOf(principal), carryOver: body.carryOver },
        operationId,
      ),
    ),
  );
  return api;
}
