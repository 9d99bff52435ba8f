/**
 * `npm run faults`: whole cycles through the HTTP API while a seeded driver kills the worker,
 * the Temporal server and the API and cuts Postgres off; each cycle compared with an undisturbed
 * run of the same script (scripts/faults/). Prints a table and, as its last line, the summary
 * as JSON; exits 1 when anything was lost, duplicated, answered 5xx other than 503, or hung.
 *
 *   npm run faults [-- --seed N] [--cycles 10] [--concurrency 3] [--min-per-kind 1]
 *                  [--postgres-outage 30] [--temporal-down 1-35] [--gap 3-10] [--attempt-timeout 20]
 * (seconds; a range is drawn from by the seeded generator)
 *
 * Uses DATABASE_URL (a server: the run gets its own database) when set, else an embedded Postgres.
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runFaults } from './faults/run.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    cycles: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '3' },
    'min-per-kind': { type: 'string', default: '2' },
    'postgres-outage': { type: 'string', default: '30' },
    'attempt-timeout': { type: 'string', default: '20' },
    gap: { type: 'string', default: '3-10' },
    'temporal-down': { type: 'string', default: '1-35' },
  },
});
const range = (text: string) => text.split('-').map((s) => Number(s) * 1000) as [number, number];
const started = Date.now();
runFaults({
  seed: values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed),
  cycles: Number(values.cycles),
  concurrency: Number(values.concurrency),
  minPerKind: Number(values['min-per-kind']),
  postgresOutageMs: Number(values['postgres-outage']) * 1000,
  attemptTimeoutMs: Number(values['attempt-timeout']) * 1000,
  gapMs: range(values.gap),
  temporalDownMs: range(values['temporal-down']),
})
  .then(({ seed, summary, table }) => {
    console.log(`\n${table}\n`);
    console.log(`seed ${seed}, ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    console.log(JSON.stringify(summary));
    const bad = summary.lost + summary.duplicated + summary.http5xx + summary.hung;
    process.exit(bad === 0 ? 0 : 1);
  })
  .catch((e: Error) => {
    console.error(e);
    process.exit(2);
  });
