/**
 * A submitted measure reaches Postgres whoever writes it: the submitMeasure Update returns the
 * record for its caller to write (the API does, before it answers), and the workflow writes it
 * again a moment later, in the background, for a caller that did not. The two writes make one
 * record; edits, withdrawals and phase changes never get ahead of a submission Postgres lacks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities/index.js';
import { writeMeasure } from '../../activities/records.js';
import { createApp } from '../../services/api/app.js';
import { localAuthenticator, signLocalToken } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { loadConfig } from '../../services/config.js';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import * as m from '../../workflows/messages.js';
import { admin, frames, lillehammer, measure, proposer, rejection, startCycle } from '../support/cycles.js';
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
  app = createApp({ sql: sql(), temporal: client, config, auth: localAuthenticator(new TextEncoder().encode(SECRET)), log: silentLogger });
});

const p = lillehammer();
async function cycle(): Promise<{ h: Cycle; year: number }> {
  const year = await freshYear();
  return { h: await startCycle(client, taskQueue, { year, frames: frames(p, year, '2000000.00', '400000.00') }), year };
}

const measureRows = (cycleId: string) =>
  sql()<{ id: string; title: string; description: string; status: string; amounts: m.YearMap }[]>`
    select id, title, description, status, amounts from measures where cycle_id = ${cycleId} order by id`;
const submitEntries = async (cycleId: string) =>
  (await sql()<{ n: number }[]>`select count(*)::int as n from audit_log where cycle_id = ${cycleId} and action = 'measure:submit'`)[0]!.n;

/** How many times the workflow's own write of submissions has completed, as its history records. */
async function workflowWrites(h: Cycle): Promise<number> {
  const events = (await h.fetchHistory()).events ?? [];
  const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordMeasures').map((e) => String(e.eventId)));
  return events.filter((e) => scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId))).length;
}

