/**
 * Benchmarks many partnerships' cycles at once (issue 3): 60 synthetic partnerships derived from
 * Lillehammer-regionen (bench-01..bench-60), each cycle taken concurrently (a bounded number in
 * flight) through 100 proposals, the recommendation put to the vote, 5 approvals and every council
 * adopting, until all are 'adopted'. The worker runs as a process of its own
 * (test/support/worker-process.ts) so its memory can be read from /proc: the production worker
 * (services/worker/create.ts), built to plain JavaScript (services/worker/build.ts) and started with
 * the production node flags (services/worker/launch.ts). Then one cycle with 1000 measures and
 * 8 votes shows where the cycle continues as new (when the server suggests it). The floor of the 60 cycles: as many no-op Updates at the same concurrency (cycles_updates_per_s_vs_noop).
 *
 * Uses TEMPORAL_ADDRESS / DATABASE_URL when set (a fresh database on that server, dropped after),
 * else starts a Temporal dev server and an embedded Postgres of its own. Prints the figures and,
 * as the last line, one JSON object.
 *
 *   tsx scripts/bench-cycles.ts [--cycles 60] [--measures 100] [--concurrency 20] [--big 1000]
 *
 * The worker reads its configuration as production does: WORKER_MAX_CACHED_WORKFLOWS (and a
 * MALLOC_ARENA_MAX) in the environment reach it, to try other settings. Printed: the settings,
 * and the worker's workflow cache hits, misses (a workflow task for a workflow not in the cache:
 * the worker replays its history) and forced evictions, from the SDK's metrics.
 * Over 300 lines: the 60 cycles, their floor and the 1000-measure cycle share one set-up and one report.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type postgres from 'postgres';
import type { PartnershipConfig } from '../schema/partnership.js';
import { referencePlan } from '../schema/reference/load.js';
import { loadConfig } from '../services/config.js';
import { freePort } from '../services/stack/net.js';
import { buildWorker } from '../services/worker/build.js';
import { builtWorker, describeWorkerProcess } from '../services/worker/launch.js';
import type { benchNoopWorkflow } from '../workflows/bench.js';
import { noopUpdate, stopBench } from '../workflows/bench.js';
import type { cycleWorkflow } from '../workflows/cycle.js';
import * as m from '../workflows/messages.js';
import { admin, clerk, frames, lillehammer, proposer, startCycle, unusedYear, voters } from '../test/support/cycles.js';
import { poll } from '../test/support/poll.js';
import { sendWhileMovingOn } from '../services/moving-on.js';
import {
  inRun,
  noopWorkflowBundle,
  referenceDatabase,
  runAsScript,
  servers,
  temporalClient,
  workerProcess,
  type Run,
} from './bench-support.js';

type Cycle = WorkflowHandle<typeof cycleWorkflow>;

export interface BenchOptions {
  cycles: number;
  measures: number;
  concurrency: number;
  /** Measures of the single large cycle. */
  big: number;
}

export interface BenchResult {
  cycles: number;
  measures_per_cycle: number;
  wall_s: number;
  largest_history_events: number;
  /** Workflow tasks of the 60 cycles for a workflow not in the worker's cache (so replayed). */
  cache_misses: number;
  worker_peak_rss_mb: number;
  worker_max_cached_workflows: number;
  worker_node: string;
  /** The cycles' Updates per second, and the floor's: no-op Updates, as many, at the same concurrency. */
  cycles_updates_per_s: number;
  noop_updates_per_s: number;
  cycles_updates_per_s_vs_noop: number;
}

const partnershipId = (i: number) => `bench-${String(i + 1).padStart(2, '0')}`;

/** Lillehammer-regionen under another id and name: same members, rule, key and roster. */
const benchPartnership = (id: string): PartnershipConfig => ({
  ...lillehammer(),
  id,
  name: `Benk ${id}`,
  example: true,
});

