/**
 * `npm run prod-shape`: the shape docker-compose.yml describes, without Docker, on this machine:
 * - Postgres (embedded, or the server PROD_SHAPE_DATABASE_URL names: a superuser URL, the run
 *   creates its databases there) holding Temporal's two databases and the engine's;
 * - the full Temporal server v${TEMPORAL_SERVER_VERSION} (services/stack/temporal-full-server.ts),
 *   its schema set up by temporal-sql-tool as compose's temporal-schema service does, and the
 *   `default` namespace created as its temporal-namespace service does;
 * - two worker processes and two API replicas on different ports against one engine database.
 * Then: one cycle through both replicas in turn, undisturbed (the reference); a read on either
 * replica right after a write through the other; and the same cycle again with one worker and
 * one replica SIGKILLed mid-cycle, the others carrying on. Exits 0 only when the disturbed cycle
 * ends as the undisturbed one does (allocations to the øre, the same rows, each success once).
 *
 * The settings both this script and docker-compose.yml use are in PROD_SHAPE below.
 * Over 300 lines: the Temporal configuration, the processes and the comparison of the two cycles are one script's steps.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { migrate } from '../schema/migrate.js';
import { loadReferenceData } from '../schema/reference/load.js';
import { signLocalToken } from '../services/api/auth.js';
import { createSql } from '../services/db.js';
import { assertPortFree, freePort, waitFor } from '../services/stack/net.js';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '../services/stack/postgres.js';
import { removeCluster } from '../services/stack/postgres-placement.js';
import { spawnManaged, tail, type ManagedProcess } from '../services/stack/process.js';
import { findOrBuildTemporalCli } from '../services/stack/temporal-cli.js';
import { findOrBuildTemporalServer, TEMPORAL_SERVER_VERSION } from '../services/stack/temporal-full-server.js';
import { buildWorker } from '../services/worker/build.js';
import { WORKER_NODE_ARGS, builtWorker, workerEnv } from '../services/worker/launch.js';
import { checkCycle, cycleTables, rowCounts } from './faults/check.js';
import { PID, runCycle } from './faults/cycle.js';
import { ApiClient, emptyTally } from './faults/http.js';

/** What docker-compose.yml sets too (its comments point here). */
export const PROD_SHAPE = {
  temporalVersion: TEMPORAL_SERVER_VERSION,
  sqlPlugin: 'postgres12',
  temporalDatabase: 'temporal',
  visibilityDatabase: 'temporal_visibility',
  numHistoryShards: 4,
  namespace: 'default',
  namespaceRetention: '30d',
  taskQueue: 'hoep',
  engineDatabase: 'hoep',
} as const;

const root = fileURLToPath(new URL('../', import.meta.url));
const HOST = '127.0.0.1';
const run = promisify(execFile);
const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

type Cleanup = () => Promise<unknown>;
const cleanups: Cleanup[] = [];

const killGroup = (p: ManagedProcess) => {
  try {
    process.kill(-p.pid, 'SIGKILL');
  } catch {
    // gone already
  }
};

