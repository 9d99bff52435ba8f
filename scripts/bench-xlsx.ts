/**
 * What building the Excel workbooks of a 500-measure cycle costs the rest of the API process: the
 * latency of a no-op Hono route served by this process (the event loop the app's requests share)
 * while the workbooks are built back to back, against the same route with nothing else to do.
 * Both workbooks take turns: the API's and the cycle page's every-funder file (core/export-xlsx.ts)
 * and the finance page's fordeling.xlsx with its header block (web/allocation-export.ts), each of
 * 4 funders x 4 years x 500 measures (8 000 rows in the finance file's flat table).
 * No Temporal, no Postgres: the allocations are made here, as a 500-measure cycle's look.
 *
 *   tsx scripts/bench-xlsx.ts [--seconds 5] [--concurrency 4] [--measures 500]
 */
import type { AddressInfo } from 'node:net';
import { Worker as Thread } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { allocationsXlsx } from '../core/export-xlsx.js';
import { goalOf } from '../schema/partnership.js';
import type { Allocations } from '../schema/allocations.js';
import { referencePartnerships } from '../schema/reference/partnerships.js';
import { allocationXlsx } from '../web/allocation-export.js';
import type { AllocationView } from '../web/allocation-view.js';
import { round, runAsScript } from './bench-support.js';

export interface XlsxBenchOptions {
  seconds: number;
  concurrency: number;
  measures: number;
}

const config = referencePartnerships.find((p) => p.id === 'lillehammer-regionen')!;
const YEARS = [2027, 2028, 2029, 2030];
const STRATEGIES = ['1.1', '2.1', '3.3', '4.2.1', '5.4'];

/** A 500-measure cycle's allocations: every measure granted in every year, shared by the four funders. */
export function benchView(measures: number): AllocationView {
  const funders = [config.county.id, ...config.municipalities.map((m) => m.id)];
  const each = (amount: string) => Object.fromEntries(YEARS.map((y) => [y, amount]));
  const allocations: Allocations = {
    cycle: 'lillehammer-regionen-2027',
    phase: 'adopted',
    basis: { priorityListVersion: 1, status: 'adopted' },
    years: YEARS,
    funders: funders.map((id) => ({
      id,
      name: id,
      frame: each('50000000.00'),
      allocated: each(`${(measures * 25000).toFixed(2)}`),
      remaining: each(`${(50000000 - measures * 25000).toFixed(2)}`),
    })),
    measures: Array.from({ length: measures }, (_, i) => ({
      id: `m${String(i + 1).padStart(4, '0')}`,
      title: `Tiltak ${i + 1}: næringsutvikling i regionen`,
      strategies: [STRATEGIES[i % STRATEGIES.length]!],
      rank: i + 1,
      grants: each('100000.00'),
      shares: Object.fromEntries(funders.map((f) => [f, each('25000.00')])),
    })),
    goals: ['1', '2', '3', '4', '5'].map((goal) => ({ goal, title: `Delmål ${goal}`, granted: each('10000000.00') })),
    strategies: STRATEGIES.map((strategy) => ({
      strategy,
      title: `Strategi ${strategy}`,
      granted: each('10000000.00'),
    })),
    totals: { granted: each(`${(measures * 100000).toFixed(2)}`), allocated: `${(measures * 400000).toFixed(2)}` },
    unsplit: [],
  };
  return {
    key: 'bench:all',
    cycleId: allocations.cycle,
    title: 'Lillehammer-regionen 2027',
    config,
    scope: 'all',
    allocations,
    basis: { version: 1, status: 'adopted', binding: true, meetingDate: '2026-11-20', caseNumber: '12/26' },
    cofunding: allocations.measures
      .filter((_, i) => i % 10 === 0)
      .map((m) => ({ measureId: m.id, title: m.title, source: 'Innovasjon Norge', amount: '50000.00' })),
    goals: new Map(allocations.measures.map((m) => [m.id, goalOf(m.strategies[0]!)])),
  };
}

