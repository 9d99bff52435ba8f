/**
 * The workflow is the one writer of a cycle's records, and writes an action's record only once
 * the server has accepted its Update: a submission answered 201 is in Postgres, once; a record
 * being written while the Update is already in the workflow's history; two priority lists sent
 * at once leave exactly one under vote, in the workflow and in Postgres.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities/index.js';
import { createApp } from '../../services/api/app.js';
import { localAuthenticator, signLocalToken } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { loadConfig } from '../../services/config.js';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import * as m from '../../workflows/messages.js';
import { admin, frames, lillehammer, measure, proposer, startCycle } from '../support/cycles.js';
import { poll } from '../support/poll.js';
import { connectClient, freshYear, sql, startWorker, type Activities } from '../support/stack.js';

type Cycle = WorkflowHandle<typeof cycleWorkflow>;
let client: Client;
let taskQueue: string;
let app: ReturnType<typeof createApp>;
const SECRET = 'submissions-test-secret-0123456789-abcdef';

beforeAll(async () => {
  client = await connectClient();
  taskQueue = (await startWorker()).taskQueue;
  const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, HOEP_JWT_SECRET: SECRET });
  app = createApp({
    sql: sql(),
    temporal: client,
    config,
    auth: localAuthenticator(new TextEncoder().encode(SECRET)),
    log: silentLogger,
  });
});

const p = lillehammer();
async function cycle(queue = taskQueue): Promise<{ h: Cycle; year: number }> {
  const year = await freshYear();
  return { h: await startCycle(client, queue, { year, frames: frames(p, year, '2000000.00', '400000.00') }), year };
}

const measureRows = (cycleId: string) =>
  sql()<{ id: string; title: string; description: string; status: string; amounts: m.YearMap }[]>`
    select id, title, description, status, amounts from measures where cycle_id = ${cycleId} order by id`;
const submitEntries = async (cycleId: string) =>
  (
    await sql()<
      { n: number }[]
    >`select count(*)::int as n from audit_log where cycle_id = ${cycleId} and action = 'measure:submit'`
  )[0]!.n;
const listRows = (cycleId: string) =>
  sql()<
    { version: number; status: string }[]
  >`select version, status from priority_lists where cycle_id = ${cycleId} order by version`;

/** The kinds of the events in the cycle's history, e.g. 'workflowExecutionUpdateAccepted'. */
async function eventKinds(h: Cycle): Promise<string[]> {
  const events = (await h.fetchHistory()).events ?? [];
  return events.map((e) =>
    Object.keys(e)
      .find((k) => k.endsWith('EventAttributes'))!
      .replace(/EventAttributes$/, ''),
  );
}

/** An activity that stops at its door until let through, each call counted. */
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

const bearer = () =>
  signLocalToken(
    new TextEncoder().encode(SECRET),
    { sub: 'kari', name: 'Kari', partnership: p.id, roles: ['proposer'] },
    '1h',
  );
const submitThroughApi = async (cycleId: string, body: m.MeasureInput, token: string) => {
  const res = await app.request(`/api/v1/cycles/${cycleId}/measures`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { id?: string }) };
};

