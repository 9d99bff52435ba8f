/**
 * Benchmarks the API on one machine, in one run, against its floors:
 *  (a) proposal submission through the API (POST measures: the Update, whose handler writes the measure's record)
 *      against a no-op Workflow Update on the same Temporal server: p50 and p99 of sequential calls,
 *      taken in turns; each workflow runs in a worker process of its own, built and started as
 *      production's (services/worker/), the API in this process;
 *  (b) GET allocations of an adopted 500-measure cycle against a no-op Hono route, both served by
 *      a real listening server on loopback: requests per second with a bounded number of
 *      concurrent clients for a bounded time. The clients accept gzip as browsers and fetch() do;
 *      the figures without gzip and for a 304 revalidation are reported too. The API runs as
 *      services/api/main.ts runs it, with the records feed listening.
 * Uses TEMPORAL_ADDRESS / DATABASE_URL when set, else starts a Temporal dev server and an embedded
 * Postgres of its own, with BENCH_DYNCONFIG's server settings (JSON) over the engine's. Prints the
 * figures, the medians of each step of the two Updates from their histories (scripts/bench-timeline.ts)
 * and, as the last line, one JSON object.
 *
 *   tsx scripts/bench-api.ts [--submits 1000] [--seconds 5] [--concurrency 8]
 * Over 300 lines: the servers, workers and cycles it sets up are shared by its two benches.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { signLocalToken, type TokenClaims } from '../services/api/auth.js';
import { buildWorker } from '../services/worker/build.js';
import { builtWorker } from '../services/worker/launch.js';
import { unusedYear } from '../test/support/cycles.js';
import type { benchNoopWorkflow } from '../workflows/bench.js';
import { noopUpdate, stopBench } from '../workflows/bench.js';
import { updateTimeline } from './bench-timeline.js';
import {
  inRun,
  inTurns,
  noopWorkflowBundle,
  referenceDatabase,
  round,
  runAsScript,
  serveApi,
  servers,
  temporalClient,
  workerProcess,
  type Load,
} from './bench-support.js';

const PID = 'lillehammer-regionen';
const MUNICIPALITIES = ['3405', '3440', '3441'];
const ALLOCATION_MEASURES = 500;

export interface BenchOptions {
  submits: number;
  warmup: number;
  seconds: number;
  concurrency: number;
}

export interface BenchResult {
  submit_p50_ms: number;
  submit_p99_ms: number;
  floor_p50_ms: number;
  floor_p99_ms: number;
  submit_p99_vs_floor: number;
  allocations_rps: number;
  noop_rps: number;
  allocations_rps_vs_noop: number;
  /** the same without gzip, and answered 304 by ETag */
  allocations_identity_rps: number;
  allocations_304_rps: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Milliseconds of `n` sequential calls of `a` and of `b`, taken in turns (a, b, a, b, ...) so that
 * whatever else the machine does at a moment weighs on both alike; each list sorted.
 */
async function alternating(
  n: number,
  a: (i: number) => Promise<void>,
  b: (i: number) => Promise<void>,
): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < n; i++) {
    for (const [k, call] of [a, b].entries()) {
      const t = performance.now();
      await call(i);
      times[k]!.push(performance.now() - t);
    }
  }
  return [times[0].sort((x, y) => x - y), times[1].sort((x, y) => x - y)];
}

