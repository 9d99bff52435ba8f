/** Municipal adoption: a council's decision on its contribution, recorded by that municipality's clerk. */
import { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { recordAdoption } from '../../../workflows/messages.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { updateCycle } from '../../../core/cycle-commands.js';
import { route } from '../endpoint.js';

/** The adoptions resource as a sub-app of the API, mounted at {API_BASE} (services/api/app.ts). */
export function adoptionApi(ctx: ApiContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  route(api, ctx, endpoints.recordAdoption, async ({ c, principal, params, body, operationId }) => {
    const adoption = { municipality: params.municipality, ...body };
    return c.json(
      await updateCycle(ctx, params.cid, recordAdoption, { actor: actorOf(principal), adoption }, operationId),
      201,
    );
  });
  return api;
}
