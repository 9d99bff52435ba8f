/**
 * What building the Excel workbooks of a 500-measure cycle costs the rest of the API process: the
 * latency of a no-op Hono route served by this process (the event loop the app's requests share)
 * while the workbooks are built back to back, against the same route with nothing else to do.
 * Both workbooks take turns: the API's and the cycle page's every-funder file (core/export-xlsx.ts)
 * and the finance page's fordeling.xlsx with its header block (web/allocation-export.ts), each of
 * 4 funders x 4 years x 500 measures (8 000 rows in the finance file's flat table). The app writes
 * them in workbook threads (core/workbook-threads.ts); the same writers called on the event loop,
 * as before those, are measured beside (`*_on_loop`).
 * No Temporal, no Postgres: the allocations are made up (test/support/big-allocations.ts).
 *
 *   tsx scripts/bench-xlsx.ts [--seconds 5] [--concurrency 4] [--measures 500]
 */
import type { AddressInfo } from 'node:net';
import { Worker as Thread } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { allocationsXlsx, writeAllocationsXlsx } from '../core/export-xlsx.js';
import { allocationWorkbook, allocationXlsx } from '../web/allocation-export.js';
import { writeAllocationWorkbook } from '../web/allocation-workbook.js';
import { bigView } from '../test/support/big-allocations.js';
import { round, runAsScript } from './bench-support.js';

export interface XlsxBenchOptions {
  seconds: number;
  concurrency: number;
  measures: number;
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
  const view = bigView(options.measures);
  const madeAt = new Date();
  const server: ServerType = serve({
    fetch: new Hono().get('/noop', (c) => c.text('ok')).fetch,
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/noop`;
  try {
    // Warm-up: the threads started, the modules loaded, the JIT at work, on both paths.
    await Promise.all([allocationsXlsx(view.allocations), allocationXlsx(view, madeAt)]);
    await latencies(url, 0.5, options.concurrency);
    const both = (turn: number) => (turn % 2 === 0 ? allocationsXlsx(view.allocations) : allocationXlsx(view, madeAt));
    // The writers called on this thread, as the app did before the workbook threads.
    const bothHere = (turn: number) =>
      turn % 2 === 0
        ? writeAllocationsXlsx(view.allocations)
        : writeAllocationWorkbook(allocationWorkbook(view, madeAt));
    await bothHere(0);
    await bothHere(1);
    const idle = await phase(url, options);
    const during = await phase(url, options, both);
    const onLoop = await phase(url, options, bothHere);
    const line = (label: string, p: Phase) =>
      log(
        `  ${label.padEnd(44)} p50 ${String(p.p50).padStart(7)} ms, p99 ${String(p.p99).padStart(7)} ms, max ${String(p.max).padStart(7)} ms (${p.requests} requests${p.builds ? `; ${p.builds} workbooks, ${p.buildMs} ms each` : ''})`,
      );
    log(
      `no-op route of this process, ${options.concurrency} clients, ${options.seconds} s each; workbooks of ${options.measures} measures`,
    );
    line('nothing else to do:', idle);
    line('while workbooks are built in threads:', during);
    line('while they are built on the event loop:', onLoop);
    return {
      noop_p99_ms_idle: idle.p99,
      noop_p99_ms_during_xlsx: during.p99,
      noop_max_ms_during_xlsx: during.max,
      xlsx_build_ms: during.buildMs,
      // the same, the workbooks written on the event loop (as before the workbook threads)
      noop_p99_ms_during_xlsx_on_loop: onLoop.p99,
      noop_max_ms_during_xlsx_on_loop: onLoop.max,
      xlsx_build_ms_on_loop: onLoop.buildMs,
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
