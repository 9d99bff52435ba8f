/**
 * The annual cycle for Lillehammer-regionen through the real Temporal dev server and Postgres.
 * Expected øre amounts are worked out by hand from docs/domain.md's rule (county 2/3, equal key,
 * largest remainder, ties to 3405 then 3440 then 3441), not by the code under test.
 * Over 300 lines: whole cycles, each step's figures worked out by hand.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { poll } from '../support/poll.js';
import { connectClient, freshYear, sql, startWorker } from '../support/stack.js';
import {
  admin,
  clerk,
  frames,
  inSeconds,
  lillehammer,
  measure,
  proposer,
  rejection,
  startCycle,
  voters,
} from '../support/cycles.js';
import * as m from '../../workflows/messages.js';

let client: Client;
let taskQueue: string;

beforeAll(async () => {
  client = await connectClient();
  taskQueue = (await startWorker()).taskQueue;
});

describe('a full cycle', () => {
  it('runs proposals, IPR vote, a reduction and loop-back, adoption, execution and close with carry-over, exact to the øre', async () => {
    const p = lillehammer();
    const Y = await freshYear(1);
    const y = String(Y);
    const cycleId = `${p.id}-${Y}`;
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00') });

    // Proposals: three measures, one edited, one withdrawn, and bad input refused with nothing recorded.
    const alice = proposer('alice');
    const { id: m1 } = await h.executeUpdate(m.submitMeasure, {
      args: [{ actor: alice, measure: measure(Y, '1500000.00') }],
    });
    const { id: m2 } = await h.executeUpdate(m.submitMeasure, {
      args: [{ actor: alice, measure: measure(Y, '1000000.00', ['5.1.3']) }],
    });
    const { id: m3 } = await h.executeUpdate(m.submitMeasure, {
      args: [{ actor: proposer('bob'), measure: measure(Y, '900000.00', ['4.2.1']) }],
    });
    const { id: m4 } = await h.executeUpdate(m.submitMeasure, {
      args: [{ actor: alice, measure: measure(Y, '50000.00') }],
    });
    await h.executeUpdate(m.editMeasure, {
      args: [
        {
          actor: alice,
          measureId: m2,
          measure: { amounts: { [y]: '1200000.00' }, title: 'Bolyst for helsepersonell' },
        },
      ],
    });
    await h.executeUpdate(m.withdrawMeasure, { args: [{ actor: alice, measureId: m4 }] });
    expect(
      await rejection(h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '10.001') }] })),
    ).toBe('InvalidInput');
    expect(
      await rejection(
        h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '10.00', ['9.9']) }] }),
      ),
    ).toBe('InvalidInput');
    expect(
      await rejection(h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y + 4, '10.00') }] })),
    ).toBe('InvalidInput');
    expect(
      await rejection(
        h.executeUpdate(m.editMeasure, { args: [{ actor: alice, measureId: m3, measure: { title: 'mine now' } }] }),
      ),
    ).toBe('Forbidden');
    const rows = await sql()`SELECT id, title, status, amounts FROM measures WHERE cycle_id = ${cycleId} ORDER BY id`;
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [m1, 'proposed'],
      [m2, 'proposed'],
      [m3, 'proposed'],
      [m4, 'withdrawn'],
    ]);
    expect(rows[1]).toMatchObject({ title: 'Bolyst for helsepersonell', amounts: { [y]: '1200000.00' } });

    await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
    expect(
      await rejection(h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '10.00') }] })),
    ).toBe('WrongPhase');

    // Recommendation: m1 and m2 in full; m3 gets what the county's remaining 200 000.00 carries (300 000.00).
    const rec = await h.query(m.getRecommendation);
    expect(rec!.items.map((i) => [i.measureId, i.grants[y]])).toEqual([
      [m1, '1500000.00'],
      [m2, '1200000.00'],
      [m3, '300000.00'],
    ]);
    expect(rec!.unallocated.county![y]).toBe('0.00');

    // A list over the county frame is refused and nothing is recorded.
    const overFrame = [m1, m2, m3].map((id, i) => ({
      measureId: id,
      rank: i + 1,
      grants: { [y]: ['1500000.00', '1200000.00', '900000.00'][i]! },
    }));
    expect(
      await rejection(
        h.executeUpdate(m.proposePriorityList, {
          args: [{ actor: admin, items: overFrame, meeting: { date: `${Y - 1}-11-01`, caseNumber: '12/25' } }],
        }),
      ),
    ).toBe('FrameExceeded');
    expect((await sql()`SELECT count(*)::int AS n FROM priority_lists WHERE cycle_id = ${cycleId}`)[0]!.n).toBe(0);

    // The vote: 8 voting members, 5 approvals adopt; a non-voter and a second vote are refused.
    const list1 = await h.executeUpdate(m.proposePriorityList, {
      args: [{ actor: admin, items: rec!.items, meeting: { date: `${Y - 1}-11-01`, caseNumber: '12/25' } }],
    });
    const ipr = voters(p);
    expect(ipr).toHaveLength(8);
    const nonVoter = p.ipr.roster.find((r) => !r.votes)!;
    expect(
      await rejection(
        h.executeUpdate(m.castVote, {
          args: [
            {
              actor: { sub: nonVoter.id, name: nonVoter.name, roles: ['ipr_member'] },
              version: list1.version,
              vote: 'approve',
            },
          ],
        }),
      ),
    ).toBe('Forbidden');
    for (const v of ipr.slice(0, 4)) {
      expect(
        (await h.executeUpdate(m.castVote, { args: [{ actor: v, version: list1.version, vote: 'approve' }] })).status,
      ).toBe('voting');
    }
    expect(
      await rejection(
        h.executeUpdate(m.castVote, { args: [{ actor: ipr[0]!, version: list1.version, vote: 'approve' }] }),
      ),
    ).toBe('Conflict');
    expect(
      (await h.executeUpdate(m.castVote, { args: [{ actor: ipr[4]!, version: list1.version, vote: 'approve' }] }))
        .status,
    ).toBe('adopted');

    // Round 1: each council is asked for the sum of its rounded shares.
    let status = await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adoption' && s.adoptions.length === 3,
      'adoption round 1',
    );
    expect(Object.fromEntries(status.adoptions.map((a) => [a.municipality, a.requested[y]]))).toEqual({
      '3405': '333333.35', // 166 666.67 + 133 333.34 + 33 333.34
      '3440': '333333.33', // 166 666.67 + 133 333.33 + 33 333.33
      '3441': '333333.32', // 166 666.66 + 133 333.33 + 33 333.33
    });
    expect(
      await rejection(
        h.executeUpdate(m.recordAdoption, {
          args: [
            {
              actor: clerk('3405'),
              adoption: { municipality: '3440', decision: 'adopted', caseNumber: '1/26', decidedOn: '2026-11-10' },
            },
          ],
        }),
      ),
    ).toBe('Forbidden');
    await h.executeUpdate(m.recordAdoption, {
      args: [
        {
          actor: clerk('3405'),
          adoption: { municipality: '3405', decision: 'adopted', caseNumber: '101/25', decidedOn: '2026-11-10' },
        },
      ],
    });
    await h.executeUpdate(m.recordAdoption, {
      args: [
        {
          actor: clerk('3440'),
          adoption: {
            municipality: '3440',
            decision: 'reduced',
            amounts: { [y]: '300000.00' },
            caseNumber: '77/25',
            decidedOn: '2026-11-12',
          },
        },
      ],
    });
    await h.executeUpdate(m.recordAdoption, {
      args: [
        {
          actor: clerk('3441'),
          adoption: { municipality: '3441', decision: 'adopted', caseNumber: '55/25', decidedOn: '2026-11-14' },
        },
      ],
    });

    // The reduction lowers Øyer's frame and sends the cycle back to IPR.
    status = await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'prioritisation',
      'loop back to prioritisation',
    );
    expect(status.frames['3440']![y]).toBe('300000.00');
    // Within the lowered frames, in list 1's order: m1 in full leaves Øyer 133 333.33, which carries
    // at most 9 × 133 333.33 = 1 199 999.97 of m2; a partial grant is whole thousands, so 1 199 000.00
    // (county 799 333.33, councils 133 222.23 / 133 222.22 / 133 222.22). Øyer's 111.11 left carries
    // 999.99 of m3, under a thousand: m3 gets nothing and leaves the list.
    const rec2 = await h.query(m.getRecommendation);
    expect(rec2!.items.map((i) => [i.measureId, i.grants[y]])).toEqual([
      [m1, '1500000.00'],
      [m2, '1199000.00'],
    ]);
    const list2 = await h.executeUpdate(m.proposePriorityList, {
      args: [{ actor: admin, items: rec2!.items, meeting: { date: `${Y - 1}-12-20`, caseNumber: '15/25' } }],
    });
    for (const v of ipr.slice(0, 5))
      await h.executeUpdate(m.castVote, { args: [{ actor: v, version: list2.version, vote: 'approve' }] });

    // No council's amount rose, so none adopts again: the plan is adopted on list 2.
    status = await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adopted',
      'adopted',
    );
    expect(status.adoptionRound).toBe(2);
    expect(status.adoptions).toEqual([]);
    expect(status.adoptedListVersion).toBe(list2.version);
    const granted = { [m1]: '1500000.00', [m2]: '1199000.00' };

    // Allocation rows: every measure's shares sum to its grant; each row points to list 2 and the council decisions.
    const alloc =
      await sql()`SELECT measure_id, funder_id, amount, priority_list_version, adoption_refs FROM allocations WHERE cycle_id = ${cycleId} AND year = ${Y} ORDER BY measure_id, funder_id`;
    const sharesOf = (mid: string) =>
      Object.fromEntries(alloc.filter((r) => r.measure_id === mid).map((r) => [r.funder_id, r.amount]));
    expect(sharesOf(m1)).toEqual({
      county: '1000000.00',
      '3405': '166666.67',
      '3440': '166666.67',
      '3441': '166666.66',
    });
    expect(sharesOf(m2)).toEqual({
      county: '799333.33',
      '3405': '133222.23',
      '3440': '133222.22',
      '3441': '133222.22',
    });
    expect(alloc.filter((r) => r.measure_id === m3)).toEqual([]);
    for (const [mid, grant] of Object.entries(granted)) {
      const sumOre = alloc
        .filter((r) => r.measure_id === mid)
        .reduce((t, r) => t + BigInt(String(r.amount).replace('.', '')), 0n);
      expect(sumOre).toBe(BigInt(grant!.replace('.', '')));
    }
    expect(new Set(alloc.map((r) => r.priority_list_version))).toEqual(new Set([list2.version]));
    expect(alloc[0]!.adoption_refs).toContainEqual(
      expect.objectContaining({ municipality: '3440', decision: 'reduced', caseNumber: '77/25' }),
    );
    const statuses = Object.fromEntries(
      (await sql()`SELECT id, status FROM measures WHERE cycle_id = ${cycleId}`).map((r) => [r.id, r.status]),
    );
    expect(statuses).toEqual({ [m1]: 'granted', [m2]: 'partly_granted', [m3]: 'not_granted', [m4]: 'withdrawn' });

    // Execution: progress with money spent, indicators; overspending is refused.
    await h.executeUpdate(m.reportProgress, {
      args: [{ actor: alice, report: { measureId: m1, progress: 'Første fase ferdig', spent: { [y]: '150000.00' } } }],
    });
    expect(
      await rejection(
        h.executeUpdate(m.reportProgress, {
          args: [{ actor: alice, report: { measureId: m1, progress: 'for mye', spent: { [y]: '1350000.01' } } }],
        }),
      ),
    ).toBe('InvalidInput');
    await h.executeUpdate(m.reportIndicators, {
      args: [{ actor: admin, indicators: { year: Y, values: [{ indicator: '6', value: '84.1' }] } }],
    });

    // Close: unspent = never allocated (frame − allocated) + granted but unspent (allocated − spent),
    // per funder. The 150 000.00 spent on m1 is borne as m1 was funded (1 000 000.00 / 166 666.67 /
    // 166 666.67 / 166 666.66), a tenth each: 100 000.00 / 16 666.67 / 16 666.67 / 16 666.66. The county
    // carries both parts over, a council the granted-but-unspent part (Øyer's frame is its lowered 300 000.00).
    expect(
      await rejection(h.executeUpdate(m.closeCycle, { args: [{ actor: proposer('alice'), carryOver: true }] })),
    ).toBe('Forbidden');
    // Two closes at once (a double click): one closes the year, the other is refused, nothing wedges.
    const both = await Promise.allSettled(
      [1, 2].map(() => h.executeUpdate(m.closeCycle, { args: [{ actor: admin, carryOver: true }] })),
    );
    const won = both.filter((r): r is PromiseFulfilledResult<m.CycleStatus> => r.status === 'fulfilled');
    const lost = both.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect([won.length, lost.length]).toEqual([1, 1]);
    expect(await rejection(Promise.reject(lost[0]!.reason))).toMatch(
      /^(Conflict|WrongPhase)$|already completed|aborted by closing workflow/,
    );
    const closed = won[0]!.value;
    expect(closed.phase).toBe('closed');
    expect(
      Object.fromEntries(
        closed.yearEnd!.map((r) => [
          r.funderId,
          [r.frame, r.allocated, r.spent, r.neverAllocated, r.grantedUnspent, r.carriedOver],
        ]),
      ),
    ).toEqual({
      county: ['2000000.00', '1799333.33', '100000.00', '200666.67', '1699333.33', '1900000.00'],
      '3405': ['400000.00', '299888.90', '16666.67', '100111.10', '283222.23', '283222.23'],
      '3440': ['300000.00', '299888.89', '16666.67', '111.11', '283222.22', '283222.22'],
      '3441': ['400000.00', '299888.88', '16666.66', '100111.12', '283222.22', '283222.22'],
    });
    const money = (ore: bigint) => `${ore / 100n}.${String(ore % 100n).padStart(2, '0')}`;
    const ye = await sql()`SELECT funder_id, carried_over, disposition FROM year_end WHERE cycle_id = ${cycleId}`;
    expect(ye).toHaveLength(4);
    expect(ye.every((r) => r.disposition === 'carry_over')).toBe(true);

    // The next year's cycle starts with the carried money on top of its frames.
    const carry = Object.fromEntries(ye.map((r) => [r.funder_id, r.carried_over as string]));
    const next = await startCycle(client, taskQueue, {
      year: Y + 1,
      frames: frames(p, Y + 1, '2000000.00', '400000.00'),
      carryOver: carry,
    });
    const nextStatus = await next.query(m.getStatus);
    const plus = (a: string, b: string) => money(BigInt(a.replace('.', '')) + BigInt(b.replace('.', '')));
    expect(nextStatus.frames.county![String(Y + 1)]).toBe(plus('2000000.00', carry.county!));
    expect(nextStatus.frames.county![String(Y + 2)]).toBe('2000000.00');
    expect(
      (await sql()`SELECT carried_to FROM year_end WHERE cycle_id = ${cycleId} AND funder_id = 'county'`)[0]!
        .carried_to,
    ).toBe(`${p.id}-${Y + 1}`);
    await next.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'test done' }] });

    // Every accepted action is in the audit log once; the log cannot be changed.
    const audit =
      await sql()`SELECT action, count(*)::int AS n FROM audit_log WHERE cycle_id = ${cycleId} GROUP BY action`;
    const byAction = Object.fromEntries(audit.map((r) => [r.action, r.n]));
    expect(byAction).toMatchObject({
      'measure:submit': 4,
      'measure:edit': 1,
      'measure:withdraw': 1,
      'vote:approve': 10,
      'allocations:lock': 1,
      'year:close': 1,
      'adoption:reduced': 1,
      'adoption:adopted': 2,
    });
    await expect(sql()`UPDATE audit_log SET actor = 'someone else' WHERE cycle_id = ${cycleId}`).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('deadlines, cancel and a second start', () => {
  it('flags IPR and adoption deadlines overdue and never approves by itself; a cancel ends the adoption round', async () => {
    const p = lillehammer();
    const Y = await freshYear();
    const y = String(Y);
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00') });
    await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(Y, '300000.00') }] });
    // Deadlines are brought close only now, so a slow machine cannot make them pass before the submission.
    await h.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'proposals', to: inSeconds(1) }] });
    await h.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'ipr', to: inSeconds(2) }] });

    // The proposal deadline closes proposals by itself; the IPR deadline only flags.
    let status = await poll(
      () => h.query(m.getStatus),
      (s) => s.overdue.includes('ipr'),
      'IPR overdue',
    );
    expect(status.phase).toBe('prioritisation');
    expect(status.priorityLists).toEqual([]);
    expect(status.pendingActions).toContainEqual(
      expect.objectContaining({ actor: 'admin', action: 'put a priority list to the IPR vote' }),
    );

    const rec = await h.query(m.getRecommendation);
    const list = await h.executeUpdate(m.proposePriorityList, {
      args: [{ actor: admin, items: rec!.items, meeting: { date: `${Y - 1}-11-01`, caseNumber: '1/25' } }],
    });
    for (const v of voters(p).slice(0, 5))
      await h.executeUpdate(m.castVote, { args: [{ actor: v, version: list.version, vote: 'approve' }] });
    await poll(
      () => h.query(m.getStatus),
      (s) => s.phase === 'adoption',
      'adoption',
    );
    // Moving the common adoption deadline during adoption moves every council's with it.
    const due = inSeconds(1);
    await h.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'adoption', to: due }] });
    status = await poll(
      () => h.query(m.getStatus),
      (s) => s.overdue.filter((o) => o.startsWith('adoption:')).length === 3,
      'adoptions overdue',
    );
    expect(status.adoptions.map((a) => a.dueAt)).toEqual([due, due, due]);
    expect(status.overdue).not.toContain('ipr');
    expect(status.adoptions.every((a) => a.overdue && a.decision === null)).toBe(true);

    // A late decision is still accepted and clears that council's flag.
    await h.executeUpdate(m.recordAdoption, {
      args: [
        {
          actor: clerk('3405'),
          adoption: { municipality: '3405', decision: 'adopted', caseNumber: '9/26', decidedOn: '2026-11-10' },
        },
      ],
    });
    status = await h.query(m.getStatus);
    expect(status.overdue).not.toContain('adoption:3405');
    expect(status.phase).toBe('adoption');
    expect(status.adoptions.find((a) => a.municipality === '3405')!.requested[y]).toBe('33333.34');

    const cancelled = await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Avlyst av IPR' }] });
    expect(cancelled.phase).toBe('cancelled');
    expect(await h.result()).toMatchObject({ phase: 'cancelled' });
    expect((await sql()`SELECT phase FROM cycles WHERE id = ${`${p.id}-${Y}`}`)[0]!.phase).toBe('cancelled');
    expect(await rejection(h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'again' }] }))).toMatch(
      /workflow execution already completed/i,
    );
  });

  it('refuses a second start of the same year, in Temporal and in Postgres', async () => {
    const p = lillehammer();
    const Y = await freshYear();
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '100.00', '100.00') });
    await expect(
      startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '100.00', '100.00') }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'test' }] });
    await expect(
      startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '100.00', '100.00') }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await expect(sql()`INSERT INTO cycles (id, partnership_id, year, phase, config, frames, deadlines, started_by)
      VALUES ('other-id', ${p.id}, ${Y}, 'proposals', '{}', '{}', '{}', 'x')`).rejects.toThrow(/unique|duplicate/i);
  });
});

/** An activity that stops at its door until let through: shows what the cycle allows while a write is under way. */
function gate<A extends (input: never) => Promise<unknown>>(real: A) {
  let open!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (entered = resolve));
  const activity = (async (input: never) => {
    entered();
    await opened;
    return real(input);
  }) as A;
  return { activity, reached, open };
}

