/**
 * Adoption rounds after a loop-back: a council whose share rises in the list IPR adopts in round 2
 * decides again, also when it already decided in round 1. Amounts by hand (equal key, county 2/3):
 * a grant of 900 000.00 asks each of the three councils for 100 000.00.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import * as m from '../../workflows/messages.js';
import {
  admin,
  decide,
  frames,
  inSeconds,
  lillehammer,
  measure,
  proposer,
  startCycle,
  voters,
} from '../support/cycles.js';
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

/** A cycle with two measures of 900 000.00: m1 in the first year, m2 in the second. */
async function twoMeasures() {
  const Y = await freshYear();
  const [y0, y1] = [String(Y), String(Y + 1)];
  const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00') });
  const { id: m1 } = await h.executeUpdate(m.submitMeasure, {
    args: [{ actor: proposer(), measure: measure(Y, '900000.00') }],
  });
  const { id: m2 } = await h.executeUpdate(m.submitMeasure, {
    args: [{ actor: proposer(), measure: { ...measure(Y, '900000.00'), amounts: { [y1]: '900000.00' } } }],
  });
  return { h, Y, y0, y1, m1, m2 };
}

describe('a second adoption round', () => {
  it('asks again every council whose share rises, those that decided in round 1 included', async () => {
    const { h, Y, y0, y1, m1, m2 } = await twoMeasures();
    await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });

    // Round 1: only m1, in the first year. 3440 lowers its 100 000.00 to 50 000.00.
    let status = await adopt(h, [{ measureId: m1, rank: 1, grants: { [y0]: '900000.00' } }], 'IPR 1', Y);
    expect(status.adoptions.map((a) => [a.municipality, a.requested])).toEqual(
      ['3405', '3440', '3441'].map((mu) => [mu, { [y0]: '100000.00' }]),
    );
    await decide(h, '3405', 'adopted', 'K 1/3405', '2026-11-01');
    await decide(h, '3440', 'reduced', 'K 1/3440', '2026-11-01', { [y0]: '50000.00' });
    await decide(h, '3441', 'adopted', 'K 1/3441', '2026-11-01');
    await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'prioritisation',
      'the loop back to IPR',
    );

    // Round 2: m1 within 3440's lowered frame (9 × 50 000.00), and m2 in the second year, new to every council.
    status = await adopt(
      h,
      [
        { measureId: m1, rank: 1, grants: { [y0]: '450000.00' } },
        { measureId: m2, rank: 2, grants: { [y1]: '900000.00' } },
      ],
      'IPR 2',
      Y,
    );
    expect(status.adoptionRound).toBe(2);
    expect(status.adoptions.map((a) => [a.municipality, a.requested])).toEqual(
      ['3405', '3440', '3441'].map((mu) => [mu, { [y0]: '50000.00', [y1]: '100000.00' }]),
    );
    for (const mu of ['3405', '3440', '3441']) {
      const decided = await decide(h, mu, 'adopted', `K 2/${mu}`, '2026-11-10');
      expect(decided).toMatchObject({ round: 2, municipality: mu, decision: 'adopted' });
    }
    await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adopted',
      'adopted after round 2',
    );
    const rows = await sql()<{ funder_id: string; amount: string }[]>`
      select funder_id, amount from allocations where cycle_id = ${h.workflowId} and measure_id = ${m2} and year = ${Y + 1} order by funder_id`;
    expect(Object.fromEntries(rows.map((r) => [r.funder_id, r.amount]))).toEqual({
      '3405': '100000.00',
      '3440': '100000.00',
      '3441': '100000.00',
      county: '600000.00',
    });
  });

  it("after the first round's dates have passed, gets new IPR and council deadlines from the secretariat", async () => {
    const { h, Y, y0, y1, m1, m2 } = await twoMeasures();
    // A tight calendar, moved in only now so that a slow machine cannot pass it before the submissions.
    for (const [deadline, s] of [
      ['proposals', 2],
      ['ipr', 3],
      ['adoption', 4],
    ] as const) {
      await h.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline, to: inSeconds(s) }] });
    }
    await poll(
      () => h.query(m.getStatus),
      (s) => s.overdue.includes('ipr'),
      'proposals closed by their deadline, then IPR late',
    );

    // Round 1, late: 3440 lowers its share; the cycle goes back to IPR with every date passed.
    await adopt(h, [{ measureId: m1, rank: 1, grants: { [y0]: '900000.00' } }], 'IPR 1', Y);
    await poll(
      () => h.query(m.getStatus),
      (s) => Date.parse(s.deadlines.adoption) < Date.now(),
      'the adoption deadline passed',
    );
    await decide(h, '3405', 'adopted', 'K 1/3405', '2026-11-01');
    await decide(h, '3440', 'reduced', 'K 1/3440', '2026-11-01', { [y0]: '50000.00' });
    await decide(h, '3441', 'adopted', 'K 1/3441', '2026-11-01');
    let status = await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'prioritisation' && s.overdue.includes('ipr'),
      'the loop back to IPR, overdue',
    );

    // The secretariat gives round 2 its dates: the councils' first (the order holds), then IPR's.
    const adoptionDue = inSeconds(7200);
    await h.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'adoption', to: adoptionDue }] });
    const deadlines = await h.executeUpdate(m.moveDeadline, {
      args: [{ actor: admin, deadline: 'ipr', to: inSeconds(3600) }],
    });
    expect(deadlines.adoption).toBe(adoptionDue);
    status = await h.query(m.getStatus);
    expect(status.overdue).toEqual([]);

    status = await adopt(
      h,
      [
        { measureId: m1, rank: 1, grants: { [y0]: '450000.00' } },
        { measureId: m2, rank: 2, grants: { [y1]: '900000.00' } },
      ],
      'IPR 2',
      Y,
    );
    expect(status.adoptions.map((a) => [a.municipality, a.dueAt, a.overdue])).toEqual(
      ['3405', '3440', '3441'].map((mu) => [mu, adoptionDue, false]),
    );
    expect(status.overdue).toEqual([]);
    for (const mu of ['3405', '3440', '3441']) await decide(h, mu, 'adopted', `K 2/${mu}`, '2026-11-10');
    await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adopted',
      'adopted after round 2',
    );
  });

  it("keeps each council's own deadline: one moved passes for that council alone, moved again its flag goes, and its late decision counts", async () => {
    const { h, Y, y0, m1 } = await twoMeasures();
    await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
    await adopt(h, [{ measureId: m1, rank: 1, grants: { [y0]: '900000.00' } }], 'IPR 1', Y);
    await h.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'adoption:3440', to: inSeconds(1) }] });
    let status = await poll(
      () => h.query(m.getStatus),
      (s) => s.overdue.includes('adoption:3440'),
      'Øyer overdue',
    );
    expect(status.overdue).toEqual(['adoption:3440']);
    expect(status.adoptions.map((a) => [a.municipality, a.overdue])).toEqual([
      ['3405', false],
      ['3440', true],
      ['3441', false],
    ]);

    const due = inSeconds(7200);
    await h.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'adoption:3440', to: due }] });
    status = await h.query(m.getStatus);
    expect(status.overdue).toEqual([]);
    expect(status.adoptions.find((a) => a.municipality === '3440')).toMatchObject({
      dueAt: due,
      overdue: false,
      decision: null,
    });
    for (const mu of ['3405', '3440', '3441']) await decide(h, mu, 'adopted', `K 1/${mu}`, '2026-11-01');
    await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adopted',
      'adopted',
    );
    const rows = await sql()<
      { municipality: string; case_number: string }[]
    >`select municipality, case_number from adoptions where cycle_id = ${h.workflowId} order by municipality`;
    expect(rows).toEqual(['3405', '3440', '3441'].map((mu) => ({ municipality: mu, case_number: `K 1/${mu}` })));
  });
});
