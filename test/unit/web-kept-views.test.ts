/**
 * What the signed-in pages keep of a cycle (web/kept-views.ts, web/cycle-view.ts) and when they
 * read it again: a new version of the records, a deadline passing, a phase change half seen, a
 * status the workflow did not give, a read that hangs or fails. And which encodings a request takes.
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acceptedEncodings } from '../../web/accept-encoding.js';
import type { CycleRecord, CycleStatusView, WebContext } from '../../web/core.js';
import { viewUntil } from '../../web/cycle-view.js';
import { keptView } from '../../web/kept-views.js';

/** An app context whose allocation cache says which version the cycle's records are at. */
function appAt(version: { current: string }): WebContext {
  return { allocations: { get: async () => ({ version: version.current }) } } as unknown as WebContext;
}

const never = () => new Promise<string>(() => undefined);

afterEach(() => vi.restoreAllMocks());

describe('keptView', () => {
  it('reads once per version, and again when the records change', async () => {
    const version = { current: 'v1' };
    const ctx = appAt(version);
    const load = vi.fn(async (s: { version: string }) => `view of ${s.version}`);
    expect(await keptView(ctx, 'k', 'c', load)).toBe('view of v1');
    expect(await keptView(ctx, 'k', 'c', load)).toBe('view of v1');
    expect(load).toHaveBeenCalledTimes(1);
    version.current = 'v2';
    expect(await keptView(ctx, 'k', 'c', load)).toBe('view of v2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reads again once the view says it no longer holds, though the records are the same', async () => {
    const ctx = appAt({ current: 'v1' });
    let now = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const load = vi.fn(async () => 'view');
    await keptView(ctx, 'k', 'c', load, (_v, at) => at + 5000);
    now += 4999;
    await keptView(ctx, 'k', 'c', load, (_v, at) => at + 5000);
    expect(load).toHaveBeenCalledTimes(1);
    now += 2;
    await keptView(ctx, 'k', 'c', load, (_v, at) => at + 5000);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares a read under way for a while, but not one that hangs past a page deadline', async () => {
    const ctx = appAt({ current: 'v1' });
    let now = 2_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const load = vi.fn(never);
    /** A request for the view, given time to reach its load. */
    const request = async () => {
      void keptView(ctx, 'k', 'c', load);
      await new Promise((r) => setImmediate(r));
    };
    await request();
    now += 5000;
    await request();
    expect(load).toHaveBeenCalledTimes(1);
    now += 6000;
    await request();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps no failed read: the next request reads again', async () => {
    const ctx = appAt({ current: 'v1' });
    const load = vi.fn().mockRejectedValueOnce(new Error('Postgres out of reach')).mockResolvedValue('view');
    await expect(keptView(ctx, 'k', 'c', load)).rejects.toThrow('Postgres out of reach');
    expect(await keptView(ctx, 'k', 'c', load)).toBe('view');
  });
});

describe('viewUntil: how long a cycle view holds at its version', () => {
  const NOW = Date.parse('2027-03-01T12:00:00Z');
  const cycle = { phase: 'prioritisation' } as CycleRecord;
  const status = (over: Partial<CycleStatusView>): CycleStatusView =>
    ({
      phase: 'prioritisation',
      source: 'workflow',
      deadlines: {
        proposals: '2027-02-01T12:00:00Z',
        ipr: '2027-03-01T13:00:00Z',
        adoption: '2027-04-01T12:00:00Z',
      },
      adoptions: [],
      ...over,
    }) as CycleStatusView;

  it('till 10 s after the next deadline, when the workflow notes it passing', () => {
    expect(viewUntil({ cycle, status: status({}) }, NOW)).toBe(Date.parse('2027-03-01T13:00:10Z'));
    // Read 5 s after a deadline: again 10 s after it, in case the workflow had not noted it yet.
    const after = Date.parse('2027-03-01T13:00:05Z');
    expect(viewUntil({ cycle, status: status({}) }, after)).toBe(Date.parse('2027-03-01T13:00:10Z'));
  });

  it('half a second, when the workflow still shows the phase before the one the records have', () => {
    expect(viewUntil({ cycle: { phase: 'adoption' } as CycleRecord, status: status({}) }, NOW)).toBe(NOW + 500);
  });

  it('at most 30 s, when the status came from the records because the workflow did not answer', () => {
    expect(viewUntil({ cycle, status: status({ source: 'records' }) }, NOW)).toBe(NOW + 30_000);
  });
});

describe('acceptedEncodings', () => {
  const app = new Hono().get('/', (c) => c.json(acceptedEncodings(c)));
  const ask = async (header?: string) =>
    (await app.request('/', header === undefined ? {} : { headers: { 'accept-encoding': header } })).json();

  it('takes a coding listed, with or without a weight above 0, and none refused by q=0', async () => {
    expect(await ask('gzip, deflate, br')).toEqual({ br: true, gzip: true });
    expect(await ask('gzip;q=0.5')).toEqual({ br: false, gzip: true });
    expect(await ask('br, gzip;q=0')).toEqual({ br: true, gzip: false });
    expect(await ask()).toEqual({ br: false, gzip: false });
  });
});
