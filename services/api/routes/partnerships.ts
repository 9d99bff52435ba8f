/** Partnerships and their strategic plans: reference data, read from Postgres. */
import { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import type { ApiContext, AppEnv } from '../context.js';
import { route } from '../endpoint.js';
import { Problem } from '../../../core/problem.js';
import * as records from '../../../core/records.js';

/** The partnerships resource as a sub-app of the API, mounted at {API_BASE} (services/api/app.ts). */
export function partnershipApi(ctx: ApiContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  route(api, ctx, endpoints.listPartnerships, async ({ c, principal }) => {
    const rows = await records.partnerships(ctx.sql, principal.partnership);
    return c.json(rows.map((p) => p.config));
  });

  route(api, ctx, endpoints.getPlan, async ({ c, params }) => {
    const row = await records.partnership(ctx.sql, params.pid);
    if (!row) throw new Problem('notFound', `no partnership ${params.pid}`);
    if (!row.plan) throw new Problem('notFound', `partnership ${params.pid} has no strategic plan loaded`);
    return c.json(row.plan);
  });
  return api;
}