export async function benchApi(options: BenchOptions, log: (line: string) => void = console.log): Promise<BenchResult> {
  return inRun('bench', async (run) => {
    const { temporalAddress, databaseUrl } = await servers(run);
    const sql = await referenceDatabase(run, databaseUrl, { applicationName: 'hoep-bench' });

    // Both workers are processes of their own, as in production, built and started alike: the
    // engine's worker for the cycles, and the same worker with the no-op workflow's bundle for the floor.
    const suffix = randomBytes(4).toString('hex');
    const queues = { cycle: `bench-cycle-${suffix}`, noop: `bench-noop-${suffix}` };
    const [, floorBundle] = await Promise.all([buildWorker(), noopWorkflowBundle(run)]);
    await Promise.all([
      workerProcess(run, {
        temporalAddress,
        databaseUrl,
        taskQueue: queues.cycle,
        workflowBundlePath: builtWorker.workflowBundle,
      }),
      workerProcess(run, { temporalAddress, databaseUrl, taskQueue: queues.noop, workflowBundlePath: floorBundle }),
    ]);
    const temporal: Client = await temporalClient(run, temporalAddress);
    const { base, noopUrl, secret } = await serveApi(run, { sql, temporal, databaseUrl, taskQueue: queues.cycle });

    const token = (claims: Partial<TokenClaims> & { roles: TokenClaims['roles'] }) =>
      signLocalToken(secret, { sub: claims.sub ?? claims.roles[0]!, name: 'Bench', partnership: PID, ...claims }, '2h');
    const admin = await token({ roles: ['admin'] });
    // node:http on a keep-alive agent, as in the load loop: lighter than fetch, so the figures are the server's.
    const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
    run.cleanups.push(async () => agent.destroy());
    const api = (method: string, url: string, bearer: string, body?: unknown) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers = {
          authorization: `Bearer ${bearer}`,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        };
        const req = http.request(`${base}${url}`, { method, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode! >= 400) reject(new Error(`${method} ${url} answered ${res.statusCode}: ${text}`));
            else resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
      });
    const startCycle = (year: number, frame: { county: string; municipal: string }, proposals: string) => {
      const years = [0, 1, 2, 3].map((i) => String(year + i));
      const frames = Object.fromEntries(
        ['county', ...MUNICIPALITIES].map((f) => [
          f,
          Object.fromEntries(years.map((y) => [y, f === 'county' ? frame.county : frame.municipal])),
        ]),
      );
      return api('POST', `/api/v1/partnerships/${PID}/cycles`, admin, {
        year,
        frames,
        deadlines: { proposals, ipr: '2099-02-01T00:00:00Z', adoption: '2099-03-01T00:00:00Z' },
      });
    };
    const measure = (year: number, i: number) => ({
      title: `Tiltak ${i}`,
      description: 'Et tiltak i benchmarken',
      strategies: ['2.1'],
      responsible: 'LRV',
      amounts: { [year]: '100000.00', [year + 1]: '100000.00' },
      cofunding: [],
    });

    // (a) submission latency against the no-op Update floor
    log(`(a) ${options.submits} sequential calls of each, in turns, after ${options.warmup} of warm-up`);
    const proposer = await token({ sub: 'kari', roles: ['proposer'] });
    const submitYear = await unusedYear(temporal, PID);
    await startCycle(submitYear, { county: '900000000.00', municipal: '300000000.00' }, '2099-01-01T00:00:00Z');
    const submitUrl = `/api/v1/cycles/${PID}-${submitYear}/measures`;
    const floorHandle = await temporal.workflow.start<typeof benchNoopWorkflow>('benchNoopWorkflow', {
      workflowId: `bench-noop-${suffix}`,
      taskQueue: queues.noop,
      args: [],
    });
    const payload = { actor: { sub: 'kari', name: 'Bench', roles: ['proposer'] }, measure: measure(submitYear, 0) };
    const submitOne = (i: number) => api('POST', submitUrl, proposer, measure(submitYear, i)).then(() => undefined);
    const floorOne = () => floorHandle.executeUpdate(noopUpdate, { args: [payload] }).then(() => undefined);
    await alternating(options.warmup, submitOne, floorOne);
    const [submit, floor] = await alternating(options.submits, (i) => submitOne(options.warmup + i), floorOne);
    const timeline = (h: WorkflowHandle, name: string) => h.fetchHistory().then((x) => updateTimeline(x, name));
    const steps = {
      submit: await timeline(temporal.workflow.getHandle(`${PID}-${submitYear}`), 'submitMeasure'),
      floor: await timeline(floorHandle, 'noop'),
    };
    await floorHandle.signal(stopBench);
    log(
      `  POST measures through the API: p50 ${round(percentile(submit, 0.5))} ms, p99 ${round(percentile(submit, 0.99))} ms`,
    );
    log(
      `  no-op Workflow Update:         p50 ${round(percentile(floor, 0.5))} ms, p99 ${round(percentile(floor, 0.99))} ms`,
    );
    const line = (x: Record<string, number>) =>
      Object.entries(x)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    log(`  from the histories, median ms: submission ${line(steps.submit)}`);
    log(`                                  no-op      ${line(steps.floor)}`);

    // (b) an adopted cycle of 500 measures, through the API
    log(`(b) building an adopted cycle of ${ALLOCATION_MEASURES} measures`);
    const year = submitYear + 1;
    const cid = `${PID}-${year}`;
    await startCycle(year, { county: '40000000.00', municipal: '10000000.00' }, '2099-01-01T00:00:00Z');
    for (let i = 0; i < ALLOCATION_MEASURES; i += options.concurrency) {
      const batch = Array.from({ length: Math.min(options.concurrency, ALLOCATION_MEASURES - i) }, (_, k) =>
        api('POST', `/api/v1/cycles/${cid}/measures`, proposer, measure(year, i + k)),
      );
      await Promise.all(batch);
    }
    await api('POST', `/api/v1/cycles/${cid}/deadlines`, admin, {
      deadline: 'proposals',
      to: new Date(Date.now() + 1500).toISOString(),
    });
    const phase = async (wanted: string) => {
      for (let i = 0; i < 600; i++) {
        if ((await api('GET', `/api/v1/cycles/${cid}`, admin)).phase === wanted) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${cid} did not reach ${wanted}`);
    };
    await phase('prioritisation');
    const { items } = await api('GET', `/api/v1/cycles/${cid}/recommendation`, admin);
    await api('POST', `/api/v1/cycles/${cid}/priority-lists`, admin, {
      items,
      meeting: { date: `${year}-01-15`, caseNumber: 'IPR 1/bench' },
    });
    for (const sub of ['mayor-3405', 'mayor-3440', 'mayor-3441', 'opposition-3405', 'opposition-3440']) {
      await api('POST', `/api/v1/cycles/${cid}/priority-lists/1/votes`, await token({ sub, roles: ['ipr_member'] }), {
        vote: 'approve',
      });
    }
    await phase('adoption');
    for (const m of MUNICIPALITIES) {
      await api(
        'POST',
        `/api/v1/cycles/${cid}/adoptions/${m}`,
        await token({ sub: `clerk-${m}`, roles: ['municipal_clerk'], municipality: m }),
        { decision: 'adopted', caseNumber: `K ${m}`, decidedOn: '2026-11-20' },
      );
    }
    await phase('adopted');

    const finance = await token({ roles: ['finance'] });
    const allocationsUrl = `${base}/api/v1/cycles/${cid}/allocations`;
    const first = await fetch(allocationsUrl, { headers: { authorization: `Bearer ${finance}` } });
    const size = (await first.arrayBuffer()).byteLength;
    // As browsers and fetch() ask: gzip accepted. The identity and 304 figures are printed as well.
    const loads: Record<'allocations' | 'identity' | 'revalidated' | 'noop', Load> = {
      allocations: [
        allocationsUrl,
        { authorization: `Bearer ${finance}`, 'accept-encoding': 'gzip, deflate, br' },
        200,
      ],
      identity: [allocationsUrl, { authorization: `Bearer ${finance}` }, 200],
      revalidated: [
        allocationsUrl,
        { authorization: `Bearer ${finance}`, 'if-none-match': first.headers.get('etag')! },
        304,
      ],
      noop: [noopUrl, {}, 200],
    };
    log(
      `  ${options.concurrency} concurrent clients in a thread of their own, ${options.seconds} s each in 1 s turns (so background load hits all alike); allocations JSON is ${Math.round(size / 1024)} KiB`,
    );
    const figures = await inTurns(loads, options.seconds, options.concurrency);
    const rps = { allocations: 0, identity: 0, revalidated: 0, noop: 0 };
    for (const name of Object.keys(rps) as (keyof typeof rps)[]) rps[name] = figures[name].rps;
    log(`  GET allocations, gzip accepted:  ${Math.round(rps.allocations)} requests/s`);
    log(`  GET allocations, identity:       ${Math.round(rps.identity)} requests/s`);
    log(`  GET allocations, 304 by ETag:    ${Math.round(rps.revalidated)} requests/s`);
    log(`  no-op Hono route:                ${Math.round(rps.noop)} requests/s`);

    const [s50, s99, f50, f99] = [
      percentile(submit, 0.5),
      percentile(submit, 0.99),
      percentile(floor, 0.5),
      percentile(floor, 0.99),
    ];
    return {
      submit_p50_ms: round(s50),
      submit_p99_ms: round(s99),
      floor_p50_ms: round(f50),
      floor_p99_ms: round(f99),
      submit_p99_vs_floor: round(s99 / f99),
      allocations_rps: Math.round(rps.allocations),
      noop_rps: Math.round(rps.noop),
      allocations_rps_vs_noop: round(rps.allocations / rps.noop, 3),
      allocations_identity_rps: Math.round(rps.identity),
      allocations_304_rps: Math.round(rps.revalidated),
    };
  });
}

runAsScript(
  import.meta.url,
  // a p99 of 300 submits is their 3rd worst: mostly noise here
  { submits: '1000', warmup: '30', seconds: '5', concurrency: '8' },
  (values) => {
    // The no-op floor is one workflow run, and the server takes at most 2000 Updates in a run.
    if (Number(values.submits) + Number(values.warmup) >= 2000) {
      console.error("--submits plus --warmup must stay under 2000 (the server's limit of Updates in one workflow run)");
      process.exit(2);
    }
    return benchApi({
      submits: Number(values.submits),
      warmup: Number(values.warmup),
      seconds: Number(values.seconds),
      concurrency: Number(values.concurrency),
    });
  },
);
