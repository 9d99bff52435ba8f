/**
 * The worker killed (SIGKILL) in the middle of an activity and a fresh one started on the same
 * task queue: the cycle still reaches 'adopted', with the allocations an uninterrupted run gives
 * and no row written twice. The worker is an OS process of its own (test/support/worker-process.ts),
 * held inside the activity until the kill, so the kill lands exactly where each case says.
 *
 * Every record is written by an ordinary activity without heartbeats: the server notices the dead
 * worker only when the activity's startToCloseTimeout (workflows/cycle/records.ts: 10 s, 30 s for
 * the allocations) runs out, so each case takes that long.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import * as m from '../../workflows/messages.js';
import { admin, clerk, frames, lillehammer, proposer, startCycle, voters } from '../support/cycles.js';
import { poll } from '../support/poll.js';
import { connectClient, freshYear, sql, startWorker, workerProcess as workerProcessOnStack } from '../support/stack.js';
import type { Pause, WorkerProcess } from '../support/worker-process.js';

type Cycle = WorkflowHandle<typeof cycleWorkflow>;
const p = lillehammer();
const TABLES = ['cycles', 'measures', 'priority_lists', 'votes', 'adoptions', 'allocations', 'audit_log'] as const;
/** Past recordAllocations' startToCloseTimeout (even a 2 min one), its retry and a workflow task. */
const ADOPTED_WITHIN_MS = 200_000;

/** Four measures; the county's 1.5 MNOK (2/3 of 2.25 MNOK) grants the last one only in part. */
const requests = (year: number): m.YearMap[] => [
  { [year]: '900000.00' },
  { [year]: '300000.00', [year + 1]: '300000.00' },
  { [year]: '250000.00', [year + 2]: '100000.00' },
  { [year]: '1400000.00' },
];
const framesFor = (year: number) => frames(p, year, '1500000.00', '400000.00');

/** Proposals, the recommendation put to the vote, five approvals, every council adopts. */
async function driveToAdoption(cycle: Cycle, year: number): Promise<void> {
  for (const amounts of requests(year)) {
    await cycle.executeUpdate(m.submitMeasure, {
      args: [
        {
          actor: proposer(),
          measure: {
            title: 'Tiltak',
            description: 'Beskrivelse',
            strategies: ['2.1'],
            responsible: 'LRV',
            amounts,
            cofunding: [],
          },
        },
      ],
    });
  }
  await cycle.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
  const recommendation = await cycle.query(m.getRecommendation);
  const list = await cycle.executeUpdate(m.proposePriorityList, {
    args: [
      {
        actor: admin,
        items: recommendation!.items,
        meeting: { date: `${year - 1}-11-01`, caseNumber: `12/${year - 1}` },
      },
    ],
  });
  for (const voter of voters(p).slice(0, 5)) {
    await cycle.executeUpdate(m.castVote, { args: [{ actor: voter, version: list.version, vote: 'approve' }] });
  }
  const status = await poll(
    () => cycle.query(m.getStatus),
    (s) => s.phase === 'adoption',
    'the adoption phase',
  );
  for (const { municipality } of status.adoptions) {
    await cycle.executeUpdate(m.recordAdoption, {
      args: [
        {
          actor: clerk(municipality),
          adoption: { municipality, decision: 'adopted', caseNumber: `40/${year - 1}`, decidedOn: '2026-11-10' },
        },
      ],
    });
  }
}

const phaseInPostgres = async (cycleId: string) =>
  (await sql()<{ phase: string }[]>`select phase from cycles where id = ${cycleId}`)[0]?.phase;
const untilAdopted = (cycleId: string) =>
  poll(
    () => phaseInPostgres(cycleId),
    (phase) => phase === 'adopted',
    `${cycleId} adopted`,
    ADOPTED_WITHIN_MS,
  );

async function rowCount(table: (typeof TABLES)[number], cycleId: string, where = sql()`true`): Promise<number> {
  const db = sql();
  const [row] = await db<
    { n: number }[]
  >`select count(*)::int as n from ${db(table)} where ${db(table === 'cycles' ? 'id' : 'cycle_id')} = ${cycleId} and ${where}`;
  return row!.n;
}

