/**
 * Queries of a cycle's workflow, bounded in time: its status (from the records when the workflow
 * cannot say and the records can) and the administration's recommendation.
 */
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { WorkflowNotFoundError, type QueryDefinition } from '@temporalio/common';
import { getRecommendation, getStatus, type CycleStatus, type Recommendation } from '../workflows/messages.js';
import type { Core } from './context.js';
import { existingCycle } from './cycle-commands.js';
import { Problem, problemFromTemporal } from './problem.js';
import * as records from './records.js';

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
export async function boundedQuery<Ret>(
  ctx: Core,
  cycleId: string,
  query: QueryDefinition<Ret, []>,
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<Ret> {
  try {
    return await ctx.temporal.withDeadline(Date.now() + timeoutMs, () =>
      ctx.temporal.workflow.getHandle(cycleId).query(query),
    );
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
export async function cycleStatus(ctx: Core, cycleId: string, timeoutMs = QUERY_TIMEOUT_MS): Promise<CycleStatusView> {
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

/**
 * The administration's recommendation (after proposals close). Only the workflow keeps it; once
 * the workflow is gone, so is the recommendation (409).
 */
export async function recommendation(ctx: Core, cycleId: string): Promise<Recommendation> {
  const found = await boundedQuery(ctx, cycleId, getRecommendation).catch(async (err: unknown) => {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const cycle = await existingCycle(ctx, cycleId);
    throw new Problem(
      'wrongPhase',
      `cycle ${cycleId} is ${cycle.phase} and its workflow has ended; the recommendation is no longer kept`,
    );
  });
  if (!found) throw new Problem('wrongPhase', 'there is no recommendation until proposals close');
  return found;
}