describe('a submitted measure', () => {
  it('answered 201 through the API is in Postgres at once, with one audit entry', async () => {
    const { h, year } = await cycle();
    const answer = await submitThroughApi(h.workflowId, measure(year, '1500000.00'), await bearer());
    expect(answer).toEqual({ status: 201, id: 'm0001' });
    expect(await measureRows(h.workflowId)).toEqual([
      {
        id: 'm0001',
        title: 'Tiltak 1500000.00',
        description: 'Beskrivelse',
        status: 'proposed',
        amounts: { [year]: '1500000.00' },
      },
    ]);
    expect(await submitEntries(h.workflowId)).toBe(1);
  });

  it('edited or withdrawn: Postgres has the edit or withdrawal when its Update returns, and the edit keeps the other fields', async () => {
    const { h, year } = await cycle();
    const alice = proposer('alice');
    const { id: edited } = await h.executeUpdate(m.submitMeasure, {
      args: [{ actor: alice, measure: measure(year, '300000.00') }],
    });
    const { id: withdrawn } = await h.executeUpdate(m.submitMeasure, {
      args: [{ actor: alice, measure: measure(year, '200000.00') }],
    });
    await h.executeUpdate(m.editMeasure, {
      args: [{ actor: alice, measureId: edited, measure: { title: 'Nytt navn' } }],
    });
    await h.executeUpdate(m.withdrawMeasure, { args: [{ actor: alice, measureId: withdrawn }] });
    expect(await measureRows(h.workflowId)).toEqual([
      {
        id: edited,
        title: 'Nytt navn',
        description: 'Beskrivelse',
        status: 'proposed',
        amounts: { [year]: '300000.00' },
      },
      {
        id: withdrawn,
        title: 'Tiltak 200000.00',
        description: 'Beskrivelse',
        status: 'withdrawn',
        amounts: { [year]: '200000.00' },
      },
    ]);
  });

  it('is in Postgres before the phase that ends the proposals is: closed early, or cancelled', async () => {
    for (const end of ['close', 'cancel'] as const) {
      const { h, year } = await cycle();
      for (const amount of ['100000.00', '200000.00', '300000.00']) {
        await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(year, amount) }] });
      }
      const status =
        end === 'close'
          ? await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] })
          : await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Feil år' }] });
      expect(status.phase).toBe(end === 'close' ? 'prioritisation' : 'cancelled');
      expect(
        (await measureRows(h.workflowId)).map((r) => r.amounts[year]),
        end,
      ).toEqual(['100000.00', '200000.00', '300000.00']);
      const [row] = await sql()<{ phase: string }[]>`select phase from cycles where id = ${h.workflowId}`;
      expect(row!.phase).toBe(status.phase);
    }
  });

  it('cancelled in Temporal by an operator, not through the engine: the submissions stay, and the cycle is recorded as cancelled', async () => {
    const { h, year } = await cycle();
    for (const amount of ['100000.00', '200000.00']) {
      await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(year, amount) }] });
    }
    await h.cancel();
    await expect(h.result()).rejects.toThrow();
    expect((await h.describe()).status.name).toBe('CANCELLED');
    expect((await measureRows(h.workflowId)).map((r) => r.amounts[year])).toEqual(['100000.00', '200000.00']);
    const [row] = await sql()<{ phase: string }[]>`select phase from cycles where id = ${h.workflowId}`;
    expect(row!.phase).toBe('cancelled');
  });

  it('through the API while the cycle continues as new: every one answered 201, recorded once, none lost or doubled', async () => {
    const { h, year } = await cycle();
    const firstRun = (await h.describe()).runId;
    const token = await bearer();
    // Past the server's suggestion to continue as new (4 096 events, or 1 800 Updates), 8 at a time.
    const total = 1_600;
    let next = 0;
    const answers: { status: number; id?: string }[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          next += 1;
          answers.push(await submitThroughApi(h.workflowId, measure(year, '10.00'), token));
        }
      }),
    );
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    const ids = answers.map((a) => a.id!).sort();
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => `m${String(i + 1).padStart(4, '0')}`));
    expect((await h.query(m.getStatus)).measures).toHaveLength(total);
    expect((await measureRows(h.workflowId)).length).toBe(total);
    expect(await submitEntries(h.workflowId)).toBe(total);

    // It did continue as new, and from a workflow task of its own, after the last Update had completed.
    expect((await h.describe()).runId).not.toBe(firstRun);
    const events = (await client.workflow.getHandle(h.workflowId, firstRun).fetchHistory()).events ?? [];
    const lastTask = events.map((e) => !!e.workflowTaskCompletedEventAttributes).lastIndexOf(true);
    const kinds = (from: number, to?: number) =>
      events.slice(from, to).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes'))!);
    expect(kinds(lastTask + 1).at(-1)).toBe('workflowExecutionContinuedAsNewEventAttributes');
    expect(kinds(lastTask + 1).filter((k) => k.startsWith('workflowExecutionUpdate'))).toEqual([]);
    expect(kinds(0).filter((k) => k.startsWith('workflowExecutionUpdate')).length).toBeGreaterThan(0);
    // ... the task a 1 ms timer asked for (workflows/cycle/run-control.ts).
    const oneMs = (t: unknown) =>
      String(t ?? '').replace(/^0*/, '') === '0.001s' || (t as { nanos?: number } | null)?.nanos === 1_000_000;
    expect(events.some((e) => oneMs(e.timerStartedEventAttributes?.startToFireTimeout))).toBe(true);
  }, 300_000); // about 100 s on a quiet 2-core machine: each submission is an Update and an activity

  it('while Postgres is out of reach for the workflow: the Update waits, and the submission lands once it can', async () => {
    let reachable = false;
    let tries = 0;
    const real = createActivities(sql());
    const unreachable: Partial<Activities> = {
      recordMeasure: async (a) => {
        tries += 1;
        if (!reachable) throw new Error('connect ECONNREFUSED (Postgres out of reach)');
        return real.recordMeasure(a);
      },
    };
    const worker = await startWorker({ activities: unreachable });
    try {
      const { h, year } = await cycle(worker.taskQueue);
      const submitted = h.executeUpdate(m.submitMeasure, {
        args: [{ actor: proposer(), measure: measure(year, '10.00') }],
      });
      await poll(
        async () => tries,
        (n) => n >= 2,
        'the write tried and tried again',
      );
      expect(await eventKinds(h)).toContain('workflowExecutionUpdateAccepted');
      // The Update is accepted (in history), its write is retried; the measure is in the workflow, not yet in Postgres.
      expect((await h.query(m.getStatus)).measures.map((x) => x.id)).toEqual(['m0001']);
      expect(await measureRows(h.workflowId)).toEqual([]);
      reachable = true;
      expect(await submitted).toEqual({ id: 'm0001' });
      expect((await measureRows(h.workflowId)).map((r) => r.id)).toEqual(['m0001']);
      expect(await submitEntries(h.workflowId)).toBe(1);
    } finally {
      await worker.stop();
    }
  }, 120_000);
});

