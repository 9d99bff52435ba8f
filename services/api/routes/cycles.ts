/** Cycles: listing, starting, status, and the administrator's steering (close proposals, deadlines, cancel). */
import { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { cancelCycle, closeProposals, moveDeadline, type Deadlines } from '../../../workflows/messages.js';
import { cycleStatus } from '../../../core/cycle-queries.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { updateCycle } from '../../../core/cycle-commands.js';
import { startCycle } from '../../../core/cycle-start.js';
import { route } from '../endpoint.js';
import { Problem } from '../../../core/problem.js';
import * as records from '../../../core/records.js';

/** The cycles resource as a sub-app of the API, mounted at {API_BASE} (services/api/app.ts). */
export function cycleApi(ctx: ApiContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  route(api, ctx, endpoints.listCycles, async ({ c, params }) => {
    if (!(await records.partnership(ctx.sql, params.pid)))
      throw new Problem('notFound', `no partnership ${params.pid}`);
    const cycles = await records.cyclesOf(ctx.sql, params.pid);
    return c.json(
      cycles.map(({ id, partnership, year, phase, deadlines, startedAt, closedAt }) => ({
        id,
        partnership,
        year,
        phase,
        deadlines,
        startedAt,
        closedAt,
      })),
    );
  });

  route(api, ctx, endpoints.startCycle, async ({ c, principal, params, body, operationId }) => {
    const status = await startCycle(ctx, principal, params.pid, body, operationId);
    c.header('location', `/api/v1/cycles/${status.id}`);
    return c.json(status, 201);
  });

  route(api, ctx, endpoints.getCycle, async ({ c, params }) => c.json(await cycleStatus(ctx, params.cid)));

  route(api, ctx, endpoints.cancelCycle, async ({ c, principal, params, body, operationId }) =>
    c.json(
      await updateCycle(ctx, params.cid, cancelCycle, { actor: actorOf(principal), reason: body.reason }, operationId),
    ),
  );

  route(api, ctx, endpoints.closeProposals, async ({ c, principal, params, operationId }) =>
    c.json(await updateCycle(ctx, params.cid, closeProposals, { actor: actorOf(principal) }, operationId)),
  );

  route(api, ctx, endpoints.moveDeadline, async ({ c, principal, params, body, operationId }) => {
    const deadline = body.deadline as keyof Deadlines | `adoption:${string}`;
    return c.json(
      await updateCycle(
        ctx,
        params.cid,
        moveDeadline,
        { actor: actorOf(principal), deadline, to: body.to },
        operationId,
      ),
    );
  });
  return api;
}
