/**
 * The fault suite's run: the stack (./stack.ts); one undisturbed cycle of each variant, the
 * reference; then the cycles, a few at a time, while the driver injects faults; then each cycle
 * checked against its reference (./check.ts). New cycles keep starting until both the number asked
 * for has run and every kind of fault has been injected `minPerKind` times.
 */
import { createSql } from '../../services/db.js';
import { checkCycle, cycleTables, rowCounts, type Verdict } from './check.js';
import { PID, runCycle, VARIANTS, type CycleResult } from './cycle.js';
import { FAULT_KINDS, FaultDriver, type FaultKind } from './driver.js';
import { ApiClient, emptyTally, type Tally } from './http.js';
import { rng } from './rng.js';
import { startFaultStack } from './stack.js';

export interface FaultOptions {
  seed: number;
  cycles: number;
  concurrency: number;
  minPerKind: number;
  /** at most this many faults in all (see DriverOptions.limit) */
  faultLimit?: number;
  postgresOutageMs: number;
  temporalDownMs: [number, number];
  gapMs: [number, number];
  attemptTimeoutMs: number;
  /**
   * After this many ms the cycles still running give up (each counted as not run to the end) and
   * the run stops its stack and reports: a bounded run (the short test) ends with a table that says
   * where it stood rather than with a timeout that leaves the processes running.
   */
  deadlineMs?: number;
  log?: (line: string) => void;
}

export interface FaultSummary {
  cycles: number;
  faults: Record<FaultKind, number>;
  lost: number;
  duplicated: number;
  http5xx: number;
  hung: number;
}

export interface CycleRow {
  result: CycleResult;
  tally: Tally;
  verdict: Verdict;
  faults: Record<FaultKind, number>;
}

export interface FaultReport {
  seed: number;
  summary: FaultSummary;
  rows: CycleRow[];
  table: string;
}

