/** IPR prioritisation: the administration's recommendation, priority lists and votes. */
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { castVote, getRecommendation, proposePriorityList } from '../../../workflows/messages.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { existingCycle, updateCycle } from '../cycle-client.js';
import { route } from '../endpoint.js';
import { Problem } from '../problem.js';
import * as records from '../records.js';
import { boundedQuery } from './cycles.js';

export function prioritisationRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  route(app, ctx, endpoints.getRecommendation, async ({ c, params }) => {
    const recommendation = await boundedQuery(ctx, params.cid, getRecommendation).catch(async (err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // Only the workflow keeps the recommendation; once it is gone, so is the recommendation.
      const cycle = await existingCycle(ctx, params.cid);
      throw new Problem('wrongPhase', `cycle ${params.cid} is ${cycle.phase} and its workflow has ended; the recommendation is no longer kept`);
    });
    if (!recommendation) throw new Problem('wrongPhase', 'there is no recommendation until proposals close');
    return c.json(recommendation);
  });

  route(app, ctx, endpoints.listPriorityLists, async ({ c, params }) => {
    await existingCycle(ctx, params.cid);
    return c.json(await records.priorityLists(ctx.sql, params.cid));
  });

  route(app, ctx, endpoints.proposePriorityList, async ({ c, principal, params, body, operationId }) => {
    const list = await updateCycle(ctx, params.cid, proposePriorityList, { actor: actorOf(principal), items: body.items, meeting: body.meeting }, operationId);
    return c.json(list, 201);
  });

  route(app, ctx, endpoints.castVote, async ({ c, principal, params, body, operationId }) => {
    const list = await updateCycle(ctx, params.cid, castVote, { actor: actorOf(principal), version: params.version, vote: body.vote }, operationId);
    return c.json(list, 201);
  });
}