/** What the cycle left in Postgres, with its id and years made relative so two cycles compare. */
async function recordsOf(cycleId: string, year: number) {
  const relative = (text: string) => text.replaceAll(cycleId, 'C').replaceAll(String(year - 1), 'Y-1');
  const counts = Object.fromEntries(
    await Promise.all(TABLES.map(async (t) => [t, await rowCount(t, cycleId)] as const)),
  );
  const allocations = await sql()<{ row: string }[]>`
    select concat_ws(' ', measure_id, 'Y+' || (year - ${year}), funder_id, amount, 'v' || priority_list_version, adoption_refs::text) as row
    from allocations where cycle_id = ${cycleId} order by measure_id, year, funder_id`;
  const measures = await sql()<
    { row: string }[]
  >`select id || ' ' || status as row from measures where cycle_id = ${cycleId} order by id`;
  const audit = await sql()<
    { entry: string }[]
  >`select key || ' ' || action as entry from audit_log where cycle_id = ${cycleId} order by key`;
  return {
    counts,
    measures: measures.map((r) => r.row),
    allocations: allocations.map((r) => relative(r.row)),
    audit: audit.map((r) => relative(r.entry)),
  };
}

/** Per measure and year, what the allocation rows add up to (zero sums left out). */
async function allocatedPerMeasure(cycleId: string): Promise<Record<string, m.YearMap>> {
  const rows = await sql()<{ measure_id: string; year: number; total: string }[]>`
    select measure_id, year, sum(amount)::text as total from allocations where cycle_id = ${cycleId} group by 1, 2 having sum(amount) > 0`;
  const sums: Record<string, m.YearMap> = {};
  for (const r of rows) (sums[r.measure_id] ??= {})[r.year] = r.total;
  return sums;
}

const uncommittedTransactions = async (worker: WorkerProcess) =>
  (
    await sql()<{ n: number }[]>`
    select count(*)::int as n from pg_stat_activity where application_name = ${`hoep-worker-${worker.pid}`} and state = 'idle in transaction'`
  )[0]!.n;

/** Attempt numbers of an ordinary activity, as the history records them. */
async function attempts(cycle: Cycle, activityType: string): Promise<number[]> {
  const events = (await cycle.fetchHistory()).events ?? [];
  const scheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType)
      .map((e) => String(e.eventId)),
  );
  return events
    .filter((e) => scheduled.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)))
    .map((e) => e.activityTaskStartedEventAttributes!.attempt!);
}

let uninterrupted: Awaited<ReturnType<typeof recordsOf>>;

beforeAll(async () => {
  const worker = await startWorker();
  const year = await freshYear();
  const cycle = await startCycle(await connectClient(), worker.taskQueue, { year, frames: framesFor(year) });
  await driveToAdoption(cycle, year);
  await untilAdopted(cycle.workflowId);
  uninterrupted = await recordsOf(cycle.workflowId, year);
  await worker.stop();
}, 120_000);

const workerProcess = (taskQueue: string, pause?: Pause): WorkerProcess => workerProcessOnStack(taskQueue, { pause });

/**
 * Drives a cycle with a worker that stops for good at `pause`, checks what Postgres holds then,
 * kills the worker, starts another and lets the cycle finish. Returns the cycle for more checks.
 */
