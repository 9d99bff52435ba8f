/**
 * Moving a deadline: the proposal, IPR and common adoption deadlines, or one council's. Whatever
 * waits for a deadline wakes and waits for the new one; an overdue flag for it goes.
 */
import type * as m from '../messages.js';
import { moveCouncilDeadline } from './adoption.js';
import { audit, clearOverdue, type Cycle, decided, writeCycleRow } from './context.js';

type Move = { actor: m.Actor; deadline: keyof m.Deadlines | `adoption:${string}`; to: string };

export async function moveDeadline(cycle: Cycle, { actor, deadline, to }: Move): Promise<m.Deadlines> {
  const { state } = cycle;
  if (deadline.startsWith('adoption:')) {
    const municipality = deadline.slice('adoption:'.length);
    moveCouncilDeadline(
      cycle,
      state.adoptions.find((a) => a.municipality === municipality)!,
      to,
    );
  } else {
    const name = deadline as keyof m.Deadlines;
    const before = state.deadlines[name];
    state.deadlines = { ...state.deadlines, [name]: to };
    clearOverdue(cycle, name);
    // During adoption the common deadline moves every council's that still runs on it.
    if (name === 'adoption' && state.phase === 'adoption') {
      for (const pending of state.adoptions.filter((a) => a.decision === null && a.dueAt === before))
        moveCouncilDeadline(cycle, pending, to);
    }
  }
  cycle.deadlineVersion += 1;
  decided(cycle, actor.sub, `deadline ${deadline} moved to ${to}`);
  await writeCycleRow(cycle, audit(cycle, actor.sub, 'deadline:move', deadline, { to }));
  return state.deadlines;
}
