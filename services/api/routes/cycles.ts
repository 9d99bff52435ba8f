/** Cycles: listing, starting, status, and the administrator's steering (close proposals, deadlines, cancel). */
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/common';
import type { Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { cancelCycle, closeProposals, getStatus, moveDeadline, type CycleStatus, type Deadlines } from '../../../workflows/messages.js';
import { actorOf } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { updateCycle } from '../cycle-client.js';
import { startCycle } from '../cycle-start.js';
import { route } from '../endpoint.js';
import { Problem, problemFromTemporal } from '../problem.js';
import * as records from '../records.js';

/**
 * How long a read waits for the cycle's workflow to answer a query. A query is answered by a
 * worker (a closed workflow is replayed for it), so without a polling worker it would wait for as
 * long as the connection lets it; a few seconds is ample for a worker that is there. Less than a
 * read's budget (READ_TIMEOUT_MS, 4.5 s): an ended cycle that cannot be asked is then still read
 * from the records in time.
 */
export const QUERY_TIMEOUT_MS = 3000;

/**
 * The reason Temporal gives when it cannot have a query answered at all, or null. The server
 * answers FAILED_PRECONDITION ("no poller seen for task queue recently, worker may be down") once
 * no worker has polled the queue for a while, and when the workflow cannot take a query now (its
 * workflow task failing); before that, the query waits for a worker until the deadline.
 */
function noAnswer(err: unknown): string | null {
  if (isGrpcDeadlineError(err)) return 'no answer in time';
  for (let e = err; e instanceof Error; e = e.cause) {
    if (!isGrpcServiceError(e)) continue;
    // The client's deadline ends the call as DEADLINE_EXCEEDED, or, when it fires while the call is
    // being set up, as CANCELLED ("Call cancelled"); nothing else cancels these calls.
    if (e.code === CANCELLED) return 'no answer in time';
    if (e.code === FAILED_PRECONDITION) return e.details || e.message;
  }
  return null;
}
const CANCELLED = 1; // gRPC status codes
const FAILED_PRECONDITION = 9;

/**
 * Queries the cycle's workflow, waiting at most `timeoutMs`. Throws WorkflowNotFoundError as it
 * comes (the caller knows what a missing workflow means for it), a 503 problem when no answer came
 * (no worker polls the task queue, or it is swamped), and the problem any other refusal stands for.
 */
export async function boundedQuery<Ret>(ctx: ApiContext, cycleId: string, query: QueryDefinition<Ret, []>, timeoutMs = QUERY_TIMEOUT_MS): Promise<Ret> {
  try {
    return await ctx.temporal.withDeadline(Date.now() + timeoutMs, () => ctx.temporal.workflow.getHandle(cycleId).query(query));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw err;
    const why = noAnswer(err);
    if (why !== null) {
      throw new Problem(
        'unavailable',
        `the workflow of cycle ${cycleId} could not be asked within ${timeoutMs / 1000} s (${why}); is a worker polling the task queue ` +
          `"${ctx.config.TEMPORAL_TASK_QUEUE}"? Try again when it runs.`,
      );
    }
    throw problemFromTemporal(err) ?? err;
  }
}

const unanswered = (err: unknown): err is Problem => err instanceof Problem && err.kind === 'unavailable';

/** Where a cycle status came from: the running workflow, or the records when it cannot be asked. */
export type CycleStatusView = CycleStatus & { source: 'workflow' | 'records' };

const ENDED = new Set(['closed', 'cancelled']);

/**
 * A cycle's status (GET /cycles/{cid} and the UI's cycle page). The workflow knows most (pending
 * actions, overdue flags, its own history), so it is asked first. When it is gone (an ended cycle
 * past Temporal's retention, or a workflow removed) the status comes from the records, as for any
 * cycle GET /partnerships/{pid}/cycles lists. When it does not answer in time, an ended cycle still
 * comes from the records (they hold all of it); a cycle under way is a 503, because only its
 * workflow knows who must act now.
 */
export async function cycleStatus(ctx: ApiContext, cycleId: string, timeoutMs = QUERY_TIMEOUT_MS): Promise<CycleStatusView> {
  const recorded = async () => {
    const row = await records.cycle(ctx.sql, cycleId);
    return row && { ...(await records.recordedStatus(ctx.sql, row)), source: 'records' as const };
  };
  try {
    return { ...(await boundedQuery(ctx, cycleId, getStatus, timeoutMs)), source: 'workflow' };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      const status = await recorded();
      if (!status) throw new Problem('notFound', `no cycle ${cycleId}`);
      return status;
    }
    if (unanswered(err)) {
      const status = await recorded();
      if (status && ENDED.has(status.phase)) return status;
    }
    throw err;
  }
}

export function cycleRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  route(app, ctx, endpoints.listCycles, async ({ c, params }) => {
    if (!(await records.partnership(ctx.sql, params.pid))) throw new Problem('notFound', `no partnership ${params.pid}`);
    const cycles = await records.cyclesOf(ctx.sql, params.pid);
    return c.json(cycles.map(({ id, partnership, year, phase, deadlines, startedAt, closedAt }) => ({ id, partnership, year, phase, deadlines, startedAt, closedAt })));
  });

  route(app, ctx, endpoints.startCycle, async ({ c, principal, params, body, operationId }) => {
    const status = await startCycle(ctx, principal, params.pid, body, operationId);
    c.header('location', `/api/v1/cycles/${status.id}`);
    return c.json(status, 201);
  });

  route(app, ctx, endpoints.getCycle, async ({ c, params }) => c.json(await cycleStatus(ctx, params.cid)));

  route(app, ctx, endpoints.cancelCycle, async ({ c, principal, params, body, operationId }) =>
    c.json(await updateCycle(ctx, params.cid, cancelCycle, { actor: actorOf(principal), reason: body.reason }, operationId)),
  );

  route(app, ctx, endpoints.closeProposals, async ({ c, principal, params, operationId }) =>
    c.json(await updateCycle(ctx, params.cid, closeProposals, { actor: actorOf(principal) }, operationId)),
  );

  route(app, ctx, endpoints.moveDeadline, async ({ c, principal, params, body, operationId }) => {
    const deadline = body.deadline as keyof Deadlines | `adoption:${string}`;
    return c.json(await updateCycle(ctx, params.cid, moveDeadline, { actor: actorOf(principal), deadline, to: body.to }, operationId));
  });
}
