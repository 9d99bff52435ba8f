/**
 * The engine as separate processes that the fault driver can kill and start again, each as
 * production runs it:
 * - Postgres: embedded (services/stack/postgres.ts) or the server DATABASE_URL names, a fresh
 *   database per run; the engine reaches it only through the suite's TCP proxy (for outages);
 * - the Temporal dev server as services/stack runs it, SQLite file kept across restarts, same port;
 * - the worker: the production worker built as the benchmark builds it (test/support/worker-process.ts);
 * - the API as `npm run api` runs it (tsx services/api/main.ts), reaching Temporal through a tap
 *   that lets the suite kill it right after it has sent an Update.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../schema/migrate.js';
import { loadReferenceData } from '../../schema/reference/load.js';
import { createSql } from '../../services/db.js';
import { freePort, waitFor } from '../../services/stack/net.js';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from '../../services/stack/postgres.js';
import { removeCluster } from '../../services/stack/postgres-placement.js';
import { spawnManaged, type ManagedProcess } from '../../services/stack/process.js';
import { findOrBuildTemporalCli } from '../../services/stack/temporal-cli.js';
import { startTemporalServer, type TemporalServer } from '../../services/stack/temporal-server.js';
import { buildWorker } from '../../services/worker/build.js';
import { builtWorker } from '../../services/worker/launch.js';
import { spawnWorkerProcess, type WorkerProcess } from '../../test/support/worker-process.js';
import { TcpProxy } from './proxy.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const HOST = '127.0.0.1';

export interface FaultStack {
  runDir: string;
  /** Straight to Postgres, for the suite's own checks (never through the proxy). */
  databaseUrl: string;
  apiBase: string;
  jwtSecret: string;
  taskQueue: string;
  /** Kill with SIGKILL, wait, start again; each resolves once the part is back. */
  killWorker(downMs: number): Promise<void>;
  /** The dev server SIGKILLed and, after downMs, started again on the same SQLite file and port. */
  killTemporal(downMs: number): Promise<void>;
  cutPostgres(ms: number): Promise<void>;
  killApi(): Promise<void>;
  /** Resolves right after the API has sent its next Update (one of `updates`, by name) to Temporal, or after fallbackMs; says which. */
  afterNextUpdate(updates: readonly string[], fallbackMs: number): Promise<string>;
  stop(): Promise<void>;
}

type Cleanup = () => Promise<unknown>;

const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone already
  }
};

