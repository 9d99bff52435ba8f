/**
 * The annual cycle for Lillehammer-regionen through the real Temporal dev server and Postgres.
 * Expected øre amounts are worked out by hand from DOMAIN.md's rule (county 2/3, equal key,
 * largest remainder, ties to 3405 then 3440 then 3441), not by the code under test.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { connectClient, freshYear, sql, startWorker } from '../support/stack.js';
import { admin, clerk, frames, inSeconds, lillehammer, measure, proposer, rejection, startCycle, voters } from '../support/cycles.js';
import * as m from '../../workflows/messages.js';

let client: Client;
let taskQueue: string;

beforeAll(async () => {
  client = await connectClient();
  taskQueue = (await startWorker()).taskQueue;
});

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, seconds = 30): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a full cycle', () => {
  it('runs proposals, IPR vote, a reduction and loop-back, adoption, execution and close with carry-over, exact to the øre', async () => {
    const p = lillehammer();
    const Y = await freshYear(1);
    const y = String(Y);
    const cycleId = `${p.id}-${Y}`;
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00') });

    // Proposals: three measures, one edited, one withdrawn, and bad input refused with nothing recorded.
    const alice = proposer('alice');
    const { id: m1 } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '1500000.00') }] });
    const { id: m2 } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '1000000.00', ['5.1.3']) }] });
    const { id: m3 } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer('bob'), measure: measure(Y, '900000.00', ['4.2.1']) }] });
    const { id: m4 } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '50000.00') }] });
    await h.executeUpdate(m.editMeasure, { args: [{ actor: alice, measureId: m2, measure: { amounts: { [y]: '1200000.00' }, title: 'Bolyst for helsepersonell' } }] });
    await h.executeUpdate(m.withdrawMeasure, { args: [{ actor: alice, measureId: m4 }] });
    expect(await rejection(h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '10.001') }] }))).toBe('InvalidInput');
    expect(await rejection(h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '10.00', ['9.9']) }] }))).toBe('InvalidInput');
    expect(await rejection(h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y + 4, '10.00') }] }))).toBe('InvalidInput');
    expect(await rejection(h.executeUpdate(m.editMeasure, { args: [{ actor: alice, measureId: m3, measure: { title: 'mine now' } }] }))).toBe('Forbidden');
    const rows = await sql()`SELECT id, title, status, amounts FROM measures WHERE cycle_id = ${cycleId} ORDER BY id`;
    expect(rows.map((r) => [r.id, r.status])).toEqual([[m1, 'proposed'], [m2, 'proposed'], [m3, 'proposed'], [m4, 'withdrawn']]);
    expect(rows[1]).toMatchObject({ title: 'Bolyst for helsepersonell', amounts: { [y]: '1200000.00' } });

    await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
    expect(await rejection(h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(Y, '10.00') }] }))).toBe('WrongPhase');

    // Recommendation: m1 and m2 in full; m3 gets what the county's remaining 200 000.00 carries (300 000.00).
    const rec = await h.query(m.getRecommendation);
    expect(rec!.items.map((i) => [i.measureId, i.grants[y]])).toEqual([[m1, '1500000.00'], [m2, '1200000.00'], [m3, '300000.00']]);
    expect(rec!.unallocated.county![y]).toBe('0.00');

    // A list over the county frame is refused and nothing is recorded.
    const overFrame = [m1, m2, m3].map((id, i) => ({ measureId: id, rank: i + 1, grants: { [y]: ['1500000.00', '1200000.00', '900000.00'][i]! } }));
    expect(await rejection(h.executeUpdate(m.proposePriorityList, { args: [{ actor: admin, items: overFrame, meeting: { date: `${Y - 1}-11-01`, caseNumber: '12/25' } }] }))).toBe('FrameExceeded');
    expect((await sql()`SELECT count(*)::int AS n FROM priority_lists WHERE cycle_id = ${cycleId}`)[0]!.n).toBe(0);

    // The vote: 8 voting members, 5 approvals adopt; a non-voter and a second vote are refused.
    const list1 = await h.executeUpdate(m.proposePriorityList, { args: [{ actor: admin, items: rec!.items, meeting: { date: `${Y - 1}-11-01`, caseNumber: '12/25' } }] });
    const ipr = voters(p);
    expect(ipr).toHaveLength(8);
    const nonVoter = p.ipr.roster.find((r) => !r.votes)!;
    expect(await rejection(h.executeUpdate(m.castVote, { args: [{ actor: { sub: nonVoter.id, name: nonVoter.name, roles: ['ipr_member'] }, version: list1.version, vote: 'approve' }] }))).toBe('Forbidden');
    for (const v of ipr.slice(0, 4)) {
      expect((await h.executeUpdate(m.castVote, { args: [{ actor: v, version: list1.version, vote: 'approve' }] })).status).toBe('voting');
    }
    expect(await rejection(h.executeUpdate(m.castVote, { args: [{ actor: ipr[0]!, version: list1.version, vote: 'approve' }] }))).toBe('Conflict');
    expect((await h.executeUpdate(m.castVote, { args: [{ actor: ipr[4]!, version: list1.version, vote: 'approve' }] })).status).toBe('adopted');

    // Round 1: each council is asked for the sum of its rounded shares.
    let status = await waitFor(() => h.query(m.getStatus), (s) => s.phase === 'adoption' && s.adoptions.length === 3, 'adoption round 1');
    expect(Object.fromEntries(status.adoptions.map((a) => [a.municipality, a.requested[y]]))).toEqual({
      '3405': '333333.35', // 166 666.67 + 133 333.34 + 33 333.34
      '3440': '333333.33', // 166 666.67 + 133 333.33 + 33 333.33
      '3441': '333333.32', // 166 666.66 + 133 333.33 + 33 333.33
    });
    expect(await rejection(h.executeUpdate(m.recordAdoption, { args: [{ actor: clerk('3405'), adoption: { municipality: '3440', decision: 'adopted', caseNumber: '1/26', decidedOn: `${Y - 1}-12-10` } }] }))).toBe('Forbidden');
    await h.executeUpdate(m.recordAdoption, { args: [{ actor: clerk('3405'), adoption: { municipality: '3405', decision: 'adopted', caseNumber: '101/25', decidedOn: `${Y - 1}-12-10` } }] });
    await h.executeUpdate(m.recordAdoption, { args: [{ actor: clerk('3440'), adoption: { municipality: '3440', decision: 'reduced', amounts: { [y]: '300000.00' }, caseNumber: '77/25', decidedOn: `${Y - 1}-12-12` } }] });
    await h.executeUpdate(m.recordAdoption, { args: [{ actor: clerk('3441'), adoption: { municipality: '3441', decision: 'adopted', caseNumber: '55/25', decidedOn: `${Y - 1}-12-14` } }] });

    // The reduction lowers Øyer's frame and sends the cycle back to IPR.
    status = await waitFor(() => h.query(m.getStatus), (s) => s.phase === 'prioritisation', 'loop back to prioritisation');
    expect(status.frames['3440']![y]).toBe('300000.00');
    const rec2 = await h.query(m.getRecommendation);
    const list2 = await h.executeUpdate(m.proposePriorityList, { args: [{ actor: admin, items: rec2!.items, meeting: { date: `${Y - 1}-12-20`, caseNumber: '15/25' } }] });
    for (const v of ipr.slice(0, 5)) await h.executeUpdate(m.castVote, { args: [{ actor: v, version: list2.version, vote: 'approve' }] });

    // No council's amount rose, so none adopts again: the plan is adopted on list 2.
    status = await waitFor(() => h.query(m.getStatus), (s) => s.phase === 'adopted', 'adopted');
    expect(status.adoptionRound).toBe(2);
    expect(status.adoptions).toEqual([]);
    expect(status.adoptedListVersion).toBe(list2.version);
    const granted = Object.fromEntries(rec2!.items.map((i) => [i.measureId, i.grants[y]]));
    expect(granted[m1]).toBe('1500000.00');

    // Allocation rows: every measure's shares sum to its grant; each row points to list 2 and the council decisions.
    const alloc = await sql()`SELECT measure_id, funder_id, amount, priority_list_version, adoption_refs FROM allocations WHERE cycle_id = ${cycleId} AND year = ${Y} ORDER BY measure_id, funder_id`;
    const m1Shares = Object.fromEntries(alloc.filter((r) => r.measure_id === m1).map((r) => [r.funder_id, r.amount]));
    expect(m1Shares).toEqual({ county: '1000000.00', '3405': '166666.67', '3440': '166666.67', '3441': '166666.66' });
    for (const [mid, grant] of Object.entries(granted)) {
      const sumOre = alloc.filter((r) => r.measure_id === mid).reduce((t, r) => t + BigInt(String(r.amount).replace('.', '')), 0n);
      expect(sumOre).toBe(BigInt(grant!.replace('.', '')));
    }
    expect(new Set(alloc.map((r) => r.priority_list_version))).toEqual(new Set([list2.version]));
    expect(alloc[0]!.adoption_refs).toContainEqual(expect.objectContaining({ municipality: '3440', decision: 'reduced', caseNumber: '77/25' }));
    const statuses = Object.fromEntries((await sql()`SELECT id, status FROM measures WHERE cycle_id = ${cycleId}`).map((r) => [r.id, r.status]));
    expect(statuses[m1]).toBe('granted');
    expect(statuses[m4]).toBe('withdrawn');

    // Execution: progress with money spent, indicators; overspending is refused.
    await h.executeUpdate(m.reportProgress, { args: [{ actor: alice, report: { measureId: m1, progress: 'Første fase ferdig', spent: { [y]: '150000.00' } } }] });
    expect(await rejection(h.executeUpdate(m.reportProgress, { args: [{ actor: alice, report: { measureId: m1, progress: 'for mye', spent: { [y]: '1350000.01' } } }] }))).toBe('InvalidInput');
    await h.executeUpdate(m.reportIndicators, { args: [{ actor: admin, indicators: { year: Y, values: [{ indicator: '6', value: '84.1' }] } }] });

    // Close: unspent = allocated shares − spent shares, per funder, carried over.
    const closed = await h.executeUpdate(m.closeCycle, { args: [{ actor: admin, carryOver: true }] });
    expect(closed.phase).toBe('closed');
    const yearEnd = Object.fromEntries(closed.yearEnd!.map((r) => [r.funderId, [r.allocated, r.spent, r.unspent]]));
    const mAlloc = (f: string) => alloc.filter((r) => r.funder_id === f).reduce((t, r) => t + BigInt(String(r.amount).replace('.', '')), 0n);
    const money = (ore: bigint) => `${ore / 100n}.${String(ore % 100n).padStart(2, '0')}`;
    // Spent 150 000.00 on m1 splits 100 000.00 / 16 666.67 / 16 666.67 / 16 666.66.
    expect(yearEnd.county).toEqual([money(mAlloc('county')), '100000.00', money(mAlloc('county') - 10_000_000n)]);
    expect(yearEnd['3441']).toEqual([money(mAlloc('3441')), '16666.66', money(mAlloc('3441') - 1_666_666n)]);
    const ye = await sql()`SELECT funder_id, unspent, disposition FROM year_end WHERE cycle_id = ${cycleId}`;
    expect(ye).toHaveLength(4);
    expect(ye.every((r) => r.disposition === 'carry_over')).toBe(true);

    // The next year's cycle starts with the carried money on top of its frames.
    const carry = Object.fromEntries(ye.map((r) => [r.funder_id, r.unspent as string]));
    const next = await startCycle(client, taskQueue, { year: Y + 1, frames: frames(p, Y + 1, '2000000.00', '400000.00'), carryOver: carry });
    const nextStatus = await next.query(m.getStatus);
    const plus = (a: string, b: string) => money(BigInt(a.replace('.', '')) + BigInt(b.replace('.', '')));
    expect(nextStatus.frames.county![String(Y + 1)]).toBe(plus('2000000.00', carry.county!));
    expect(nextStatus.frames.county![String(Y + 2)]).toBe('2000000.00');
    expect((await sql()`SELECT carried_to FROM year_end WHERE cycle_id = ${cycleId} AND funder_id = 'county'`)[0]!.carried_to).toBe(`${p.id}-${Y + 1}`);
    await next.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'test done' }] });

    // Every accepted action is in the audit log once; the log cannot be changed.
    const audit = await sql()`SELECT action, count(*)::int AS n FROM audit_log WHERE cycle_id = ${cycleId} GROUP BY action`;
    const byAction = Object.fromEntries(audit.map((r) => [r.action, r.n]));
    expect(byAction).toMatchObject({ 'measure:submit': 4, 'measure:edit': 1, 'measure:withdraw': 1, 'vote:approve': 10, 'allocations:lock': 1, 'year:close': 1, 'adoption:reduced': 1, 'adoption:adopted': 2 });
    await expect(sql()`UPDATE audit_log SET actor = 'someone else' WHERE cycle_id = ${cycleId}`).rejects.toThrow(/append-only/);
  });
});

describe('deadlines, cancel and a second start', () => {
  it('flags IPR and adoption deadlines overdue and never approves by itself; cancel stops the councils', async () => {
    const p = lillehammer();
    const Y = await freshYear();
    const y = String(Y);
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '2000000.00', '400000.00'), deadlines: { proposals: inSeconds(2), ipr: inSeconds(4), adoption: inSeconds(6) } });
    await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(Y, '300000.00') }] });

    // The proposal deadline closes proposals by itself; the IPR deadline only flags.
    let status = await waitFor(() => h.query(m.getStatus), (s) => s.overdue.includes('ipr'), 'IPR overdue');
    expect(status.phase).toBe('prioritisation');
    expect(status.priorityLists).toEqual([]);
    expect(status.pendingActions).toContainEqual(expect.objectContaining({ actor: 'admin', action: 'put a priority list to the IPR vote' }));

    const rec = await h.query(m.getRecommendation);
    const list = await h.executeUpdate(m.proposePriorityList, { args: [{ actor: admin, items: rec!.items, meeting: { date: `${Y - 1}-11-01`, caseNumber: '1/25' } }] });
    for (const v of voters(p).slice(0, 5)) await h.executeUpdate(m.castVote, { args: [{ actor: v, version: list.version, vote: 'approve' }] });
    status = await waitFor(() => h.query(m.getStatus), (s) => s.phase === 'adoption' && s.overdue.filter((o) => o.startsWith('adoption:')).length === 3, 'adoptions overdue');
    expect(status.overdue).not.toContain('ipr');
    expect(status.adoptions.every((a) => a.overdue && a.decision === null)).toBe(true);

    // A late decision is still accepted and clears that council's flag.
    await h.executeUpdate(m.recordAdoption, { args: [{ actor: clerk('3405'), adoption: { municipality: '3405', decision: 'adopted', caseNumber: '9/26', decidedOn: `${Y}-01-10` } }] });
    status = await h.query(m.getStatus);
    expect(status.overdue).not.toContain('adoption:3405');
    expect(status.phase).toBe('adoption');
    expect(status.adoptions.find((a) => a.municipality === '3405')!.requested[y]).toBe('33333.34');

    const cancelled = await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Avlyst av IPR' }] });
    expect(cancelled.phase).toBe('cancelled');
    expect(await h.result()).toMatchObject({ phase: 'cancelled' });
    const child = client.workflow.getHandle(`${p.id}-${Y}-adoption-r1-3440`);
    await waitFor(() => child.describe().then((d) => d.status.name), (s) => s !== 'RUNNING', 'child stopped');
    expect((await sql()`SELECT phase FROM cycles WHERE id = ${`${p.id}-${Y}`}`)[0]!.phase).toBe('cancelled');
    expect(await rejection(h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'again' }] }))).toMatch(/WrongPhase|WorkflowUpdateFailed|completed/i);
  });

  it('refuses a second start of the same year, in Temporal and in Postgres', async () => {
    const p = lillehammer();
    const Y = await freshYear();
    const h = await startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '100.00', '100.00') });
    await expect(startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '100.00', '100.00') })).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'test' }] });
    await expect(startCycle(client, taskQueue, { year: Y, frames: frames(p, Y, '100.00', '100.00') })).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await expect(sql()`INSERT INTO cycles (id, partnership_id, year, phase, config, frames, deadlines, started_by)
      VALUES ('other-id', ${p.id}, ${Y}, 'proposals', '{}', '{}', '{}', 'x')`).rejects.toThrow(/unique|duplicate/i);
  });
});
