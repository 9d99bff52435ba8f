/**
 * The records feed against real Postgres (schema/migrations/002_records_feed.sql and
 * core/records-feed.ts): a write by another connection reaches the allocation cache through
 * a notification; a terminated listening connection sends reads back to asking Postgres, and they
 * stay correct; once the feed listens again, reads are served from memory again. Waits are for
 * conditions, with a bound; nothing is timed.
 */
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Allocations } from '../../schema/allocations.js';
import { referencePartnership, referencePlan } from '../../schema/reference/load.js';
import { AllocationCache } from '../../core/allocation-cache.js';
import { silentLogger } from '../../services/api/log.js';
import { pgFeedConnection, RecordsFeed } from '../../core/records-feed.js';
import { sql, testEnv } from '../support/stack.js';

const json = (v: unknown) => v as postgres.JSONValue;

/** A partnership of this file's own (Lillehammer-regionen under another id), so that changing its plan disturbs no other test. */
const PID = `feedtest-${randomBytes(4).toString('hex')}`;
const YEAR = 2031;
const CID = `${PID}-${YEAR}`;
const FEED_NAME = `hoep-test-feed-${randomBytes(4).toString('hex')}`;

async function until(what: string, done: () => boolean | Promise<boolean>, bound = 15_000): Promise<void> {
  const end = Date.now() + bound;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** While true, the feed's new connections go to a port where nothing listens: the database is unreachable for it. */
let unreachable = false;
let feed: RecordsFeed;
let cache: AllocationCache;

beforeAll(async () => {
  const config = { ...referencePartnership('lillehammer-regionen'), id: PID, name: `Feed test ${PID}` };
  const plan = { ...referencePlan('lillehammer-regionen'), partnership: PID };
  const years = [0, 1, 2, 3].map((i) => String(YEAR + i));
  const funders = ['county', ...config.municipalities.map((m) => m.id)];
  const frames = Object.fromEntries(funders.map((f) => [f, Object.fromEntries(years.map((y) => [y, '1000000.00']))]));
  const deadlines = {
    proposals: '2099-01-01T00:00:00Z',
    ipr: '2099-02-01T00:00:00Z',
    adoption: '2099-03-01T00:00:00Z',
  };
  await sql()`insert into partnerships (id, name, config, plan) values (${PID}, ${config.name}, ${sql().json(json(config))}, ${sql().json(json(plan))})`;
  await sql().begin(async (tx) => {
    await tx`insert into audit_log (key, at, cycle_id, actor, action) values (${`${CID}#start`}, now(), ${CID}, 'test', 'start')`;
    await tx`insert into cycles (id, partnership_id, year, phase, config, frames, deadlines, started_by)
             values (${CID}, ${PID}, ${YEAR}, 'proposals', ${tx.json(json(config))}, ${tx.json(json(frames))}, ${tx.json(json(deadlines))}, 'test')`;
    await tx`insert into measures (cycle_id, id, title, description, strategies, responsible, amounts, status, proposed_by)
             values (${CID}, 'm1', 'first title', 'd', ${['2.1']}, 'LRV', ${tx.json({ [YEAR]: '1000.00' })}, 'proposed', 'kari')`;
  });

  const url = testEnv().databaseUrl;
  const open = pgFeedConnection(url, FEED_NAME);
  const nowhere = pgFeedConnection('postgres://postgres@127.0.0.1:1/nowhere', FEED_NAME);
  feed = new RecordsFeed((events) => (unreachable ? nowhere(events) : open(events)), silentLogger, {
    retryMs: 20,
    maxRetryMs: 200,
    // Out of the way: these tests are about noticing a closed connection at once (the heartbeat has its own test).
    heartbeatMs: 600_000,
  }).start();
  cache = new AllocationCache(sql(), feed.generations);
  await until('the feed listening', () => feed.live);
});

afterAll(async () => {
  await feed?.close();
});

/** Renames the measure from another connection, in one transaction with an audit entry, as the worker's activities write. */
async function rename(title: string): Promise<void> {
  await sql().begin(async (tx) => {
    await tx`insert into audit_log (key, at, cycle_id, actor, action) values (${`${CID}#${randomBytes(6).toString('hex')}`}, now(), ${CID}, 'test', 'edit')`;
    await tx`update measures set title = ${title}, updated_at = now() where cycle_id = ${CID} and id = 'm1'`;
  });
}

const title = async () =>
  ((await cache.get(CID))?.allocations as Allocations).measures.find((m) => m.id === 'm1')?.title;

/** Runs `write` and waits until the feed has the notification for the cycle. */
async function writeAndAwaitNotification(write: () => Promise<void>): Promise<void> {
  const before = feed.generations.of(CID);
  expect(before).not.toBeNull();
  await write();
  await until('the notification for the cycle', () => feed.generations.of(CID) !== before);
}

/** The backend that serves the feed's listening connection. */
async function feedBackend(): Promise<number | null> {
  const rows = await sql()<
    { pid: number }[]
  >`select pid from pg_stat_activity where application_name = ${FEED_NAME} and pid <> pg_backend_pid()`;
  return rows.length === 1 ? rows[0]!.pid : null;
}

describe('the listening connection', () => {
  it('tells whether its session listens, as the heartbeat asks', async () => {
    const connection = pgFeedConnection(
      testEnv().databaseUrl,
      `${FEED_NAME}-probe`,
    )({ notify: () => {}, closed: () => {} });
    try {
      expect(await connection.listening()).toBe(false);
      await connection.listen();
      expect(await connection.listening()).toBe(true);
    } finally {
      await connection.end();
    }
  });
});

describe('the records feed', () => {
  it('serves reads from memory and shows another connection’s write once its notification arrived', async () => {
    expect(await title()).toBe('first title');
    const { loads, revisionReads } = cache.stats;
    expect(await title()).toBe('first title');
    expect(await title()).toBe('first title');
    expect(cache.stats).toEqual({ loads, revisionReads });

    await writeAndAwaitNotification(() => rename('second title'));
    expect(await title()).toBe('second title');
    expect(cache.stats.loads).toBe(loads + 1);
    expect(await title()).toBe('second title');
    expect(cache.stats).toEqual({ loads: loads + 1, revisionReads });
  });

  it('hears of a partnership reload (its plan titles are part of every cycle’s allocations)', async () => {
    const goals = async () => ((await cache.get(CID))?.allocations as Allocations).goals.map((g) => g.title);
    const [first] = await goals();
    expect(first).toBeTruthy();
    await writeAndAwaitNotification(async () => {
      await sql()`update partnerships set plan = jsonb_set(plan, '{goals,0,title}', '"Renamed goal"'), loaded_at = now() where id = ${PID}`;
    });
    expect((await goals())[0]).toBe('Renamed goal');
  });

  /** Terminates the listening backend, with the feed unable to connect again until `reachable()`. */
  async function dropListener(): Promise<{ reachable: () => Promise<void> }> {
    const backend = await feedBackend();
    expect(backend).not.toBeNull();
    unreachable = true;
    const [terminated] = await sql()<{ ok: boolean }[]>`select pg_terminate_backend(${backend}::int, 5000) as ok`;
    expect(terminated?.ok).toBe(true);
    await until('the feed noticing the loss', () => !feed.live);
    expect(feed.generations.of(CID)).toBeNull();
    return {
      reachable: async () => {
        unreachable = false;
        await until('the feed listening again', () => feed.live);
        await until('a new listening backend', async () => ((await feedBackend()) ?? backend) !== backend);
      },
    };
  }

  it('misses nothing written while it did not listen: listening again voids what was kept', async () => {
    expect(await title()).toBe('second title');
    const listener = await dropListener();
    await rename('written while not listening'); // no notification reaches the API, and nobody reads now
    await listener.reachable();
    expect(await title()).toBe('written while not listening');
  });

  it('asks Postgres while the listening connection is gone, stays correct, and serves from memory again once it listens', async () => {
    const listener = await dropListener();
    const { revisionReads } = cache.stats;
    await rename('read while not listening');
    expect(await title()).toBe('read while not listening');
    await rename('and again');
    expect(await title()).toBe('and again');
    expect(await title()).toBe('and again');
    expect(cache.stats.revisionReads).toBe(revisionReads + 3);
    expect(feed.live).toBe(false);

    await listener.reachable();
    expect(await title()).toBe('and again');
    const after = { ...cache.stats };
    expect(await title()).toBe('and again');
    expect(await title()).toBe('and again');
    expect(cache.stats).toEqual(after);
    expect(after.revisionReads).toBe(revisionReads + 3);

    await writeAndAwaitNotification(() => rename('heard again'));
    expect(await title()).toBe('heard again');
    expect(cache.stats.revisionReads).toBe(after.revisionReads);
  });
});