function temporalConfig(o: {
  pg: URL;
  ports: Record<'frontend' | 'frontendHttp' | 'history' | 'matching' | 'worker', number>;
  membership: Record<'frontend' | 'history' | 'matching' | 'worker', number>;
  dynamicConfig: string;
}): string {
  const store = (db: string, maxConns: number) => `
      sql:
        pluginName: "${PROD_SHAPE.sqlPlugin}"
        databaseName: "${db}"
        connectAddr: "${o.pg.hostname}:${o.pg.port}"
        connectProtocol: "tcp"
        user: "${decodeURIComponent(o.pg.username)}"
        password: "${decodeURIComponent(o.pg.password)}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (name: 'frontend' | 'history' | 'matching' | 'worker') => `
  ${name}:
    rpc:
      grpcPort: ${o.ports[name]}
      membershipPort: ${o.membership[name]}
      bindOnLocalHost: true${name === 'frontend' ? `\n      httpPort: ${o.ports.frontendHttp}` : ''}`;
  return `# Written by scripts/prod-shape.ts (the settings of PROD_SHAPE there and of docker-compose.yml).
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${PROD_SHAPE.numHistoryShards}
  datastores:
    default:${store(PROD_SHAPE.temporalDatabase, 20)}
    visibility:${store(PROD_SHAPE.visibilityDatabase, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "${HOST}"
services:${service('frontend')}${service('history')}${service('matching')}${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "${HOST}:${o.ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${o.dynamicConfig}"
  pollInterval: "10s"
`;
}

async function main(): Promise<boolean> {
  const runDir = path.join(root, '.data', `prod-shape-${process.pid}`);
  fs.mkdirSync(path.join(runDir, 'config'), { recursive: true });
  cleanups.push(async () => {
    removeCluster(path.join(runDir, 'pg'));
    fs.rmSync(runDir, { recursive: true, force: true });
  });
  say(
    `production shape: Temporal server v${PROD_SHAPE.temporalVersion} on Postgres, 2 workers, 2 API replicas (logs in ${path.relative(root, runDir)}/)`,
  );

  const [tools, cliPath] = await Promise.all([
    findOrBuildTemporalServer({ log: say }),
    findOrBuildTemporalCli({ log: say }),
    buildWorker(),
  ]);
  say(`Temporal server ${tools.server}, SQL tool ${tools.sqlTool}`);

  // Postgres: one server for Temporal's databases and the engine's, as in compose.
  const serverUrl =
    process.env.PROD_SHAPE_DATABASE_URL ??
    (await (async () => {
      const pg = await startEmbeddedPostgres({
        clusterDir: path.join(runDir, 'pg'),
        port: await freePort(),
        logFile: path.join(runDir, 'postgres.log'),
      });
      cleanups.push(pg.stop);
      return pg.url;
    })());
  const pg = new URL(serverUrl);
  say(`Postgres at ${pg.host}`);

  // Temporal's schema, as compose's temporal-schema service sets it up.
  const sqlTool = async (db: string, ...args: string[]) => {
    await run(
      tools.sqlTool,
      [
        '--plugin',
        PROD_SHAPE.sqlPlugin,
        '--ep',
        pg.hostname,
        '-p',
        pg.port,
        '-u',
        decodeURIComponent(pg.username),
        '--db',
        db,
        ...args,
      ],
      {
        env: { ...process.env, SQL_PASSWORD: decodeURIComponent(pg.password) },
      },
    );
  };
  for (const [db, folder] of [
    [PROD_SHAPE.temporalDatabase, 'temporal'],
    [PROD_SHAPE.visibilityDatabase, 'visibility'],
  ] as const) {
    await sqlTool(db, 'create');
    await sqlTool(db, 'setup-schema', '-v', '0.0');
    await sqlTool(db, 'update-schema', '-d', path.join(tools.postgresSchemaDir, folder, 'versioned'));
  }
  say(
    `temporal-sql-tool: databases ${PROD_SHAPE.temporalDatabase} and ${PROD_SHAPE.visibilityDatabase} created and their schema brought up to date`,
  );

  // The engine's database.
  await ensureDatabase(serverUrl, PROD_SHAPE.engineDatabase);
  const databaseUrl = withDatabase(serverUrl, PROD_SHAPE.engineDatabase);
  const setup = createSql(databaseUrl, { max: 2, applicationName: 'hoep-prod-shape' });
  cleanups.push(() => setup.end({ timeout: 5 }));
  await migrate(setup);
  await loadReferenceData(setup);
  say(`engine database ${PROD_SHAPE.engineDatabase} migrated, reference partnerships loaded`);

  // The Temporal server.
  const ports = {
    frontend: await freePort(),
    frontendHttp: await freePort(),
    history: await freePort(),
    matching: await freePort(),
    worker: await freePort(),
  };
  const membership = {
    frontend: await membershipPort(),
    history: await membershipPort(),
    matching: await membershipPort(),
    worker: await membershipPort(),
  };
  const dynamicConfig = path.join(runDir, 'config', 'dynamicconfig.yaml');
  fs.copyFileSync(path.join(root, 'services', 'stack', 'temporal-dynamicconfig.yaml'), dynamicConfig);
  fs.writeFileSync(
    path.join(runDir, 'config', 'production.yaml'),
    temporalConfig({ pg, ports, membership, dynamicConfig }),
  );
  const temporal = await spawnManaged(
    'temporal',
    tools.server,
    ['--root', runDir, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'],
    {
      cwd: runDir,
      logFile: path.join(runDir, 'temporal.log'),
      graceMs: 15_000,
    },
  );
  cleanups.push(() => temporal.stop());
  const temporalAddress = `${HOST}:${ports.frontend}`;
  await waitFor(
    'Temporal frontend',
    () => run(cliPath, ['operator', 'cluster', 'health', '--address', temporalAddress]),
    {
      timeoutMs: 120_000,
      intervalMs: 1000,
      giveUpWhen: temporal.exited.then(
        () => `the server exited; last lines of its log:\n${tail(path.join(runDir, 'temporal.log'))}`,
      ),
    },
  );
  say(`Temporal server up at ${temporalAddress}`);
  // As compose's temporal-namespace service: describe, else create.
  await run(cliPath, [
    'operator',
    'namespace',
    'describe',
    '--address',
    temporalAddress,
    '-n',
    PROD_SHAPE.namespace,
  ]).catch(() =>
    run(cliPath, [
      'operator',
      'namespace',
      'create',
      '--address',
      temporalAddress,
      '-n',
      PROD_SHAPE.namespace,
      '--retention',
      PROD_SHAPE.namespaceRetention,
    ]),
  );
  const connection = await Connection.connect({ address: temporalAddress });
  cleanups.push(() => connection.close());
  // A new namespace reaches every service of the full server with its namespace cache refresh (up to ~10 s).
  await waitFor(
    'namespace default',
    () => connection.workflowService.describeNamespace({ namespace: PROD_SHAPE.namespace }),
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
  say(`namespace ${PROD_SHAPE.namespace} created (retention ${PROD_SHAPE.namespaceRetention})`);

  // Two workers, two API replicas: the engine's processes as production runs them.
  const jwtSecret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: PROD_SHAPE.namespace,
    TEMPORAL_TASK_QUEUE: PROD_SHAPE.taskQueue,
    HOEP_JWT_SECRET: jwtSecret,
    HOEP_DATA_DIR: runDir,
    LOG_LEVEL: 'warn',
  };
  const workers: ManagedProcess[] = [];
  for (const n of [1, 2]) {
    const w = await spawnManaged(`worker-${n}`, process.execPath, [...WORKER_NODE_ARGS, builtWorker.main], {
      cwd: root,
      env: workerEnv(env),
      logFile: path.join(runDir, `worker-${n}.log`),
      graceMs: 15_000,
    });
    workers.push(w);
    cleanups.push(() => w.stop());
  }
  await waitFor(
    'two workers polling',
    async () => {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: PROD_SHAPE.namespace,
        taskQueue: { name: PROD_SHAPE.taskQueue },
      });
      if ((pollers?.length ?? 0) < 2) throw new Error(`${pollers?.length ?? 0} poller(s)`);
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  say(`workers pid ${workers.map((w) => w.pid).join(' and ')} polling task queue ${PROD_SHAPE.taskQueue}`);
  const replicas: { base: string; process: ManagedProcess }[] = [];
  for (const n of [1, 2]) {
    const port = await freePort();
    const p = await spawnManaged(`api-${n}`, path.join(root, 'node_modules', '.bin', 'tsx'), ['services/api/main.ts'], {
      cwd: root,
      env: { ...env, PORT: String(port), HOST },
      logFile: path.join(runDir, `api-${n}.log`),
      graceMs: 10_000,
    });
    cleanups.push(() => p.stop());
    replicas.push({ base: `http://${HOST}:${port}`, process: p });
  }
  for (const r of replicas) {
    await waitFor(
      `API ${r.base}/readyz`,
      async () => {
        const res = await fetch(`${r.base}/readyz`, { signal: AbortSignal.timeout(3_000) });
        if (res.status !== 200) throw new Error(`readyz ${res.status}`);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  }
  say(`API replicas at ${replicas.map((r) => r.base).join(' and ')}, both ready`);

  const secret = new TextEncoder().encode(jwtSecret);
  const clientOptions = { attemptTimeoutMs: 30_000, giveUpMs: 180_000 };
  const bases = replicas.map((r) => r.base);

  // 1. The undisturbed cycle, through both replicas in turn.
  const reference = await runCycle({
    client: new ApiClient(bases, emptyTally(), clientOptions),
    secret,
    year: 2100,
    variant: 0,
    phaseTimeoutMs: 180_000,
    sql: setup,
  });
  if (reference.failure || reference.divergences.length)
    throw new Error(`the undisturbed cycle failed: ${reference.failure ?? reference.divergences.join('; ')}`);
  say(
    `undisturbed cycle ${reference.cycleId} adopted in ${((reference.endedAt - reference.startedAt) / 1000).toFixed(1)} s, through both replicas in turn`,
  );

  // 2. A write through one replica is read on the other straight away.
  const readsSeen = await crossReplicaReads(bases, secret);
  say(
    `read-your-writes across replicas: ${readsSeen.seen} of ${readsSeen.tries} reads right after a write through the other replica saw it`,
  );

  // 3. The same cycle, with worker 1 and replica 1 SIGKILLed while its measures come in.
  const killAt = 12;
  let killed = '';
  const client: ApiClient = new ApiClient(bases, emptyTally(), {
    ...clientOptions,
    beforeRequest: async (n) => {
      if (n !== killAt) return;
      killGroup(workers[0]!);
      killGroup(replicas[0]!.process);
      client.drop(replicas[0]!.base);
      killed = `worker pid ${workers[0]!.pid} and replica ${replicas[0]!.base} SIGKILLed before request ${n}`;
      say(`  ${killed}; worker pid ${workers[1]!.pid} and replica ${replicas[1]!.base} carry on`);
    },
  });
  const disturbed = await runCycle({ client, secret, year: 2101, variant: 0, phaseTimeoutMs: 180_000, sql: setup });
  say(
    `disturbed cycle ${disturbed.cycleId}: ${disturbed.failure ? `FAILED: ${disturbed.failure}` : 'adopted'} in ${((disturbed.endedAt - disturbed.startedAt) / 1000).toFixed(1)} s (${client.tally.requests} requests, ${client.tally.retries} sent again)`,
  );

  const tables = await cycleTables(setup);
  const verdict = await checkCycle(
    setup,
    tables,
    disturbed,
    reference,
    await rowCounts(setup, tables, reference.cycleId),
  );
  for (const f of verdict.findings) say(`  finding: ${f}`);
  const ok =
    killed !== '' &&
    verdict.lost === 0 &&
    verdict.duplicated === 0 &&
    readsSeen.seen === readsSeen.tries &&
    client.tally.http5xx === 0 &&
    client.tally.hung === 0;
  say(
    ok
      ? 'PASS: the disturbed cycle ended as the undisturbed one did'
      : `FAIL: lost ${verdict.lost}, duplicated ${verdict.duplicated}, 5xx ${client.tally.http5xx}, hung ${client.tally.hung}, cross-replica reads ${readsSeen.seen}/${readsSeen.tries}`,
  );
  return ok;
}

/** Temporal keeps the membership port in a smallint column: a free port below 32768 (the OS hands out higher ones). */
async function membershipPort(): Promise<number> {
  for (;;) {
    const port = randomInt(20_000, 32_000);
    try {
      await assertPortFree(port, HOST, 'membership', 'port');
      return port;
    } catch {
      // taken: another
    }
  }
}

/** Measures submitted through one replica and listed at once through the other, both ways, on a cycle of its own. */
async function crossReplicaReads(bases: string[], secret: Uint8Array): Promise<{ tries: number; seen: number }> {
  const admin = await signLocalToken(
    secret,
    { sub: 'shape-admin', name: 'shape-admin', roles: ['admin'], partnership: PID },
    '1h',
  );
  const year = 2102;
  const cycleId = `${PID}-${year}`;
  const years = [0, 1, 2, 3].map((i) => String(year + i));
  const byYear = (a: string) => Object.fromEntries(years.map((y) => [y, a]));
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const post = (base: string, p: string, body: unknown) =>
    fetch(`${base}/api/v1${p}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  const get = async (base: string, p: string) =>
    (await fetch(`${base}/api/v1${p}`, { headers, signal: AbortSignal.timeout(30_000) })).json() as Promise<unknown>;
  const started = await post(bases[0]!, `/partnerships/${PID}/cycles`, {
    year,
    frames: {
      county: byYear('1000000.00'),
      3405: byYear('100000.00'),
      3440: byYear('100000.00'),
      3441: byYear('100000.00'),
    },
    deadlines: { proposals: '2099-01-01T00:00:00Z', ipr: '2099-02-01T00:00:00Z', adoption: '2099-03-01T00:00:00Z' },
  });
  if (started.status !== 201) throw new Error(`starting ${cycleId}: ${started.status} ${await started.text()}`);
  let tries = 1;
  let seen = ((await get(bases[1]!, `/partnerships/${PID}/cycles`)) as { id: string }[]).some((c) => c.id === cycleId)
    ? 1
    : 0;
  for (let i = 0; i < 6; i++) {
    const [writer, reader] = i % 2 === 0 ? [bases[0]!, bases[1]!] : [bases[1]!, bases[0]!];
    const res = await post(writer, `/cycles/${cycleId}/measures`, {
      title: `Lest ${i}`,
      description: 'd',
      strategies: ['2.1'],
      responsible: 'LRV',
      amounts: { [years[0]!]: '1000.00' },
      cofunding: [],
    });
    if (res.status !== 201) throw new Error(`measure through ${writer}: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    tries += 1;
    if (((await get(reader, `/cycles/${cycleId}/measures`)) as { id: string }[]).some((m) => m.id === id)) seen += 1;
  }
  return { tries, seen };
}

main()
  .then(async (ok) => {
    for (const c of cleanups.reverse()) await c().catch((e: Error) => console.error(`cleanup: ${e.message}`));
    process.exit(ok ? 0 : 1);
  })
  .catch(async (e: Error) => {
    console.error(e);
    for (const c of cleanups.reverse()) await c().catch((err: Error) => console.error(`cleanup: ${err.message}`));
    process.exit(1);
  });