async function killedDuring(
  pause: Pause,
  whilePaused: (cycleId: string, worker: WorkerProcess) => Promise<void>,
  o: { thenWhileRunning?: (cycle: Cycle) => Promise<unknown> } = {},
): Promise<Cycle> {
  const taskQueue = `crash-${randomUUID()}`;
  const first = workerProcess(taskQueue, pause);
  let second: WorkerProcess | undefined;
  try {
    await first.next('ready');
    const year = await freshYear();
    const cycle = await startCycle(await connectClient(), taskQueue, { year, frames: framesFor(year) });
    const driving = driveToAdoption(cycle, year);
    driving.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
    await first.next('paused');
    await whilePaused(cycle.workflowId, first);
    await first.kill();
    expect((await first.exited).signal).toBe('SIGKILL');

    second = workerProcess(taskQueue);
    await second.next('ready');
    await driving;
    await untilAdopted(cycle.workflowId);
    // Postgres has the phase once the activity committed; the workflow records it when the (retried)
    // activity's completion reaches it, a moment later.
    await poll(
      () => cycle.query(m.getStatus),
      (st) => st.phase === 'adopted',
      `${cycle.workflowId} adopted in the workflow`,
    );
    expect((await cycle.query(m.getStatus)).phase).toBe('adopted');

    const records = await recordsOf(cycle.workflowId, year);
    expect(records).toEqual(uninterrupted);
    expect(await rowCount('audit_log', cycle.workflowId, sql()`action = 'allocations:lock'`)).toBe(1);
    const adopted = (await cycle.query(m.getStatus)).priorityLists.find((l) => l.status === 'adopted')!;
    const grants = Object.fromEntries(
      adopted.items.map((i) => [
        i.measureId,
        Object.fromEntries(Object.entries(i.grants).filter(([, g]) => g !== '0.00')),
      ]),
    );
    expect(await allocatedPerMeasure(cycle.workflowId)).toEqual(
      Object.fromEntries(Object.entries(grants).filter(([, g]) => Object.keys(g).length > 0)),
    );
    await o.thenWhileRunning?.(cycle);
    return cycle;
  } finally {
    await first.kill();
    await second?.stop();
  }
}

describe.concurrent('a worker killed (SIGKILL) in the middle of an activity, then replaced', () => {
  it('the uninterrupted run it is compared with granted the last measure only in part', () => {
    expect(uninterrupted.counts).toMatchObject({ cycles: 1, measures: 4, priority_lists: 1, votes: 5, adoptions: 3 });
    expect(uninterrupted.measures).toEqual(['m0001 granted', 'm0002 granted', 'm0003 granted', 'm0004 partly_granted']);
    expect(uninterrupted.allocations.length).toBeGreaterThan(0);
    expect(uninterrupted.audit.filter((e) => e.endsWith(' allocations:lock'))).toHaveLength(1);
  });

  it('inside recordAllocations before COMMIT: the open transaction dies with it and the retry writes the rows', async () => {
    const cycle = await killedDuring(
      { activity: 'recordAllocations', at: 'before-commit' },
      async (cycleId, worker) => {
        expect(await uncommittedTransactions(worker)).toBe(1);
        expect(await rowCount('allocations', cycleId)).toBe(0);
      },
    );
    expect(await attempts(cycle, 'recordAllocations')).toEqual([2]);
  }, 300_000);

  it('in recordAllocations after COMMIT, before the worker reports it done: the retry finds the audit key taken', async () => {
    const cycle = await killedDuring({ activity: 'recordAllocations', at: 'after-commit' }, async (cycleId) => {
      expect(await rowCount('allocations', cycleId)).toBe(uninterrupted.counts.allocations);
      expect(await phaseInPostgres(cycleId)).toBe('adoption');
    });
    expect(await attempts(cycle, 'recordAllocations')).toEqual([2]);
  }, 300_000);

  it('in recordVote after COMMIT of the deciding vote: the retry finds the audit key taken, and no vote is counted twice', async () => {
    const cycle = await killedDuring({ activity: 'recordVote', at: 'after-commit', call: 5 }, async (cycleId) => {
      expect(await rowCount('votes', cycleId)).toBe(5);
    });
    expect(await attempts(cycle, 'recordVote')).toEqual([1, 1, 1, 1, 2]);
  }, 300_000);

  it('in recordMeasure after COMMIT of a submission: its Update is answered once the retry finds the measure written, and it is there once', async () => {
    const cycle = await killedDuring({ activity: 'recordMeasure', at: 'after-commit', call: 2 }, async (cycleId) => {
      expect(await rowCount('measures', cycleId)).toBe(2);
    });
    expect(await attempts(cycle, 'recordMeasure')).toEqual([1, 2, 1, 1]);
  }, 300_000);

  it('in recordPriorityList before COMMIT: the list is written once, by the next worker', async () => {
    await killedDuring({ activity: 'recordPriorityList', at: 'before-commit' }, async (cycleId, worker) => {
      expect(await uncommittedTransactions(worker)).toBe(1);
      expect(await rowCount('measures', cycleId)).toBe(4);
      expect(await rowCount('priority_lists', cycleId)).toBe(0);
    });
  }, 300_000);
});
