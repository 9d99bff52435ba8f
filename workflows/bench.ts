/**
 * The floor a Workflow Update costs on a Temporal server: a workflow whose Update does nothing.
 * scripts/bench-api.ts compares the API's proposal submission (an Update, then the measure's record)
 * with it.
 */
import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/** Takes the same payload as submitMeasure, so serialisation costs the same. */
export const noopUpdate = defineUpdate<null, [unknown]>('noop');
export const stopBench = defineSignal('stopBench');

export async function benchNoopWorkflow(): Promise<void> {
  let stopped = false;
  setHandler(noopUpdate, () => null);
  setHandler(stopBench, () => {
    stopped = true;
  });
  await condition(() => stopped);
}
