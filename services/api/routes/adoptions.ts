/** Municipal adoption: a council's decision on its contribution, recorded by that municipality's clerk. */
import type { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { recordAdoption } from '../../../workflows/messages.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { updateCycle } from '../../../core/cycle-commands.js';
import { route } from '../endpoint.js';

export function adoptionRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  route(app, ctx, endpoints.recordAdoption, async ({ c, principal, params, body, operationId }) => {
    const adoption = { municipality: params.municipality, ...body };
    return c.json(await updateCycle(ctx, params.cid, recordAdoption, { actor: actorOf(principal), adoption }, operationId), 201);
  });
}
