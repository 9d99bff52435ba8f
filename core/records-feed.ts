/**
 * Which cycles' records changed, learnt from Postgres instead of asked on every read.
 *
 * schema/migrations/002_records_feed.sql NOTIFYs `hoep_records` with a cycle's id when a transaction
 * that changed the cycle's records commits (an audit entry, or a reload of its partnership). The
 * API LISTENs on one connection of its own and keeps a generation per cycle (`Generations`): a
 * number that changes with every notification for the cycle, and for all cycles at once whenever
 * the feed (re)starts listening. Something computed from a cycle's records is current while the
 * cycle's generation is the one read when its computation STARTED: a notification that arrives
 * during the computation makes it stale, since the computation may have read before the write.
 *
 * While the feed is not listening (not yet, or the connection was lost) there is no generation
 * (`of` answers null) and readers must ask Postgres, as they did before the feed. Loss is noticed
 * when the connection closes (postgres.js `onclose`: a terminated backend, a restart, a reset) and,
 * for a connection that goes silent without closing, by a heartbeat that asks the session whether
 * it still listens (every `heartbeatMs`, answer within `heartbeatTimeoutMs`). Then the feed
 * reconnects with a growing delay; once listening again every generation changes, because
 * notifications sent meanwhile are gone.
 *
 * What this leaves: a write committed by another process (the worker on a timer, such as a
 * deadline's phase change, or another API replica) is visible to this API's reads once its
 * notification has arrived, typically well under a millisecond after the commit. A request that
 * arrives in between gets the earlier state, as if it had arrived just before the commit. A lost
 * connection widens that window to the time until the loss is noticed (at once for a closed
 * connection, up to heartbeatMs + heartbeatTimeoutMs for a silent one). This API's own actions do not
 * wait for any of it: endpoint.ts marks the cycle changed before their response goes out.
 */
import postgres from 'postgres';
import type { Logger } from '../services/api/log.js';

export const RECORDS_CHANNEL = 'hoep_records';

/** More distinct cycles than this changed since the last start: forget them all (every generation changes). */
const MAX_TRACKED = 10_000;

/** A generation per cycle, drawn from one clock so that a value never comes back. */
export class Generations {
  private clock = 0;
  /** the clock when the feed last started listening: the generation of every cycle unchanged since */
  private since = 0;
  private listening = false;
  private readonly changes = new Map<string, number>();

  /** True while notifications arrive, so generations can be trusted. */
  get live(): boolean {
    return this.listening;
  }

  /** The cycle's generation now; null while the feed is not listening (ask Postgres instead). */
  of(cycleId: string): number | null {
    if (!this.listening) return null;
    return this.changes.get(cycleId) ?? this.since;
  }

  /** The cycle's records changed (a notification, or an action of this API). */
  bump(cycleId: string): void {
    this.changes.set(cycleId, ++this.clock);
    if (this.changes.size > MAX_TRACKED) this.restart();
  }

  /** Listening (again): whatever happened before may have been missed, so every generation changes. */
  connected(): void {
    this.restart();
    this.listening = true;
  }

  /** Not listening any more (what changes meanwhile is unknown; `connected` makes up for it). */
  lost(): void {
    this.listening = false;
    this.changes.clear();
  }

  private restart(): void {
    this.changes.clear();
    this.since = ++this.clock;
  }
}

/** What the feed needs of a connection: postgres.js in production (`pgFeedConnection`), a stand-in in unit tests. */
export interface FeedConnection {
  /** LISTEN on the channel; resolves once the session listens. */
  listen(): Promise<void>;
  /** Whether this very session still listens on the channel (a reconnected session would not). */
  listening(): Promise<boolean>;
  end(): Promise<void>;
}

export interface FeedEvents {
  /** a notification on the channel, with its payload (a cycle id) */
  notify(payload: string): void;
  /** the connection closed, for whatever reason */
  closed(): void;
}

export type OpenFeedConnection = (events: FeedEvents) => FeedConnection;

