/**
 * The records feed and the allocation cache without Postgres: generations per cycle, when a kept
 * snapshot may be served, the fallback to the revision while the feed does not listen, the feed's
 * reaction to a lost connection and a silent one (stand-in connections), and endpoint.ts marking a
 * cycle changed after this API's own actions.
 * Over 300 lines: the cache follows the feed's generations, so the two are tested together.
 */
import { Hono } from 'hono';
import type postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { API_BASE, endpoints } from '../../schema/api.js';
import type { Allocations } from '../../schema/allocations.js';
import { AllocationCache, type Loaded } from '../../core/allocation-cache.js';
import type { Principal } from '../../services/api/auth.js';
import type { ApiContext, AppEnv } from '../../services/api/context.js';
import { route } from '../../services/api/endpoint.js';
import { silentLogger } from '../../services/api/log.js';
import { Generations, RecordsFeed, type FeedConnection, type FeedEvents } from '../../core/records-feed.js';
import type { RevisionReader } from '../../core/revisions.js';
import { loadConfig } from '../../services/config.js';

const CID = 'lillehammer-regionen-2027';
const OTHER = 'lillehammer-regionen-2028';

/** Waits for a condition, checking every few milliseconds, and fails after a bound (no timing is asserted). */
async function until(what: string, done: () => boolean, bound = 5_000): Promise<void> {
  const end = Date.now() + bound;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('generations', () => {
  it('are null until the feed listens, and after it stops', () => {
    const g = new Generations();
    expect(g.of(CID)).toBeNull();
    g.bump(CID);
    expect(g.of(CID)).toBeNull();
    g.connected();
    expect(g.of(CID)).not.toBeNull();
    g.lost();
    expect(g.of(CID)).toBeNull();
  });

  it('change for the cycle notified only', () => {
    const g = new Generations();
    g.connected();
    const [a, b] = [g.of(CID), g.of(OTHER)];
    g.bump(CID);
    expect(g.of(CID)).not.toBe(a);
    expect(g.of(OTHER)).toBe(b);
    const a2 = g.of(CID);
    expect(g.of(CID)).toBe(a2);
  });

  it('all change when the feed listens again, and never come back', () => {
    const g = new Generations();
    const seen = new Set<number>();
    for (let round = 0; round < 3; round++) {
      g.connected();
      const unchanged = g.of(OTHER)!;
      g.bump(CID);
      const changed = g.of(CID)!;
      expect(seen.has(unchanged) || seen.has(changed)).toBe(false);
      seen.add(unchanged).add(changed);
      g.lost();
    }
  });
});

const allocations = (title: string) => ({ cycle: CID, measures: [{ title }] }) as unknown as Allocations;
const loaded = (title: string, revision = 'r1'): Loaded => ({ revision, allocations: allocations(title) });

/** A cache over stand-ins: a load that the test settles, a revision the test sets, and counters. */
function cacheUnderTest() {
  const generations = new Generations();
  const loads: { cycleId: string; result: ReturnType<typeof deferred<Loaded | null>> }[] = [];
  let revision: string | null = 'r1';
  const reader = { read: async () => revision } as unknown as RevisionReader;
  const cache = new AllocationCache({} as postgres.Sql, generations, {
    reader,
    load: (cycleId) => {
      const result = deferred<Loaded | null>();
      loads.push({ cycleId, result });
      return result.promise;
    },
  });
  const settle = (title: string | null, revision = 'r1') =>
    loads[loads.length - 1]!.result.resolve(title === null ? null : loaded(title, revision));
  return { generations, cache, loads, settle, setRevision: (r: string | null) => (revision = r) };
}

const titleOf = async (p: Promise<{ allocations: Allocations } | null>) =>
  ((await p)?.allocations.measures[0] as { title: string } | undefined)?.title ?? null;

describe('the allocation cache while the feed listens', () => {
  it('loads once and serves the snapshot until the cycle changes, without asking for the revision', async () => {
    const { generations, cache, loads, settle } = cacheUnderTest();
    generations.connected();
    const first = cache.get(CID);
    settle('a');
    expect(await titleOf(first)).toBe('a');
    expect(await titleOf(cache.get(CID))).toBe('a');
    expect(await titleOf(cache.get(CID))).toBe('a');
    expect(cache.stats).toEqual({ loads: 1, revisionReads: 0 });

    generations.bump(CID);
    const second = cache.get(CID);
    expect(loads).toHaveLength(2);
    settle('b');
    expect(await titleOf(second)).toBe('b');
    expect(await titleOf(cache.get(CID))).toBe('b');
    expect(cache.stats.loads).toBe(2);
  });

  it('counts a load stale when a notification arrived while it ran', async () => {
    const { generations, cache, loads, settle } = cacheUnderTest();
    generations.connected();
    const early = cache.get(CID);
    const joined = cache.get(CID); // arrives before the notification: shares the load
    expect(loads).toHaveLength(1);
    generations.bump(CID); // the load may have read before this write
    settle('old');
    expect(await titleOf(early)).toBe('old');
    expect(await titleOf(joined)).toBe('old');
    const late = cache.get(CID);
    expect(loads).toHaveLength(2);
    settle('new');
    expect(await titleOf(late)).toBe('new');
  });

  it('loads again for every cycle when the feed listens again', async () => {
    const { generations, cache, loads, settle } = cacheUnderTest();
    generations.connected();
    const first = cache.get(CID);
    settle('a');
    await first;
    generations.lost();
    generations.connected();
    const again = cache.get(CID);
    expect(loads).toHaveLength(2);
    settle('b');
    expect(await titleOf(again)).toBe('b');
  });

  it('keeps no answer for a cycle that does not exist (it may be started next)', async () => {
    const { generations, cache, loads, settle } = cacheUnderTest();
    generations.connected();
    const missing = cache.get(CID);
    settle(null);
    expect(await missing).toBeNull();
    const started = cache.get(CID);
    expect(loads).toHaveLength(2);
    settle('a');
    expect(await titleOf(started)).toBe('a');
  });

  it('forgets a load that failed', async () => {
    const { generations, cache, loads } = cacheUnderTest();
    generations.connected();
    const failed = cache.get(CID);
    loads[0]!.result.reject(new Error('connection refused'));
    await expect(failed).rejects.toThrow('connection refused');
    void cache.get(CID);
    expect(loads).toHaveLength(2);
  });
});

describe('the allocation cache while the feed does not listen', () => {
  it('asks for the revision on every read and loads when it changed', async () => {
    const { cache, loads, settle, setRevision } = cacheUnderTest();
    const first = cache.get(CID);
    await until('the first load', () => loads.length === 1);
    settle('a');
    expect(await titleOf(first)).toBe('a');
    expect(await titleOf(cache.get(CID))).toBe('a');
    expect(cache.stats).toEqual({ loads: 1, revisionReads: 2 });

    setRevision('r2');
    const second = cache.get(CID);
    await until('the second load', () => loads.length === 2);
    settle('b');
    expect(await titleOf(second)).toBe('b');
    setRevision(null);
    expect(await cache.get(CID)).toBeNull();
  });

  it('does not trust a snapshot loaded while listening once the feed is lost, nor the other way round', async () => {
    const { generations, cache, loads, settle } = cacheUnderTest();
    generations.connected();
    const live = cache.get(CID);
    settle('live');
    await live;
    generations.lost();
    const fallback = cache.get(CID);
    await until('a load by revision', () => loads.length === 2);
    settle('by revision');
    expect(await titleOf(fallback)).toBe('by revision');
    expect(await titleOf(cache.get(CID))).toBe('by revision');
    expect(loads).toHaveLength(2);
    generations.connected();
    void cache.get(CID);
    expect(loads).toHaveLength(3);
  });
});

describe('ETags', () => {
  it('come from the revision and the content: equal for both equal, different otherwise', async () => {
    const { generations, cache, settle } = cacheUnderTest();
    generations.connected();
    const next = async (title: string, revision: string) => {
      generations.bump(CID);
      const got = cache.get(CID);
      settle(title, revision);
      return (await got)!;
    };
    const a = await next('a', 'r1');
    const again = await next('a', 'r1');
    const laterRevision = await next('a', 'r2');
    const otherContent = await next('b', 'r1');
    expect(again).not.toBe(a);
    expect(again.etag('json', false)).toBe(a.etag('json', false));
    expect(laterRevision.etag('json', false)).not.toBe(a.etag('json', false));
    expect(otherContent.etag('json', false)).not.toBe(a.etag('json', false));
    expect(new Set([a.etag('json', false), a.etag('json', true), a.etag('csv', false), a.etag('csv', true)]).size).toBe(
      4,
    );
  });
});

/** A stand-in connection per attempt: the test decides when LISTEN answers, closes it, and answers heartbeats. */
class FakeConnections {
  readonly opened: {
    events: FeedEvents;
    listen: ReturnType<typeof deferred<void>>;
    listening: boolean;
    hang: boolean;
    ended: boolean;
  }[] = [];

  open = (events: FeedEvents): FeedConnection => {
    const c = { events, listen: deferred<void>(), listening: true, hang: false, ended: false };
    this.opened.push(c);
    return {
      listen: () => c.listen.promise,
      listening: () => (c.hang ? new Promise<boolean>(() => {}) : Promise.resolve(c.listening && !c.ended)),
      end: async () => {
        c.ended = true;
      },
    };
  };

  get last() {
    return this.opened[this.opened.length - 1]!;
  }
}

describe('the records feed', () => {
  const feedUnderTest = (options: { heartbeatMs?: number } = {}) => {
    const connections = new FakeConnections();
    const feed = new RecordsFeed(connections.open, silentLogger, {
      retryMs: 1,
      maxRetryMs: 4,
      heartbeatMs: 60_000,
      heartbeatTimeoutMs: 20,
      ...options,
    }).start();
    return { connections, feed };
  };

  it('listens, bumps the cycles notified, and gives up a closed connection until a new one listens', async () => {
    const { connections, feed } = feedUnderTest();
    try {
      expect(connections.opened).toHaveLength(1);
      expect(feed.live).toBe(false);
      const listening = feed.listening();
      connections.last.listen.resolve();
      await listening;
      expect(feed.live).toBe(true);

      const before = feed.generations.of(CID);
      const other = feed.generations.of(OTHER);
      connections.last.events.notify(CID);
      expect(feed.generations.of(CID)).not.toBe(before);
      expect(feed.generations.of(OTHER)).toBe(other);

      const first = connections.last;
      first.events.closed();
      expect(feed.live).toBe(false);
      expect(feed.generations.of(CID)).toBeNull();
      expect(first.ended).toBe(true);
      await until('a new connection', () => connections.opened.length === 2);
      connections.last.listen.resolve();
      await until('listening again', () => feed.live);
      expect(feed.generations.of(OTHER)).not.toBe(other);

      // the old connection's events count no more
      const now = feed.generations.of(CID);
      first.events.notify(CID);
      first.events.closed();
      expect(feed.live).toBe(true);
      expect(feed.generations.of(CID)).toBe(now);
      expect(connections.opened).toHaveLength(2);
    } finally {
      await feed.close();
    }
  });

  it('tries again when LISTEN fails', async () => {
    const { connections, feed } = feedUnderTest();
    try {
      connections.last.listen.reject(new Error('ECONNREFUSED'));
      await until('a second attempt', () => connections.opened.length === 2);
      connections.last.listen.reject(new Error('ECONNREFUSED'));
      await until('a third attempt', () => connections.opened.length === 3);
      expect(feed.live).toBe(false);
      connections.last.listen.resolve();
      await until('listening', () => feed.live);
    } finally {
      await feed.close();
    }
  });

  it('gives up a connection that no longer listens or does not answer the heartbeat', async () => {
    const { connections, feed } = feedUnderTest({ heartbeatMs: 1 });
    try {
      connections.last.listen.resolve();
      await until('listening', () => feed.live);
      connections.last.listening = false; // e.g. a session that was replaced underneath
      await until('the loss noticed', () => !feed.live);
      await until('a second attempt', () => connections.opened.length === 2);
      connections.last.listen.resolve();
      await until('listening again', () => feed.live);
      connections.last.hang = true; // a silent network
      await until('the silence noticed', () => !feed.live);
      await until('a third attempt', () => connections.opened.length === 3);
    } finally {
      await feed.close();
    }
  });

  it('stops for good when closed', async () => {
    const { connections, feed } = feedUnderTest();
    connections.last.listen.resolve();
    await until('listening', () => feed.live);
    await feed.close();
    expect(feed.live).toBe(false);
    expect(connections.last.ended).toBe(true);
    connections.last.events.closed();
    await new Promise((r) => setTimeout(r, 20));
    expect(connections.opened).toHaveLength(1);
  });
});

describe('actions through the API', () => {
  const principal: Principal = {
    sub: 'lrv-admin',
    name: 'Admin',
    roles: ['admin'],
    partnership: 'lillehammer-regionen',
  };
  const appWith = (handler: () => Promise<Response>) => {
    const changed: string[] = [];
    const ctx = {
      auth: {
        mode: 'local',
        verify: async (token: string) => (token === 'good' ? principal : Promise.reject(new Error('refused'))),
      },
      changes: { changed: (cycleId: string) => changed.push(cycleId) },
      config: loadConfig({}),
      // route() runs each request under a Temporal deadline; these handlers call no Temporal.
      temporal: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() },
    } as unknown as ApiContext;
    const app = new Hono<AppEnv>();
    const seenByHandler: number[] = [];
    const wrapped = async () => {
      seenByHandler.push(changed.length);
      return handler();
    };
    const api = new Hono<AppEnv>();
    route(api, ctx, endpoints.closeProposals, wrapped);
    route(api, ctx, endpoints.getCycle, wrapped);
    route(api, ctx, endpoints.startCycle, wrapped);
    app.route(API_BASE, api);
    app.onError((_e, c) => c.text('failed', 500));
    const send = (method: string, path: string, token = 'good') =>
      app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
    return { app, changed, seenByHandler, send };
  };

  it('mark the cycle changed once the handler is done, before the response goes out', async () => {
    const { changed, seenByHandler, send } = appWith(async () => new Response('ok'));
    const res = await send('POST', `/api/v1/cycles/${CID}/proposals/close`);
    expect(res.status).toBe(200);
    expect(seenByHandler).toEqual([0]);
    expect(changed).toEqual([CID]);
  });

  it('mark it also when the handler failed (an Update may have been applied all the same)', async () => {
    const { changed, send } = appWith(async () => {
      throw new Error('deadline exceeded');
    });
    expect((await send('POST', `/api/v1/cycles/${CID}/proposals/close`)).status).toBe(500);
    expect(changed).toEqual([CID]);
  });

  it('leave reads, paths without a cycle id, and refused callers alone', async () => {
    const { changed, send } = appWith(async () => new Response('ok'));
    expect((await send('GET', `/api/v1/cycles/${CID}`)).status).toBe(200);
    await send('POST', '/api/v1/partnerships/lillehammer-regionen/cycles');
    expect((await send('POST', `/api/v1/cycles/${CID}/proposals/close`, 'bad')).status).toBe(500);
    expect(changed).toEqual([]);
  });
});
