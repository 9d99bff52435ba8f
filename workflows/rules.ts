/**
 * Update validators: each checks one action against the cycle's rules and throws a typed
 * refusal (workflows/failures.ts) before anything is recorded. Pure functions of config,
 * state and input, so they are easy to read next to docs/domain.md.
 */
import { parseMoney } from '../domain/money.js';
import { FUTURE_DECISION_MESSAGE, isAfterOsloToday } from '../domain/oslo-date.js';
import { isCalendarDate, unstorableText } from '../domain/text.js';
import { listUnderVote, votingMembers, years, type CycleConfig, type CycleState } from './cycle-state.js';
import { conflict, forbidden, invalid, movingOn, notFound, wrongPhase, type FieldError } from './failures.js';
import { frameViolations } from './ledger.js';
import type {
  Actor,
  AdoptionInput,
  Deadlines,
  IndicatorInput,
  MeasureInput,
  Meeting,
  Phase,
  PriorityItem,
  ProgressReportInput,
  YearMap,
} from './messages.js';

const isAdmin = (a: Actor) => a.roles.includes('admin');

function requirePhase(state: CycleState, phase: Phase, what: string): void {
  if (state.phase !== phase)
    throw wrongPhase(`${what} is only possible in phase '${phase}'; the cycle is in '${state.phase}'`);
}

function requireRole(a: Actor, roles: Actor['roles'], what: string): void {
  if (!roles.some((r) => a.roles.includes(r))) throw forbidden(`${what} needs one of the roles ${roles.join(', ')}`);
}

function checkText(errors: FieldError[], path: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value.trim() === '') errors.push({ path, message: 'required, non-empty text' });
  else if (value.length > max) errors.push({ path, message: `at most ${max} characters` });
  else {
    const why = unstorableText(value);
    if (why) errors.push({ path, message: why });
  }
}

function checkDate(errors: FieldError[], path: string, value: unknown): void {
  if (!isCalendarDate(value)) errors.push({ path, message: 'must be a date YYYY-MM-DD that exists (from 1900)' });
}

/** Proposals are open until their deadline, even while the workflow has yet to act on the timer. */
function requireProposalsOpen(state: CycleState, what: string, now: number): void {
  requirePhase(state, 'proposals', what);
  if (Date.parse(state.deadlines.proposals) <= now)
    throw wrongPhase(`${what}: the proposal deadline ${state.deadlines.proposals} has passed`);
}

function checkMoney(errors: FieldError[], path: string, value: unknown): boolean {
  try {
    parseMoney(value as string);
    return true;
  } catch (e) {
    errors.push({ path, message: (e as Error).message });
    return false;
  }
}

/** A {year: amount} map within Y..Y+3; `positive` requires some amount above zero. */
function checkYearMap(errors: FieldError[], path: string, map: unknown, cfg: CycleConfig, positive: boolean): void {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    errors.push({ path, message: 'must be an object of {year: amount}' });
    return;
  }
  const allowed = years(cfg).map(String);
  let total = 0n;
  for (const [year, amount] of Object.entries(map)) {
    if (!allowed.includes(year))
      errors.push({ path: `${path}.${year}`, message: `year must be one of ${allowed.join(', ')}` });
    else if (checkMoney(errors, `${path}.${year}`, amount))
      total += BigInt(
        parseMoney(amount as string)
          .times(100)
          .toFixed(0),
      );
  }
  if (positive && total === 0n) errors.push({ path, message: 'at least one year must have an amount above zero' });
}

