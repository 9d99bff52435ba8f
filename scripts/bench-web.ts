/**
 * Benchmarks the public page of an adopted 500-measure cycle (/offentlig/{pid}/{year}, no
 * sign-in: the public may come in numbers when a plan is adopted) against a no-op Hono route,
 * both served by a real listening server on loopback, as requests per second with a bounded
 * number of concurrent keep-alive clients for a bounded time, taken in 1 s turns. The clients
 * accept gzip as browsers do; the figures without gzip and for a 304 revalidation are reported
 * too. The app is the whole API process (services/api/app.ts with the web app mounted, the
 * records feed listening); the cycle is driven to adoption through its workflow, by a worker
 * process built and started as production's.
 * Uses TEMPORAL_ADDRESS / DATABASE_URL when set, else starts servers of its own. Prints the
 * figures and, as the last line, one JSON object with `public_page_rps_vs_noop`.
 *
 *   tsx scripts/bench-web.ts [--seconds 5] [--concurrency 8] [--measures 500]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { migrate } from '../schema/migrate.js';
import { loadReferenceData } from '../schema/reference/load.js';
import { createApp } from '../services/api/app.js';
import { localAuthenticator } from '../services/api/auth.js';
import { jsonLogger } from '../services/api/log.js';
import { startRecordsFeed } from '../core/records-feed.js';
import { loadConfig } from '../services/config.js';
import { createSql } from '../services/db.js';
import { buildWorker } from '../services/worker/build.js';
import { builtWorker } from '../services/worker/launch.js';
import { councilsAdopt, iprAdopts, proposed, recordedPhase, underVote } from '../test/support/adopted-cycle.js';
import { unusedYear } from '../test/support/cycles.js';
import { spawnWorkerProcess } from '../test/support/worker-process.js';
import { STYLESHEET_PATH } from '../web/assets/index.js';
import { servers, throughput } from './bench-api.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const PID = 'lillehammer-regionen';

export interface WebBenchOptions {
  seconds: number;
  concurrency: number;
  measures: number;
}

export interface WebBenchResult {
  public_page_rps: number;
  public_page_identity_rps: number;
  public_page_304_rps: number;
  public_page_noop_rps: number;
  /** the cheapest answer through the same app: the style sheet revalidated */
  app_floor_304_rps: number;
  app_floor_rps_vs_noop: number;
  public_page_rps_vs_noop: number;
  public_page_kib: number;
}