describe('a submitted measure', () => {
  it('comes back from the Update as the record to write, and is written by the workflow too when the caller does not', async () => {
    const { h, year } = await cycle();
    const { id, write } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer('alice'), measure: measure(year, '1500000.00') }] });
    expect(id).toBe('m0001');
    expect(write).toMatchObject({ cycleId: h.workflowId, id, proposedBy: 'alice', status: 'proposed', fields: measure(year, '1500000.00'), audit: { action: 'measure:submit', ref: id } });
    // Nobody wrote it: the workflow does, in the background.
    const rows = await poll(() => measureRows(h.workflowId), (r) => r.length === 1, 'the workflow writing the submission');
    expect(rows).toEqual([{ id, title: 'Tiltak 1500000.00', description: 'Beskrivelse', status: 'proposed', amounts: { [year]: '1500000.00' } }]);
    expect(await submitEntries(h.workflowId)).toBe(1);
  });

  it('written by its caller and by the workflow is one record with one audit entry', async () => {
    const { h, year } = await cycle();
    const { write } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer('alice'), measure: measure(year, '1000000.00') }] });
    await writeMeasure(sql(), write!);
    expect((await measureRows(h.workflowId)).map((r) => r.id)).toEqual(['m0001']);
    await poll(() => workflowWrites(h), (n) => n >= 1, 'the workflow writing the submission itself');
    expect(await measureRows(h.workflowId)).toHaveLength(1);
    expect(await submitEntries(h.workflowId)).toBe(1);
  });

  it('edited or withdrawn before anyone wrote it: the submission is written first, and the edit keeps its other fields', async () => {
    const { h, year } = await cycle();
    const alice = proposer('alice');
    const { id: edited } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(year, '300000.00') }] });
    const { id: withdrawn } = await h.executeUpdate(m.submitMeasure, { args: [{ actor: alice, measure: measure(year, '200000.00') }] });
    await h.executeUpdate(m.editMeasure, { args: [{ actor: alice, measureId: edited, measure: { title: 'Nytt navn' } }] });
    await h.executeUpdate(m.withdrawMeasure, { args: [{ actor: alice, measureId: withdrawn }] });
    // The edit and the withdrawal are written inside their Updates, so Postgres has them now.
    expect(await measureRows(h.workflowId)).toEqual([
      { id: edited, title: 'Nytt navn', description: 'Beskrivelse', status: 'proposed', amounts: { [year]: '300000.00' } },
      { id: withdrawn, title: 'Tiltak 200000.00', description: 'Beskrivelse', status: 'withdrawn', amounts: { [year]: '200000.00' } },
    ]);
  });

  it('is in Postgres before the phase that ends the proposals is: closed early, or cancelled', async () => {
    for (const end of ['close', 'cancel'] as const) {
      const { h, year } = await cycle();
      for (const amount of ['100000.00', '200000.00', '300000.00']) {
        await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(year, amount) }] });
      }
      const status = end === 'close'
        ? await h.executeUpdate(m.closeProposals, { args: [{ actor: admin }] })
        : await h.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Feil år' }] });
      expect(status.phase).toBe(end === 'close' ? 'prioritisation' : 'cancelled');
      expect((await measureRows(h.workflowId)).map((r) => r.amounts[year]), end).toEqual(['100000.00', '200000.00', '300000.00']);
      const [row] = await sql()<{ phase: string }[]>`select phase from cycles where id = ${h.workflowId}`;
      expect(row!.phase).toBe(status.phase);
    }
  });

  it('cancelled in Temporal by an operator, not through the engine: written all the same, and the cycle recorded as cancelled', async () => {
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
    const bearer = await signLocalToken(new TextEncoder().encode(SECRET), { sub: 'kari', name: 'Kari', partnership: p.id, roles: ['proposer'] }, '1h');
    // Enough to pass the server's suggestion (about 4 000 events) or 1 500 Updates in one run, 8 at a time.
    const total = 1_600;
    let next = 0;
    const answers: { status: number; id?: string }[] = [];
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < total) {
        next += 1;
        const res = await app.request(`/api/v1/cycles/${h.workflowId}/measures`, {
          method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(measure(year, '10.00')),
        });
        answers.push({ status: res.status, ...((await res.json()) as { id?: string }) });
      }
    }));
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
    const kinds = (from: number, to?: number) => events.slice(from, to).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes'))!);
    expect(kinds(lastTask + 1).at(-1)).toBe('workflowExecutionContinuedAsNewEventAttributes');
    expect(kinds(lastTask + 1).filter((k) => k.startsWith('workflowExecutionUpdate'))).toEqual([]);
    expect(kinds(0).filter((k) => k.startsWith('workflowExecutionUpdate')).length).toBeGreaterThan(0);
    // ... the task a 1 ms timer asked for (workflows/cycle.ts maybeContinueAsNew).
    const oneMs = (t: unknown) => String(t ?? '').replace(/^0*/, '') === '0.001s' || (t as { nanos?: number } | null)?.nanos === 1_000_000;
    expect(events.some((e) => oneMs(e.timerStartedEventAttributes?.startToFireTimeout))).toBe(true);
  }, 120_000);

  it('while the workflow cannot write: up to a bound the submissions wait in the workflow, past it they are refused; once it can, all land', async () => {
    // A worker whose writes of submissions fail, as with Postgres out of reach, until `reachable`.
    let reachable = false;
    const real = createActivities(sql());
    const unreachable: Partial<Activities> = {
      recordMeasures: async (a) => {
        if (!reachable) throw new Error('connect ECONNREFUSED (Postgres out of reach)');
        return real.recordMeasures(a);
      },
    };
    const worker = await startWorker({ activities: unreachable });
    try {
      const year = await freshYear();
      const h = await startCycle(client, worker.taskQueue, { year, frames: frames(p, year, '2000000.00', '400000.00') });
      const long = { ...measure(year, '10.00'), description: 'Lang beskrivelse. '.repeat(550) }; // about 10 000 characters
      let accepted = 0;
      let refused = '';
      while (!refused && accepted < 100) {
        try {
          await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: long }] });
          accepted += 1;
        } catch (e) {
          refused = await rejection(Promise.reject(e));
        }
      }
      // 512 KiB of JSON held unwritten: about 50 such measures, then Conflict (409 through the API).
      expect(refused).toBe('Conflict');
      expect(accepted).toBeGreaterThan(40);
      expect(accepted).toBeLessThan(60);
      expect(await measureRows(h.workflowId)).toEqual([]);

      reachable = true;
      const rows = await poll(() => measureRows(h.workflowId), (r) => r.length === accepted, 'the held submissions written once Postgres answers', 60_000);
      expect(rows.every((r) => r.description === long.description)).toBe(true);
      expect(await submitEntries(h.workflowId)).toBe(accepted);
      await h.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: long }] });
    } finally {
      await worker.stop();
    }
  }, 120_000);
});