export async function runFaults(o: FaultOptions): Promise<FaultReport> {
  const log = o.log ?? console.log;
  const random = rng(o.seed);
  log(
    `fault suite: seed ${o.seed} (rerun with --seed ${o.seed}), ${o.cycles} cycles, ${o.concurrency} at a time, at least ${o.minPerKind} of each fault`,
  );
  const stack = await startFaultStack(log);
  const sql = createSql(stack.databaseUrl, { max: 4, applicationName: 'hoep-faults-check' });
  const secret = new TextEncoder().encode(stack.jwtSecret);
  const clientOptions = {
    attemptTimeoutMs: o.attemptTimeoutMs,
    giveUpMs: 240_000,
    ...(o.deadlineMs ? { stopAt: Date.now() + o.deadlineMs } : {}),
  };
  const phaseTimeoutMs = 180_000;
  try {
    const variants = Math.min(VARIANTS, o.cycles);
    log(`undisturbed: ${variants} reference cycle(s)`);
    const references = await Promise.all(
      Array.from({ length: variants }, (_, v) => {
        const progress = (line: string) => log(`    ${line}`);
        return runCycle({
          client: new ApiClient(stack.apiBase, emptyTally(), { ...clientOptions, log: progress }),
          secret,
          year: 2100 + v,
          variant: v,
          phaseTimeoutMs,
          sql,
          log: progress,
        });
      }),
    );
    for (const r of references) {
      if (r.failure || r.divergences.length)
        throw new Error(
          `the undisturbed cycle ${r.cycleId} failed, so nothing can be compared: ${r.failure ?? r.divergences.join('; ')}`,
        );
      log(`  ${r.cycleId} (variant ${r.variant}) adopted in ${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s`);
    }
    const tables = await cycleTables(sql);
    const referenceCounts = await Promise.all(references.map((r) => rowCounts(sql, tables, r.cycleId)));

    const driver = new FaultDriver(
      stack,
      random,
      {
        gapMs: o.gapMs,
        postgresOutageMs: o.postgresOutageMs,
        temporalDownMs: o.temporalDownMs,
        ...(o.faultLimit ? { limit: o.faultLimit } : {}),
      },
      log,
    );
    log(`disturbed: cycles from ${2110}, faults every ${o.gapMs[0] / 1000}-${o.gapMs[1] / 1000} s`);
    driver.start();
    const runs: { result: CycleResult; tally: Tally }[] = [];
    let next = 0;
    // Bounded: a driver that cannot inject (a part that no longer starts) must not keep cycles coming.
    const more = () =>
      (clientOptions.stopAt === undefined || Date.now() < clientOptions.stopAt) &&
      (next < o.cycles || (!driver.covered(o.minPerKind) && next < o.cycles + 12));
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (more()) {
          const i = next++;
          const tally = emptyTally();
          const year = 2110 + i;
          const progress = (line: string) => log(`    ${line.startsWith(PID) ? '' : `${PID}-${year} `}${line}`);
          const client = new ApiClient(stack.apiBase, tally, { ...clientOptions, log: progress });
          const result = await runCycle({
            client,
            secret,
            year,
            variant: i % variants,
            phaseTimeoutMs,
            sql,
            log: progress,
          });
          log(
            `  ${result.cycleId}: ${result.failure ? `FAILED ${result.failure}` : 'adopted'} in ${((result.endedAt - result.startedAt) / 1000).toFixed(1)} s`,
          );
          runs.push({ result, tally });
        }
      }),
    );
    await driver.stop();

    const rows: CycleRow[] = [];
    for (const { result, tally } of runs.sort((a, b) => a.result.year - b.result.year)) {
      const verdict = await checkCycle(
        sql,
        tables,
        result,
        references[result.variant]!,
        referenceCounts[result.variant]!,
      );
      const faults = Object.fromEntries(
        FAULT_KINDS.map((k) => [
          k,
          driver.events.filter((e) => e.kind === k && e.at < result.endedAt && e.until > result.startedAt).length,
        ]),
      ) as Record<FaultKind, number>;
      rows.push({ result, tally, verdict, faults });
    }
    const summary: FaultSummary = {
      cycles: rows.length,
      faults: { ...driver.counts },
      lost: rows.reduce((s, r) => s + r.verdict.lost, 0),
      duplicated: rows.reduce((s, r) => s + r.verdict.duplicated, 0),
      http5xx: rows.reduce((s, r) => s + r.tally.http5xx, 0),
      hung: rows.reduce((s, r) => s + r.tally.hung, 0),
    };
    return { seed: o.seed, summary, rows, table: table(rows, driver.events) };
  } finally {
    await sql.end({ timeout: 5 });
    await stack.stop();
  }
}

function table(rows: CycleRow[], events: FaultDriver['events']): string {
  const head = [
    'cycle',
    'var',
    'secs',
    'faults w/t/p/a',
    'requests',
    'retries',
    'unanswered',
    '503',
    'no Retry-After',
    'refused on retry',
    '5xx',
    'hung',
    'lost',
    'dup',
    'result',
  ];
  const body = rows.map(({ result, tally, verdict, faults }) => [
    result.cycleId,
    String(result.variant),
    ((result.endedAt - result.startedAt) / 1000).toFixed(0),
    FAULT_KINDS.map((k) => faults[k]).join('/'),
    String(tally.requests),
    String(tally.retries),
    String(tally.unanswered),
    String(tally.unavailable503),
    String(tally.noRetryAfter),
    String(tally.refusedOnRetry),
    String(tally.http5xx),
    String(tally.hung),
    String(verdict.lost),
    String(verdict.duplicated),
    verdict.lost + verdict.duplicated === 0 && !result.failure ? 'identical' : result.failure ? 'failed' : 'differs',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const findings = rows.flatMap(({ result, verdict }) => verdict.findings.map((f) => `  ${result.cycleId}: ${f}`));
  if (findings.length) out.push('', 'findings:', ...findings);
  out.push(
    '',
    'faults:',
    ...events.map((e, i) => `  ${i + 1}. ${new Date(e.at).toISOString().slice(11, 19)} ${e.kind}: ${e.detail}`),
  );
  return out.join('\n');
}