/**
 * The clients, in a thread of their own so they do not take this process's event loop:
 * `concurrency` keep-alive clients, each sending its next request when it has read the last
 * answer, for `seconds`; what comes back is each request's time in milliseconds.
 */
const LATENCY_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, seconds, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const get = () => new Promise((resolve, reject) => {
  http.get(url, { agent }, (res) => {
    res.on('data', () => {});
    res.on('end', () => resolve(res.statusCode));
    res.on('error', reject);
  }).on('error', reject);
});
const until = performance.now() + seconds * 1000;
const ms = [];
Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < until) {
    const started = performance.now();
    const answered = await get();
    if (answered !== 200) throw new Error(url + ' answered ' + answered);
    ms.push(performance.now() - started);
  }
})).then(() => parentPort.postMessage({ ms }), (e) => parentPort.postMessage({ error: String(e) }));
`;

function latencies(url: string, seconds: number, concurrency: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const thread = new Thread(LATENCY_LOOP, { eval: true, workerData: { url, seconds, concurrency } });
    thread.once('message', (m: { ms?: number[]; error?: string }) => {
      void thread.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m.ms!);
    });
    thread.once('error', reject);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

interface Phase {
  p50: number;
  p99: number;
  max: number;
  requests: number;
  /** workbooks built during the phase, and their mean time */
  builds: number;
  buildMs: number;
}

/** The no-op route's latencies for `seconds`, with `build` run back to back meanwhile (when given). */
async function phase(url: string, o: XlsxBenchOptions, build?: (turn: number) => Promise<unknown>): Promise<Phase> {
  let running = true;
  const times: number[] = [];
  const builder = (async () => {
    for (let turn = 0; build && running; turn++) {
      const started = performance.now();
      await build(turn);
      times.push(performance.now() - started);
    }
  })();
  const ms = (await latencies(url, o.seconds, o.concurrency)).sort((a, b) => a - b);
  running = false;
  await builder;
  return {
    p50: round(quantile(ms, 0.5), 2),
    p99: round(quantile(ms, 0.99), 2),
    max: round(ms[ms.length - 1]!, 1),
    requests: ms.length,
    builds: times.length,
    buildMs: times.length ? Math.round(times.reduce((a, b) => a + b, 0) / times.length) : 0,
  };
}

export async function benchXlsx(options: XlsxBenchOptions, log: (line: string) => void = console.log) {
  const view = benchView(options.measures);
  const madeAt = new Date();
  const server: ServerType = serve({
    fetch: new Hono().get('/noop', (c) => c.text('ok')).fetch,
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/noop`;
  try {
    // Warm-up: the modules loaded, the JIT at work, on both paths.
    await Promise.all([allocationsXlsx(view.allocations), allocationXlsx(view, madeAt)]);
    await latencies(url, 0.5, options.concurrency);
    const both = (turn: number) => (turn % 2 === 0 ? allocationsXlsx(view.allocations) : allocationXlsx(view, madeAt));
    const idle = await phase(url, options);
    const during = await phase(url, options, both);
    const line = (label: string, p: Phase) =>
      log(
        `  ${label.padEnd(44)} p50 ${String(p.p50).padStart(7)} ms, p99 ${String(p.p99).padStart(7)} ms, max ${String(p.max).padStart(7)} ms (${p.requests} requests${p.builds ? `; ${p.builds} workbooks, ${p.buildMs} ms each` : ''})`,
      );
    log(
      `no-op route of this process, ${options.concurrency} clients, ${options.seconds} s each; workbooks of ${options.measures} measures`,
    );
    line('nothing else to do:', idle);
    line('while workbooks are built:', during);
    return {
      noop_p99_ms_idle: idle.p99,
      noop_p99_ms_during_xlsx: during.p99,
      noop_max_ms_during_xlsx: during.max,
      xlsx_build_ms: during.buildMs,
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

runAsScript(import.meta.url, { seconds: '5', concurrency: '4', measures: '500' }, (values) =>
  benchXlsx({
    seconds: Number(values.seconds),
    concurrency: Number(values.concurrency),
    measures: Number(values.measures),
  }),
);
