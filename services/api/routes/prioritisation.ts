/** IPR prioritisation: the administration's recommendation, priority lists and votes. */
import type { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { castVote, proposePriorityList } from '../../../workflows/messages.js';
import { recommendation } from '../../../core/cycle-queries.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { existingCycle, updateCycle } from '../../../core/cycle-commands.js';
import { route } from '../endpoint.js';
import * as records from '../../../core/records.js';

export function prioritisationRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  route(app, ctx, endpoints.getRecommendation, async ({ c, params }) => c.json(await recommendation(ctx, params.cid)));

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
