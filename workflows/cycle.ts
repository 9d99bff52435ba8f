/**
 * One partnership's annual HØP cycle, id `{partnership}-{year}`, the year's story in order:
 * proposals → prioritisation by IPR → adoption by each council (→ back to prioritisation when a
 * council lowers its share) → adopted, the year runs → closed; or cancelled at any step before.
 *
 * Every action arrives as an Update (workflows/cycle/handlers.ts) whose validator refuses bad input
 * before anything happens, and whose handler writes the action's record once the server has
 * accepted the Update (workflows/cycle/records.ts). Each phase is a module of workflows/cycle/;
 * continue-as-new is workflows/cycle/run-control.ts.
 */
import { allHandlersFinished, CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { initialState, statusOf, type CycleState } from '../domain/cycle-state.js';
import { adoptionRound } from './cycle/adoption.js';
import { audit, cancelled, type Cycle, decided, ended, openCycle, setPhase } from './cycle/context.js';
import { execution, lockAllocations } from './cycle/execution.js';
import { installHandlers } from './cycle/handlers.js';
import { prioritisation } from './cycle/prioritisation.js';
import { proposals } from './cycle/proposals.js';
import { remind } from './cycle/reminders.js';
import { write } from './cycle/records.js';
import { framesWithCarryOver } from '../domain/ledger.js';
import type * as m from './messages.js';

export async function cycleWorkflow(input: m.CycleInput): Promise<m.CycleStatus> {
  const { resume, ...cfg } = input;
  const state = (resume as CycleState | undefined) ?? initialState(cfg, framesWithCarryOver(cfg));
  const cycle = openCycle(cfg, state);
  installHandlers(cycle);
  void remind(cycle); // beside the year's phases, until the cycle ends
  try {
    await theYear(cycle);
  } catch (e) {
    // Cancelled in Temporal (an operator), not through the engine: the records say so as well.
    if (isCancellation(e) && !ended(cycle)) {
      await CancellationScope.nonCancellable(() =>
        setPhase(cycle, 'cancelled', 'system', 'cancelled in Temporal, not through the engine'),
      );
    }
    throw e;
  }
  await condition(allHandlersFinished);
  return statusOf(cfg, state);
}

async function theYear(cycle: Cycle): Promise<void> {
  const { state } = cycle;
  await started(cycle);
  if (state.phase === 'proposals') await proposals(cycle);
  while (!cancelled(cycle) && (state.phase === 'prioritisation' || state.phase === 'adoption')) {
    const list = await prioritisation(cycle);
    if (!list) break;
    const outcome = await adoptionRound(cycle, list);
    if (outcome === 'adopted') await lockAllocations(cycle, list);
    if (outcome !== 'reprioritise') break;
  }
  if (state.phase === 'adopted') await execution(cycle);
  await condition(() => ended(cycle));
}

/** The cycle's first write, its row; unique (partnership, year) in Postgres guards a second start too. */
async function started(cycle: Cycle): Promise<void> {
  const { cfg, state } = cycle;
  if (state.recorded) return;
  const entry = audit(cycle, cfg.startedBy.sub, 'cycle:start', null, { carryOver: cfg.carryOver });
  await cycle.records.start(() =>
    write.recordCycle({
      cycleId: cfg.cycleId,
      partnershipId: cfg.partnership.id,
      year: cfg.year,
      config: cfg.partnership,
      frames: state.frames,
      deadlines: state.deadlines,
      carryOver: cfg.carryOver,
      startedBy: cfg.startedBy.sub,
      audit: entry,
    }),
  );
  decided(cycle, cfg.startedBy.sub, `cycle started for ${cfg.year}`);
  state.recorded = true;
}
