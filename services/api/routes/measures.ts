/** Measures (tiltak): proposing, editing and withdrawing go through the cycle workflow; reads come from Postgres. */
import { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { editMeasure, submitMeasure, withdrawMeasure } from '../../../workflows/messages.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { existingCycle, updateCycle } from '../../../core/cycle-commands.js';
import { route } from '../endpoint.js';
import { Problem } from '../../../core/problem.js';
import * as records from '../../../core/records.js';

async function measure(ctx: ApiContext, cycleId: string, measureId: string): Promise<records.MeasureRecord> {
  const [found] = await records.measures(ctx.sql, cycleId, measureId);
  if (!found) throw new Problem('notFound', `no measure ${measureId} in cycle ${cycleId}`);
  return found;
}

/** The measures resource as a sub-app of the API, mounted at {API_BASE} (services/api/app.ts). */
export function measureApi(ctx: ApiContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  route(api, ctx, endpoints.submitMeasure, async ({ c, principal, params, body, operationId }) => {
    // The Update returns once the workflow has written the measure, so the proposer's next read finds it.
    const { id } = await updateCycle(
      ctx,
      params.cid,
      submitMeasure,
      { actor: actorOf(principal), measure: body },
      operationId,
    );
    c.header('location', `/api/v1/cycles/${params.cid}/measures/${id}`);
    return c.json({ id }, 201);
  });

  route(api, ctx, endpoints.listMeasures, async ({ c, params }) => {
    await existingCycle(ctx, params.cid);
    return c.json(await records.measures(ctx.sql, params.cid));
  });

  route(api, ctx, endpoints.getMeasure, async ({ c, params }) => c.json(await measure(ctx, params.cid, params.mid)));

  route(api, ctx, endpoints.editMeasure, async ({ c, principal, params, body, operationId }) => {
    await updateCycle(
      ctx,
      params.cid,
      editMeasure,
      { actor: actorOf(principal), measureId: params.mid, measure: body },
      operationId,
    );
    return c.json(await measure(ctx, params.cid, params.mid));
  });

  route(api, ctx, endpoints.withdrawMeasure, async ({ c, principal, params, operationId }) => {
    await updateCycle(
      ctx,
      params.cid,
      withdrawMeasure,
      { actor: actorOf(principal), measureId: params.mid },
      operationId,
    );
    return c.json(await measure(ctx, params.cid, params.mid));
  });
  return api;
}
