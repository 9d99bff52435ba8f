/**
 * Adoption: every municipal council whose share rose in the adopted list decides on it, in
 * parallel, each with a deadline of its own; a council that reduces or rejects sends the cycle
 * back to IPR within the lowered frames.
 *
 * Each council's wait is a coroutine of the cycle, not a child workflow: its decision, deadline
 * and overdue flag are cycle state that the clerk's and the secretariat's Updates change
 * directly. There is no workflow of its own that an operator could terminate, no signals between
 * workflows, and nothing to start again.
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import { lowerFrame, municipalRequests, normalize, recommend, risesAbove } from '../../domain/ledger.js';
import type * as m from '../messages.js';
import { phaseEnded } from '../../domain/rules/index.js';
import { asFailure } from '../refusals.js';
import { audit, cancelled, clearOverdue, type Cycle, decided, flagOverdue, now, setPhase } from './context.js';
import { RECORD, write } from './records.js';

export type RoundOutcome = 'adopted' | 'reprioritise' | null;

/** One round for the list IPR adopted: 'adopted', 'reprioritise' after a reduction, null when cancelled. */
export async function adoptionRound(cycle: Cycle, list: m.PriorityListState): Promise<RoundOutcome> {
  const { cfg, state } = cycle;
  await condition(allHandlersFinished); // the vote that adopted the list completes before the councils start
  if (cancelled(cycle)) return null;
  state.round += 1;
  state.listInAdoption = list.version;
  const requests = municipalRequests(cfg, state, list.items);
  state.adoptions = cfg.partnership.municipalities
    .filter((mu) => risesAbove(requests[mu.id] ?? {}, state.standing[mu.id]?.amounts))
    .map((mu) => ({
      round: state.round,
      municipality: mu.id,
      requested: requests[mu.id] ?? {},
      decision: null,
      amounts: null,
      caseNumber: null,
      decidedOn: null,
      dueAt: state.deadlines.adoption,
      overdue: false,
    }));
  await setPhase(
    cycle,
    'adoption',
    'ipr',
    `priority list ${list.version} adopted; ${state.adoptions.length} council(s) to adopt in round ${state.round}`,
  );

  await Promise.all(state.adoptions.map((pending) => councilDecides(cycle, pending)));
  if (cancelled(cycle)) return null;
  await condition(allHandlersFinished); // the clerks' Updates, their writes included, complete before the cycle moves on
  if (cancelled(cycle)) return null;

  const lowered = state.adoptions.filter((a) => a.decision !== 'adopted');
  if (lowered.length === 0) return 'adopted';
  for (const a of lowered) {
    state.frames[a.municipality] = lowerFrame(cfg, state.frames[a.municipality] ?? {}, a.requested, {
      decision: a.decision!,
      amounts: a.amounts ?? {},
    });
  }
  state.recommendation = recommend(cfg, state);
  await setPhase(
    cycle,
    'prioritisation',
    'system',
    `${lowered.map((a) => `${a.municipality} ${a.decision}`).join(', ')}: re-prioritise within the lowered frames`,
  );
  return 'reprioritise';
}

/** A council's wait for its decision: flagged overdue when its deadline passes (it may still decide later). */
async function councilDecides(cycle: Cycle, pending: m.AdoptionState): Promise<void> {
  const waiting = () => pending.decision === null && !cancelled(cycle);
  while (waiting()) {
    const due = pending.dueAt;
    const ms = Date.parse(due) - now();
    if (ms > 0) {
      await condition(() => !waiting() || pending.dueAt !== due, ms);
      continue;
    }
    if (!pending.overdue) {
      pending.overdue = true;
      flagOverdue(cycle, `adoption:${pending.municipality}`);
    }
    await condition(() => !waiting() || pending.dueAt !== due);
  }
}

/** A council's pending adoption gets a new deadline; its wait starts again from it. */
export function moveCouncilDeadline(cycle: Cycle, pending: m.AdoptionState, to: string): void {
  pending.dueAt = to;
  pending.overdue = false;
  clearOverdue(cycle, `adoption:${pending.municipality}`);
}

/** What the council adopted: what it was asked, a reduction (years it leaves out keep the request), or nothing. */
function adoptedAmounts(pending: m.AdoptionState, adoption: m.AdoptionInput): m.YearMap {
  if (adoption.decision === 'adopted') return pending.requested;
  if (adoption.decision === 'reduced') return normalize({ ...pending.requested, ...adoption.amounts });
  return Object.fromEntries(Object.keys(pending.requested).map((y) => [y, '0.00']));
}

type Decision = { actor: m.Actor; adoption: m.AdoptionInput };

/** The clerk records the council's decision; it stands from the moment the Update is accepted. */
export async function recordAdoption(cycle: Cycle, { actor, adoption }: Decision): Promise<m.AdoptionState> {
  const { cfg, state } = cycle;
  const { municipality, decision, caseNumber, decidedOn } = adoption;
  const pending = state.adoptions.find((a) => a.municipality === municipality)!;
  const amounts = adoptedAmounts(pending, adoption);
  Object.assign(pending, { decision, amounts, caseNumber, decidedOn, overdue: false });
  clearOverdue(cycle, `adoption:${municipality}`);
  state.standing[municipality] = { decision, amounts, round: state.round, caseNumber, decidedOn };
  decided(cycle, `municipality:${municipality}`, `council ${decision}`, caseNumber);
  const { round } = state;
  const entry = audit(cycle, actor.sub, `adoption:${decision}`, caseNumber, { municipality, round, amounts });
  const written = cycle.records.write([RECORD.adoption(round, municipality)], () =>
    write.recordAdoption({
      cycleId: cfg.cycleId,
      round,
      municipality,
      decision,
      requested: pending.requested,
      amounts,
      caseNumber,
      decidedOn,
      recordedBy: actor.sub,
      audit: entry,
    }),
  );
  // Cancelled while the decision is being written: the round is over, and the clerk is told so.
  await Promise.race([written, condition(() => cancelled(cycle))]);
  if (cancelled(cycle)) throw asFailure(phaseEnded('cancelled'));
  return pending;
}