describe('a record and its decision', () => {
  it('is written only after the server has accepted the Update: while it is written, the acceptance is in history', async () => {
    const real = createActivities(sql());
    const writing = gate(real.recordMeasure);
    const worker = await startWorker({ activities: { recordMeasure: writing.activity } });
    try {
      const { h, year } = await cycle(worker.taskQueue);
      const submitted = h.executeUpdate(m.submitMeasure, {
        args: [{ actor: proposer(), measure: measure(year, '10.00') }],
      });
      await writing.reached;
      // A local activity inside the Update would run here before the workflow task completed, with
      // no acceptance in history yet: a server lost now would leave a record the workflow never took.
      const kinds = await eventKinds(h);
      expect(kinds).toContain('workflowExecutionUpdateAccepted');
      expect(kinds.indexOf('workflowExecutionUpdateAccepted')).toBeLessThan(kinds.lastIndexOf('activityTaskScheduled'));
      expect(await measureRows(h.workflowId)).toEqual([]);
      writing.open();
      expect(await submitted).toEqual({ id: 'm0001' });
      expect((await measureRows(h.workflowId)).map((r) => r.id)).toEqual(['m0001']);
    } finally {
      writing.open();
      await worker.stop();
    }
  }, 60_000);

  it('two priority lists sent at the same moment: exactly one is under vote, in the workflow and in Postgres', async () => {
    const { h, year } = await cycle();
    for (const amount of ['100000.00', '200000.00'])
      await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(year, amount) }] });
    await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
    const rec = (await h.query(m.getRecommendation))!;
    const send = (caseNumber: string) =>
      h.executeUpdate(m.proposePriorityList, {
        args: [{ actor: admin, items: rec.items, meeting: { date: `${year - 1}-11-01`, caseNumber } }],
      });
    for (let round = 0; round < 3; round++) await Promise.all([send(`${round}/a`), send(`${round}/b`)]);
    const lists = (await h.query(m.getStatus)).priorityLists.map((l) => ({ version: l.version, status: l.status }));
    expect(lists.filter((l) => l.status === 'voting')).toEqual([{ version: 6, status: 'voting' }]);
    expect(await listRows(h.workflowId)).toEqual(lists);
  });
});
