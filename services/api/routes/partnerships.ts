/** Partnerships and their strategic plans: reference data, read from Postgres. */
import type { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import type { ApiContext, AppEnv } from '../context.js';
import { route } from '../endpoint.js';
import { Problem } from '../../../core/problem.js';
import * as records from '../../../core/records.js';

export function partnershipRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  route(app, ctx, endpoints.listPartnerships, async ({ c, principal }) => {
    const rows = await records.partnerships(ctx.sql, principal.partnership);
    return c.json(rows.map((p) => p.config));
  });

  route(app, ctx, endpoints.getPlan, async ({ c, params }) => {
    const row = await records.partnership(ctx.sql, params.pid);
    if (!row) throw new Problem('notFound', `no partnership ${params.pid}`);
    if (!row.plan) throw new Problem('notFound', `partnership ${params.pid} has no strategic plan loaded`);
    return c.json(row.plan);
  });
}
