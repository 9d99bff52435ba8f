/**
 * How a cycle's run is kept healthy: continue-as-new when the server suggests it, and the Update
 * handlers' refusal while the run moves on.
 *
 * The server suggests continue-as-new (workflowInfo().continueAsNewSuggested) by history length
 * (4 096 events), history size (4 MB) and, from server 1.27 on, by Updates: at 90 % of its limit
 * of 2 000 Updates per run (history.maxTotalUpdates.suggestContinueAsNewThreshold,
 * temporalio/temporal#7247; the Temporal CLI 1.5.1 dev server runs server 1.29.1). So the cycle
 * counts nothing itself.
 *
 * Updates while the run moves on: the server aborts an Update it has not yet handed to the worker
 * when the run continues as new, with a retryable error, and the client SDK sends it again to the
 * new run (temporalio/temporal#6485). But an Update that arrives in the workflow task that
 * continues as new would be accepted there and then failed by the server (the run ended before it
 * completed). So from the moment the run decides to move on, the validators refuse new Updates
 * (RejectionType.movingOn); a refused Update was never applied, and whoever sends Updates sends
 * it again a moment later (services/moving-on.ts).
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CycleInput, CycleStatus } from '../messages.js';
import { movingOnToNewRun } from '../../domain/rules/index.js';
import { refusing } from '../refusals.js';
import type { Cycle } from './context.js';

export const continueAsNewSuggested = () => workflowInfo().continueAsNewSuggested;

/** An Update handler with its validator, refused while the run moves on; refusals go out as ApplicationFailures. */
export function onUpdate<Ret, Args extends unknown[]>(
  cycle: Cycle,
  def: UpdateDefinition<Ret, Args>,
  handler: (...args: Args) => Promise<Ret>,
  validate?: (...args: Args) => void,
): void {
  setHandler(def, handler, {
    validator: (...args: Args) =>
      refusing(() => {
        if (cycle.movingOn) throw movingOnToNewRun();
        validate?.(...args);
      }),
  });
}

/** Continues as new, carrying the state, when the server suggests it; otherwise returns at once. */
export async function continueAsNewIfSuggested(cycle: Cycle): Promise<void> {
  if (!continueAsNewSuggested()) return;
  cycle.movingOn = true;
  // Every Update under way completes in this run (its write included): the next run knows none of them.
  await condition(allHandlersFinished);
  // Not in the workflow task that completed the last Update: the server can then fail that
  // Update's caller and hand the Update to the new run a second time (temporalio/temporal#6375).
  // A timer gives the continue-as-new a task of its own; no Update starts meanwhile.
  await sleep(1);
  await continueAsNew<(input: CycleInput) => Promise<CycleStatus>>({ ...cycle.cfg, resume: cycle.state });
}
