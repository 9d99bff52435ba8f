/**
 * vitest globalSetup of the integration tests: for the whole run, one Temporal dev server and one
 * fresh Postgres database (migrated, reference data loaded), and the workflow bundle built once.
 * TEMPORAL_ADDRESS or DATABASE_URL, when set, are used instead of starting servers; on a given
 * Postgres server the run still gets its own database, dropped at the end. Tests reach all of
 * it through test/support/stack.ts.
 *
 * For the `browser` project it also starts the web stack (test/support/web-stack.ts: the local
 * OpenID Provider, the API with the web app, a worker), provided to tests as `hoepWeb`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { createSql } from '../../services/db.js';
import { migrate } from '../../schema/migrate.js';
import { loadReferenceData } from '../../schema/reference/load.js';
import { findOrBuildTemporalCli } from '../../services/stack/temporal-cli.js';
import { startTemporalServer } from '../../services/stack/temporal-server.js';
import { dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from '../../services/stack/postgres.js';
import { freePort } from '../../services/stack/net.js';
import { removeCluster } from '../../services/stack/postgres-placement.js';
import type { Harness } from './stack.js';
import { startWebStack } from './web-stack.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
type Cleanup = () => Promise<unknown>;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const cleanups: Cleanup[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((e: Error) => console.error(`[stack] teardown: ${e.message}`));
  };
  try {
    removeStaleRunDirs();
    // One folder per project: the integration and browser projects each start a stack of their
    // own in this one process, and two Temporal dev servers must not share a SQLite file.
    const runDir = path.join(root, '.data', `test-${process.pid}-${project.name.replace(/[^a-z0-9]/gi, '') || 'run'}`);
    fs.mkdirSync(runDir, { recursive: true });
    cleanups.push(async () => removeRunDir(runDir));
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    // allSettled, not all: a failure must not tear down before the other starts have registered their cleanups.
    const results = await Promise.allSettled([
      temporal(runDir, namespace, cleanups),
      database(runDir, project.name, cleanups),
      bundle(runDir),
    ]);
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    const [temporalAddress, databaseUrl, workflowBundlePath] = results.map(
      (r) => (r as PromiseFulfilledResult<string>).value,
    ) as [string, string, string];
    const harness: Harness = { temporalAddress, databaseUrl, namespace, workflowBundlePath };
    project.provide('hoep', harness);
    if (project.name === 'browser') {
      const web = await startWebStack(harness);
      cleanups.push(web.stop);
      project.provide('hoepWeb', web.harness);
      console.log(`[stack] web app ${web.harness.baseUrl}, local OpenID Provider ${web.harness.issuer}`);
    }
    console.log(
      `[stack] ready in ${((performance.now() - started) / 1000).toFixed(1)} s: Temporal ${temporalAddress}, database ${new URL(databaseUrl).pathname.slice(1)}`,
    );
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}

async function temporal(runDir: string, namespace: string, cleanups: Cleanup[]): Promise<string> {
  if (process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
  const server = await startTemporalServer({
    cliPath: await findOrBuildTemporalCli(),
    dbFile: path.join(runDir, 'temporal.db'),
    logFile: path.join(runDir, 'temporal.log'),
    grpcPort: await freePort(),
    namespace,
  });
  cleanups.push(server.stop);
  return server.address;
}

async function database(runDir: string, projectName: string, cleanups: Cleanup[]): Promise<string> {
  const serverUrl = process.env.DATABASE_URL ?? (await embeddedPostgres(runDir, projectName, cleanups));
  const name = `hoep_test_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  cleanups.push(() => dropDatabase(serverUrl, name));
  const url = withDatabase(serverUrl, name);
  const sql = createSql(url, { max: 2, applicationName: 'hoep-test-setup' });
  try {
    await migrate(sql);
    await loadReferenceData(sql);
    // Years for cycles the test files start (test/support/cycles.ts freshYear): one counter for the
    // whole run, so two files running side by side never start the same cycle id. The start is
    // random so that a reused Temporal server (TEMPORAL_ADDRESS) rarely holds a year already; from 2030, so that a whole run (well over a hundred years taken) stays within the records' 2200.
    await sql`create table test_years (next integer not null)`;
    await sql`insert into test_years values (${2030 + randomInt(30)})`;
  } finally {
    await sql.end();
  }
  return url;
}

async function embeddedPostgres(runDir: string, projectName: string, cleanups: Cleanup[]): Promise<string> {
  const server = await startEmbeddedPostgres({
    clusterDir: clusterFolder(runDir, projectName),
    port: await freePort(),
    logFile: path.join(runDir, 'postgres.log'),
    durable: false,
  });
  cleanups.push(server.stop);
  // The cluster is ours alone now; test databases in it were left by interrupted runs.
  const sql = createSql(server.url, { max: 1 });
  try {
    for (const { datname } of await sql<
      { datname: string }[]
    >`select datname from pg_database where starts_with(datname, 'hoep_test_')`) {
      await dropDatabase(server.url, datname);
    }
  } finally {
    await sql.end();
  }
  return server.url;
}

/**
 * .data/test-pg is initialised once and reused, which saves initdb on every run; a run that
 * finds it in use by another run's server gets a throwaway cluster of its own.
 */
function clusterFolder(runDir: string, projectName: string): string {
  // the browser project's stack starts beside the integration project's, in the same process: a cluster of its own
  const shared = path.join(root, '.data', projectName === 'browser' ? 'test-pg-browser' : 'test-pg');
  const lock = path.join(shared, 'postmaster.pid');
  const pid = fs.existsSync(lock) ? Number(fs.readFileSync(lock, 'utf8').split('\n')[0]) : NaN;
  return Number.isInteger(pid) && alive(pid) ? path.join(runDir, 'pg') : shared;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** .data/test-<pid>-<project> folders of runs that were interrupted before their teardown. */
function removeStaleRunDirs(): void {
  const dataDir = path.join(root, '.data');
  for (const name of fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []) {
    const pid = /^test-(\d+)(-[A-Za-z0-9]+)?$/.exec(name)?.[1];
    if (pid && !alive(Number(pid))) removeRunDir(path.join(dataDir, name));
  }
}

/** A run's folder, with its throwaway cluster wherever it lives (as root it may be relocated under /var/tmp). */
function removeRunDir(runDir: string): void {
  removeCluster(path.join(runDir, 'pg'));
  fs.rmSync(runDir, { recursive: true, force: true });
}

async function bundle(runDir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(root, 'workflows', 'index.ts'),
    logger: new DefaultLogger('WARN'),
  });
  const file = path.join(runDir, 'workflow-bundle.js');
  fs.writeFileSync(file, code);
  return file;
}
