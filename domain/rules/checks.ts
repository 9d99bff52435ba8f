/**
 * The checks every rule of the cycle is made of: the actor's role, the phase, storable text within
 * its limit, dates that exist, money and year maps within the cycle's years. Each field check adds
 * to a list of field errors, so that one refusal names every field that is wrong.
 */
import type { Actor } from '../cycle.js';
import { years, type CycleConfig, type CycleState } from '../cycle-state.js';
import { parseMoney } from '../money.js';
import { conflict, forbidden, notFound, wrongPhase, type FieldError } from '../refusal.js';
import { isCalendarDate, unstorableText } from '../text.js';
import type { Phase } from '../values.js';

export const isAdmin = (a: Actor) => a.roles.includes('admin');

export function requirePhase(state: CycleState, phase: Phase, what: string): void {
  if (state.phase !== phase)
    throw wrongPhase(`${what} is only possible in phase '${phase}'; the cycle is in '${state.phase}'`);
}

export function requireRole(a: Actor, roles: Actor['roles'], what: string): void {
  if (!roles.some((r) => a.roles.includes(r))) throw forbidden(`${what} needs one of the roles ${roles.join(', ')}`);
}

export function checkText(errors: FieldError[], path: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value.trim() === '') errors.push({ path, message: 'required, non-empty text' });
  else if (value.length > max) errors.push({ path, message: `at most ${max} characters` });
  else {
    const why = unstorableText(value);
    if (why) errors.push({ path, message: why });
  }
}

export function checkDate(errors: FieldError[], path: string, value: unknown): void {
  if (!isCalendarDate(value)) errors.push({ path, message: 'must be a date YYYY-MM-DD that exists (from 1900)' });
}

/** Proposals are open until their deadline, even while the workflow has yet to act on the timer. */
export function requireProposalsOpen(state: CycleState, what: string, now: number): void {
  requirePhase(state, 'proposals', what);
  if (Date.parse(state.deadlines.proposals) <= now)
    throw wrongPhase(`${what}: the proposal deadline ${state.deadlines.proposals} has passed`);
}

export function checkMoney(errors: FieldError[], path: string, value: unknown): boolean {
  try {
    parseMoney(value as string);
    return true;
  } catch (e) {
    errors.push({ path, message: (e as Error).message });
    return false;
  }
}

/** A {year: amount} map within Y..Y+3; `positive` requires some amount above zero. */
export function checkYearMap(
  errors: FieldError[],
  path: string,
  map: unknown,
  cfg: CycleConfig,
  positive: boolean,
): void {
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

export function ownMeasure(state: CycleState, a: Actor, measureId: string, what: string) {
  const measure = state.measures.find((m) => m.id === measureId);
  if (!measure) throw notFound(`No measure '${measureId}' in this cycle`);
  if (!isAdmin(a) && measure.proposedBy !== a.sub)
    throw forbidden(`${what}: only its proposer or an administrator may`);
  if (measure.status === 'withdrawn') throw conflict(`Measure '${measureId}' is withdrawn`);
  return measure;
}
