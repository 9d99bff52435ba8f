/**
 * Talking to a cycle's workflow: Updates by cycle id, with the workflow's typed
 * refusals turned into problems (core/problem.ts). A cycle that has ended (closed or
 * cancelled) has no running workflow any more; an Update to it is a 409, not a 404. A cycle that
 * is continuing as new refuses for a moment; the caller is not told, the Update is sent again.
 */
import { WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { sendWhileMovingOn } from '../services/moving-on.js';
import type { Core } from './context.js';
import { Problem, problemFromTemporal } from './problem.js';
import * as records from './records.js';

/** The cycle's record, or a 404 problem. */
export async function existingCycle(ctx: Core, cycleId: string): Promise<records.CycleRecord> {
  const row = await records.cycle(ctx.sql, cycleId);
  if (!row) throw new Problem('notFound', `no cycle ${cycleId}`);
  return row;
}

async function explain(ctx: Core, cycleId: string, err: unknown): Promise<never> {
  if (err instanceof WorkflowNotFoundError) {
    const row = await records.cycle(ctx.sql, cycleId);
    if (row && (row.phase === 'closed' || row.phase === 'cancelled')) {
      throw new Problem('wrongPhase', `cycle ${cycleId} is ${row.phase}; it takes no further actions`);
    }
  }
  throw problemFromTemporal(err) ?? err;
}

/**
 * Sends an Update and waits for its outcome (within the request's budget, services/api/endpoint.ts).
 * `updateId`, from an Idempotency-Key, makes a resend of the same request the same Update, which
 * the Temporal server applies once per workflow run; without it the SDK makes a new id.
 */
export async function updateCycle<Ret, Arg>(
  ctx: Core,
  cycleId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<Ret> {
  try {
    const options = updateId === undefined ? { args: [arg] as [Arg] } : { args: [arg] as [Arg], updateId };
    return await sendWhileMovingOn(() => ctx.temporal.workflow.getHandle(cycleId).executeUpdate(update, options));
  } catch (err) {
    return explain(ctx, cycleId, err);
  }
}