/** A cycle of one measure taken to the councils, on `queue`. */
async function toAdoption(queue: string) {
  const p = lillehammer();
  const Y = await freshYear();
  const h = await startCycle(client, queue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00') });
  await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(Y, '300000.00') }] });
  await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
  const rec = await h.query(m.getRecommendation);
  const list = await h.executeUpdate(m.proposePriorityList, {
    args: [{ actor: admin, items: rec!.items, meeting: { date: `${Y - 1}-11-01`, caseNumber: '1/25' } }],
  });
  for (const v of voters(p).slice(0, 5))
    await h.executeUpdate(m.castVote, { args: [{ actor: v, version: list.version, vote: 'approve' }] });
  await poll(
    () => h.query(m.getStatus),
    (s) => s.phase === 'adoption' && s.adoptions.length === 3,
    'adoption',
  );
  return { h, Y, cycleId: `${p.id}-${Y}` };
}

const adopt = (h: Awaited<ReturnType<typeof toAdoption>>['h'], municipality: string, _year: number) =>
  h.executeUpdate(m.recordAdoption, {
    args: [
      {
        actor: clerk(municipality),
        adoption: { municipality, decision: 'adopted', caseNumber: `K ${municipality}`, decidedOn: '2026-11-10' },
      },
    ],
  });