async function insertPartnerships(sql: postgres.Sql, count: number): Promise<void> {
  const plan = referencePlan(lillehammer().id);
  for (let i = 0; i < count; i++) {
    const config = benchPartnership(partnershipId(i));
    await sql`INSERT INTO partnerships (id, name, config, plan)
              VALUES (${config.id}, ${config.name}, ${sql.json(config as unknown as postgres.JSONValue)}, ${sql.json({ ...plan, partnership: config.id } as unknown as postgres.JSONValue)})`;
  }
}

/** Peak resident memory of a process: VmHWM from /proc, and the highest VmRSS seen every 200 ms. */
function watchMemory(pid: number): { hwmMb(): number; stop(): { hwmMb: number; sampledMb: number } } {
  const read = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  };
  let sampledMb = 0;
  const timer = setInterval(() => {
    try {
      sampledMb = Math.max(sampledMb, read('VmRSS'));
    } catch {
      // the process is gone
    }
  }, 200);
  return {
    hwmMb: () => read('VmHWM'),
    stop: () => {
      clearInterval(timer);
      return { hwmMb: read('VmHWM'), sampledMb };
    },
  };
}

/** Runs `task` over 0..n-1 with at most `limit` in flight. */
async function bounded(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/**
 * The floor of the cycles' Update rate, measured in the same run: `total` no-op Updates (the
 * same payload size as a submission), `concurrency` workflows at a time as the cycles were, each
 * lane sending its Updates one after another, on a worker process of its own. Returns Updates per second.
 */
async function noopFloor(
  client: Client,
  run: Run,
  o: { temporalAddress: string; databaseUrl: string; total: number; concurrency: number },
): Promise<number> {
  const taskQueue = `bench-noop-${randomUUID()}`;
  await workerProcess(run, {
    temporalAddress: o.temporalAddress,
    databaseUrl: o.databaseUrl,
    taskQueue,
    workflowBundlePath: await noopWorkflowBundle(run),
  });
  const payload = {
    actor: proposer(),
    measure: {
      title: 'x'.repeat(60),
      description: 'y'.repeat(400),
      strategies: ['2.1'],
      responsible: 'LRV',
      amounts: { '2027': '100000.00' },
      cofunding: [],
    },
  };
  const lanes = Math.min(o.concurrency, o.total);
  const handles = await Promise.all(
    Array.from({ length: lanes }, (_, i) =>
      client.workflow.start<typeof benchNoopWorkflow>('benchNoopWorkflow', {
        workflowId: `bench-noop-${taskQueue}-${i}`,
        taskQueue,
        args: [],
      }),
    ),
  );
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    handles.map(async (h) => {
      while (sent < o.total) {
        sent += 1;
        await h.executeUpdate(noopUpdate, { args: [payload] });
      }
    }),
  );
  const perS = o.total / ((performance.now() - t0) / 1000);
  await Promise.all(handles.map((h) => h.signal(stopBench)));
  return perS;
}

