/** IPR prioritisation: the administration's recommendation, priority lists and votes. */
import { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { castVote, proposePriorityList } from '../../../workflows/messages.js';
import { recommendation } from '../../../core/cycle-queries.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { existingCycle, updateCycle } from '../../../core/cycle-commands.js';
import { route } from '../endpoint.js';
import * as records from '../../../core/records.js';

/** The prioritisation resource as a sub-app of the API, mounted at {API_BASE} (services/api/app.ts). */
export function prioritisationApi(ctx: ApiContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  route(api, ctx, endpoints.getRecommendation, async ({ c, params }) => c.json(await recommendation(ctx, params.cid)));

  route(api, ctx, endpoints.listPriorityLists, async ({ c, params }) => {
    await existingCycle(ctx, params.cid);
    return c.json(await records.priorityLists(ctx.sql, params.cid));
  });

  route(api, ctx, endpoints.proposePriorityList, async ({ c, principal, params, body, operationId }) => {
    const list = await updateCycle(
      ctx,
      params.cid,
      proposePriorityList,
      { actor: actorOf(principal), items: body.items, meeting: body.meeting },
      operationId,
    );
    return c.json(list, 201);
  });

  route(api, ctx, endpoints.castVote, async ({ c, principal, params, body, operationId }) => {
    const list = await updateCycle(
      ctx,
      params.cid,
      castVote,
      { actor: actorOf(principal), version: params.version, vote: body.vote },
      operationId,
    );
    return c.json(list, 201);
  });
  return api;
}