/** The workflow's result, or a failure after `seconds`: a cycle that hangs fails the test instead of the run. */
const resultWithin = <T>(p: Promise<T>, seconds = 30) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no result within ${seconds} s`)), seconds * 1000),
    ),
  ]);

describe('cancel while a write is under way', () => {
  it("ends the cycle when a council's decision is being recorded; the clerk is told the cycle was cancelled", async () => {
    const { createActivities } = await import('../../activities/index.js');
    const recording = gate(createActivities(sql()).recordAdoption);
    const worker = await startWorker({ activities: { recordAdoption: recording.activity } });
    try {
      const { h, cycleId } = await toAdoption(worker.taskQueue);
      const Y = Number(cycleId.slice(-4));
      const refused = rejection(adopt(h, '3405', Y)); // handled from the start: it is refused while the cancel is under way
      await recording.reached;
      expect((await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Avlyst' }] })).phase).toBe(
        'cancelled',
      );
      expect(await refused).toMatch(/^WrongPhase$|aborted by closing workflow/);
      expect(await resultWithin(h.result())).toMatchObject({ phase: 'cancelled' });
      expect((await sql()`SELECT phase FROM cycles WHERE id = ${cycleId}`)[0]!.phase).toBe('cancelled');
    } finally {
      recording.open();
    }
  });

  it('is refused while the allocations are locked as the binding plan, which then completes', async () => {
    const { createActivities } = await import('../../activities/index.js');
    const locking = gate(createActivities(sql()).recordAllocations);
    const worker = await startWorker({ activities: { recordAllocations: locking.activity } });
    try {
      const { h, Y, cycleId } = await toAdoption(worker.taskQueue);
      for (const mu of ['3405', '3440', '3441']) await adopt(h, mu, Y);
      await locking.reached;
      expect(await rejection(h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Avlyst' }] }))).toBe(
        'Conflict',
      );
      locking.open();
      await poll(
        () => h.query(m.getStatus),
        (s) => s.phase === 'adopted',
        'adopted',
      );
      // The status shows a phase once the records hold it.
      expect((await sql()`SELECT phase FROM cycles WHERE id = ${cycleId}`)[0]!.phase).toBe('adopted');
      expect(
        (await sql()`SELECT count(*)::int AS n FROM allocations WHERE cycle_id = ${cycleId}`)[0]!.n,
      ).toBeGreaterThan(0);
      // Once adopted, a cancel is taken again.
      expect((await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Avlyst' }] })).phase).toBe(
        'cancelled',
      );
    } finally {
      locking.open();
    }
  });
});
