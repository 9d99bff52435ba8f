/**
 * What every phase of a cycle works with: its configuration and state, the clock, the order of
 * its writes, and the few steps all phases take: an audit entry, a line of the decision history,
 * a phase change, an overdue flag, the wait for a deadline.
 */
import { condition } from '@temporalio/workflow';
import type { AuditEntry } from '../../domain/records.js';
import type { CycleConfig, CycleState } from '../../domain/cycle-state.js';
import type * as m from '../messages.js';
import { RECORD, RecordOrder, write } from './records.js';

export interface Cycle {
  readonly cfg: CycleConfig;
  readonly state: CycleState;
  readonly records: RecordOrder;
  /** Set by the cancel Update; every step that waits gives up when it is set. */
  cancelRequested: { actor: m.Actor; reason: string } | null;
  /** Counts deadline moves, to wake whatever waits for a deadline. */
  deadlineVersion: number;
  /** The run is continuing as new: Updates are refused for a moment (run-control.ts). */
  movingOn: boolean;
}

export function openCycle(cfg: CycleConfig, state: CycleState): Cycle {
  return {
    cfg,
    state,
    records: new RecordOrder(state.recorded),
    cancelRequested: null,
    deadlineVersion: 0,
    movingOn: false,
  };
}

/** The workflow's clock (deterministic: Temporal's time of the current workflow task). */
export const now = () => Date.now();
export const iso = () => new Date(Date.now()).toISOString();

export const cancelled = (cycle: Cycle) => cycle.cancelRequested !== null;
export const ended = (cycle: Cycle) => cycle.state.phase === 'closed' || cycle.state.phase === 'cancelled';

/**
 * Audit entry for an action, taken when the action is decided: `seq` is its place in the
 * workflow's order, and a row in Postgres keeps the state of its highest seq.
 */
export function audit(
  cycle: Cycle,
  actor: string,
  action: string,
  ref: string | null,
  detail: unknown = {},
): AuditEntry {
  cycle.state.recordSeq += 1;
  const { cycleId } = cycle.cfg;
  return {
    key: `${cycleId}#${cycle.state.recordSeq}`,
    seq: cycle.state.recordSeq,
    at: iso(),
    cycleId,
    actor,
    action,
    ref,
    detail,
  };
}

/** A line of the decision history the status shows. */
export function decided(cycle: Cycle, actor: string, action: string, ref: string | null = null): void {
  cycle.state.history.push({ at: iso(), actor, action, ref });
}

/**
 * Writes the cycle's row as it stands (phase, frames, deadlines), after `after`'s earlier writes;
 * then the status shows the phase written (the cycle row's writes land in the workflow's order).
 */
export async function writeCycleRow(cycle: Cycle, entry: AuditEntry, after: readonly string[] = []): Promise<void> {
  const { cycleId } = cycle.cfg;
  const { phase, frames, deadlines } = cycle.state;
  await cycle.records.write([RECORD.cycle, ...after], () =>
    write.recordPhase({ cycleId, phase, frames, deadlines, audit: entry }),
  );
  cycle.state.recordedPhase = phase;
}

/**
 * A cycle that is closed or cancelled stays so, whatever step was under way when it ended.
 * `after`: records whose writes so far must be in Postgres before the new phase is.
 */
export async function setPhase(
  cycle: Cycle,
  phase: m.Phase,
  actor: string,
  why: string,
  after: readonly string[] = [],
): Promise<void> {
  if (ended(cycle)) return;
  cycle.state.phase = phase;
  decided(cycle, actor, `phase ${phase}: ${why}`);
  await writeCycleRow(cycle, audit(cycle, actor, `phase:${phase}`, null, { why }), after);
}

export function flagOverdue(cycle: Cycle, what: string): void {
  if (!cycle.state.overdue.includes(what)) {
    cycle.state.overdue.push(what);
    decided(cycle, 'system', `overdue: ${what}`);
  }
}

export function clearOverdue(cycle: Cycle, what: string): void {
  cycle.state.overdue = cycle.state.overdue.filter((o) => o !== what);
}

/**
 * Waits for `done` or for `deadline()` to pass, also when the deadline moves meanwhile; true when
 * done (or cancelled), false when the deadline passed first.
 */
export async function until(cycle: Cycle, done: () => boolean, deadline: () => string): Promise<boolean> {
  for (;;) {
    const version = cycle.deadlineVersion;
    const ms = Date.parse(deadline()) - now();
    if (ms <= 0) return done();
    if (await condition(() => done() || cancelled(cycle) || cycle.deadlineVersion !== version, ms)) {
      if (done() || cancelled(cycle)) return true;
    }
  }
}
