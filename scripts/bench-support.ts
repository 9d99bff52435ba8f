/**
 * What the benchmarks (scripts/bench-*.ts) share, so that each measures the same way: a run's
 * folder and its clean-ups, the servers (Temporal and Postgres: given by TEMPORAL_ADDRESS /
 * DATABASE_URL, else started for the run, with a fresh database either way), worker processes
 * built and started as production's, the API process's app served beside a no-op Hono route, and
 * the load loop: requests per second of bounded concurrent keep-alive clients, the loads taken in
 * 1 s turns so that whatever else the machine does weighs on all alike.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker as Thread } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { Hono } from 'hono';
import type postgres from 'postgres';
import { startRecordsFeed } from '../core/records-feed.js';
import { migrate } from '../schema/migrate.js';
import { loadReferenceData } from '../schema/reference/load.js';
import { createApp } from '../services/api/app.js';
import { localAuthenticator } from '../services/api/auth.js';
import { jsonLogger } from '../services/api/log.js';
import { loadConfig, type Config } from '../services/config.js';
import { createSql } from '../services/db.js';
import { freePort } from '../services/stack/net.js';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from '../services/stack/postgres.js';
import { findOrBuildTemporalCli } from '../services/stack/temporal-cli.js';
import { startTemporalServer } from '../services/stack/temporal-server.js';
import { spawnWorkerProcess, type WorkerProcess } from '../test/support/worker-process.js';

const root = fileURLToPath(new URL('../', import.meta.url));

export type Cleanup = () => Promise<unknown>;

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** A benchmark run: its folder under .data/, and what to undo at its end (last first). */
export interface Run {
  dir: string;
  cleanups: Cleanup[];
}

export async function inRun<T>(name: string, body: (run: Run) => Promise<T>): Promise<T> {
  const run: Run = { dir: path.join(root, '.data', `${name}-${process.pid}`), cleanups: [] };
  fs.mkdirSync(run.dir, { recursive: true });
  run.cleanups.push(async () => fs.rmSync(run.dir, { recursive: true, force: true }));
  try {
    return await body(run);
  } finally {
    for (const cleanup of run.cleanups.reverse())
      await cleanup().catch((e: Error) => console.error(`cleanup: ${e.message}`));
  }
}

/** The Temporal server and a fresh database (dropped after), on the servers named in the environment or on ones of the run's own. */
export async function servers(run: Run): Promise<{ temporalAddress: string; databaseUrl: string }> {
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startTemporalServer({
      cliPath: await findOrBuildTemporalCli(),
      dbFile: path.join(run.dir, 'temporal.db'),
      logFile: path.join(run.dir, 'temporal.log'),
      grpcPort: await freePort(),
      namespace: 'default',
      // e.g. '{"system.enableActivityEagerExecution":false}', to see what eager activities save
      ...(process.env.BENCH_DYNCONFIG ? { dynamicConfig: JSON.parse(process.env.BENCH_DYNCONFIG) } : {}),
    });
    run.cleanups.push(server.stop);
    temporalAddress = server.address;
  }
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const pg = await startEmbeddedPostgres({
      clusterDir: path.join(run.dir, 'pg'),
      port: await freePort(),
      logFile: path.join(run.dir, 'postgres.log'),
      durable: false,
    });
    run.cleanups.push(pg.stop);
    serverUrl = pg.url;
  }
  const database = `hoep_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(serverUrl, database);
  run.cleanups.push(() => dropDatabase(serverUrl, database));
  return { temporalAddress, databaseUrl: withDatabase(serverUrl, database) };
}

/** A connection pool to the run's database, migrated and loaded with the reference partnerships. */
export async function referenceDatabase(
  run: Run,
  databaseUrl: string,
  options: { applicationName: string; max?: number },
): Promise<postgres.Sql> {
  const sql = createSql(databaseUrl, options);
  run.cleanups.push(() => sql.end({ timeout: 5 }));
  await migrate(sql);
  await loadReferenceData(sql);
  return sql;
}

export async function temporalClient(run: Run, address: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  run.cleanups.push(() => connection.close());
  return new Client({ connection });
}

/** The no-op workflow (workflows/bench.ts), bundled into the run's folder: the floors' worker runs it. */
export async function noopWorkflowBundle(run: Run): Promise<string> {
  const file = path.join(run.dir, 'bench-workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(root, 'workflows', 'bench.ts'),
    logger: new DefaultLogger('WARN'),
  });
  fs.writeFileSync(file, code);
  return file;
}

/** A worker process as production's (test/support/worker-process.ts), polling once this resolves. */
export async function workerProcess(
  run: Run,
  options: Parameters<typeof spawnWorkerProcess>[0],
): Promise<WorkerProcess> {
  const worker = spawnWorkerProcess(options);
  run.cleanups.push(() => worker.stop());
  await worker.next('ready');
  return worker;
}

const listening = (server: ServerType) =>
  new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)));
const baseOf = (server: ServerType) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/**
 * The API process's app as services/api/main.ts runs it (the web app mounted, the records feed
 * listening, every request logged; only warnings and errors reach the terminal, so the log line's
 * cost counts and the terminal's does not), and beside it a no-op Hono route, the floor: both on
 * real listening servers on loopback.
 */
export async function serveApi(
  run: Run,
  o: { sql: postgres.Sql; temporal: Client; databaseUrl: string; taskQueue: string },
): Promise<{ base: string; noopUrl: string; secret: Uint8Array; config: Config }> {
  const secret = new TextEncoder().encode(randomBytes(32).toString('base64url'));
  const config = loadConfig({
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    HOEP_JWT_SECRET: new TextDecoder().decode(secret),
    // A provider configured, as npm start and production have one, so that web pages carry their
    // own CSP (form-action widened to it); it is never asked, since nobody signs in through it here.
    WEB_OIDC_ISSUER: 'http://127.0.0.1:3001',
  });
  const log = jsonLogger('info', (line) => {
    if (!line.includes('"level":"info"')) process.stderr.write(`${line}\n`);
  });
  const records = startRecordsFeed({ url: o.databaseUrl, log });
  run.cleanups.push(() => records.close());
  await Promise.race([
    records.listening(),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('the records feed did not start listening within 30 s')), 30_000).unref(),
    ),
  ]);
  const app = createApp({ sql: o.sql, temporal: o.temporal, config, auth: localAuthenticator(secret), log, records });
  const apiServer = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  const floorServer = serve({
    fetch: new Hono().get('/noop', (c) => c.text('ok')).fetch,
    port: 0,
    hostname: '127.0.0.1',
  });
  run.cleanups.push(() => Promise.all([apiServer, floorServer].map((s) => new Promise((resolve) => s.close(resolve)))));
  await Promise.all([listening(apiServer), listening(floorServer)]);
  return { base: baseOf(apiServer), noopUrl: `${baseOf(floorServer)}/noop`, secret, config };
}

/**
 * The load loop, run in a thread of its own so that the clients do not take the server's event
 * loop: `concurrency` keep-alive clients (node:http, lighter than fetch, so the figures are the
 * server's), each sending its next request when it has read the whole last answer.
 */
const LOAD_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, headers, seconds, concurrency, status } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const get = () => new Promise((resolve, reject) => {
  http.get(url, { agent, headers }, (res) => {
    res.on('data', () => {});
    res.on('end', () => resolve(res.statusCode));
    res.on('error', reject);
  }).on('error', reject);
});
const until = performance.now() + seconds * 1000;
let done = 0;
Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < until) {
    const answered = await get();
    if (answered !== status) throw new Error(url + ' answered ' + answered);
    done += 1;
  }
})).then(() => parentPort.postMessage({ done }), (e) => parentPort.postMessage({ error: String(e) }));
`;