/** One cycle from start to 'adopted'; returns the number of Updates it took. */
async function runCycle(
  client: Client,
  taskQueue: string,
  partnership: PartnershipConfig,
  year: number,
  measures: number,
  rejections = 0,
): Promise<{ cycle: Cycle; updates: number }> {
  let updates = 0;
  const update = <R>(send: () => Promise<R>) => {
    updates += 1;
    return sendWhileMovingOn(send);
  };
  const cycle = await startCycle(client, taskQueue, {
    partnership,
    year,
    frames: frames(partnership, year, '2500000.00', '350000.00'),
  });
  updates += 1; // cycleRecorded
  for (let i = 0; i < measures; i++) {
    const amount = `${20_000 + ((i * 7919) % 50) * 1_000}.00`;
    const amounts = i % 3 === 0 ? { [year]: amount, [year + 1]: amount } : { [year]: amount };
    await update(() =>
      cycle.executeUpdate(m.submitMeasure, {
        args: [
          {
            actor: proposer(`proposer-${i % 7}`),
            measure: {
              title: `Tiltak ${i + 1}`,
              description: 'Benk',
              strategies: ['2.1'],
              responsible: 'LRV',
              amounts,
              cofunding: [],
            },
          },
        ],
      }),
    );
  }
  await update(() => cycle.executeUpdate(m.closeProposals, { args: [{ actor: admin }] }));
  const recommendation = await cycle.query(m.getRecommendation);
  const list = await update(() =>
    cycle.executeUpdate(m.proposePriorityList, {
      args: [
        {
          actor: admin,
          items: recommendation!.items,
          meeting: { date: `${year - 1}-11-01`, caseNumber: `1/${year - 1}` },
        },
      ],
    }),
  );
  const roster = voters(partnership);
  const ballots = [
    ...roster.slice(5, 5 + rejections).map((v) => [v, 'reject'] as const),
    ...roster.slice(0, 5).map((v) => [v, 'approve'] as const),
  ];
  for (const [voter, vote] of ballots)
    await update(() => cycle.executeUpdate(m.castVote, { args: [{ actor: voter, version: list.version, vote }] }));
  const status = await poll(
    () => cycle.query(m.getStatus),
    (s) => s.phase === 'adoption',
    `${cycle.workflowId} in adoption`,
    120_000,
  );
  for (const { municipality } of status.adoptions) {
    await update(() =>
      cycle.executeUpdate(m.recordAdoption, {
        args: [
          {
            actor: clerk(municipality),
            adoption: { municipality, decision: 'adopted', caseNumber: `9/${year - 1}`, decidedOn: '2026-11-10' },
          },
        ],
      }),
    );
  }
  await poll(
    () => cycle.query(m.getStatus),
    (s) => s.phase === 'adopted',
    `${cycle.workflowId} adopted`,
    120_000,
  );
  return { cycle, updates };
}

/** Every run of a cycle, oldest first, with its history's length and size (visibility knows the runs, describe the rest). */
async function runsOf(client: Client, workflowId: string): Promise<{ events: number; mb: number; status: string }[]> {
  const runs: { runId: string; start: number }[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push({ runId: w.runId, start: w.startTime.getTime() });
  runs.sort((a, b) => a.start - b.start);
  return Promise.all(
    runs.map(async ({ runId }) => {
      const d = await client.workflow.getHandle(workflowId, runId).describe();
      return { events: d.historyLength, mb: (d.historySize ?? 0) / 1024 / 1024, status: d.status.name.toLowerCase() };
    }),
  );
}

/** The worker's workflow cache counters, from the SDK's Prometheus metrics. */
async function cacheCounters(metricsAddress: string): Promise<{ hits: number; misses: number; evictions: number }> {
  const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    hits: sum('temporal_sticky_cache_hit'),
    misses: sum('temporal_sticky_cache_miss'),
    evictions: sum('temporal_sticky_cache_total_forced_eviction'),
  };
}

