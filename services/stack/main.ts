/**
 * `npm start`: the whole engine on one machine. Temporal dev server and Postgres (both local
 * unless TEMPORAL_ADDRESS / DATABASE_URL point elsewhere), migrations and reference data, and
 * beside them the worker's build (services/worker/build.ts); then the worker (plain node with the
 * flags of services/worker/launch.ts, as in production) and the API as child processes; and, unless
 * WEB_OIDC_ISSUER names a real provider, the local OpenID Provider (services/oidc-provider/) that
 * people sign in with on the web. Ctrl-C stops it all: API, worker, provider, Temporal, Postgres.
 * Over 300 lines: the start order, the ready banner and the stop order belong together; what it starts are modules of their own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config.js';
import { createSql } from '../db.js';
import { migrate } from '../../schema/migrate.js';
import { loadReferenceData } from '../../schema/reference/load.js';
import { findOrBuildTemporalCli } from './temporal-cli.js';
import { startTemporalServer, type TemporalServer } from './temporal-server.js';
import { startPostgres, type PostgresHandle } from './postgres.js';
import { describeExit, spawnManaged, type ManagedProcess } from './process.js';
import { assertPortFree, waitFor } from './net.js';
import { buildWorker } from '../worker/build.js';
import { localAccounts } from '../oidc-provider/accounts.js';
import { WORKER_NODE_ARGS, builtWorker, describeWorkerProcess, workerEnv } from '../worker/launch.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const config = loadConfigOrExit();
const logsDir = path.join(config.dataDir, 'logs');
const shownHost = ['0.0.0.0', '::'].includes(config.HOST) ? '127.0.0.1' : config.HOST;
const apiBase = `http://${shownHost}:${config.PORT}`;
const startedAt = performance.now();

const running: {
  api?: ManagedProcess;
  worker?: ManagedProcess;
  oidc?: ManagedProcess;
  temporal?: TemporalServer;
  postgres?: PostgresHandle;
} = {};
/** The local provider's issuer: the same host the web app is shown on, so its cookies and the app's stay apart by port only. */
const localIssuer = `http://127.0.0.1:${config.LOCAL_OIDC_PORT}`;
const pending = new Set<Promise<unknown>>();
const abort = new AbortController();
let shuttingDown = false;
let shutdownStartedAt = 0;
let startedUp = false;

const secs = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function step<T>(label: string, run: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
  abort.signal.throwIfAborted();
  const t = performance.now();
  const promise = run();
  pending.add(promise);
  try {
    const result = await promise;
    console.log(`✓ ${label}${describe ? `: ${describe(result)}` : ''} (${secs(t)})`);
    return result;
  } finally {
    pending.delete(promise);
  }
}

async function shutdown(code: number, reason?: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  shutdownStartedAt = performance.now();
  abort.abort();
  if (reason) console.error(`\n${reason}`);
  console.log('\nStopping the HØP engine...');
  const t = performance.now();
  // A start still under way sees the abort and stops what it spawned.
  await Promise.allSettled(pending);
  const order = [
    ['API', running.api],
    ['worker', running.worker],
    ['OpenID Provider', running.oidc],
    ['Temporal', running.temporal],
    ['Postgres', running.postgres],
  ] as const;
  for (const [name, part] of order) {
    if (!part) continue;
    const s = performance.now();
    await part.stop().catch((e: Error) => console.error(`  ${name}: ${e.message}`));
    console.log(`  stopped ${name} (${secs(s)})`);
  }
  console.log(`Stopped in ${secs(t)}.`);
  process.exit(code);
}

function watch(name: string, child: ManagedProcess): void {
  void child.exited.then((info) => {
    if (!shuttingDown)
      void shutdown(1, `The ${name} exited unexpectedly (${describeExit(info)}); stopping everything.`);
  });
}

async function checkPorts(): Promise<void> {
  await assertPortFree(config.PORT, config.HOST, 'The API', 'PORT');
  if (!config.TEMPORAL_ADDRESS) {
    await assertPortFree(config.TEMPORAL_GRPC_PORT, '127.0.0.1', 'The Temporal server', 'TEMPORAL_GRPC_PORT');
    await assertPortFree(config.TEMPORAL_UI_PORT, '127.0.0.1', 'The Temporal web UI', 'TEMPORAL_UI_PORT');
  }
  if (!config.DATABASE_URL) await assertPortFree(config.PG_PORT, '127.0.0.1', 'Embedded Postgres', 'PG_PORT');
  if (!config.WEB_OIDC_ISSUER)
    await assertPortFree(config.LOCAL_OIDC_PORT, '127.0.0.1', 'The local OpenID Provider', 'LOCAL_OIDC_PORT');
}

