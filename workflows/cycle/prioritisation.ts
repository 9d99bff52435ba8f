/**
 * Prioritisation: the political council (IPR) votes on priority lists until one is adopted by a
 * majority of its voting roster. A new list replaces the one under vote. Past the IPR deadline the
 * cycle is flagged overdue, never approved by itself.
 */
import { condition } from '@temporalio/workflow';
import { listUnderVote, majority } from '../../domain/cycle-state.js';
import { normalize } from '../../domain/ledger.js';
import type * as m from '../messages.js';
import { audit, cancelled, clearOverdue, type Cycle, decided, flagOverdue, until } from './context.js';
import { RECORD, write } from './records.js';
import { continueAsNewIfSuggested, continueAsNewSuggested } from './run-control.js';

/**
 * A list that can no longer be adopted keeps its votes but not its items: Postgres has them, and
 * a large cycle with many versions would otherwise carry them all across continue-as-new.
 */
function retire(list: m.PriorityListState, status: 'replaced' | 'rejected'): void {
  list.status = status;
  list.items = [];
}

type ProposeList = { actor: m.Actor; items: m.PriorityItem[]; meeting: m.Meeting };

export async function proposePriorityList(
  cycle: Cycle,
  { actor, items, meeting }: ProposeList,
): Promise<m.PriorityListState> {
  const { cfg, state } = cycle;
  const replaced = listUnderVote(state);
  if (replaced) retire(replaced, 'replaced');
  const list: m.PriorityListState = {
    version: state.lists.length + 1,
    items: items.map((i) => ({ ...i, grants: normalize(i.grants) })).sort((a, b) => a.rank - b.rank),
    meeting,
    votes: { approve: 0, reject: 0 },
    voters: {},
    status: 'voting',
  };
  state.lists.push(list);
  decided(
    cycle,
    actor.sub,
    `priority list ${list.version} put to the vote${replaced ? `, replacing ${replaced.version}` : ''}`,
    meeting.caseNumber,
  );
  const entry = audit(cycle, actor.sub, 'priority-list:propose', `v${list.version}`, {
    caseNumber: meeting.caseNumber,
  });
  const { items: written } = list;
  // The lists' writes run in order: a list's "replaced" never comes before the list itself.
  await cycle.records.write([RECORD.lists], () =>
    write.recordPriorityList({
      cycleId: cfg.cycleId,
      version: list.version,
      items: written,
      meeting,
      proposedBy: actor.sub,
      replacedVersion: replaced?.version ?? null,
      audit: entry,
    }),
  );
  return list;
}

type Vote = { actor: m.Actor; version: number; vote: 'approve' | 'reject' };

export async function castVote(cycle: Cycle, { actor, version, vote }: Vote): Promise<m.PriorityListState> {
  const { cfg } = cycle;
  const list = cycle.state.lists.find((l) => l.version === version)!;
  const { items } = list; // the answer shows the list voted on, even when the vote retires it
  list.voters[actor.sub] = vote;
  list.votes[vote] += 1;
  if (list.votes.approve >= majority(cfg)) list.status = 'adopted';
  else if (list.votes.reject >= majority(cfg)) retire(list, 'rejected');
  if (list.status !== 'voting')
    decided(
      cycle,
      'ipr',
      `priority list ${version} ${list.status} (${list.votes.approve} for, ${list.votes.reject} against)`,
      list.meeting.caseNumber,
    );
  const entry = audit(cycle, actor.sub, `vote:${vote}`, `v${version}`);
  const listStatus = list.status;
  await cycle.records.write([RECORD.lists], () =>
    write.recordVote({ cycleId: cfg.cycleId, version, memberId: actor.sub, vote, listStatus, audit: entry }),
  );
  return { ...list, items };
}

/** Until IPR adopts a list (returned), or the cycle is cancelled (null). A long wait continues as new. */
export async function prioritisation(cycle: Cycle): Promise<m.PriorityListState | null> {
  const { state } = cycle;
  const adopted = () => state.lists.find((l) => l.status === 'adopted' && l.version > state.listInAdoption);
  for (;;) {
    const inTime = await until(
      cycle,
      () => adopted() !== undefined || continueAsNewSuggested(),
      () => state.deadlines.ipr,
    );
    if (cancelled(cycle)) return null;
    const list = adopted();
    if (list) {
      clearOverdue(cycle, 'ipr');
      return list;
    }
    if (!inTime) {
      flagOverdue(cycle, 'ipr');
      // ... until IPR decides, or the secretariat gives the meeting a new date.
      const version = cycle.deadlineVersion;
      await condition(
        () =>
          adopted() !== undefined || cancelled(cycle) || continueAsNewSuggested() || cycle.deadlineVersion !== version,
      );
    }
    if (!adopted() && !cancelled(cycle)) await continueAsNewIfSuggested(cycle);
  }
}
