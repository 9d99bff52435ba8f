/**
 * The rules of the proposal round and of the administrator's steps: a measure's fields, who may
 * submit, edit and withdraw it and until when, moving a deadline, closing and cancelling.
 */
import type { Actor } from '../cycle.js';
import type { CycleConfig, CycleState } from '../cycle-state.js';
import { conflict, invalid, movingOn, wrongPhase, type FieldError } from '../refusal.js';
import { TEXT_LIMITS } from '../text.js';
import type { Deadlines, MeasureInput, Phase } from '../values.js';
import {
  checkMoney,
  checkText,
  checkYearMap,
  ownMeasure,
  requirePhase,
  requireProposalsOpen,
  requireRole,
} from './checks.js';

function checkMeasureFields(cfg: CycleConfig, m: Partial<MeasureInput>, partial: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const has = (k: keyof MeasureInput) => !partial || m[k] !== undefined;
  if (has('title')) checkText(errors, 'title', m.title, TEXT_LIMITS.title);
  if (has('description')) checkText(errors, 'description', m.description, TEXT_LIMITS.description);
  if (has('responsible')) checkText(errors, 'responsible', m.responsible, TEXT_LIMITS.responsible);
  if (has('strategies')) {
    if (!Array.isArray(m.strategies) || m.strategies.length === 0)
      errors.push({ path: 'strategies', message: 'at least one strategy code' });
    else {
      m.strategies.forEach((code, i) => {
        if (!cfg.strategyCodes.includes(code))
          errors.push({ path: `strategies.${i}`, message: `unknown strategy code '${code}' in the plan` });
      });
      if (new Set(m.strategies).size !== m.strategies.length)
        errors.push({ path: 'strategies', message: 'strategy codes must be unique' });
    }
  }
  if (has('amounts')) checkYearMap(errors, 'amounts', m.amounts, cfg, true);
  if (has('cofunding')) {
    if (!Array.isArray(m.cofunding)) errors.push({ path: 'cofunding', message: 'must be a list of {source, amount}' });
    else
      m.cofunding.forEach((c, i) => {
        checkText(errors, `cofunding.${i}.source`, c?.source, TEXT_LIMITS.cofundingSource);
        checkMoney(errors, `cofunding.${i}.amount`, c?.amount);
      });
  }
  return errors;
}

export function validateSubmit(cfg: CycleConfig, state: CycleState, a: Actor, m: MeasureInput, now: number): void {
  requireRole(a, ['proposer', 'admin'], 'Proposing a measure');
  requireProposalsOpen(state, 'Proposing a measure', now);
  const errors = checkMeasureFields(cfg, m, false);
  if (errors.length) throw invalid(errors);
}

export function validateEdit(
  cfg: CycleConfig,
  state: CycleState,
  a: Actor,
  measureId: string,
  patch: Partial<MeasureInput>,
  now: number,
): void {
  requireRole(a, ['proposer', 'admin'], 'Editing a measure');
  requireProposalsOpen(state, 'Editing a measure', now);
  ownMeasure(state, a, measureId, 'Editing a measure');
  if (Object.keys(patch).length === 0) throw invalid([{ path: '', message: 'nothing to change' }]);
  const errors = checkMeasureFields(cfg, patch, true);
  if (errors.length) throw invalid(errors);
}

export function validateWithdraw(state: CycleState, a: Actor, measureId: string, now: number): void {
  requireRole(a, ['proposer', 'admin'], 'Withdrawing a measure');
  requireProposalsOpen(state, 'Withdrawing a measure', now);
  ownMeasure(state, a, measureId, 'Withdrawing a measure');
}

export const phaseEnded = (phase: Phase) => wrongPhase(`The cycle is already ${phase}`);
/** A step that must not be interrupted is under way; the same action may succeed in a moment. */
export const busy = (what: string) => conflict(`${what}; try again when it is done`);
export const movingOnToNewRun = () =>
  movingOn('The cycle is moving on to a new run of its history; try again in a moment');

export function checkReason(reason: unknown): void {
  const errors: FieldError[] = [];
  checkText(errors, 'reason', reason, TEXT_LIMITS.reason);
  if (errors.length)
    throw invalid(
      errors.map((e) => (e.message.startsWith('required') ? { ...e, message: 'say why the cycle is cancelled' } : e)),
    );
}

export function validateAdmin(state: CycleState, a: Actor, phase: Phase | null, what: string): void {
  requireRole(a, ['admin'], what);
  if (phase) requirePhase(state, phase, what);
}

/** The phases in which each deadline's step is still open or ahead. */
export const OPEN_OR_AHEAD: Record<keyof Deadlines, readonly Phase[]> = {
  proposals: ['proposals'],
  ipr: ['proposals', 'prioritisation'],
  adoption: ['proposals', 'prioritisation', 'adoption'],
};

export function validateMoveDeadline(state: CycleState, a: Actor, deadline: string, to: string, now: number): void {
  requireRole(a, ['admin'], 'Moving a deadline');
  if (state.phase === 'closed' || state.phase === 'cancelled') throw wrongPhase(`The cycle is ${state.phase}`);
  const target = Date.parse(to);
  if (Number.isNaN(target)) throw invalid([{ path: 'to', message: 'must be an ISO 8601 date-time' }]);
  if (target <= now) throw invalid([{ path: 'to', message: 'must be in the future' }]);
  if (deadline.startsWith('adoption:')) {
    const municipality = deadline.slice('adoption:'.length);
    const pending = state.adoptions.find((x) => x.municipality === municipality && x.decision === null);
    if (state.phase !== 'adoption' || !pending)
      throw wrongPhase(`No adoption pending for municipality ${municipality}`);
  } else if (deadline === 'proposals' || deadline === 'ipr' || deadline === 'adoption') {
    if (!OPEN_OR_AHEAD[deadline].includes(state.phase))
      throw wrongPhase(
        `The ${deadline} deadline is behind the cycle (phase '${state.phase}'); moving it would change nothing`,
      );
    // Passing, the proposal deadline closes the proposals. The others only flag a step overdue, and
    // that step may get a new date while it is still open or ahead: an IPR meeting or a council that
    // is late, or the round that follows a loop-back to IPR after the first round's dates.
    if (deadline === 'proposals' && Date.parse(state.deadlines.proposals) <= now)
      throw wrongPhase('The proposals deadline has already passed');
  } else {
    throw invalid([{ path: 'deadline', message: 'must be proposals, ipr, adoption or adoption:<municipality>' }]);
  }
  // Only the deadlines of steps still open or ahead keep their order: once proposals are closed,
  // the IPR meeting may come before the date they would have closed.
  const order = (['proposals', 'ipr', 'adoption'] as const).filter((d) => OPEN_OR_AHEAD[d].includes(state.phase));
  const next: Deadlines = { ...state.deadlines };
  if (!deadline.startsWith('adoption:')) next[deadline as keyof Deadlines] = to;
  for (let i = 1; i < order.length; i++) {
    if (Date.parse(next[order[i - 1]!]) > Date.parse(next[order[i]!])) {
      throw invalid([{ path: 'to', message: `deadlines must stay in order: ${order[i - 1]} before ${order[i]}` }]);
    }
  }
}