/** Requests per second answered with `status`. */
export function throughput(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  concurrency: number,
  status = 200,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Thread(LOAD_LOOP, { eval: true, workerData: { url, headers, seconds, concurrency, status } });
    worker.once('message', (m: { done?: number; error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m.done! / seconds);
    });
    worker.once('error', reject);
  });
}

/** A load: the address, the request's headers, and the status every answer must have. */
export type Load = readonly [url: string, headers: Record<string, string>, status: number];

/** What a load measured: requests per second, and the server's event loop busy per request. */
export interface LoadFigures {
  rps: number;
  /**
   * Microseconds the server's event loop (this process's main thread, where the app and the no-op
   * route run) was busy per request: the server's own cost, which the machine's other load
   * disturbs less than requests per second (a busy loop that is descheduled still counts).
   */
  busyUs: number;
}

/**
 * Each load's figures: half a second of warm-up each, then `seconds` turns of 1 s through all of
 * them (a, b, c, a, b, c, ...), averaged.
 */
export async function inTurns<K extends string>(
  loads: Record<K, Load>,
  seconds: number,
  concurrency: number,
): Promise<Record<K, LoadFigures>> {
  const entries = Object.entries(loads) as [K, Load][];
  const sums = Object.fromEntries(entries.map(([name]) => [name, { requests: 0, busyMs: 0 }])) as Record<
    K,
    { requests: number; busyMs: number }
  >;
  for (const [, [url, headers, status]] of entries) await throughput(url, headers, 0.5, concurrency, status);
  for (let turn = 0; turn < seconds; turn++) {
    for (const [name, [url, headers, status]] of entries) {
      const before = performance.eventLoopUtilization();
      const rps = await throughput(url, headers, 1, concurrency, status);
      sums[name].busyMs += performance.eventLoopUtilization(before).active;
      sums[name].requests += rps;
    }
  }
  return Object.fromEntries(
    entries.map(([name]) => {
      const { requests, busyMs } = sums[name];
      return [name, { rps: requests / seconds, busyUs: requests > 0 ? (busyMs * 1000) / requests : 0 }];
    }),
  ) as Record<K, LoadFigures>;
}

/**
 * Runs a benchmark when its file is the script node was started with: its options from the
 * command line (strings, with defaults), its result printed as the last line, one JSON object.
 */
export function runAsScript<O extends string>(
  moduleUrl: string,
  defaults: Record<O, string>,
  bench: (values: Record<O, string>) => Promise<object>,
): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const { values } = parseArgs({
    options: Object.fromEntries(
      Object.entries(defaults).map(([name, value]) => [name, { type: 'string', default: value as string }]),
    ),
  });
  bench(values as Record<O, string>)
    .then((result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
