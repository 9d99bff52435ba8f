/**
 * The money rules decided on 2026-12-01 (docs/domain.md), as a cycle carries them out through the real
 * Temporal dev server and Postgres: a council that rejects takes no part in the split and the others
 * adopt their risen shares; a council's lower amount caps its frame only in the years it names; the
 * recommendation's partial grants are whole thousands. Amounts by hand (equal key, county 2/3).
 * The year-end parts and their carry-over through the API: test/integration/api.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import { loadAllocations } from '../../core/allocations.js';
import * as m from '../../workflows/messages.js';
import { admin, decide, frames, lillehammer, measure, proposer, startCycle, voters } from '../support/cycles.js';
import { poll } from '../support/poll.js';
import { connectClient, freshYear, sql, startWorker } from '../support/stack.js';

type Cycle = WorkflowHandle<typeof cycleWorkflow>;
let client: Client;
let taskQueue: string;

beforeAll(async () => {
  client = await connectClient();
  taskQueue = (await startWorker()).taskQueue;
});

const p = lillehammer();

async function adopt(h: Cycle, items: m.PriorityItem[], caseNumber: string, year: number): Promise<m.CycleStatus> {
  const list = await h.executeUpdate(m.proposePriorityList, {
    args: [{ actor: admin, items, meeting: { date: `${year - 1}-11-01`, caseNumber } }],
  });
  for (const voter of voters(p).slice(0, 5))
    await h.executeUpdate(m.castVote, { args: [{ actor: voter, version: list.version, vote: 'approve' }] });
  return poll(
    () => h.query(m.getStatus),
    (s) => s.phase === 'adoption' && s.adoptionRound === list.version,
    `round ${list.version} with the councils`,
  );
}

const recommended = async (h: Cycle) => (await h.query(m.getRecommendation))!.items;

describe('a council that rejects', () => {
  it('takes no part in the split: the others share the municipal part, adopt their risen shares again, and the plan is adopted', async () => {
    const Y = await freshYear();
    const y = String(Y);
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00') });
    const { id: m1 } = await h.executeUpdate(m.submitMeasure, {
      args: [{ actor: proposer(), measure: measure(Y, '900000.00') }],
    });
    await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });

    // Round 1: 900 000.00 asks each council for 100 000.00; Øyer rejects.
    let status = await adopt(h, await recommended(h), 'IPR 1', Y);
    expect(status.adoptions.map((a) => [a.municipality, a.requested[y]])).toEqual([
      ['3405', '100000.00'],
      ['3440', '100000.00'],
      ['3441', '100000.00'],
    ]);
    await decide(h, '3405', 'adopted', 'K 1/3405', '2026-11-01');
    await decide(h, '3440', 'rejected', 'K 1/3440', '2026-11-01');
    await decide(h, '3441', 'adopted', 'K 1/3441', '2026-11-01');
    status = await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'prioritisation',
      'the loop back to IPR',
    );
    expect(status.frames['3440']).toEqual(Object.fromEntries([0, 1, 2, 3].map((i) => [String(Y + i), '0.00'])));

    // With Øyer out of the split the measure is still granted in full (counted in with an equal key,
    // its frame of 0.00 would leave nothing grantable): county 600 000.00, Lillehammer and Gausdal 150 000.00 each.
    const items = await recommended(h);
    expect(items.map((i) => [i.measureId, i.grants[y]])).toEqual([[m1, '900000.00']]);

    // Round 2: the two whose share rose adopt again; Øyer is not asked.
    status = await adopt(h, items, 'IPR 2', Y);
    expect(status.adoptions.map((a) => [a.municipality, a.requested[y]])).toEqual([
      ['3405', '150000.00'],
      ['3441', '150000.00'],
    ]);
    // The allocation view, computed from the records until the plan is binding, splits the same way.
    const view = (await loadAllocations(sql(), h.workflowId))!;
    expect(view.basis.status).toBe('adopted');
    expect(
      Object.fromEntries(
        Object.entries(view.measures[0]!.shares).map(([f, byYear]) => [f, (byYear as Record<string, string>)[y]]),
      ),
    ).toEqual({ county: '600000.00', '3405': '150000.00', '3440': '0.00', '3441': '150000.00' });
    await decide(h, '3405', 'adopted', 'K 2/3405', '2026-11-10');
    await decide(h, '3441', 'adopted', 'K 2/3441', '2026-11-10');
    await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adopted',
      'adopted after round 2',
    );
    const rows = await sql()<{ funder_id: string; amount: string }[]>`
      select funder_id, amount from allocations where cycle_id = ${h.workflowId} and measure_id = ${m1} and year = ${Y} order by funder_id`;
    expect(Object.fromEntries(rows.map((r) => [r.funder_id, r.amount]))).toEqual({
      '3405': '150000.00',
      '3440': '0.00',
      '3441': '150000.00',
      county: '600000.00',
    });
  });
});

describe("a council's lower amount", () => {
  it('caps its frame only in the years the decision names; the recommendation grants whole thousands within it', async () => {
    const Y = await freshYear();
    const [y0, y1] = [String(Y), String(Y + 1)];
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00') });
    const { id: m1 } = await h.executeUpdate(m.submitMeasure, {
      args: [
        {
          actor: proposer(),
          measure: { ...measure(Y, '900000.00'), amounts: { [y0]: '900000.00', [y1]: '900000.00' } },
        },
      ],
    });
    await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });

    // Each council is asked for 100 000.00 in both years; Øyer lowers the first year only.
    let status = await adopt(h, await recommended(h), 'IPR 1', Y);
    expect(status.adoptions.find((a) => a.municipality === '3440')!.requested).toEqual({
      [y0]: '100000.00',
      [y1]: '100000.00',
      [String(Y + 2)]: '0.00',
      [String(Y + 3)]: '0.00',
    });
    await decide(h, '3405', 'adopted', 'K 1/3405', '2026-11-01');
    await decide(h, '3440', 'reduced', 'K 1/3440', '2026-11-01', { [y0]: '33333.33' });
    await decide(h, '3441', 'adopted', 'K 1/3441', '2026-11-01');
    status = await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'prioritisation',
      'the loop back to IPR',
    );
    // Before the rule, the years it left out were capped at what it was asked then (100 000.00).
    expect(status.frames['3440']).toEqual({
      [y0]: '33333.33',
      [y1]: '400000.00',
      [String(Y + 2)]: '400000.00',
      [String(Y + 3)]: '400000.00',
    });

    // 33 333.33 carries 9 × 33 333.33 = 299 999.97 of the first year; recommended: 299 000.00. The
    // second year is granted in full, as asked.
    const items = await recommended(h);
    expect(items).toEqual([
      {
        measureId: m1,
        rank: 1,
        grants: { [y0]: '299000.00', [y1]: '900000.00', [String(Y + 2)]: '0.00', [String(Y + 3)]: '0.00' },
      },
    ]);
    const list = await h.executeUpdate(m.proposePriorityList, {
      args: [{ actor: admin, items, meeting: { date: `${Y - 1}-12-20`, caseNumber: 'IPR 2' } }],
    });
    for (const voter of voters(p).slice(0, 5))
      await h.executeUpdate(m.castVote, { args: [{ actor: voter, version: list.version, vote: 'approve' }] });
    // Nobody's share rose (299 000.00 splits 199 333.33 | 33 222.23 / 33 222.22 / 33 222.22), so none adopts again.
    status = await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adopted',
      'adopted without a second round',
    );
    expect([status.adoptionRound, status.adoptions]).toEqual([2, []]);
    const rows = await sql()<{ funder_id: string; amount: string }[]>`
      select funder_id, amount from allocations where cycle_id = ${h.workflowId} and measure_id = ${m1} and year = ${Y} order by funder_id`;
    expect(Object.fromEntries(rows.map((r) => [r.funder_id, r.amount]))).toEqual({
      '3405': '33222.23',
      '3440': '33222.22',
      '3441': '33222.22',
      county: '199333.33',
    });
  });
});
