/**
 * Talking to a cycle's workflow: Updates by cycle id, with the workflow's typed
 * refusals turned into problems (services/api/problem.ts). A cycle that has ended (closed or
 * cancelled) has no running workflow any more; an Update to it is a 409, not a 404. A cycle that
 * is continuing as new refuses for a moment; the caller is not told, the Update is sent again.
 */
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { RejectionType } from '../../workflows/messages.js';
import type { ApiContext } from './context.js';
import { Problem, problemFromTemporal } from './problem.js';
import * as records from './records.js';

/** The cycle's record, or a 404 problem. */
export async function existingCycle(ctx: ApiContext, cycleId: string): Promise<records.CycleRecord> {
  const row = await records.cycle(ctx.sql, cycleId);
  if (!row) throw new Problem('notFound', `no cycle ${cycleId}`);
  return row;
}

async function explain(ctx: ApiContext, cycleId: string, err: unknown): Promise<never> {
  if (err instanceof WorkflowNotFoundError) {
    const row = await records.cycle(ctx.sql, cycleId);
    if (row && (row.phase === 'closed' || row.phase === 'cancelled')) {
      throw new Problem('wrongPhase', `cycle ${cycleId} is ${row.phase}; it takes no further actions`);
    }
  }
  throw problemFromTemporal(err) ?? err;
}

/** A cycle continuing as new refuses Updates for a moment (workflows/cycle.ts): tried again after these pauses. */
const MOVING_ON_RETRY_MS = [10, 20, 40, 80, 160, 320, 640, 1280];

const movingOn = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === RejectionType.movingOn;

export async function updateCycle<Ret, Arg>(ctx: ApiContext, cycleId: string, update: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<Ret> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.temporal.workflow.getHandle(cycleId).executeUpdate(update, { args: [arg] });
    } catch (err) {
      const pause = MOVING_ON_RETRY_MS[attempt];
      if (pause !== undefined && movingOn(err)) {
        await new Promise((resolve) => setTimeout(resolve, pause));
        continue;
      }
      return explain(ctx, cycleId, err);
    }
  }
}
