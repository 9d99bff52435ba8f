/**
 * Proposals: measures are submitted, edited and withdrawn until the proposal deadline, or until
 * an administrator closes the round early; closing computes the administration's recommendation.
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { MeasureWrite } from '../../domain/records.js';
import { normalize, recommend } from '../../domain/ledger.js';
import type * as m from '../messages.js';
import { audit, cancelled, type Cycle, setPhase, until } from './context.js';
import { RECORD, write } from './records.js';
import { continueAsNewIfSuggested, continueAsNewSuggested } from './run-control.js';

function writeMeasure(cycle: Cycle, measure: MeasureWrite): Promise<void> {
  return cycle.records.write([RECORD.measure(measure.id)], () => write.recordMeasure(measure));
}

export async function submitMeasure(
  cycle: Cycle,
  { actor, measure }: { actor: m.Actor; measure: m.MeasureInput },
): Promise<{ id: string }> {
  const { cfg, state } = cycle;
  state.measureSeq += 1;
  const id = `m${String(state.measureSeq).padStart(4, '0')}`;
  const fields = normalizeMeasure(measure);
  state.measures.push({
    id,
    proposedBy: actor.sub,
    amounts: fields.amounts!,
    strategies: measure.strategies,
    status: 'proposed',
  });
  await writeMeasure(cycle, {
    cycleId: cfg.cycleId,
    id,
    proposedBy: actor.sub,
    status: 'proposed',
    fields,
    audit: audit(cycle, actor.sub, 'measure:submit', id),
  });
  return { id };
}

export async function editMeasure(
  cycle: Cycle,
  { actor, measureId, measure }: { actor: m.Actor; measureId: string; measure: Partial<m.MeasureInput> },
): Promise<{ id: string }> {
  const current = cycle.state.measures.find((x) => x.id === measureId)!;
  const fields = normalizeMeasure(measure);
  if (fields.amounts) current.amounts = fields.amounts;
  if (fields.strategies) current.strategies = fields.strategies;
  const entry = audit(cycle, actor.sub, 'measure:edit', measureId, { fields: Object.keys(measure) });
  await writeMeasure(cycle, {
    cycleId: cycle.cfg.cycleId,
    id: measureId,
    proposedBy: current.proposedBy,
    status: current.status,
    fields,
    audit: entry,
  });
  return { id: measureId };
}

export async function withdrawMeasure(
  cycle: Cycle,
  { actor, measureId }: { actor: m.Actor; measureId: string },
): Promise<{ id: string }> {
  const current = cycle.state.measures.find((x) => x.id === measureId)!;
  current.status = 'withdrawn';
  const entry = audit(cycle, actor.sub, 'measure:withdraw', measureId);
  await writeMeasure(cycle, {
    cycleId: cycle.cfg.cycleId,
    id: measureId,
    proposedBy: current.proposedBy,
    status: 'withdrawn',
    fields: {},
    audit: entry,
  });
  return { id: measureId };
}

/** Closing the proposals, by an administrator's Update or by the deadline, computes the recommendation. */
export async function closeProposals(cycle: Cycle, actor: string, why: string): Promise<void> {
  const { state } = cycle;
  if (state.phase !== 'proposals') return;
  state.recommendation = recommend(cycle.cfg, state);
  // Every measure is in Postgres before the phase that follows the proposals is.
  await setPhase(
    cycle,
    'prioritisation',
    actor,
    why,
    state.measures.map((x) => RECORD.measure(x.id)),
  );
}

/** The proposal phase: open until its deadline (which closes it) or an early close; a long round continues as new. */
export async function proposals(cycle: Cycle): Promise<void> {
  const { state } = cycle;
  while (state.phase === 'proposals' && !cancelled(cycle)) {
    const open = await until(
      cycle,
      () => state.phase !== 'proposals' || continueAsNewSuggested(),
      () => state.deadlines.proposals,
    );
    if (state.phase !== 'proposals' || cancelled(cycle)) return;
    if (open) {
      await continueAsNewIfSuggested(cycle);
      continue;
    }
    await condition(allHandlersFinished); // the submissions under way land before the round closes
    await closeProposals(cycle, 'system', 'proposal deadline passed');
  }
}

function normalizeMeasure(measure: Partial<m.MeasureInput>): Partial<m.MeasureInput> {
  return {
    ...measure,
    ...(measure.amounts && { amounts: normalize(measure.amounts) }),
    ...(measure.cofunding && {
      cofunding: measure.cofunding.map((c) => ({ ...c, amount: normalize({ x: c.amount }).x! })),
    }),
  };
}