type Cleanup = () => Promise<unknown>;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchWeb(
  options: WebBenchOptions,
  log: (line: string) => void = console.log,
): Promise<WebBenchResult> {
  const cleanups: Cleanup[] = [];
  const runDir = path.join(root, '.data', `bench-web-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true });
  cleanups.push(async () => fs.rmSync(runDir, { recursive: true, force: true }));
  try {
    const { temporalAddress, databaseUrl } = await servers(cleanups, runDir);
    const sql = createSql(databaseUrl, { applicationName: 'hoep-bench-web' });
    cleanups.push(() => sql.end({ timeout: 5 }));
    await migrate(sql);
    await loadReferenceData(sql);

    const taskQueue = `bench-web-${randomBytes(4).toString('hex')}`;
    await buildWorker();
    const worker = spawnWorkerProcess({
      temporalAddress,
      databaseUrl,
      taskQueue,
      workflowBundlePath: builtWorker.workflowBundle,
    });
    cleanups.push(() => worker.stop());
    await worker.next('ready');

    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection });

    log(`building an adopted cycle of ${options.measures} measures through its workflow`);
    const year = await unusedYear(temporal, PID);
    const plan = Array.from({ length: options.measures }, (_, i) => ({
      title: `Tiltak ${i + 1}: næringsutvikling i regionen`,
      amount: '100000.00',
      strategies: [['1.1', '2.1', '3.3', '4.2.1', '5.4'][i % 5]!],
      responsible: `Ansvarlig ${i % 7}`,
    }));
    const cycle = await proposed(temporal, taskQueue, year, plan, '40000000.00', '10000000.00');
    await iprAdopts(cycle, await underVote(cycle, false));
    await councilsAdopt(cycle);
    await recordedPhase(
      async () => (await sql<{ phase: string }[]>`select phase from cycles where id = ${cycle.cycleId}`)[0]?.phase,
      'adopted',
    );

    const secret = new TextEncoder().encode(randomBytes(32).toString('base64url'));
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, HOEP_JWT_SECRET: new TextDecoder().decode(secret) });
    // Requests are logged as in production; only warnings and errors reach the terminal.
    const apiLog = jsonLogger('info', (line) => {
      if (!line.includes('"level":"info"')) process.stderr.write(`${line}\n`);
    });
    const records = startRecordsFeed({ url: databaseUrl, log: apiLog });
    cleanups.push(() => records.close());
    await records.listening();
    const app = createApp({ sql, temporal, config, auth: localAuthenticator(secret), log: apiLog, records });
    const appServer = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    const floorServer = serve({
      fetch: new Hono().get('/noop', (c) => c.text('ok')).fetch,
      port: 0,
      hostname: '127.0.0.1',
    });
    cleanups.push(() => Promise.all([appServer, floorServer].map((s) => new Promise((resolve) => s.close(resolve)))));
    await Promise.all(
      [appServer, floorServer].map(
        (s) => new Promise((resolve) => (s.listening ? resolve(null) : s.once('listening', resolve))),
      ),
    );
    const pageUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/offentlig/${PID}/${year}`;
    const noopUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/noop`;

    const first = await fetch(pageUrl);
    if (first.status !== 200) throw new Error(`the public page answered ${first.status}`);
    const size = (await first.arrayBuffer()).byteLength;
    // The floor of the app itself: the style sheet revalidated (304, no body) passes the same
    // request log, metrics, security headers and web frame as the page, and does nothing else.
    const sheetUrl = new URL(STYLESHEET_PATH, pageUrl).href;
    const sheetEtag = (await fetch(sheetUrl)).headers.get('etag')!;
    const loads = {
      page: [pageUrl, { 'accept-encoding': 'gzip, deflate, br' }, 200],
      identity: [pageUrl, {}, 200],
      revalidated: [pageUrl, { 'if-none-match': first.headers.get('etag')! }, 304],
      frame: [sheetUrl, { 'if-none-match': sheetEtag }, 304],
      noop: [noopUrl, {}, 200],
    } as const;
    log(
      `  ${options.concurrency} concurrent clients in a thread of their own, ${options.seconds} s each in 1 s turns; the page is ${Math.round(size / 1024)} KiB of HTML`,
    );
    const rps: Record<keyof typeof loads, number> = { page: 0, identity: 0, revalidated: 0, frame: 0, noop: 0 };
    for (const [url, headers, status] of Object.values(loads))
      await throughput(url, headers, 0.5, options.concurrency, status);
    for (let turn = 0; turn < options.seconds; turn++) {
      for (const [name, [url, headers, status]] of Object.entries(loads) as [
        keyof typeof loads,
        (typeof loads)[keyof typeof loads],
      ][]) {
        rps[name] += (await throughput(url, headers, 1, options.concurrency, status)) / options.seconds;
      }
    }
    log(`  GET public page, gzip accepted:  ${Math.round(rps.page)} requests/s`);
    log(`  GET public page, identity:       ${Math.round(rps.identity)} requests/s`);
    log(`  GET public page, 304 by ETag:    ${Math.round(rps.revalidated)} requests/s`);
    log(`  the app's floor (style sheet 304): ${Math.round(rps.frame)} requests/s`);
    log(`  no-op Hono route:                ${Math.round(rps.noop)} requests/s`);
    return {
      public_page_rps: Math.round(rps.page),
      public_page_identity_rps: Math.round(rps.identity),
      public_page_304_rps: Math.round(rps.revalidated),
      public_page_noop_rps: Math.round(rps.noop),
      app_floor_304_rps: Math.round(rps.frame),
      app_floor_rps_vs_noop: round(rps.frame / rps.noop, 3),
      public_page_rps_vs_noop: round(rps.page / rps.noop, 3),
      public_page_kib: Math.round(size / 1024),
    };
  } finally {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((e: Error) => console.error(`cleanup: ${e.message}`));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      measures: { type: 'string', default: '500' },
    },
  });
  benchWeb({
    seconds: Number(values.seconds),
    concurrency: Number(values.concurrency),
    measures: Number(values.measures),
  })
    .then((result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
