/**
 * The fault driver: while cycles run, one fault at a time at seeded random moments. The kinds
 * come from a shuffled bag (every kind once, then a new shuffle), so a short run still meets each
 * kind and a rerun with the same seed draws the same sequence.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Rng } from './rng.js';
import type { FaultStack } from './stack.js';

export const FAULT_KINDS = ['worker', 'temporal', 'postgres', 'api'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The Updates the API sends for the script's actions (workflows/messages.ts). */
const UPDATES = [
  'submitMeasure',
  'closeProposals',
  'proposePriorityList',
  'castVote',
  'recordAdoption',
  'cycleRecorded',
];
/** The decisions among them: where a Temporal outage with the Update in flight lost votes and lists (issue 12). */
const DECISIONS = ['proposePriorityList', 'castVote', 'recordAdoption'];

export interface FaultEvent {
  kind: FaultKind;
  at: number;
  until: number;
  detail: string;
}

export interface DriverOptions {
  /** Pause between two faults, ms. */
  gapMs: [number, number];
  /** How long Postgres stays unreachable. */
  postgresOutageMs: number;
  /** How long the Temporal server stays down, drawn from [min, max] ms. */
  temporalDownMs: [number, number];
  /** Stop injecting after this many faults (the short run: one of each kind); default no limit. */
  limit?: number;
}

export class FaultDriver {
  readonly events: FaultEvent[] = [];
  readonly counts: Record<FaultKind, number> = { worker: 0, temporal: 0, postgres: 0, api: 0 };
  private stopped = false;
  private running?: Promise<void>;
  private bag: FaultKind[] = [];
  private failure?: Error;

  constructor(
    private readonly stack: FaultStack,
    private readonly rng: Rng,
    private readonly options: DriverOptions,
    private readonly log: (line: string) => void,
  ) {}

  /** Whether every kind has been injected at least `n` times. */
  covered(n: number): boolean {
    return FAULT_KINDS.every((k) => this.counts[k] >= n);
  }

  start(): void {
    this.running = (async () => {
      while (!this.stopped && this.events.length < (this.options.limit ?? Infinity)) {
        await sleep(this.rng.int(...this.options.gapMs));
        if (this.stopped) break;
        if (this.bag.length === 0) this.bag = this.rng.shuffle(FAULT_KINDS);
        await this.inject(this.bag.shift()!);
      }
    })().catch((e: Error) => {
      // A part that does not come back ends the faults; stop() reports it.
      this.failure = e;
      this.stopped = true;
    });
  }

  /** Lets the fault under way finish (every part back up), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    if (this.failure) throw new Error(`the fault driver failed: ${this.failure.message}`);
  }

  private async inject(kind: FaultKind): Promise<void> {
    const at = Date.now();
    let detail = '';
    switch (kind) {
      case 'worker': {
        const down = this.rng.int(1000, 3000);
        await this.stack.killWorker(down);
        detail = `SIGKILL, started again after ${down} ms`;
        break;
      }
      case 'temporal': {
        // With a decision's Update in flight, for up to temporalDownMs: long enough outages are where
        // a write made inside the Update before the server took it durably shows (issue 12).
        const when = await this.stack.afterNextUpdate(DECISIONS, 20_000);
        const down = this.rng.int(...this.options.temporalDownMs);
        await this.stack.killTemporal(down);
        detail = `SIGKILL ${when}, started again on the same SQLite file after ${(down / 1000).toFixed(1)} s`;
        break;
      }
      case 'postgres':
        await this.stack.cutPostgres(this.options.postgresOutageMs);
        detail = `unreachable for ${this.options.postgresOutageMs / 1000} s`;
        break;
      case 'api': {
        const when = await this.stack.afterNextUpdate(UPDATES, 15_000);
        await this.stack.killApi();
        detail = `SIGKILL ${when}, started again`;
        break;
      }
    }
    this.counts[kind] += 1;
    const event = { kind, at, until: Date.now(), detail };
    this.events.push(event);
    this.log(
      `  fault ${this.events.length}: ${kind} ${detail} (${((event.until - at) / 1000).toFixed(1)} s until back)`,
    );
  }
}