/** A dedicated postgres.js connection (max 1, never idled out) per attempt; it is never reused once closed. */
export function pgFeedConnection(url: string, applicationName = 'hoep-api-feed'): OpenFeedConnection {
  return (events) => {
    // postgres.js takes onnotify as an option but its types do not list it.
    const handlers = {
      onnotify: (channel: string, payload: string) => {
        if (channel === RECORDS_CHANNEL) events.notify(payload);
      },
      onclose: () => events.closed(),
    };
    const sql = postgres(url, {
      max: 1,
      max_lifetime: null,
      connect_timeout: 10,
      fetch_types: false,
      connection: { application_name: applicationName },
      onnotice: () => {},
      ...handlers,
    });
    return {
      listen: async () => {
        await sql.unsafe(`listen ${RECORDS_CHANNEL}`);
      },
      listening: async () => {
        const rows = await sql<
          { ok: boolean }[]
        >`select ${RECORDS_CHANNEL} = any(array(select pg_listening_channels())) as ok`;
        return rows[0]?.ok === true;
      },
      end: () => sql.end({ timeout: 0 }),
    };
  };
}

export interface RecordsFeedOptions {
  open: OpenFeedConnection;
  log: Logger;
  /** first delay before reconnecting; it doubles up to maxRetryMs while attempts fail */
  retryMs?: number;
  maxRetryMs?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
}

/** Tells the cache a cycle's records changed; the feed does it for notifications, endpoint.ts for this API's own actions. */
export interface RecordChanges {
  changed(cycleId: string): void;
}

export class RecordsFeed implements RecordChanges {
  readonly generations = new Generations();
  private readonly options: Required<Omit<RecordsFeedOptions, 'open' | 'log'>>;
  /** the attempt whose connection's events count; bumped when an attempt is given up */
  private attempt = 0;
  private connection: FeedConnection | null = null;
  private retryDelay: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly open: OpenFeedConnection,
    private readonly log: Logger,
    options: Omit<RecordsFeedOptions, 'open' | 'log'> = {},
  ) {
    this.options = { retryMs: 100, maxRetryMs: 5_000, heartbeatMs: 5_000, heartbeatTimeoutMs: 5_000, ...options };
    this.retryDelay = this.options.retryMs;
  }

  get live(): boolean {
    return this.generations.live;
  }

  changed(cycleId: string): void {
    this.generations.bump(cycleId);
  }

  /** Resolves when the feed listens (at once if it does). */
  listening(): Promise<void> {
    if (this.live) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  start(): this {
    void this.connect();
    return this;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.attempt++;
    if (this.timer) clearTimeout(this.timer);
    this.generations.lost();
    const connection = this.connection;
    this.connection = null;
    await connection?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const attempt = ++this.attempt;
    const current = () => attempt === this.attempt && !this.stopped;
    const connection = this.open({
      notify: (cycleId) => {
        if (current()) this.generations.bump(cycleId);
      },
      closed: () => {
        if (current()) this.lose('the listening connection closed');
      },
    });
    this.connection = connection;
    try {
      await connection.listen();
    } catch (e) {
      if (current()) this.lose(`cannot listen: ${(e as Error).message}`);
      return;
    }
    if (!current()) return;
    this.generations.connected();
    this.retryDelay = this.options.retryMs;
    this.log.log('info', 'records feed listening', { channel: RECORDS_CHANNEL });
    for (const resolve of this.waiters.splice(0)) resolve();
    this.heartbeat(attempt, connection);
  }

  private heartbeat(attempt: number, connection: FeedConnection): void {
    this.timer = setTimeout(() => {
      let timeout: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(false), this.options.heartbeatTimeoutMs).unref();
      });
      void Promise.race([connection.listening().catch(() => false), late]).then((ok) => {
        clearTimeout(timeout);
        if (attempt !== this.attempt || this.stopped) return;
        if (ok) this.heartbeat(attempt, connection);
        else this.lose('the listening connection did not answer the heartbeat as a listener');
      });
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Gives up the current connection: readers ask Postgres until a new one listens. */
  private lose(reason: string): void {
    const wasLive = this.live;
    this.attempt++;
    this.generations.lost();
    if (this.timer) clearTimeout(this.timer);
    void this.connection?.end().catch(() => undefined);
    this.connection = null;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.maxRetryMs);
    this.log.log(wasLive ? 'warn' : 'debug', 'records feed not listening; reads ask Postgres meanwhile', {
      reason,
      retryInMs: delay,
    });
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }
}

/** Starts listening at `url`; reads fall back to asking Postgres until the feed listens. */
export function startRecordsFeed(
  options: { url: string; log: Logger } & Omit<RecordsFeedOptions, 'open' | 'log'>,
): RecordsFeed {
  const { url, log, ...rest } = options;
  return new RecordsFeed(pgFeedConnection(url), log, rest).start();
}
