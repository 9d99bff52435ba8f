/**
 * A cycle of Lillehammer-regionen driven through its workflow to a given point, for the web
 * pages' tests and bench: proposals, the administration's recommendation put to the vote (first
 * as a list that is replaced before it is adopted, so a list that was never adopted exists with
 * votes of its own), five approvals, and every council's decision. Names and case numbers are
 * fixed here so the tests can look for them on the pages.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { sendWhileMovingOn } from '../../services/moving-on.js';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import * as m from '../../workflows/messages.js';
import { admin, clerk, frames, inSeconds, lillehammer, startCycle, voters } from './cycles.js';

export const REPLACED_LIST_CASE = '7/27';
export const ADOPTED_LIST_CASE = '12/27';
export const COUNCIL_CASES: Record<string, string> = { '3405': 'PS 101/27', '3440': 'PS 44/27', '3441': 'PS 55/27' };

export interface MeasurePlan {
  title: string;
  amount: string;
  strategies?: string[];
  responsible?: string;
}

export interface DrivenCycle {
  handle: WorkflowHandle<typeof cycleWorkflow>;
  cycleId: string;
  year: number;
  /** measure ids in the order of the plan */
  ids: string[];
}

const proposerActor: m.Actor = {
  sub: 'proposer-1-lillehammer-regionen',
  name: 'Næringsrådgiver, Lillehammer-regionen',
  roles: ['proposer'],
};

/**
 * Starts the cycle and submits the measures (in batches, as many proposers would). A cycle of
 * hundreds of measures continues as new on the way and refuses Updates for that moment: they are
 * sent again, as the API does (services/moving-on.ts).
 */
export async function proposed(
  client: Client,
  taskQueue: string,
  year: number,
  plan: MeasurePlan[],
  county = '2000000.00',
  municipality = '400000.00',
): Promise<DrivenCycle> {
  const p = lillehammer();
  const handle = await startCycle(client, taskQueue, {
    year,
    frames: frames(p, year, county, municipality),
    deadlines: { proposals: inSeconds(3600), ipr: inSeconds(7200), adoption: inSeconds(10800) },
  });
  const ids: string[] = [];
  for (let i = 0; i < plan.length; i += 10) {
    const batch = plan.slice(i, i + 10);
    const results = await Promise.all(
      batch.map((x) =>
        sendWhileMovingOn(() =>
          handle.executeUpdate(m.submitMeasure, {
            args: [
              {
                actor: proposerActor,
                measure: {
                  title: x.title,
                  description: 'Beskrivelse',
                  strategies: x.strategies ?? ['2.1'],
                  responsible: x.responsible ?? 'LRV',
                  amounts: { [String(year)]: x.amount },
                  cofunding: [],
                },
              },
            ],
          }),
        ),
      ),
    );
    ids.push(...results.map((r) => r.id));
  }
  return { handle, cycleId: `${p.id}-${year}`, year, ids };
}

/** Closes proposals and puts the recommendation to the vote twice: v1 gets two votes and is replaced by v2. Returns v2's version. */
export async function underVote(c: DrivenCycle, votesOnReplaced = true): Promise<number> {
  await sendWhileMovingOn(() => c.handle.executeUpdate(m.closeProposals, { args: [{ actor: admin }] }));
  const rec = await c.handle.query(m.getRecommendation);
  const meeting = (caseNumber: string) => ({ date: `${c.year - 1}-11-20`, caseNumber });
  const v1 = await sendWhileMovingOn(() =>
    c.handle.executeUpdate(m.proposePriorityList, {
      args: [{ actor: admin, items: rec!.items, meeting: meeting(REPLACED_LIST_CASE) }],
    }),
  );
  const ipr = voters(lillehammer());
  if (votesOnReplaced) {
    await sendWhileMovingOn(() =>
      c.handle.executeUpdate(m.castVote, { args: [{ actor: ipr[6]!, version: v1.version, vote: 'approve' }] }),
    );
    await sendWhileMovingOn(() =>
      c.handle.executeUpdate(m.castVote, { args: [{ actor: ipr[7]!, version: v1.version, vote: 'reject' }] }),
    );
  }
  const v2 = await sendWhileMovingOn(() =>
    c.handle.executeUpdate(m.proposePriorityList, {
      args: [{ actor: admin, items: rec!.items, meeting: meeting(ADOPTED_LIST_CASE) }],
    }),
  );
  return v2.version;
}

/** Approvals of the list under vote; five (the default) adopt it and the councils' adoption begins. */
export async function iprAdopts(c: DrivenCycle, version: number, approvals = 5): Promise<void> {
  for (const v of voters(lillehammer()).slice(0, approvals))
    await sendWhileMovingOn(() =>
      c.handle.executeUpdate(m.castVote, { args: [{ actor: v, version, vote: 'approve' }] }),
    );
}

/** Every council adopts, each with its case number and a date in December of Y-1. */
export async function councilsAdopt(c: DrivenCycle): Promise<void> {
  const days: Record<string, string> = { '3405': '10', '3440': '12', '3441': '14' };
  for (const municipality of ['3405', '3440', '3441']) {
    await sendWhileMovingOn(() =>
      c.handle.executeUpdate(m.recordAdoption, {
        args: [
          {
            actor: clerk(municipality),
            adoption: {
              municipality,
              decision: 'adopted',
              caseNumber: COUNCIL_CASES[municipality]!,
              decidedOn: `2026-11-${days[municipality]}`,
            },
          },
        ],
      }),
    );
  }
}

/** Waits until the records say the cycle has the phase (the workflow writes them in the background). */
export async function recordedPhase(
  read: () => Promise<string | undefined>,
  phase: string,
  timeoutMs = 60_000,
): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  for (;;) {
    if ((await read()) === phase) return;
    if (Date.now() > giveUp) throw new Error(`the cycle's records never reached phase ${phase}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
