/**
 * The record activities against real Postgres: a retried write changes nothing, a different write
 * that comes to the same key after a lost workflow step is still made, and concurrent writes of
 * one cycle leave each row as the workflow's latest write set it, whatever order they commit in.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { AuditEntry } from '../../activities/records.js';
import { freshYear, sql } from '../support/stack.js';
import { frames, lillehammer, measure } from '../support/cycles.js';

let records: ReturnType<typeof createActivities>;
let cycleId: string;
let year: number;

const entry = (seq: number, action: string, ref: string | null = null, at = new Date().toISOString()): AuditEntry => ({
  key: `${cycleId}#${seq}`,
  seq,
  at,
  cycleId,
  actor: 'tester',
  action,
  ref,
  detail: {},
});

const deadlines = { proposals: '2099-01-01T00:00:00Z', ipr: '2099-02-01T00:00:00Z', adoption: '2099-03-01T00:00:00Z' };

beforeAll(async () => {
  records = createActivities(sql());
  year = await freshYear();
  const p = lillehammer();
  cycleId = `${p.id}-${year}`;
  await records.recordCycle({
    cycleId,
    partnershipId: p.id,
    year,
    config: p,
    frames: frames(p, year, '1.00', '1.00'),
    deadlines,
    carryOver: {},
    startedBy: 'tester',
    audit: entry(1, 'cycle:start'),
  });
});

const auditRows = (key: string) =>
  sql()<{ action: string; ref: string }[]>`select action, ref from audit_log where key = ${key} order by seq`;
const measureRow = async (id: string) =>
  (
    await sql()<
      { title: string; status: string }[]
    >`select title, status from measures where cycle_id = ${cycleId} and id = ${id}`
  )[0];

describe('record writes', () => {
  it('a retry of the same write, later in workflow time, changes nothing', async () => {
    const write = (at: string) =>
      records.recordMeasure({
        cycleId,
        id: 'm0001',
        proposedBy: 'alice',
        status: 'proposed',
        fields: measure(year, '10.00'),
        audit: entry(2, 'measure:submit', 'm0001', at),
      });
    await write('2026-11-22T10:00:00.000Z');
    await write('2026-11-22T10:00:05.000Z');
    expect(await auditRows(`${cycleId}#2`)).toEqual([{ action: 'measure:submit', ref: 'm0001' }]);
    expect(
      (await sql()`select count(*)::int as n from measures where cycle_id = ${cycleId} and id = 'm0001'`)[0]!.n,
    ).toBe(1);
  });

  it('a different write at a key a lost step used is made, and replaces what the lost step left', async () => {
    // The lost step: Alice's measure took position 3 and id m0002, then its workflow task was lost.
    await records.recordMeasure({
      cycleId,
      id: 'm0002',
      proposedBy: 'alice',
      status: 'proposed',
      fields: { ...measure(year, '20.00'), title: 'Alice' },
      audit: entry(3, 'measure:submit', 'm0002'),
    });
    // Bob's submission came first when the step was redone: position 3 and m0002 are his now.
    await records.recordMeasure({
      cycleId,
      id: 'm0002',
      proposedBy: 'bob',
      status: 'proposed',
      fields: { ...measure(year, '30.00'), title: 'Bob' },
      audit: entry(3, 'measure:submit', 'm0002'),
    });
    // And Alice's comes again as the next one.
    await records.recordMeasure({
      cycleId,
      id: 'm0003',
      proposedBy: 'alice',
      status: 'proposed',
      fields: { ...measure(year, '20.00'), title: 'Alice' },
      audit: entry(4, 'measure:submit', 'm0003'),
    });
    expect(await measureRow('m0002')).toEqual({ title: 'Bob', status: 'proposed' });
    expect(await measureRow('m0003')).toEqual({ title: 'Alice', status: 'proposed' });
    expect(await auditRows(`${cycleId}#3`)).toHaveLength(2); // the trace of the lost step stays
  });

  it("keeps the state of the workflow's latest write when an earlier one commits after it", async () => {
    await records.recordMeasure({
      cycleId,
      id: 'm0001',
      proposedBy: 'alice',
      status: 'withdrawn',
      fields: {},
      audit: entry(6, 'measure:withdraw', 'm0001'),
    });
    await records.recordMeasure({
      cycleId,
      id: 'm0001',
      proposedBy: 'alice',
      status: 'proposed',
      fields: { title: 'Edited before the withdrawal' },
      audit: entry(5, 'measure:edit', 'm0001'),
    });
    expect(await measureRow('m0001')).toEqual({ title: 'Tiltak 10.00', status: 'withdrawn' });

    const p = lillehammer();
    await records.recordPhase({
      cycleId,
      phase: 'prioritisation',
      frames: frames(p, year, '1.00', '1.00'),
      deadlines,
      audit: entry(8, 'phase:prioritisation'),
    });
    await records.recordPhase({
      cycleId,
      phase: 'proposals',
      frames: frames(p, year, '1.00', '1.00'),
      deadlines: { ...deadlines, proposals: '2098-12-01T00:00:00Z' },
      audit: entry(7, 'deadline:move', 'proposals'),
    });
    const [row] = await sql()<
      { phase: string; deadlines: { proposals: string } }[]
    >`select phase, deadlines from cycles where id = ${cycleId}`;
    expect(row).toEqual({ phase: 'prioritisation', deadlines });
  });
});