async function temporal(): Promise<string> {
  if (config.TEMPORAL_ADDRESS) {
    console.log(`✓ Temporal: using ${config.TEMPORAL_ADDRESS} (TEMPORAL_ADDRESS)`);
    return config.TEMPORAL_ADDRESS;
  }
  const cliPath = await step(
    'Temporal CLI',
    () => findOrBuildTemporalCli({ signal: abort.signal }),
    (p) => p,
  );
  // Registered inside the step, so a shutdown that waits for the step also sees the server.
  const server = await step(
    'Temporal dev server',
    async () => {
      running.temporal = await startTemporalServer({
        cliPath,
        dbFile: path.join(config.dataDir, 'temporal', 'temporal.db'),
        logFile: path.join(logsDir, 'temporal.log'),
        grpcPort: config.TEMPORAL_GRPC_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        signal: abort.signal,
      });
      watch('Temporal server', running.temporal.process);
      return running.temporal;
    },
    (s) => `${s.address}, log ${path.join(logsDir, 'temporal.log')}`,
  );
  return server.address;
}

async function database(): Promise<string> {
  const clusterDir = path.join(config.dataDir, 'pg');
  const fresh = !config.DATABASE_URL && !fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  const label = config.DATABASE_URL
    ? 'Postgres (DATABASE_URL)'
    : fresh
      ? 'Embedded Postgres (new cluster)'
      : 'Embedded Postgres';
  const pg = await step(
    label,
    async () => {
      const logFile = path.join(logsDir, 'postgres.log');
      running.postgres = await startPostgres({
        databaseUrl: config.DATABASE_URL,
        clusterDir,
        port: config.PG_PORT,
        database: 'hoep',
        logFile,
        signal: abort.signal,
      });
      if (running.postgres.process) watch('Postgres server', running.postgres.process);
      return running.postgres;
    },
    (p) => redact(p.url),
  );
  const sql = createSql(pg.url, { max: 2, applicationName: 'hoep-start' });
  try {
    await step(
      'Migrations',
      () => migrate(sql),
      (r) => `${r.applied.length} applied`,
    );
    await step(
      'Reference data',
      () => loadReferenceData(sql),
      (r) => `${r.partnerships} partnership(s)`,
    );
  } finally {
    await sql.end();
  }
  return pg.url;
}

/**
 * The local OpenID Provider, unless WEB_OIDC_ISSUER names a provider. It registers the app's
 * callback from WEB_BASE_URL (default http://HOST:PORT), read from the same environment as the
 * API's, so the two agree on it whatever PORT and HOST are.
 */
async function openIdProvider(): Promise<string> {
  if (config.WEB_OIDC_ISSUER) {
    console.log(`✓ OpenID Provider: using ${config.WEB_OIDC_ISSUER} (WEB_OIDC_ISSUER)`);
    return config.WEB_OIDC_ISSUER;
  }
  await step(
    'Local OpenID Provider',
    async () => {
      const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
      running.oidc = await spawnManaged('oidc', tsx, ['services/oidc-provider/main.ts'], {
        cwd: root,
        env: process.env,
        graceMs: 5_000,
      });
      watch('local OpenID Provider', running.oidc);
      const discovery = `${localIssuer}/.well-known/openid-configuration`;
      await waitFor(
        `OpenID Provider at ${discovery}`,
        async () => {
          const res = await fetch(discovery, { signal: AbortSignal.timeout(2_000) });
          if (res.status !== 200) throw new Error(`answered ${res.status}`);
        },
        { timeoutMs: 60_000, signal: abort.signal },
      );
    },
    () => `${localIssuer}, ${localAccounts.length} people, callback ${config.webBaseUrl}/logg-inn/callback`,
  );
  return localIssuer;
}

async function service(name: 'worker' | 'api', env: NodeJS.ProcessEnv): Promise<ManagedProcess> {
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const child =
    name === 'worker'
      ? await spawnManaged(name, process.execPath, [...WORKER_NODE_ARGS, builtWorker.main], {
          cwd: root,
          env: workerEnv(env),
          graceMs: 20_000,
        })
      : await spawnManaged(name, tsx, [`services/${name}/main.ts`], { cwd: root, env, graceMs: 20_000 });
  running[name] = child;
  watch(name === 'api' ? 'API' : 'worker', child);
  return child;
}