export async function benchCycles(o: BenchOptions, log: (line: string) => void = console.log): Promise<BenchResult> {
  return inRun('bench-cycles', async (run) => {
    const { temporalAddress, databaseUrl } = await servers(run);
    const sql = await referenceDatabase(run, databaseUrl, { max: 2, applicationName: 'hoep-bench-cycles' });
    await insertPartnerships(sql, o.cycles);

    const build = await buildWorker();
    const taskQueue = `bench-cycles-${randomUUID()}`;
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const worker = await workerProcess(run, {
      temporalAddress,
      databaseUrl,
      taskQueue,
      workflowBundlePath: builtWorker.workflowBundle,
      metricsAddress,
    });
    const memory = watchMemory(worker.pid);

    const client = await temporalClient(run, temporalAddress);
    const year = await unusedYear(client, partnershipId(0));
    const started: Cycle[] = [];
    if (process.env.TEMPORAL_ADDRESS) {
      // A reused server keeps what we leave running.
      run.cleanups.push(() =>
        Promise.all(started.map((c) => c.terminate('benchmark finished').catch(() => undefined))),
      );
    }

    const cacheSize = loadConfig().WORKER_MAX_CACHED_WORKFLOWS;
    const workerNode = describeWorkerProcess(process.env);
    log(
      `worker: built in ${(build.ms / 1000).toFixed(1)} s, runs as ${workerNode}, WORKER_MAX_CACHED_WORKFLOWS=${cacheSize}`,
    );
    log(
      `${o.cycles} cycles × ${o.measures} measures, ${o.concurrency} in flight, worker pid ${worker.pid}, Temporal ${temporalAddress}`,
    );
    let updates = 0;
    const t0 = performance.now();
    await bounded(o.cycles, o.concurrency, async (i) => {
      const run = await runCycle(client, taskQueue, benchPartnership(partnershipId(i)), year, o.measures);
      started.push(run.cycle);
      updates += run.updates;
    });
    const wallS = (performance.now() - t0) / 1000;
    const lengths = await Promise.all(
      started.map(async (c) => ({ id: c.workflowId, events: (await c.describe()).historyLength })),
    );
    const largest = lengths.reduce((a, b) => (b.events > a.events ? b : a));
    const adopted = await sql<{ n: number }[]>`select count(*)::int as n from cycles where phase = 'adopted'`;
    log(`all ${adopted[0]!.n} cycles adopted in ${wallS.toFixed(1)} s`);
    const cyclesPerS = updates / wallS;
    log(`updates: ${updates}, ${cyclesPerS.toFixed(1)} per second`);
    const floorPerS = await noopFloor(client, run, {
      temporalAddress,
      databaseUrl,
      total: updates,
      concurrency: o.concurrency,
    });
    log(
      `floor: ${updates} no-op Updates, ${Math.min(o.concurrency, updates)} at a time: ${floorPerS.toFixed(1)} per second; the cycles reach ${(cyclesPerS / floorPerS).toFixed(2)} of it`,
    );
    log(`largest cycle history: ${largest.events} events (${largest.id})`);
    log(`worker peak RSS so far: ${memory.hwmMb().toFixed(0)} MB (VmHWM)`);
    const cache = await cacheCounters(metricsAddress);
    log(`workflow cache: ${cache.hits} hits, ${cache.misses} misses (replays), ${cache.evictions} forced evictions`);

    if (o.big > 0) {
      const t1 = performance.now();
      const big = await runCycle(client, taskQueue, benchPartnership(partnershipId(0)), year + 1, o.big, 3);
      started.push(big.cycle);
      const runs = await poll(
        () => runsOf(client, big.cycle.workflowId),
        (r) => r.length > 0,
        'the large cycle in visibility',
        10_000,
      );
      log(
        `${o.big}-measure cycle with 8 votes (3 against, 5 for): ${big.updates} updates in ${((performance.now() - t1) / 1000).toFixed(1)} s, ${runs.length} run(s): ` +
          runs.map((r) => `${r.events} events / ${r.mb.toFixed(1)} MB (${r.status})`).join(' → '),
      );
      if (runs.length > 1) {
        log(
          `  continue-as-new came at ${runs[0]!.events} events: the workflow continues when Temporal suggests it (continueAsNewSuggested: history length or Update count)`,
        );
      }
    }

    const { hwmMb, sampledMb } = memory.stop();
    log(
      `worker peak RSS: ${hwmMb.toFixed(0)} MB (VmHWM; highest VmRSS sampled every 200 ms: ${sampledMb.toFixed(0)} MB)`,
    );
    return {
      cycles: o.cycles,
      measures_per_cycle: o.measures,
      wall_s: Math.round(wallS * 10) / 10,
      largest_history_events: largest.events,
      cache_misses: cache.misses,
      worker_peak_rss_mb: Math.round(hwmMb),
      worker_max_cached_workflows: cacheSize,
      worker_node: workerNode,
      cycles_updates_per_s: Math.round(cyclesPerS * 10) / 10,
      noop_updates_per_s: Math.round(floorPerS * 10) / 10,
      cycles_updates_per_s_vs_noop: Math.round((cyclesPerS / floorPerS) * 100) / 100,
    };
  });
}

runAsScript(import.meta.url, { cycles: '60', measures: '100', concurrency: '20', big: '1000' }, (values) =>
  benchCycles({
    cycles: Number(values.cycles),
    measures: Number(values.measures),
    concurrency: Number(values.concurrency),
    big: Number(values.big),
  }),
);
