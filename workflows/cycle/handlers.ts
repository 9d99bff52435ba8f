/**
 * The cycle's message handlers, in one place: each Update's validator (domain/rules/) refuses
 * before anything changes, and its handler is the phase's own function. Queries read the state.
 */
import { condition, setHandler } from '@temporalio/workflow';
import { statusOf } from '../../domain/cycle-state.js';
import { adoptedGrants, yearEndFor } from '../../domain/ledger.js';
import * as m from '../messages.js';
import * as rules from '../../domain/rules/index.js';
import { recordAdoption } from './adoption.js';
import { cancelled, type Cycle, ended, now, setPhase } from './context.js';
import { moveDeadline } from './deadlines.js';
import { closeYear, reportIndicators, reportProgress } from './execution.js';
import { castVote, proposePriorityList } from './prioritisation.js';
import { closeProposals, editMeasure, submitMeasure, withdrawMeasure } from './proposals.js';
import { onUpdate } from './run-control.js';

export function installHandlers(cycle: Cycle): void {
  const { cfg, state } = cycle;
  const status = () => statusOf(cfg, state);

  setHandler(m.getStatus, status);
  setHandler(m.getRecommendation, () => state.recommendation);
  // The close's own computation on the state as it stands, so the preview is what the close records.
  setHandler(m.getYearEndPreview, () =>
    state.phase === 'adopted'
      ? { carryOver: yearEndFor(cfg, state, true), released: yearEndFor(cfg, state, false) }
      : null,
  );
  onUpdate(cycle, m.cycleRecorded, async () => {
    await condition(() => state.recorded);
    return status();
  });

  // proposals
  onUpdate(
    cycle,
    m.submitMeasure,
    (a) => submitMeasure(cycle, a),
    (a) => rules.validateSubmit(cfg, state, a.actor, a.measure, now()),
  );
  onUpdate(
    cycle,
    m.editMeasure,
    (a) => editMeasure(cycle, a),
    (a) => rules.validateEdit(cfg, state, a.actor, a.measureId, a.measure, now()),
  );
  onUpdate(
    cycle,
    m.withdrawMeasure,
    (a) => withdrawMeasure(cycle, a),
    (a) => rules.validateWithdraw(state, a.actor, a.measureId, now()),
  );
  onUpdate(
    cycle,
    m.closeProposals,
    async ({ actor }) => {
      await closeProposals(cycle, actor.sub, 'proposals closed early by an administrator');
      return status();
    },
    ({ actor }) => rules.validateAdmin(state, actor, 'proposals', 'Closing proposals'),
  );
  onUpdate(
    cycle,
    m.moveDeadline,
    (a) => moveDeadline(cycle, a),
    (a) => rules.validateMoveDeadline(state, a.actor, a.deadline, a.to, now()),
  );

  // prioritisation
  onUpdate(
    cycle,
    m.proposePriorityList,
    (a) => proposePriorityList(cycle, a),
    (a) => rules.validatePriorityList(cfg, state, a.actor, a.items, a.meeting),
  );
  onUpdate(
    cycle,
    m.castVote,
    (a) => castVote(cycle, a),
    (a) => rules.validateVote(cfg, state, a.actor, a.version, a.vote),
  );

  // adoption
  onUpdate(
    cycle,
    m.recordAdoption,
    (a) => recordAdoption(cycle, a),
    (a) => rules.validateAdoption(cfg, state, a.actor, a.adoption, now()),
  );

  // execution and year-end
  onUpdate(
    cycle,
    m.reportProgress,
    (a) => reportProgress(cycle, a),
    (a) => rules.validateProgress(cfg, state, a.actor, a.report, adoptedGrants(state)[a.report.measureId]),
  );
  onUpdate(
    cycle,
    m.reportIndicators,
    (a) => reportIndicators(cycle, a),
    (a) => rules.validateIndicators(cfg, state, a.actor, a.indicators),
  );
  onUpdate(
    cycle,
    m.closeCycle,
    (a) => closeYear(cycle, a),
    ({ actor }) => {
      rules.validateAdmin(state, actor, 'adopted', 'Closing the year');
      if (state.yearEnd !== null) throw rules.busy('The year is being closed');
    },
  );

  onUpdate(
    cycle,
    m.cancelCycle,
    async ({ actor, reason }) => {
      cycle.cancelRequested = { actor, reason };
      await setPhase(cycle, 'cancelled', actor.sub, reason);
      return status();
    },
    ({ actor, reason }) => {
      rules.validateAdmin(state, actor, null, 'Cancelling a cycle');
      if (ended(cycle) || cancelled(cycle)) throw rules.phaseEnded(cancelled(cycle) ? 'cancelled' : state.phase);
      // Both steps end in a decided state (the binding plan, the closed year) a cancel must not cut into.
      if (state.phase === 'adoption' && state.adoptedListVersion !== null)
        throw rules.busy('The allocations are being locked as the binding plan');
      if (state.yearEnd !== null) throw rules.busy('The year is being closed');
      rules.checkReason(reason);
    },
  );
}