/** The worker is up once Temporal sees it polling the task queue (after it has loaded the workflow bundle). */
async function workerPolling(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    await waitFor(
      `worker polling task queue ${config.TEMPORAL_TASK_QUEUE}`,
      async () => {
        const { pollers } = await connection.workflowService.describeTaskQueue({
          namespace: config.TEMPORAL_NAMESPACE,
          taskQueue: { name: config.TEMPORAL_TASK_QUEUE },
        });
        if (!pollers?.length) throw new Error('no poller yet');
      },
      { timeoutMs: 120_000, signal: abort.signal },
    );
  } finally {
    await connection.close();
  }
}

async function readyz(): Promise<void> {
  const res = await fetch(`${apiBase}/readyz`, { signal: AbortSignal.timeout(2_000) });
  if (res.status !== 200) throw new Error(`/readyz answered ${res.status}`);
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function banner(databaseUrl: string, issuer: string): void {
  const rows: [string, string][] = [
    ['API', `${apiBase}/api/v1`],
    ['API docs', `${apiBase}/docs`],
    ['Web UI', `${config.webBaseUrl}/`],
    [
      'Sign in',
      `${config.webBaseUrl}/logg-inn${running.oidc ? ' (the local provider: pick a person, no password)' : ''}`,
    ],
    ['Provider', issuer],
    ['Temporal UI', running.temporal?.uiUrl ?? `(external Temporal at ${config.TEMPORAL_ADDRESS})`],
    ['Postgres', redact(databaseUrl)],
    ['Data folder', config.dataDir],
    ['Logs', `${logsDir} (Temporal, Postgres); worker and API print below`],
    [
      'Token',
      `${process.env.HOEP_DATA_DIR ? `HOEP_DATA_DIR=${config.dataDir} ` : ''}npm run token -- --sub admin --roles admin --partnership lillehammer-regionen`,
    ],
    ['Stop', `Ctrl-C, or kill -TERM ${process.pid}`],
  ];
  const lines = [
    `HØP engine is running (ready in ${secs(startedAt)})`,
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(12)} ${v}`),
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  console.log(
    [
      '',
      `┌${'─'.repeat(width)}┐`,
      ...lines.map((l) => `│ ${l.padEnd(width - 2)} │`),
      `└${'─'.repeat(width)}┘`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  fs.mkdirSync(logsDir, { recursive: true });
  console.log(`Starting the HØP engine (data folder ${config.dataDir})`);
  await checkPorts();
  const [temporalAddress, databaseUrl, , issuer] = await Promise.all([
    temporal(),
    database(),
    step('Worker build', buildWorker, (b) => path.relative(root, b.dir) || b.dir),
    openIdProvider(),
  ]);
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    HOEP_DATA_DIR: config.dataDir,
    WEB_OIDC_ISSUER: issuer,
  };
  await step(
    'Worker started',
    () => service('worker', env),
    (c) =>
      `pid ${c.pid}, ${describeWorkerProcess(env)}, WORKER_MAX_CACHED_WORKFLOWS=${config.WORKER_MAX_CACHED_WORKFLOWS}`,
  );
  await step(
    'API started',
    () => service('api', env),
    (c) => `pid ${c.pid}`,
  );
  await Promise.all([
    step(
      'API ready',
      () => waitFor(`API at ${apiBase}/readyz`, readyz, { timeoutMs: 120_000, signal: abort.signal }),
      () => `${apiBase}/readyz answered 200`,
    ),
    step(
      'Worker ready',
      () => workerPolling(temporalAddress),
      () => `polling task queue ${config.TEMPORAL_TASK_QUEUE}`,
    ),
  ]);
  banner(databaseUrl, issuer);
}

function onSignal(): void {
  // tsx relays the terminal's Ctrl-C once more; only a later, impatient one gets an answer.
  if (shuttingDown && performance.now() - shutdownStartedAt > 1_000)
    console.log('Already stopping; waiting for the children to exit.');
  void shutdown(0);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// A failure outside any awaited promise (an 'error' event nobody listens to, a stray rejection)
// would otherwise end the launcher at once and leave the servers it started running: stop them.
process.on(
  'uncaughtException',
  (e) => void shutdown(1, `${startedUp ? 'Unexpected error' : 'Start-up failed'}: ${e.stack ?? e.message}`),
);
process.on(
  'unhandledRejection',
  (e) => void shutdown(1, `${startedUp ? 'Unexpected error' : 'Start-up failed'}: ${(e as Error)?.stack ?? String(e)}`),
);
main().then(
  () => void (startedUp = true),
  (e: Error) => shutdown(1, `Start-up failed: ${e.message}`),
);
