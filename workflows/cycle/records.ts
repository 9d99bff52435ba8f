/**
 * The cycle's writes to its records (Postgres). The workflow is the only writer, through ordinary
 * activities that the Update handlers await: an activity is scheduled by the workflow task that
 * accepts its Update, so the server has the acceptance in history before the write can run, and
 * Postgres never holds an action that the workflow did not take. No local activities: a local
 * activity runs before its workflow task completes, that is before the Update is durably accepted.
 *
 * The writes of one record run in the workflow's order, one after another (a measure and its edit,
 * a priority list and the list that replaces it, the votes on it); writes of different records run
 * side by side, and every write waits for the cycle's own row. The audit entry's seq (taken when
 * the action is decided) still orders them in Postgres too (activities/records.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RecordActivities } from '../../domain/records.js';

/** One statement or a small transaction: retried until it lands; a lost worker is noticed in 10 s. */
export const write = proxyActivities<RecordActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', maximumInterval: '10s', backoffCoefficient: 2 },
});

/** A cycle's allocation rows: 16 000 rows (1 000 measures) take about a second. */
export const writeBulk = proxyActivities<RecordActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/** The record names the order is kept by. */
export const RECORD = {
  cycle: 'cycle',
  measure: (id: string) => `measure:${id}`,
  lists: 'priority-lists',
  adoption: (round: number, municipality: string) => `adoption:${round}:${municipality}`,
  allocations: 'allocations',
  progress: (id: string) => `progress:${id}`,
  indicators: 'indicators',
  yearEnd: 'year-end',
} as const;

export class RecordOrder {
  private readonly last = new Map<string, Promise<unknown>>();
  private cycleRow: Promise<unknown>;
  private markStarted: () => void = () => undefined;

  /** `started`: the cycle's row is in Postgres already (a run that continues an earlier one). */
  constructor(started: boolean) {
    this.cycleRow = started ? Promise.resolve() : new Promise<void>((resolve) => (this.markStarted = resolve));
  }

  /** The cycle's first write, its row; every other write waits for it. */
  async start(run: () => Promise<unknown>): Promise<void> {
    await run();
    this.markStarted();
  }

  /** Runs `run` once the cycle's row and the earlier writes of each named record are in Postgres. */
  write<T>(records: readonly string[], run: () => Promise<T>): Promise<T> {
    const earlier = [this.cycleRow, ...records.map((r) => this.last.get(r))].map((p) => p?.catch(() => undefined));
    const done = Promise.all(earlier).then(run);
    for (const r of records) this.last.set(r, done);
    return done;
  }
}
