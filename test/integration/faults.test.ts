/**
 * The short version of `npm run faults` (scripts/faults/): two whole cycles through the HTTP API
 * against the engine's own processes while one fault of each kind is injected (worker and
 * Temporal SIGKILLed, Postgres cut off for 30 s, the API SIGKILLed right after an Update), each
 * compared with an undisturbed run of the same script. It starts a stack of its own (the parts
 * must be separate processes to be killed), so it does not use global-setup's servers.
 *
 * Part of `npm test` since the merge of the durable-first workflow (W) and the API under faults
 * (F): 105-112 s on 2 shared cores, most of it the 30 s Postgres outage and the 15-20 s Temporal
 * outage (the full run draws up to 35 s). Every step of every cycle and every retried request is
 * printed on stderr, so that a run that stalls says where; the run's deadline (150 s) ends the
 * cycles still running and stops the stack before the test's timeout would leave it running.
 */
import { describe, expect, it } from 'vitest';
import { runFaults } from '../../scripts/faults/run.js';

describe('the engine under faults (short run)', () => {
  it('keeps every decision once, answers 503 and never 5xx, never hangs', { timeout: 175_000 }, async () => {
    const started = Date.now();
    const report = await runFaults({
      seed: 12,
      cycles: 2,
      concurrency: 2,
      minPerKind: 1,
      faultLimit: 4,
      postgresOutageMs: 30_000,
      temporalDownMs: [15_000, 20_000],
      gapMs: [1_000, 3_000],
      attemptTimeoutMs: 20_000,
      // Ends the cycles still running in time for the stack to be stopped within the test's timeout.
      deadlineMs: 150_000,
      // Progress on stderr with the seconds since the start, so a timeout says where it stood.
      log: (line) => process.stderr.write(`[faults +${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`),
    });
    const { summary } = report;
    expect(
      Object.values(summary.faults).every((n) => n >= 1),
      report.table,
    ).toBe(true);
    expect(summary.cycles).toBeGreaterThanOrEqual(2);
    expect(
      { lost: summary.lost, duplicated: summary.duplicated, http5xx: summary.http5xx, hung: summary.hung },
      report.table,
    ).toEqual({ lost: 0, duplicated: 0, http5xx: 0, hung: 0 });
  });
});