export async function startFaultStack(log: (line: string) => void): Promise<FaultStack> {
  const cleanups: Cleanup[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: Error) => log(`cleanup: ${e.message}`));
  };
  try {
    const runDir = path.join(root, '.data', `faults-${process.pid}`);
    fs.mkdirSync(runDir, { recursive: true });
    cleanups.push(async () => {
      removeCluster(path.join(runDir, 'pg'));
      fs.rmSync(runDir, { recursive: true, force: true });
    });

    // Postgres and its proxy.
    const serverUrl =
      process.env.DATABASE_URL ??
      (await (async () => {
        const pg = await startEmbeddedPostgres({
          clusterDir: path.join(runDir, 'pg'),
          port: await freePort(),
          logFile: path.join(runDir, 'postgres.log'),
          durable: false,
        });
        cleanups.push(pg.stop);
        return pg.url;
      })());
    const database = `hoep_faults_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(serverUrl, database);
    cleanups.push(() => dropDatabase(serverUrl, database));
    const databaseUrl = withDatabase(serverUrl, database);
    const setup = createSql(databaseUrl, { max: 2, applicationName: 'hoep-faults-setup' });
    try {
      await migrate(setup);
      await loadReferenceData(setup);
    } finally {
      await setup.end();
    }
    const direct = new URL(databaseUrl);
    const pgProxy = new TcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    await pgProxy.listen();
    cleanups.push(() => pgProxy.close());
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = HOST;
    viaProxy.port = String(pgProxy.port);
    const engineDatabaseUrl = viaProxy.toString();

    // Temporal, on a port that stays the same across restarts.
    const cliPath = await findOrBuildTemporalCli({ log });
    const grpcPort = await freePort();
    const temporalOptions = {
      cliPath,
      dbFile: path.join(runDir, 'temporal.db'),
      logFile: path.join(runDir, 'temporal.log'),
      grpcPort,
      namespace: 'default',
    };
    let temporal: TemporalServer = await startTemporalServer(temporalOptions);
    cleanups.push(() => temporal.stop());
    const temporalAddress = temporal.address;
    const temporalTap = new TcpProxy({ host: HOST, port: grpcPort });
    await temporalTap.listen();
    cleanups.push(() => temporalTap.close());

    // The worker, built as production builds it.
    await buildWorker();
    const taskQueue = `faults-${randomBytes(4).toString('hex')}`;
    let worker: WorkerProcess;
    const startWorker = async () => {
      worker = spawnWorkerProcess({
        temporalAddress,
        databaseUrl: engineDatabaseUrl,
        taskQueue,
        workflowBundlePath: builtWorker.workflowBundle,
        logFile: path.join(runDir, 'worker.log'),
      });
      await worker.next('ready', 120_000);
    };
    await startWorker();
    cleanups.push(() => worker.stop());

    // The API, as `npm run api` runs it.
    const jwtSecret = randomBytes(32).toString('base64url');
    const apiPort = await freePort();
    const apiBase = `http://${HOST}:${apiPort}`;
    const apiEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(apiPort),
      HOST,
      DATABASE_URL: engineDatabaseUrl,
      TEMPORAL_ADDRESS: temporalTap.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      HOEP_JWT_SECRET: jwtSecret,
      HOEP_DATA_DIR: runDir,
      LOG_LEVEL: 'warn',
    };
    let api: ManagedProcess;
    const startApi = async () => {
      api = await spawnManaged('api', path.join(root, 'node_modules', '.bin', 'tsx'), ['services/api/main.ts'], {
        cwd: root,
        env: apiEnv,
        logFile: path.join(runDir, 'api.log'),
        graceMs: 5_000,
      });
      await waitFor(
        `API at ${apiBase}`,
        async () => {
          const res = await fetch(`${apiBase}/healthz`, { signal: AbortSignal.timeout(2_000) });
          if (!res.ok) throw new Error(`healthz ${res.status}`);
        },
        { timeoutMs: 60_000, giveUpWhen: api.exited.then(() => 'the API exited') },
      );
    };
    await startApi();
    cleanups.push(() => api.stop());

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    return {
      runDir,
      databaseUrl,
      apiBase,
      jwtSecret,
      taskQueue,
      stop,
      killWorker: async (downMs) => {
        await worker.kill();
        await sleep(downMs);
        await startWorker();
      },
      killTemporal: async (downMs) => {
        killGroup(temporal.process.pid);
        await temporal.process.exited;
        await sleep(downMs);
        temporal = await startTemporalServer(temporalOptions);
      },
      cutPostgres: (ms) => pgProxy.cut(ms),
      killApi: async () => {
        killGroup(api.pid);
        await api.exited;
        await startApi();
      },
      afterNextUpdate: (updates, fallbackMs) => {
        // An Update's request carries its name as a plain protobuf string; queries and reads do not.
        const names = updates.map((u) => Buffer.from(u));
        return new Promise<string>((resolve) => {
          const timer = setTimeout(() => finish('no Update seen within the wait'), fallbackMs);
          const untap = temporalTap.tap((chunk) => {
            const name = names.find((n) => chunk.includes(n));
            // The chunk was passed on before the tap saw it: the Update has left the API.
            if (name) finish(`right after an Update (${name.toString()}) left the API`);
          });
          function finish(how: string) {
            clearTimeout(timer);
            untap();
            resolve(how);
          }
        });
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
