/** Measures (tiltak): proposing, editing and withdrawing go through the cycle workflow; reads come from Postgres. */
import type { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { editMeasure, submitMeasure, withdrawMeasure } from '../../../workflows/messages.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { existingCycle, updateCycle } from '../cycle-client.js';
import { route } from '../endpoint.js';
import { Problem } from '../problem.js';
import * as records from '../records.js';

async function measure(ctx: ApiContext, cycleId: string, measureId: string): Promise<records.MeasureRecord> {
  const [found] = await records.measures(ctx.sql, cycleId, measureId);
  if (!found) throw new Problem('notFound', `no measure ${measureId} in cycle ${cycleId}`);
  return found;
}

export function measureRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  route(app, ctx, endpoints.submitMeasure, async ({ c, principal, params, body }) => {
    // The Update returns once the workflow has written the measure, so the proposer's next read finds it.
    const { id } = await updateCycle(ctx, params.cid, submitMeasure, { actor: actorOf(principal), measure: body });
    c.header('location', `/api/v1/cycles/${params.cid}/measures/${id}`);
    return c.json({ id }, 201);
  });

  route(app, ctx, endpoints.listMeasures, async ({ c, params }) => {
    await existingCycle(ctx, params.cid);
    return c.json(await records.measures(ctx.sql, params.cid));
  });

  route(app, ctx, endpoints.getMeasure, async ({ c, params }) => c.json(await measure(ctx, params.cid, params.mid)));

  route(app, ctx, endpoints.editMeasure, async ({ c, principal, params, body }) => {
    await updateCycle(ctx, params.cid, editMeasure, { actor: actorOf(principal), measureId: params.mid, measure: body });
    return c.json(await measure(ctx, params.cid, params.mid));
  });

  route(app, ctx, endpoints.withdrawMeasure, async ({ c, principal, params }) => {
    await updateCycle(ctx, params.cid, withdrawMeasure, { actor: actorOf(principal), measureId: params.mid });
    return c.json(await measure(ctx, params.cid, params.mid));
  });
}
