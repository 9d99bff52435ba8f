/**
 * The rules of the decisions and of the year that follows: a priority list put to the vote (its
 * grants within the requests and the funders' frames), a vote, a council's decision, progress
 * reports within the grants, and indicator values.
 */
import type { Actor, AdoptionInput, IndicatorInput, ProgressReportInput } from '../cycle.js';
import { listUnderVote, votingMembers, type CycleConfig, type CycleState } from '../cycle-state.js';
import { frameViolations } from '../ledger.js';
import { parseMoney, type YearMap } from '../money.js';
import { FUTURE_DECISION_MESSAGE, isAfterOsloToday } from '../oslo-date.js';
import { conflict, forbidden, invalid, notFound, wrongPhase, type FieldError } from '../refusal.js';
import { isCalendarDate, TEXT_LIMITS, unstorableText } from '../text.js';
import { ADOPTION_DECISIONS, VOTES, type Meeting, type PriorityItem } from '../values.js';
import { checkDate, checkText, checkYearMap, isAdmin, requirePhase, requireRole } from './checks.js';

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
  checkText(errors, 'meeting.caseNumber', meeting?.caseNumber, TEXT_LIMITS.caseNumber);
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

export function validateVote(cfg: CycleConfig, state: CycleState, a: Actor, version: number, vote: string): void {
  requireRole(a, ['ipr_member'], 'Voting');
  requirePhase(state, 'prioritisation', 'Voting');
  if (!(VOTES as readonly string[]).includes(vote))
    throw invalid([{ path: 'vote', message: 'must be approve or reject' }]);
  const member = votingMembers(cfg).find((m) => m.id === a.sub);
  if (!member) throw forbidden(`'${a.sub}' is not a voting member of the IPR roster`);
  const list = state.lists.find((l) => l.version === version);
  if (!list) throw notFound(`No priority list version ${version}`);
  const current = listUnderVote(state);
  if (list !== current) throw conflict(`Priority list ${version} is ${list.status}, not under vote`);
  if (list.voters[a.sub]) throw conflict(`${a.sub} has already voted on priority list ${version}`);
}

export function validateAdoption(cfg: CycleConfig, state: CycleState, a: Actor, x: AdoptionInput, now: number): void {
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
  if (!(ADOPTION_DECISIONS as readonly string[]).includes(x.decision))
    errors.push({ path: 'decision', message: 'must be adopted, reduced or rejected' });
  checkText(errors, 'caseNumber', x.caseNumber, TEXT_LIMITS.caseNumber);
  checkDate(errors, 'decidedOn', x.decidedOn);
  if (isCalendarDate(x.decidedOn) && isAfterOsloToday(x.decidedOn, now))
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
  checkText(errors, 'progress', r.progress, TEXT_LIMITS.progress);
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
      if (
        v.note !== undefined &&
        (typeof v.note !== 'string' || v.note.length > TEXT_LIMITS.note || unstorableText(v.note))
      ) {
        errors.push({
          path: `values.${i}.note`,
          message: `text of at most ${TEXT_LIMITS.note} characters, without control characters`,
        });
      }
    });
  }
  if (errors.length) throw invalid(errors);
}