function checkMeasureFields(cfg: CycleConfig, m: Partial<MeasureInput>, partial: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const has = (k: keyof MeasureInput) => !partial || m[k] !== undefined;
  if (has('title')) checkText(errors, 'title', m.title, 200);
  if (has('description')) checkText(errors, 'description', m.description, 10_000);
  if (has('responsible')) checkText(errors, 'responsible', m.responsible, 200);
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
        checkText(errors, `cofunding.${i}.source`, c?.source, 200);
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

function ownMeasure(state: CycleState, a: Actor, measureId: string, what: string) {
  const measure = state.measures.find((m) => m.id === measureId);
  if (!measure) throw notFound(`No measure '${measureId}' in this cycle`);
  if (!isAdmin(a) && measure.proposedBy !== a.sub)
    throw forbidden(`${what}: only its proposer or an administrator may`);
  if (measure.status === 'withdrawn') throw conflict(`Measure '${measureId}' is withdrawn`);
  return measure;
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
  checkText(errors, 'reason', reason, 2000);
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

export function validatePriorityList(
  cfg: CycleConfig,
  state: CycleState,
  a: Actor,
  items: PriorityItem[],
  meeting: Meeting,
): void {
  requireRole(a, ['admin', 'ipr_member'], 'Putting a priority list to the vote');
  requirePhase(state, 'prioritisation', 'Putting a priority list to the vote');
  const adopted = state.lists.find((l) => l.status === 'adopted' && l.version > state.listInAdoption);
  if (adopted)
    throw wrongPhase(
      `Priority list ${adopted.version} is adopted and goes to the municipal councils; no new list until they have decided`,
    );
  const errors: FieldError[] = [];
  checkDate(errors, 'meeting.date', meeting?.date);
  checkText(errors, 'meeting.caseNumber', meeting?.caseNumber, 50);
  if (!Array.isArray(items)) throw invalid([...errors, { path: 'items', message: 'must be a list' }]);
  const seenMeasures = new Set<string>();
  const seenRanks = new Set<number>();
  items.forEach((item, i) => {
    const measure = state.measures.find((m) => m.id === item.measureId);
    if (!measure || measure.status === 'withdrawn')
      errors.push({ path: `items.${i}.measureId`, message: `no proposed measure '${item.measureId}'` });
    if (seenMeasures.has(item.measureId))
      errors.push({ path: `items.${i}.measureId`, message: 'measure listed twice' });
    seenMeasures.add(item.measureId);
    if (!Number.isInteger(item.rank) || item.rank < 1)
      errors.push({ path: `items.${i}.rank`, message: 'must be a positive integer' });
    if (seenRanks.has(item.rank)) errors.push({ path: `items.${i}.rank`, message: 'ranks must be unique' });
    seenRanks.add(item.rank);
    const before = errors.length;
    checkYearMap(errors, `items.${i}.grants`, item.grants, cfg, false);
    if (measure && errors.length === before) {
      for (const [year, grant] of Object.entries(item.grants)) {
        const requested = measure.amounts[year] ?? '0.00';
        if (parseMoney(grant).greaterThan(parseMoney(requested))) {
          errors.push({
            path: `items.${i}.grants.${year}`,
            message: `grant ${grant} exceeds the requested ${requested}`,
          });
        }
      }
    }
  });
  if (errors.length) throw invalid(errors);
  frameViolations(cfg, state, items, true);
}

const VOTES: readonly string[] = ['approve', 'reject'];

export function validateVote(cfg: CycleConfig, state: CycleState, a: Actor, version: number, vote: string): void {
  requireRole(a, ['ipr_member'], 'Voting');
  requirePhase(state, 'prioritisation', 'Voting');
  if (!VOTES.includes(vote)) throw invalid([{ path: 'vote', message: 'must be approve or reject' }]);
  const member = votingMembers(cfg).find((m) => m.id === a.sub);
  if (!member) throw forbidden(`'${a.sub}' is not a voting member of the IPR roster`);
  const list = state.lists.find((l) => l.version === version);
  if (!list) throw notFound(`No priority list version ${version}`);
  const current = listUnderVote(state);
  if (list !== current) throw conflict(`Priority list ${version} is ${list.status}, not under vote`);
  if (list.voters[a.sub]) throw conflict(`${a.sub} has already voted on priority list ${version}`);
}

export function validateAdoption(cfg: CycleConfig, state: CycleState, a: Actor, x: AdoptionInput): void {
  if (!cfg.partnership.municipalities.some((m) => m.id === x.municipality))
    throw notFound(`No municipality ${x.municipality} in this partnership`);
  requireRole(a, ['municipal_clerk'], 'Recording an adoption');
  if (a.municipality !== x.municipality)
    throw forbidden(`A clerk of ${a.municipality ?? 'no municipality'} cannot record ${x.municipality}'s decision`);
  requirePhase(state, 'adoption', 'Recording an adoption');
  const pending = state.adoptions.find((p) => p.municipality === x.municipality);
  if (!pending) throw conflict(`Municipality ${x.municipality} need not adopt again in round ${state.round}`);
  if (pending.decision !== null)
    throw conflict(`Municipality ${x.municipality} has already decided in round ${state.round}`);
  const errors: FieldError[] = [];
  if (!['adopted', 'reduced', 'rejected'].includes(x.decision))
    errors.push({ path: 'decision', message: 'must be adopted, reduced or rejected' });
  checkText(errors, 'caseNumber', x.caseNumber, 50);
  checkDate(errors, 'decidedOn', x.decidedOn);
  // Date.now() is the workflow's own clock here (deterministic on replay).
  if (isCalendarDate(x.decidedOn) && isAfterOsloToday(x.decidedOn, Date.now()))
    errors.push({ path: 'decidedOn', message: FUTURE_DECISION_MESSAGE });
  if (x.decision === 'reduced') {
    const before = errors.length;
    checkYearMap(errors, 'amounts', x.amounts, cfg, false);
    if (errors.length === before) {
      let lower = false;
      for (const [year, amount] of Object.entries(x.amounts ?? {})) {
        const asked = parseMoney(pending.requested[year] ?? '0.00');
        if (parseMoney(amount).greaterThan(asked))
          errors.push({ path: `amounts.${year}`, message: `above the requested ${asked.toFixed(2)}` });
        if (parseMoney(amount).lessThan(asked)) lower = true;
      }
      if (!lower && errors.length === before)
        errors.push({
          path: 'amounts',
          message: 'a reduced decision must lower at least one year; use adopted otherwise',
        });
    }
  } else if (x.amounts !== undefined && Object.keys(x.amounts).length > 0) {
    errors.push({ path: 'amounts', message: `amounts are given only with decision 'reduced'` });
  }
  if (errors.length) throw invalid(errors);
}

export function validateProgress(
  cfg: CycleConfig,
  state: CycleState,
  a: Actor,
  r: ProgressReportInput,
  grants: YearMap | undefined,
): void {
  requireRole(a, ['proposer', 'admin'], 'Reporting progress');
  requirePhase(state, 'adopted', 'Reporting progress');
  const measure = state.measures.find((m) => m.id === r.measureId);
  if (!measure) throw notFound(`No measure '${r.measureId}' in this cycle`);
  if (!isAdmin(a) && measure.proposedBy !== a.sub)
    throw forbidden('Only its proposer or an administrator may report on a measure');
  if (!grants) throw conflict(`Measure '${r.measureId}' was not granted money`);
  const errors: FieldError[] = [];
  checkText(errors, 'progress', r.progress, 10_000);
  checkYearMap(errors, 'spent', r.spent, cfg, false);
  if (!errors.length) {
    const spentBefore = state.spent[r.measureId] ?? {};
    for (const [year, amount] of Object.entries(r.spent)) {
      const total = parseMoney(spentBefore[year] ?? '0.00').plus(parseMoney(amount));
      const granted = parseMoney(grants[year] ?? '0.00');
      if (total.greaterThan(granted))
        errors.push({
          path: `spent.${year}`,
          message: `total spent ${total.toFixed(2)} would exceed the grant ${granted.toFixed(2)}`,
        });
    }
  }
  if (errors.length) throw invalid(errors);
}

/** Values for the cycle's year or an earlier one (a baseline), for indicators of the partnership's plan. */
export function validateIndicators(cfg: CycleConfig, state: CycleState, a: Actor, x: IndicatorInput): void {
  requireRole(a, ['admin'], 'Reporting indicators');
  if (state.phase !== 'adopted')
    throw wrongPhase(`Indicators are reported while the plan is adopted; the cycle is in '${state.phase}'`);
  const errors: FieldError[] = [];
  if (!Number.isInteger(x.year) || x.year < 2000 || x.year > cfg.year)
    errors.push({ path: 'year', message: `must be a year from 2000 to ${cfg.year}` });
  if (!Array.isArray(x.values) || x.values.length === 0)
    errors.push({ path: 'values', message: 'at least one indicator value' });
  else {
    const seen = new Set<string>();
    x.values.forEach((v, i) => {
      if (typeof v.indicator !== 'string' || !v.indicator)
        errors.push({ path: `values.${i}.indicator`, message: 'required' });
      else if (!cfg.indicatorIds.includes(v.indicator))
        errors.push({ path: `values.${i}.indicator`, message: `no indicator '${v.indicator}' in the plan` });
      else if (seen.has(v.indicator)) errors.push({ path: `values.${i}.indicator`, message: 'indicator given twice' });
      seen.add(v.indicator);
      if (typeof v.value !== 'string' || !/^-?\d{1,15}(\.\d{1,6})?$/.test(v.value))
        errors.push({ path: `values.${i}.value`, message: 'must be a decimal string' });
      if (v.note !== undefined && (typeof v.note !== 'string' || v.note.length > 2000 || unstorableText(v.note))) {
        errors.push({
          path: `values.${i}.note`,
          message: 'text of at most 2000 characters, without control characters',
        });
      }
    });
  }
  if (errors.length) throw invalid(errors);
}
